/* An address space (struct mm_struct) and its regions (struct
 * vm_area_struct), Linux's names and flag values (include/linux/mm.h).
 *
 * A VMA is a page-aligned range [vm_start, vm_end) of the user half with
 * one set of rights and one backing: zero-filled anonymous memory (faulted
 * in on first touch), a program's file contents (copied in at spawn), or a
 * device's frames (remap_pfn_range: VM_IO|VM_PFNMAP, frames not owned).
 * An mm's VMAs are kept on a list sorted by address, never overlapping
 * (mm/vma.c); Linux keeps them in a maple tree, which is faster to search
 * and the same set. */
#ifndef MM_MM_TYPES_H
#define MM_MM_TYPES_H

#include "mm/asid.h"
#include "mm/pgtable.h"

#define VM_NONE       0x00000000UL
#define VM_READ       0x00000001UL
#define VM_WRITE      0x00000002UL
#define VM_EXEC       0x00000004UL
#define VM_SHARED     0x00000008UL
#define VM_GROWSDOWN  0x00000100UL   /* the stack */
#define VM_PFNMAP     0x00000400UL   /* PTEs point at frames the mm does not own */
#define VM_IO         0x00004000UL   /* device memory: never copied, never swapped */
#define VM_DONTCOPY   0x00020000UL   /* fork leaves it out of the child ([vvar]: its own) */
#define VM_ACCOUNT    0x00100000UL   /* charged to the commit (mm/mmap.c) */

struct file;
struct mm_struct;

struct vm_area_struct {
	unsigned long vm_start;         /* first byte */
	unsigned long vm_end;           /* first byte after */
	unsigned long vm_flags;
	unsigned long vm_pgoff;         /* offset into the backing object, in pages */
	pgprot_t vm_page_prot;          /* what its PTEs get */
	struct mm_struct *vm_mm;
	struct vm_area_struct *vm_next, *vm_prev;       /* sorted by address */
	struct file *vm_file;           /* the device file, or NULL */
	const char *vm_name;            /* "[heap]", "[stack]", "/hello", "/dev/kbuf" */
};

struct mm_struct {
	pgd_t *pgd;
	struct vm_area_struct *mmap;    /* lowest VMA first */
	int map_count;
	unsigned long mmap_base;        /* get_unmapped_area searches down from here */
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long nr_pgtables;      /* user-half table pages below the PGD */
	unsigned long rss;              /* pages this mm owns, mapped */
	unsigned long committed;        /* pages charged by its VM_ACCOUNT VMAs */
	struct mm_context context;      /* its TLB identity under PCID (mm/asid.h) */
};

#endif
