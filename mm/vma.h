/* The VMA set of an mm (mm/vma.c): sorted, non-overlapping, page-aligned
 * ranges of the user half. Pure list operations: no page tables are
 * touched here (mm/mmap.c and mm/memory.c do that), so the host tests run
 * this file as is against a reference model. */
#ifndef MM_VMA_H
#define MM_VMA_H

#include "mm/mm_types.h"

/* Lowest and highest user addresses a VMA may cover. Below mmap_min_addr
 * nothing is ever mapped, so a NULL dereference always faults (Linux's
 * vm.mmap_min_addr default, 64 KiB). */
#define mmap_min_addr   0x10000UL
#define TASK_SIZE       TASK_SIZE_MAX

/* The allocator the set uses for struct vm_area_struct: the kernel's is a
 * kmem_cache (mm/mmap.c), the host test's malloc. NULL when out of memory. */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
void vm_area_free(struct vm_area_struct *vma);
/* A copy of vma (same range, flags, backing), unlinked; NULL without memory. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *vma);

/* The first VMA with addr < vm_end (it may start above addr), or NULL. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* The first VMA overlapping [start, end), or NULL (always for start >= end). */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
/* Links vma (vm_start/vm_end set) into mm's list: 0; -EINVAL if the range
 * is empty, unaligned or outside [mmap_min_addr, TASK_SIZE); -EEXIST if it
 * overlaps a VMA. Sets vma->vm_mm; map_count counts it. */
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma);
/* Takes vma (on mm's list) off it, not freed: map_count drops, its
 * vm_next/vm_prev become NULL. */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
/* Splits vma at addr (page-aligned, vm_start < addr < vm_end) into two
 * VMAs linked in its place; the part above addr gets vm_pgoff advanced by
 * (addr - vm_start) >> PAGE_SHIFT. new_below: the new VMA (a vm_area_dup
 * of vma) is the lower part, vma keeps the upper; else the reverse. 0,
 * -EINVAL or -ENOMEM (nothing changed). */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
	      int new_below);
/* A free range of len bytes (page-aligned, > 0) for mmap: the highest one
 * ending at or below mm->mmap_base and starting at or above mmap_min_addr.
 * It may touch a VMA on either side (no guard gap). The address, or
 * (unsigned long)-ENOMEM if len is 0, unaligned or nothing fits; an error
 * is told apart by its low bits (addr & ~PAGE_MASK), as on Linux. */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len);
/* Removes [start, end) (page-aligned) from the set: VMAs that straddle an
 * end are split first; then each VMA (or part) inside, in address order,
 * is passed to unmap(vma) (to clear its PTEs; NULL for none) while still
 * linked, and then unlinked and freed. unmap must not change the list.
 * Holes are fine. A VMA that keeps its start keeps its struct; only when
 * one VMA is cut in the middle is its upper part a new struct. 0, or
 * -EINVAL (empty, unaligned, end > TASK_SIZE) / -ENOMEM (no memory for a
 * split, both are allocated first) with nothing changed. */
int vma_remove_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		     void (*unmap)(struct vm_area_struct *vma));

#endif
