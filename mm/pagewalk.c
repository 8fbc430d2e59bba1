/* The one page-table walker (mm/pagewalk.h). Tables are reached only
 * through pxd_offset (pgtable_phys_to_virt) and got only from
 * pgtable_alloc_page, so this file runs unchanged in the host tests
 * against a simulated physical memory. The address split and the levels
 * are drawn once, in mm/pgtable.h. */
#include "mm/pagewalk.h"
#include "mm/pgalloc.h"
#include "kernel/lab.h"

/* 5-level paging is on (CR4.LA57): boot/head.asm writes it, with paging
 * still off, and nothing changes it after (mm/memlayout.h). */
#ifndef HOST_TEST
bool __pgtable_l5_enabled;
#endif

/* Links a new, zeroed table below the empty entry e. No flush: e was not
 * present, and the CPU caches no translation and no paging-structure entry
 * through a non-present entry (SDM Vol. 3A 4.10.2.3, 4.10.3.1). */
static bool pxd_populate(struct pxd e, const struct pgtable_alloc *alloc)
{
	/* LAB pgwalk BEGIN: allocate a zeroed table page and link it below e */
	phys_addr_t pa = pgtable_alloc_page();

	if (!pa)
		return false;
	set_pxd(e, pa | alloc->table_flags);
	if (alloc->nr_tables)
		(*alloc->nr_tables)++;
	return true;
	/* LAB pgwalk STUB
	(void)e, (void)alloc;
	lab_not_implemented("pgwalk", __func__);
	return false;
	   LAB pgwalk END */
}

/* The walk down, shared by the point and path walks: from the top entry
 * towards `level`, allocating missing tables if alloc, recording each
 * entry in path if not NULL. */
static struct pxd walk_down(pgd_t *pgd, unsigned long va, enum pg_level level,
			    const struct pgtable_alloc *alloc, struct pgtable_path *path)
{
	struct pxd e = pxd_offset_pgd(pgd, va);

	/* LAB pgwalk BEGIN: descend one level at a time, allocating missing tables if asked */
	for (;;) {
		struct pxd next;

		if (alloc && e.level > level && pxd_none(e) && !pxd_populate(e, alloc))
			break;
		if (path)
			path->entry[e.level] = e;
		if (e.level <= level || !pxd_present(e) || pxd_leaf(e))
			break;
		next = pxd_offset(e, va);
		if (next.level == PG_LEVEL_NONE)
			break;
		e = next;
	}
	if (path)
		path->level = e.level;
	return e;
	/* LAB pgwalk STUB
	(void)level, (void)alloc, (void)path, (void)pxd_populate;
	lab_not_implemented("pgwalk", __func__);
	return e;
	   LAB pgwalk END */
}

struct pxd pgtable_walk(pgd_t *pgd, unsigned long va, enum pg_level level,
			const struct pgtable_alloc *alloc)
{
	return walk_down(pgd, va, level, alloc, 0);
}

void pgtable_walk_path(pgd_t *pgd, unsigned long va, struct pgtable_path *path)
{
	walk_down(pgd, va, PG_LEVEL_4K, 0, path);
}

bool pxd_table_empty(struct pxd e)
{
	struct pxd c = pxd_offset(e, 0);

	for (int i = 0; i < PTRS_PER_PTE; i++, c = pxd_next(c))
		if (!pxd_none(c))
			return false;
	return true;
}

struct mm_walk {
	const struct mm_walk_ops *ops;
	void *private;
};

/* The end of the entry at `level` that holds addr, or end if that comes
 * first (end 0: the top of the address space). Linux's pXd_addr_end. */
static unsigned long pxd_addr_end(unsigned long addr, unsigned long end, enum pg_level level)
{
	unsigned long boundary = (addr & page_level_mask(level)) + page_level_size(level);

	return boundary - 1 < end - 1 ? boundary : end;
}

static int walk_pxd_range(struct mm_walk *walk, struct pxd e, unsigned long addr,
			  unsigned long end);

/* For a walk without ops->hole, at a none entry e (addr's): how many
 * entries to skip to reach the next one that is not none, or 0 if only
 * none entries are left in [addr, end). A plain scan of the table's raw
 * words: a sparse user table is mostly zeros, and going through the
 * level-generic steps for each would cost a process's exit tens of
 * thousands of instructions. The range never leaves e's table, so its
 * last entry is end - 1's (end 0: the top, index 511). */
static unsigned long none_run(struct pxd e, unsigned long addr, unsigned long end)
{
	const uint64_t *raw = e.ptr;
	unsigned long last = pxd_index(e.level, end - 1) - pxd_index(e.level, addr);

	for (unsigned long k = 1; k <= last; k++)
		if (raw[k])
			return k;
	return 0;
}

/* One entry covering [addr, next): below it if it is a table the walk can
 * reach, else to ops->entry (ops->hole for a none entry). */
static int walk_pxd(struct mm_walk *walk, struct pxd e, unsigned long addr, unsigned long next)
{
	struct pxd child = { PG_LEVEL_NONE, { 0 } };
	int ret;

	if (pxd_none(e))
		return walk->ops->hole ? walk->ops->hole(e, addr, next, walk->private) : 0;
	if (pxd_present(e) && !pxd_leaf(e))
		child = pxd_offset(e, addr);
	if (child.level == PG_LEVEL_NONE)
		return walk->ops->entry ? walk->ops->entry(e, addr, next, walk->private) : 0;
	ret = walk_pxd_range(walk, child, addr, next);
	if (!ret && walk->ops->post_table)
		ret = walk->ops->post_table(e, addr, next, walk->private);
	return ret;
}

/* e and the entries after it in its table, for [addr, end); e is addr's.
 * Past the last user slot the walk goes on at the first kernel slot,
 * whose address is canonical again (bits 63..48 copy bit 47: SDM Vol. 1
 * 3.3.7.1); in the table the two slots are neighbours. */
static int walk_pxd_range(struct mm_walk *walk, struct pxd e, unsigned long addr,
			  unsigned long end)
{
	for (;;) {
		unsigned long next;
		int ret;

		if (!walk->ops->hole && pxd_none(e)) {
			unsigned long k = none_run(e, addr, end);

			if (!k)
				return 0;       /* holes to the end of the range */
			addr = canonical_address((addr & page_level_mask(e.level)) +
						 k * page_level_size(e.level));
			e.ptr = (uint64_t *)e.ptr + k;
			continue;
		}
		next = pxd_addr_end(addr, end, e.level);
		ret = walk_pxd(walk, e, addr, next);

		if (ret || next == end)
			return ret;
		addr = canonical_address(next);
		e = pxd_next(e);
	}
}

int walk_page_range(pgd_t *pgd, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = { ops, private };

	if (start == end && end)
		return 0;       /* empty; [0, 0) is the whole address space */
	return walk_pxd_range(&walk, pxd_offset_pgd(pgd, start), start, end);
}
