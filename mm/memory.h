/* The user half's page tables (mm/memory.c): demand-zero faults, mapping
 * pages a process owns, remap_pfn_range for frames it does not, and
 * tearing it all down. Linux's names (mm/memory.c).
 *
 * Every table entry on the way to a user page has _PAGE_USER set: the CPU
 * allows a ring-3 access only if U/S is 1 at every level (SDM Vol. 3A
 * 4.6.1), and the kernel half's entries never have it. Table pages below
 * the PGD are counted in mm->nr_pgtables, which mm_walk_pgtables checks. */
#ifndef MM_MEMORY_H
#define MM_MEMORY_H

#include "mm/mm_types.h"

struct page;

/* PTE bits for a VMA's flags (Linux's vm_get_page_prot): present, user,
 * RW if VM_WRITE, NX unless VM_EXEC; never global (each process has its
 * own user half, flushed by a CR3 write). */
pgprot_t vm_get_page_prot(unsigned long vm_flags);
#define _PAGE_TABLE (_KERNPG_TABLE | _PAGE_USER)

/* Linux's vm_fault_t results. */
#define VM_FAULT_OOM    0x1
#define VM_FAULT_SIGBUS 0x2

/* Pages the demand-zero fault path has zeroed since boot and the TSC
 * cycles spent zeroing them (`bench fault` prints both; make bench takes
 * the difference around a run of user/bench). One CPU, and only
 * handle_mm_fault writes them: no lock. */
struct fault_zero_stat {
	uint64_t pages;
	uint64_t cycles;
};
extern struct fault_zero_stat fault_zero_stat;

/* Serves a fault at addr inside vma whose rights the caller checked: a
 * zeroed page, mapped. 0 or VM_FAULT_*. */
int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr);
/* Maps an owned page (refcount taken over) at addr in vma: 0, -ENOMEM
 * (no table page) or -EBUSY (already mapped). */
int install_page(struct vm_area_struct *vma, unsigned long addr, struct page *page);
/* Maps size bytes of frames from pfn at addr, inside vma, with prot;
 * marks the VMA VM_IO|VM_PFNMAP. The frames are not the process's: no
 * rss, never freed by unmapping. 0, -EINVAL (one line: range outside the
 * VMA or unaligned) or -ENOMEM (nothing left mapped). */
int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		    unsigned long size, pgprot_t prot);
/* Linux's io_remap_pfn_range: remap_pfn_range for device frames. On x86
 * a CPU physical address is the bus address, so there is nothing to
 * translate and it is the same call; the name says "device memory". */
static inline int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
				     unsigned long pfn, unsigned long size, pgprot_t prot)
{
	return remap_pfn_range(vma, addr, pfn, size, prot);
}
/* Linux's vm_iomap_memory: maps the part of [start, start + len) that the
 * VMA asks for (vm_pgoff pages in, vm_end - vm_start bytes long) with the
 * VMA's vm_page_prot. start must be page-aligned; len is rounded up to a
 * page. -EINVAL with one line naming the VMA's file when the request runs
 * past len, or for an unaligned start; else io_remap_pfn_range's result. */
int vm_iomap_memory(struct vm_area_struct *vma, uint64_t start, unsigned long len);
/* Clears the PTEs of [start, end) in vma, freeing owned pages, and
 * flushes them if this mm is loaded. Tables stay. */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* Frees every user-half table page at every level and clears slots
 * 0-255 of the PGD; the VMAs must be zapped already. */
void free_pgtables(struct mm_struct *mm);
/* Table pages below mm's PGD, counted by walking (for the check against
 * mm->nr_pgtables); *leaves gets the present 4 KiB entries. */
unsigned long mm_walk_pgtables(struct mm_struct *mm, unsigned long *leaves);
/* fork: gives dst_vma (a copy of src_vma in the child's mm) the same
 * pages. A private writable VMA's pages are shared read-only by both mms
 * (each PTE takes a page reference) and copied on the first write
 * (do_wp_page); read-only pages are shared as they are; VM_PFNMAP frames
 * are not the mm's and are shared without a reference. The parent's TLB
 * is flushed. 0 or -ENOMEM (the child's mm holds what was copied). */
int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma);
/* A write fault on a present read-only PTE in a writable VMA: copy the
 * page, or make it writable if this is its last reference (Linux's
 * do_wp_page). 0 or VM_FAULT_*. */
int do_wp_page(struct vm_area_struct *vma, unsigned long addr);
/* The PTE mapping addr in mm, or NULL. */
pte_t *user_pte_lookup(struct mm_struct *mm, unsigned long addr);

#endif
