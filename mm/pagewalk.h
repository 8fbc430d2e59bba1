/* The one page-table walker (mm/pagewalk.c): every walk of the tables,
 * kernel or user, goes through the three walks declared here.
 *
 *   pgtable_walk       down to one entry for one address, optionally
 *                      allocating the missing tables on the way (map,
 *                      split, lookup, fixmap, the user half's PTEs)
 *   pgtable_walk_path  down as far as the tables go, keeping every level's
 *                      entry (the oops line, `translate`)
 *   walk_page_range    every entry over a range, with callbacks (ptdump,
 *                      the W+X and alias checks, unmapping, attribute
 *                      changes, freeing and counting a process's tables)
 *
 * They are level-generic: each holds an entry as a struct pxd (its level
 * and a typed pointer) and goes one level down with pxd_offset, which calls
 * the typed pgd_offset -> p4d_offset -> pud_offset -> pmd_offset ->
 * pte_offset_kernel (mm/pgtable.h). With LA57 only pgtable_top_level() and
 * p4d_offset change. Callers serialize, as for mm/pgtable.h's core. */
#ifndef MM_PAGEWALK_H
#define MM_PAGEWALK_H

#include "mm/pgtable.h"

/* An entry at any level (Linux writes pXd): which level, and a pointer of
 * that level's type into its table. level PG_LEVEL_NONE: no entry (a table
 * the walk could not reach). */
struct pxd {
	enum pg_level level;
	union {
		pgd_t *pgd;     /* PG_LEVEL_256T (5-level paging only) */
		p4d_t *p4d;     /* PG_LEVEL_512G: with 4 levels, the PGD entry */
		pud_t *pud;     /* PG_LEVEL_1G */
		pmd_t *pmd;     /* PG_LEVEL_2M */
		pte_t *pte;     /* PG_LEVEL_4K */
		void *ptr;      /* whichever it is, to compare or print */
	};
};

static inline uint64_t pxd_val(struct pxd e)
{
	switch (e.level) {
	case PG_LEVEL_256T: return pgd_val(*e.pgd);
	case PG_LEVEL_512G: return p4d_val(*e.p4d);
	case PG_LEVEL_1G:   return pud_val(*e.pud);
	case PG_LEVEL_2M:   return pmd_val(*e.pmd);
	case PG_LEVEL_4K:   return pte_val(*e.pte);
	default:            return 0;
	}
}

static inline void set_pxd(struct pxd e, uint64_t v)
{
	switch (e.level) {
	case PG_LEVEL_256T: set_pgd(e.pgd, __pgd(v)); break;
	case PG_LEVEL_512G: set_p4d(e.p4d, __p4d(v)); break;
	case PG_LEVEL_1G:   set_pud(e.pud, __pud(v)); break;
	case PG_LEVEL_2M:   set_pmd(e.pmd, __pmd(v)); break;
	case PG_LEVEL_4K:   set_pte(e.pte, __pte(v)); break;
	default:            break;
	}
}

static inline bool pxd_none(struct pxd e)    { return !pxd_val(e); }
static inline bool pxd_present(struct pxd e) { return pxd_val(e) & _PAGE_PRESENT; }

/* Present and mapping memory rather than a table: every present PTE, and a
 * PUD or PMD with PS set (SDM Vol. 3A Tables 4-16, 4-18); PS is reserved
 * in PML4 and PML5 entries. */
static inline bool pxd_leaf(struct pxd e)
{
	switch (e.level) {
	case PG_LEVEL_1G: return pud_leaf(*e.pud);
	case PG_LEVEL_2M: return pmd_leaf(*e.pmd);
	case PG_LEVEL_4K: return pte_present(*e.pte);
	default:          return false;
	}
}

/* va's index into the table at `level`. */
static inline unsigned long pxd_index(enum pg_level level, unsigned long va)
{
	return (va >> page_level_shift(level)) & (PTRS_PER_PTE - 1);
}

/* The physical address of the table below the table entry e. */
static inline uint64_t pxd_table_phys(struct pxd e)
{
	return pxd_val(e) & PHYSICAL_PAGE_MASK;
}

/* The physical address va translates to through the leaf e. */
static inline uint64_t pxd_phys(struct pxd e, unsigned long va)
{
	return (pxd_val(e) & PHYSICAL_PAGE_MASK & page_level_mask(e.level)) +
	       (va & ~page_level_mask(e.level));
}

/* The top-level entry for va in the table pgd. */
static inline struct pxd pxd_offset_pgd(pgd_t *pgd, unsigned long va)
{
	pgd_t *pgdp = pgd_offset_pgd(pgd, va);

	if (pgtable_l5_enabled())
		return (struct pxd){ PG_LEVEL_256T, { .pgd = pgdp } };
	return (struct pxd){ PG_LEVEL_512G, { .p4d = p4d_offset(pgdp, va) } };
}

/* The entry for va one level below e, in the table e points to; level
 * PG_LEVEL_NONE if that table cannot be reached. e must be a present
 * table entry (neither a leaf nor a PTE). */
static inline struct pxd pxd_offset(struct pxd e, unsigned long va)
{
	struct pxd c = { e.level - 1, { 0 } };

	switch (e.level) {
	case PG_LEVEL_256T: c.p4d = p4d_offset(e.pgd, va); break;
	case PG_LEVEL_512G: c.pud = pud_offset(e.p4d, va); break;
	case PG_LEVEL_1G:   c.pmd = pmd_offset(e.pud, va); break;
	case PG_LEVEL_2M:   c.pte = pte_offset_kernel(e.pmd, va); break;
	default:            break;
	}
	if (!c.ptr)
		c.level = PG_LEVEL_NONE;
	return c;
}

/* The entry after e in the same table; the caller stays inside the table. */
static inline struct pxd pxd_next(struct pxd e)
{
	switch (e.level) {
	case PG_LEVEL_256T: e.pgd++; break;
	case PG_LEVEL_512G: e.p4d++; break;
	case PG_LEVEL_1G:   e.pud++; break;
	case PG_LEVEL_2M:   e.pmd++; break;
	case PG_LEVEL_4K:   e.pte++; break;
	default:            break;
	}
	return e;
}

/* --- the point walk ------------------------------------------------------ */

/* Where a walk that allocates gets its tables and how it links them: a
 * kernel table entry is _KERNPG_TABLE, a user one _PAGE_TABLE (U set at
 * every level: SDM Vol. 3A 4.6.1). Each new table is counted in
 * *nr_tables, if not NULL (a process's mm->nr_pgtables). */
struct pgtable_alloc {
	uint64_t table_flags;
	unsigned long *nr_tables;
};

/* The entry for va at `level` in the tables under pgd. With alloc, each
 * missing (pxd_none) table on the way is allocated (zeroed, from
 * pgtable_alloc_page) and linked; without, the walk stops at a
 * non-present entry. It also stops at a leaf above `level` and at a table
 * it cannot reach or allocate. Returns the entry where it stopped: its
 * level is `level` if it got there. */
struct pxd pgtable_walk(pgd_t *pgd, unsigned long va, enum pg_level level,
			const struct pgtable_alloc *alloc);

/* --- the path walk ------------------------------------------------------- */

/* Every entry a walk for one address met, top level first. */
struct pgtable_path {
	struct pxd entry[PG_LEVEL_NUM];  /* [pgtable_top_level()] .. [level] */
	enum pg_level level;             /* where it stopped */
};

/* Walks from the top towards va's PTE and stops at a non-present entry, a
 * leaf, or a table it cannot reach: path->entry[path->level] is that entry
 * (present and not a leaf: the next table is out of reach). Allocates
 * nothing. */
void pgtable_walk_path(pgd_t *pgd, unsigned long va, struct pgtable_path *path);

/* --- the range walk ------------------------------------------------------ */

/* Callbacks of walk_page_range (Linux's struct mm_walk_ops, level-generic).
 * Each gets the entry, the part [addr, next) of the walked range it
 * covers, and the walk's private pointer; a non-zero return ends the walk
 * and is what walk_page_range returns. Either may be NULL. */
struct mm_walk_ops {
	/* An entry the walk does not go below: a leaf, a non-present but
	 * non-zero entry, or a table entry whose table cannot be reached. */
	int (*entry)(struct pxd e, unsigned long addr, unsigned long next, void *private);
	/* A none entry (all zero: a hole in the map), Linux's pte_hole. NULL:
	 * holes are skipped, which is most of a sparse table, so walks that
	 * only want what is mapped (zap, counting, freeing) do not pay a
	 * callback for each of the 512 entries of every table they cross. */
	int (*hole)(struct pxd e, unsigned long addr, unsigned long next, void *private);
	/* A table entry, after the walk has been through the part of its
	 * table in the range (post-order: it may free that table). */
	int (*post_table)(struct pxd e, unsigned long addr, unsigned long next, void *private);
};

/* Walks [start, end) of the tables under pgd in address order, top level
 * first, entry by entry, going below each present table entry. end 0 is
 * the top of the address space (so [0, 0) is all of it); the non-canonical
 * hole between the halves is skipped. start and end must be page-aligned and canonical (end may be
 * USER_PGTABLES_END). Allocates nothing. 0 or the first non-zero callback
 * return. */
int walk_page_range(pgd_t *pgd, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *private);

/* True if every entry of the table below e (a present table entry) is
 * none. */
bool pxd_table_empty(struct pxd e);

#endif
