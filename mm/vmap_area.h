/* The virtual area allocator under vmalloc and ioremap (mm/vmap_area.c):
 * hands out ranges of kernel virtual address space, as Linux's struct
 * vmap_area does (mm/vmalloc.c there).
 *
 * Two search trees hold the ranges, both keyed by start address:
 *  - the free tree: every free block of the managed range, never two
 *    adjacent (a freed area merges with its free neighbours);
 *  - the busy tree: every allocated area, found by address.
 * Linux uses red-black trees, the free one augmented with the largest free
 * block in each subtree. Here both are treaps (a binary search tree by
 * address that is also a heap by a random priority, so its expected depth
 * is O(log n)), the free one augmented the same way: a lowest-address fit
 * walks one root-to-leaf path, O(log n) in the number of areas (for page
 * alignment; a larger one may cost a few more steps, see find_lowest_fit).
 * A treap needs only split and merge, which makes it short enough to read
 * whole.
 */
#ifndef MM_VMAP_AREA_H
#define MM_VMAP_AREA_H

#include <stdbool.h>
#include <stddef.h>

struct vm_struct;

struct vmap_area {
	unsigned long va_start, va_end;         /* [va_start, va_end) */
	struct vmap_area *left, *right;         /* tree children */
	unsigned long subtree_max_size;         /* free tree: largest block below */
	unsigned int prio;                      /* treap heap priority */
	struct vm_struct *vm;                   /* busy: what the area holds */
};

/* One managed range: [start, end) page-aligned. */
struct vmap_space {
	unsigned long start, end;
	struct vmap_area *free_root, *busy_root;
	unsigned long nr_busy, nr_free;         /* nodes in each tree */
	unsigned int seed;                      /* priorities (xorshift) */
};

/* Makes [start, end) one free block. 0 or -ENOMEM. */
int vmap_space_init(struct vmap_space *s, unsigned long start, unsigned long end);

/* The lowest-address free range of `size` bytes aligned to `align` (both
 * powers-of-two multiples of PAGE_SIZE for align; size page-aligned),
 * taken out of the free tree and entered in the busy tree. NULL if no
 * block fits or no node could be allocated (nothing changed). */
struct vmap_area *alloc_vmap_area(struct vmap_space *s, unsigned long size, unsigned long align);

/* The busy area containing addr, or NULL. */
struct vmap_area *find_vmap_area(struct vmap_space *s, unsigned long addr);

/* Returns a busy area (from alloc_vmap_area) to the free tree, merged
 * with its free neighbours. */
void free_vmap_area(struct vmap_space *s, struct vmap_area *va);

/* Calls fn on each busy area in address order. */
void vmap_for_each_busy(struct vmap_space *s, void (*fn)(struct vmap_area *va, void *arg),
			void *arg);
void vmap_for_each_free(struct vmap_space *s, void (*fn)(struct vmap_area *va, void *arg),
			void *arg);

/* Node memory (the kernel: a kmem_cache; the host tests: malloc). */
struct vmap_area *vmap_area_node_alloc(void);
void vmap_area_node_free(struct vmap_area *va);

#endif
