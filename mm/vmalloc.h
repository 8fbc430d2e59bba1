/* vmalloc: virtually contiguous kernel memory in [VMALLOC_START,
 * VMALLOC_END), built from single pages of the buddy allocator that need
 * not be physically contiguous (mm/vmalloc.c). ioremap (mm/ioremap.h) and
 * kernel stacks (kernel/fork.c) take their addresses from the same range.
 *
 * Every area is followed by an unmapped guard page (unless VM_NO_GUARD),
 * so running off its end faults instead of corrupting the next area.
 * vm->size counts the guard page, as Linux's does (vmallocinfo shows it). */
#ifndef MM_VMALLOC_H
#define MM_VMALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/memlayout.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"

/* vm_struct flags, Linux's values */
#define VM_IOREMAP   0x00000001UL       /* ioremap() and friends */
#define VM_ALLOC     0x00000002UL       /* vmalloc() */
#define VM_MAP       0x00000004UL       /* vmap()ed pages */
#define VM_NO_GUARD  0x00000040UL       /* no guard page after the area */
/* Carta's: the first page of the area is left unmapped as well, a guard
 * below (kernel stacks grow down into it). */
#define VM_GUARD_BELOW 0x00010000UL

struct vm_struct {
	void *addr;                     /* first byte of the area */
	unsigned long size;             /* bytes, the guard page included */
	unsigned long flags;
	struct page **pages;            /* VM_ALLOC/VM_MAP: the pages, in order */
	unsigned int nr_pages;
	uint64_t phys_addr;             /* VM_IOREMAP: first physical byte */
	const void *caller;             /* who asked, for vmallocinfo */
};

static inline bool is_vmalloc_addr(const void *x)
{
	unsigned long a = (unsigned long)x;

	return a >= VMALLOC_START && a <= VMALLOC_END;
}

/* The size the area maps: vm->size less the guard page. */
static inline unsigned long get_vm_area_size(const struct vm_struct *vm)
{
	return vm->size - (vm->flags & VM_NO_GUARD ? 0 : PAGE_SIZE);
}

/* Preallocates the PUD pages of the vmalloc range and sets up the area
 * allocator; after kmem_cache_init. */
void vmalloc_init(void);

/* A free range of `size` bytes (rounded up to pages) at an `align`ed
 * address (a power of two, at least PAGE_SIZE), not mapped yet; NULL if
 * none (one line) or no memory for the structs. */
struct vm_struct *__get_vm_area_caller(unsigned long size, unsigned long align,
				       unsigned long flags, const void *caller);
/* The live area containing addr, or NULL. */
struct vm_struct *find_vm_area(const void *addr);
/* Unmaps the area starting exactly at addr, frees its range and returns
 * its vm_struct (the caller frees the pages and the struct); NULL if no
 * area starts at addr. */
struct vm_struct *remove_vm_area(const void *addr);

/* Maps pages[0..n) at addr with prot, one 4 KiB leaf each. 0 or -ENOMEM
 * (nothing stays mapped). */
int vmap_pages_range(unsigned long addr, struct page **pages, unsigned int n, pgprot_t prot);

void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
/* size bytes aligned to align, with prot, from caller: the one allocator
 * under vmalloc and the kernel stacks. vm_flags: 0 or VM_GUARD_BELOW.
 * The array of page pointers is one kmalloc (at most 4 MiB, physically
 * contiguous), so one vmalloc is at most 2 GiB. */
void *__vmalloc_node_range(unsigned long size, unsigned long align, pgprot_t prot,
			   unsigned long vm_flags, const void *caller);
/* NULL: nothing. Not the start of a live vmalloc area (including a
 * second vfree): one line, nothing changed. */
void vfree(const void *addr);

/* Maps count existing pages contiguously; vunmap takes the mapping away,
 * leaving the pages to their owner. */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
void vunmap(const void *addr);

/* The page mapped at a vmalloc address; NULL if none. */
struct page *vmalloc_to_page(const void *addr);

/* The number of live areas. */
unsigned long vmap_nr_areas(void);
/* Linux's /proc/vmallocinfo, one line per live area. */
void vmallocinfo_print(int (*out)(const char *fmt, ...));

/* Times vmalloc+vfree round trips against 10, 1,000 and 10,000 live areas
 * and prints the table (`bench vmalloc`, mm/vmalloc_bench.c); 0, or
 * -ENOMEM if the live areas could not be made. */
int bench_vmalloc(void);

#endif
