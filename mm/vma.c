/* The VMA set of an mm (mm/vma.h): a list sorted by address, walked from
 * mm->mmap. Only list surgery here, no page tables, no printk, and memory
 * only through vm_area_alloc/vm_area_dup/vm_area_free, so the host test
 * (tests/unit/test_vma_random.c) runs this file as it is against a page-by-page
 * model. Every search is a walk of the list: O(VMAs), fine for the tens of
 * VMAs a Carta process has (Linux's maple tree makes it O(log n)). */
#include <stddef.h>
#include "mm/vma.h"
#include "kernel/errno.h"

static bool page_aligned(unsigned long addr)
{
	return (addr & ~PAGE_MASK) == 0;
}

/* Puts vma into mm's list right after prev (at the head if prev is NULL).
 * The caller has checked that this keeps the list sorted. */
static void link_after(struct mm_struct *mm, struct vm_area_struct *prev,
		       struct vm_area_struct *vma)
{
	struct vm_area_struct *next = prev ? prev->vm_next : mm->mmap;

	vma->vm_prev = prev;
	vma->vm_next = next;
	if (prev)
		prev->vm_next = vma;
	else
		mm->mmap = vma;
	if (next)
		next->vm_prev = vma;
	vma->vm_mm = mm;
	mm->map_count++;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	for (vma = mm->mmap; vma; vma = vma->vm_next)
		if (addr < vma->vm_end)
			return vma;
	return NULL;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *vma;

	if (start >= end)
		return NULL;            /* an empty range overlaps nothing */
	vma = find_vma(mm, start);
	return vma && vma->vm_start < end ? vma : NULL;
}

int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start, end = vma->vm_end;
	struct vm_area_struct *next;

	/* start < end also refuses an end that wrapped past 2^64 */
	if (start >= end || !page_aligned(start) || !page_aligned(end) ||
	    start < mmap_min_addr || end > TASK_SIZE)
		return -EINVAL;
	next = find_vma(mm, start);     /* the first VMA that could overlap */
	if (next && next->vm_start < end)
		return -EEXIST;
	if (next) {
		link_after(mm, next->vm_prev, vma);
	} else {
		struct vm_area_struct *last = mm->mmap;

		while (last && last->vm_next)
			last = last->vm_next;
		link_after(mm, last, vma);
	}
	return 0;
}

void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (vma->vm_prev)
		vma->vm_prev->vm_next = vma->vm_next;
	else
		mm->mmap = vma->vm_next;
	if (vma->vm_next)
		vma->vm_next->vm_prev = vma->vm_prev;
	vma->vm_next = vma->vm_prev = NULL;     /* a stale walk stops, not loops */
	mm->map_count--;
}

/* The split itself, with the new VMA already allocated (a copy of vma), so
 * it cannot fail. new takes [vm_start, addr) if new_below, else [addr,
 * vm_end); vma keeps the other part and its place in the list. The range
 * and offset are taken from vma as it is now, not from when new was
 * copied: vma_remove_range may have split vma in between. */
static void split_vma_with(struct mm_struct *mm, struct vm_area_struct *vma,
			   unsigned long addr, int new_below, struct vm_area_struct *new)
{
	unsigned long below_pages = (addr - vma->vm_start) >> PAGE_SHIFT;

	if (new_below) {
		new->vm_start = vma->vm_start;
		new->vm_end = addr;
		new->vm_pgoff = vma->vm_pgoff;
		vma->vm_start = addr;
		vma->vm_pgoff += below_pages;
		link_after(mm, vma->vm_prev, new);
	} else {
		new->vm_start = addr;
		new->vm_end = vma->vm_end;
		new->vm_pgoff = vma->vm_pgoff + below_pages;
		vma->vm_end = addr;
		link_after(mm, vma, new);
	}
}

int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
	      int new_below)
{
	struct vm_area_struct *new;

	if (!page_aligned(addr) || addr <= vma->vm_start || addr >= vma->vm_end)
		return -EINVAL;         /* either part would be empty */
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	split_vma_with(mm, vma, addr, new_below, new);
	return 0;
}

/* Scans the gaps between VMAs upwards, clipped to [mmap_min_addr, base);
 * the last gap that fits is the highest one, and the fit is placed at its
 * top, so the area grows down from mmap_base as on Linux. */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long base = mm->mmap_base & PAGE_MASK;
	unsigned long gap_start = mmap_min_addr, best = (unsigned long)-ENOMEM;
	struct vm_area_struct *vma;

	if (base > TASK_SIZE)
		base = TASK_SIZE;
	if (!len || !page_aligned(len) || base <= mmap_min_addr ||
	    len > base - mmap_min_addr)
		return (unsigned long)-ENOMEM;
	for (vma = mm->mmap; vma && vma->vm_start < base; vma = vma->vm_next) {
		if (vma->vm_start > gap_start && vma->vm_start - gap_start >= len)
			best = vma->vm_start - len;
		if (vma->vm_end > gap_start)
			gap_start = vma->vm_end;
	}
	if (base > gap_start && base - gap_start >= len)
		best = base - len;      /* the gap right below mmap_base */
	return best;
}

/* The last VMA starting below end, walking up from first (which does). */
static struct vm_area_struct *last_below(struct vm_area_struct *first, unsigned long end)
{
	while (first->vm_next && first->vm_next->vm_start < end)
		first = first->vm_next;
	return first;
}

int vma_remove_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		     void (*unmap)(struct vm_area_struct *vma))
{
	struct vm_area_struct *first, *last, *low = NULL, *high = NULL, *vma, *next;

	if (start >= end || !page_aligned(start) || !page_aligned(end) || end > TASK_SIZE)
		return -EINVAL;
	first = find_vma(mm, start);
	if (!first || first->vm_start >= end)
		return 0;               /* only a hole: nothing to do */
	last = last_below(first, end);

	/* Allocate both boundary splits before changing anything, so running
	 * out of memory leaves the set exactly as it was. */
	if (first->vm_start < start && !(low = vm_area_dup(first)))
		return -ENOMEM;
	if (last->vm_end > end && !(high = vm_area_dup(last))) {
		if (low)
			vm_area_free(low);
		return -ENOMEM;
	}

	/* The parts that stay keep the old structs where they can (first
	 * keeps its start, last its end); the new ones are the parts inside,
	 * except when one VMA is cut out of the middle: then its upper part,
	 * [end, vm_end), is new. */
	if (low) {
		split_vma_with(mm, first, start, 0, low);
		if (last == first)
			last = low;
		first = low;
	}
	if (high) {
		split_vma_with(mm, last, end, 1, high);
		if (first == last)
			first = high;
	}

	for (vma = first; vma && vma->vm_start < end; vma = next) {
		next = vma->vm_next;
		if (unmap)
			unmap(vma);     /* still linked: it may look at its neighbours */
		vma_unlink(mm, vma);
		vm_area_free(vma);
	}
	return 0;
}
