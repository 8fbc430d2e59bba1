/* The virtual area allocator (mm/vmap_area.h): two treaps of address
 * ranges. No page tables here and no knowledge of what an area holds, so
 * the host tests run this file as it is against a reference model. */
#include "mm/vmap_area.h"
#include "mm/memlayout.h"
#include "kernel/errno.h"
#include "kernel/lab.h"

#define ALIGN_UP(x, a)  (((x) + (a) - 1) & ~((a) - 1))

static unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

static unsigned long subtree_max(const struct vmap_area *t)
{
	return t ? t->subtree_max_size : 0;
}

/* Recomputes t's augmented value from its children (Linux's
 * compute_subtree_max_size). */
static void update(struct vmap_area *t)
{
	unsigned long m = va_size(t);

	if (subtree_max(t->left) > m)
		m = subtree_max(t->left);
	if (subtree_max(t->right) > m)
		m = subtree_max(t->right);
	t->subtree_max_size = m;
}

/* Splits t into *l (areas starting below key) and *r (the rest). */
static void split(struct vmap_area *t, unsigned long key, struct vmap_area **l,
		  struct vmap_area **r)
{
	if (!t) {
		*l = *r = 0;
	} else if (t->va_start < key) {
		split(t->right, key, &t->right, r);
		*l = t;
		update(t);
	} else {
		split(t->left, key, l, &t->left);
		*r = t;
		update(t);
	}
}

/* Joins two treaps, every area of l below every area of r; the root is
 * whichever has the higher priority, so the heap order holds. */
static struct vmap_area *merge(struct vmap_area *l, struct vmap_area *r)
{
	if (!l || !r)
		return l ? l : r;
	if (l->prio > r->prio) {
		l->right = merge(l->right, r);
		update(l);
		return l;
	}
	r->left = merge(l, r->left);
	update(r);
	return r;
}

static void tree_insert(struct vmap_space *s, struct vmap_area **root, struct vmap_area *va)
{
	struct vmap_area *l, *r;

	s->seed ^= s->seed << 13;       /* xorshift32 (Marsaglia 2003) */
	s->seed ^= s->seed >> 17;
	s->seed ^= s->seed << 5;
	va->prio = s->seed;
	va->left = va->right = 0;
	update(va);
	split(*root, va->va_start, &l, &r);
	*root = merge(merge(l, va), r);
}

/* Areas in one tree never overlap, so [va_start, va_end) holds only va. */
static void tree_remove(struct vmap_area **root, struct vmap_area *va)
{
	struct vmap_area *l, *mid, *r;

	split(*root, va->va_start, &l, &r);
	split(r, va->va_end, &mid, &r);
	*root = merge(l, r);
	va->left = va->right = 0;
}

/* Does va hold `size` bytes at an `align`ed address? */
static bool fits(const struct vmap_area *va, unsigned long size, unsigned long align)
{
	unsigned long a = ALIGN_UP(va->va_start, align);

	return a >= va->va_start && a + size > a && a + size <= va->va_end;
}

/* The lowest free block that fits. A subtree whose largest block is
 * smaller than size cannot hold it and is skipped. For align <= PAGE_SIZE
 * every block of at least size bytes fits, so the first subtree that
 * passes that test yields the answer: one root-to-leaf path, O(log n).
 * A larger alignment may make a big-enough block miss (its aligned start
 * is too far in); then the walk tries the next one in address order, so
 * it costs O(log n + k), k being the big-enough blocks below the answer
 * that the alignment rules out. (Linux instead skips every block smaller
 * than size + align - 1, which fits whatever the alignment: O(log n), but
 * not always the lowest fit, and a failure when only an exact fit
 * remains.) */
static struct vmap_area *find_lowest_fit(struct vmap_area *t, unsigned long size,
					 unsigned long align)
{
	/* LAB vmalloc BEGIN: the lowest free block that fits, skipping subtrees by subtree_max_size */
	for (; t && subtree_max(t) >= size; t = t->right) {
		struct vmap_area *low = find_lowest_fit(t->left, size, align);

		if (low)
			return low;
		if (fits(t, size, align))
			return t;
	}
	return 0;
	/* LAB vmalloc STUB
	lab_not_implemented("vmalloc", __func__);
	// placeholder so the kernel boots: the highest block that fits, never a lower hole
	for (; t; t = t->right)
		if (!t->right && fits(t, size, align))
			return t;
	return 0;
	   LAB vmalloc END */
}

int vmap_space_init(struct vmap_space *s, unsigned long start, unsigned long end)
{
	struct vmap_area *all = vmap_area_node_alloc();

	if (!all)
		return -ENOMEM;
	*s = (struct vmap_space){ .start = start, .end = end, .seed = 2463534242u };
	all->va_start = start;
	all->va_end = end;
	all->vm = 0;
	tree_insert(s, &s->free_root, all);
	s->nr_free = 1;
	return 0;
}

struct vmap_area *alloc_vmap_area(struct vmap_space *s, unsigned long size, unsigned long align)
{
	struct vmap_area *fit, *busy, *spare;
	unsigned long addr, start, end;

	if (!size || (size & ~PAGE_MASK) || !align || (align & (align - 1)))
		return 0;
	fit = find_lowest_fit(s->free_root, size, align);
	if (!fit)
		return 0;
	busy = vmap_area_node_alloc();
	spare = vmap_area_node_alloc();
	if (!busy || !spare) {
		if (busy)
			vmap_area_node_free(busy);
		if (spare)
			vmap_area_node_free(spare);
		return 0;
	}
	addr = ALIGN_UP(fit->va_start, align);
	start = fit->va_start;
	end = fit->va_end;
	tree_remove(&s->free_root, fit);
	s->nr_free--;
	/* What is left of the block: below the area, above it, both or none
	 * (Linux's RE_FIT, LE_FIT, NE_FIT, FL_FIT). */
	if (addr > start) {
		fit->va_end = addr;
		tree_insert(s, &s->free_root, fit);
		s->nr_free++;
		fit = spare;
		spare = 0;
	}
	if (addr + size < end) {
		fit->va_start = addr + size;
		fit->va_end = end;
		tree_insert(s, &s->free_root, fit);
		s->nr_free++;
		fit = 0;
	}
	if (fit)
		vmap_area_node_free(fit);
	if (spare)
		vmap_area_node_free(spare);
	busy->va_start = addr;
	busy->va_end = addr + size;
	busy->vm = 0;
	tree_insert(s, &s->busy_root, busy);
	s->nr_busy++;
	return busy;
}

struct vmap_area *find_vmap_area(struct vmap_space *s, unsigned long addr)
{
	struct vmap_area *t = s->busy_root;

	while (t) {
		if (addr < t->va_start)
			t = t->left;
		else if (addr >= t->va_end)
			t = t->right;
		else
			return t;
	}
	return 0;
}

/* The free block ending exactly at addr, and the one starting there. */
static struct vmap_area *free_block_ending_at(struct vmap_area *t, unsigned long addr)
{
	while (t && t->va_end != addr)
		t = addr <= t->va_start ? t->left : t->right;
	return t;
}

static struct vmap_area *free_block_starting_at(struct vmap_area *t, unsigned long addr)
{
	while (t && t->va_start != addr)
		t = addr < t->va_start ? t->left : t->right;
	return t;
}

void free_vmap_area(struct vmap_space *s, struct vmap_area *va)
{
	struct vmap_area *prev, *next;

	tree_remove(&s->busy_root, va);
	s->nr_busy--;
	va->vm = 0;
	prev = free_block_ending_at(s->free_root, va->va_start);
	if (prev) {
		tree_remove(&s->free_root, prev);
		s->nr_free--;
		va->va_start = prev->va_start;
		vmap_area_node_free(prev);
	}
	next = free_block_starting_at(s->free_root, va->va_end);
	if (next) {
		tree_remove(&s->free_root, next);
		s->nr_free--;
		va->va_end = next->va_end;
		vmap_area_node_free(next);
	}
	tree_insert(s, &s->free_root, va);
	s->nr_free++;
}

static void in_order(struct vmap_area *t, void (*fn)(struct vmap_area *, void *), void *arg)
{
	while (t) {     /* fn must not change the tree */
		in_order(t->left, fn, arg);
		fn(t, arg);
		t = t->right;
	}
}

void vmap_for_each_busy(struct vmap_space *s, void (*fn)(struct vmap_area *, void *), void *arg)
{
	in_order(s->busy_root, fn, arg);
}

void vmap_for_each_free(struct vmap_space *s, void (*fn)(struct vmap_area *, void *), void *arg)
{
	in_order(s->free_root, fn, arg);
}
