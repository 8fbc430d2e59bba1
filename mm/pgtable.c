/* The page-table core (mm/pgtable.h): map, unmap, split, look up and
 * change kernel mappings in any top-level table, all through the one
 * walker (mm/pagewalk.h). Table pages come only from pgtable_alloc_page
 * (mm/pgalloc.h), so this file runs unchanged in the host tests against a
 * simulated physical memory. */
#include "mm/pgtable.h"
#include "mm/pagewalk.h"
#include "mm/pgalloc.h"
#include "mm/tlb.h"
#include "kernel/errno.h"
#include "kernel/lab.h"
#include "kernel/printk.h"
#include "kernel/vsprintf.h"
/* Linux ptdump's attribute words: USR, ro/RW, PWT, PCD, PSE, GLB, NX/x. */
const char *pgprot_str(uint64_t v, bool leaf_large, char *buf, unsigned int len)
{
	snprintf(buf, len, "%s %s %s %s %s %s %s",
		 v & _PAGE_USER ? "USR" : "   ", v & _PAGE_RW ? "RW" : "ro",
		 v & _PAGE_PWT ? "PWT" : "   ", v & _PAGE_PCD ? "PCD" : "   ",
		 leaf_large ? "PSE" : "   ", v & _PAGE_GLOBAL ? "GLB" : "   ",
		 v & _PAGE_NX ? "NX" : "x ");
	return buf;
}

/* A kernel table entry: present and writable; the leaves decide the
 * rights (an upper entry's R/W and U/S only limit them, SDM Vol. 3A 4.6). */
static const struct pgtable_alloc kernel_tables = { _KERNPG_TABLE, 0 };

/* A large leaf's attributes for the level below: a 2 MiB or 1 GiB leaf
 * keeps PAT in bit 12, a 4 KiB one in bit 7, where PSE sits in the large
 * ones (SDM Vol. 3A Tables 4-15, 4-17, 4-19). */
static uint64_t large_attrs(uint64_t v)
{
	return (v & ~PHYSICAL_PAGE_MASK) | (v & _PAGE_PAT_LARGE);
}

static uint64_t large_to_4k_attrs(uint64_t attrs)
{
	attrs &= ~_PAGE_PSE;
	if (attrs & _PAGE_PAT_LARGE)
		attrs = (attrs & ~_PAGE_PAT_LARGE) | _PAGE_PAT;
	return attrs;
}

static uint64_t prot_for_large(uint64_t prot)
{
	if (prot & _PAGE_PAT)
		prot = (prot & ~_PAGE_PAT) | _PAGE_PAT_LARGE;
	return prot | _PAGE_PSE;
}

pte_t *lookup_address_in_pgd(pgd_t *pgd, unsigned long va, enum pg_level *level)
{
	struct pxd e = pgtable_walk(pgd, va, PG_LEVEL_4K, 0);

	if (!pxd_leaf(e)) {
		*level = PG_LEVEL_NONE;
		return 0;
	}
	*level = e.level;
	return e.ptr;           /* a large leaf too, as Linux returns it */
}

/* Maps one leaf at va, the largest that fits; *step gets its size. */
static int map_one(pgd_t *pgd, unsigned long va, uint64_t pa, unsigned long left,
		   uint64_t prot, bool allow_1g, unsigned long *step)
{
	/* LAB pgwalk BEGIN: map the largest leaf that fits at va */
	for (enum pg_level l = PG_LEVEL_1G; l >= PG_LEVEL_4K; l--) {
		unsigned long size = page_level_size(l);
		struct pxd e;

		if ((l == PG_LEVEL_1G && !allow_1g) || ((va | pa) & (size - 1)) || left < size)
			continue;
		e = pgtable_walk(pgd, va, l, &kernel_tables);
		if (e.level != l)       /* stopped above: at a leaf, or out of table pages */
			return pxd_leaf(e) ? -EBUSY : -ENOMEM;
		if (!pxd_none(e))
			return -EBUSY;
		set_pxd(e, pa | (l == PG_LEVEL_4K ? prot : prot_for_large(prot)));
		*step = size;
		return 0;
	}
	return -EINVAL;         /* unreachable: 4 KiB always fits aligned input */
	/* LAB pgwalk STUB
	(void)pgd, (void)va, (void)pa, (void)left, (void)prot, (void)allow_1g, (void)step;
	(void)kernel_tables, (void)prot_for_large;
	lab_not_implemented("pgwalk", __func__);
	return -ENOSYS;
	   LAB pgwalk END */
}

static bool kernel_range_ok(const char *fn, unsigned long va, uint64_t pa, unsigned long size)
{
	if (!size || ((va | pa | size) & ~PAGE_MASK) || va + size - 1 < va ||
	    !is_kernel_half(va) || pa + size - 1 < pa || pa + size > (1ULL << 52)) {
		pr_err("%s(%#lx, %#llx, %#lx): bad range (unaligned, empty, wrapping or not kernel half)\n",
		       fn, va, (unsigned long long)pa, size);
		return false;
	}
	return true;
}

int map_kernel_range(pgd_t *pgd, unsigned long va, uint64_t pa, unsigned long size,
		     pgprot_t prot, bool allow_1g)
{
	unsigned long done = 0, step = 0;

	if (!kernel_range_ok("map_kernel_range", va, pa, size))
		return -EINVAL;
	/* prot is in 4 KiB form: bit 7 there is PAT, not PSE (map_one moves it) */
	if (!(pgprot_val(prot) & _PAGE_PRESENT) || (pgprot_val(prot) & PHYSICAL_PAGE_MASK)) {
		pr_err("map_kernel_range(%#lx): bad prot %#llx\n", va,
		       (unsigned long long)pgprot_val(prot));
		return -EINVAL;
	}
	while (done < size) {
		int ret = map_one(pgd, va + done, pa + done, size - done, pgprot_val(prot),
				  allow_1g, &step);
		if (ret) {
			pr_err("map_kernel_range(%#lx, %#llx, %#lx): %s at %#lx\n", va,
			       (unsigned long long)pa, size,
			       ret == -EBUSY ? "already mapped" : "out of table pages", va + done);
			if (done)
				unmap_kernel_range(pgd, va, done);
			return ret;
		}
		done += step;
	}
	return 0;
}

unsigned long direct_pages_count[PG_LEVEL_NUM];

/* Linux's update_page_count: the direct map's leaves by size, kept as they
 * are mapped and split, for `directmap` (meminfo's DirectMap4k/2M/1G). */
void update_page_count(enum pg_level level, long pages)
{
	direct_pages_count[level] += pages;
}

static void split_page_count(unsigned long va, enum pg_level level)
{
	if (va < PAGE_OFFSET || va >= VMALLOC_START)
		return;         /* not a direct-map leaf */
	direct_pages_count[level]--;
	direct_pages_count[level - 1] += PTRS_PER_PTE;
}

/* Fills a new table of `level` entries with 512 leaves mapping from base
 * on, before it is linked: the CPU never sees it half done. */
static void fill_leaf_table(void *table, enum pg_level level, uint64_t base, uint64_t attrs)
{
	for (unsigned long i = 0; i < PTRS_PER_PTE; i++) {
		uint64_t v = (base + i * page_level_size(level)) | attrs;

		if (level == PG_LEVEL_2M)
			set_pmd((pmd_t *)table + i, __pmd(v));
		else
			set_pte((pte_t *)table + i, __pte(v));
	}
}

int split_large_page(pgd_t *pgd, unsigned long va, enum pg_level level)
{
	unsigned long size = page_level_size(level);
	uint64_t attrs, base;
	phys_addr_t pa;
	struct pxd e;

	if (level != PG_LEVEL_1G && level != PG_LEVEL_2M)
		return -EINVAL;
	e = pgtable_walk(pgd, va, level, 0);
	if (e.level != level || !pxd_leaf(e))
		return -EINVAL;
	pa = pgtable_alloc_page();
	if (!pa)
		return -ENOMEM;
	attrs = large_attrs(pxd_val(e));
	base = pxd_val(e) & PHYSICAL_PAGE_MASK & ~(size - 1);
	if (level == PG_LEVEL_2M)
		attrs = large_to_4k_attrs(attrs);
	fill_leaf_table(pgtable_phys_to_virt(pa), level - 1, base, attrs);
	set_pxd(e, pa | _KERNPG_TABLE);
	split_page_count(va, level);
	/* The CPU may hold the large translation, and a TLB may keep entries
	 * of both sizes for one address; drop them all (SDM Vol. 3A 4.10.2.3). */
	flush_tlb_kernel_range(va & ~(size - 1), (va & ~(size - 1)) + size);
	return 0;
}

/* Splits the leaf containing addr until addr starts a leaf (or is
 * unmapped): afterwards no leaf straddles addr. */
static int split_at(pgd_t *pgd, unsigned long addr)
{
	enum pg_level level;

	while (lookup_address_in_pgd(pgd, addr, &level) && level != PG_LEVEL_4K &&
	       (addr & ~page_level_mask(level))) {
		int ret = split_large_page(pgd, addr, level);
		if (ret)
			return ret;
	}
	return 0;
}

/* Splits at both ends of [va, end) so that no large leaf straddles either
 * (end 0: the top of the address space, nothing to split there). */
static int split_edges(pgd_t *pgd, unsigned long va, unsigned long end)
{
	int ret = split_at(pgd, va);

	if (!ret && end)
		ret = split_at(pgd, end);
	return ret;
}

/* Unmapping clears every entry the walk does not go below: a leaf (wholly
 * inside the range: split_edges ran) or a hole. */
static int unmap_entry(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	/* LAB pgwalk BEGIN: clear a leaf of the range */
	(void)addr, (void)next, (void)private;
	if (!pxd_none(e))
		set_pxd(e, 0);
	return 0;
	/* LAB pgwalk STUB
	(void)e, (void)addr, (void)next, (void)private;
	lab_not_implemented("pgwalk", __func__);
	return 0;
	   LAB pgwalk END */
}

/* A table page the unmap emptied is unlinked at once and freed only after
 * the TLB flush: until then the paging-structure caches may still walk
 * through it (SDM Vol. 3A 4.10.3), and a page freed earlier could be
 * reused, by an interrupt, say, while they do. */
#define UNMAP_FREED_BATCH 32

struct unmap_state {
	unsigned long start, end;
	unsigned int nr;
	phys_addr_t freed[UNMAP_FREED_BATCH];
};

/* The flush, then the pages: INVLPG (or the full flush) clears the current
 * PCID's paging-structure caches; other PCIDs' are not reached by it, and
 * flush_tlb_kernel_pgtables makes them flush before their next use. */
static void unmap_flush_and_free(struct unmap_state *st, bool whole)
{
	if (whole)
		__flush_tlb_all();
	else
		flush_tlb_kernel_range(st->start, st->end);
	if (!st->nr)
		return;
	flush_tlb_kernel_pgtables();
	for (unsigned int i = 0; i < st->nr; i++)
		pgtable_free_page(st->freed[i]);
	st->nr = 0;
}

/* ... and, once through a table, unlinks it if that left it empty. */
static int unmap_free_table(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	/* LAB pgwalk BEGIN: free the table below e if the unmap left it empty */
	struct unmap_state *st = private;
	phys_addr_t pa = pxd_table_phys(e);

	(void)addr, (void)next;
	/* The boot tables in the kernel image stay, even when empty: they
	 * were never allocated, and slot 511 must keep its entries. So does
	 * a table a top-level entry points to (a PUD page, with 5 levels a
	 * P4D page): that entry is copied into every process's PGD
	 * (docs/design.md §2), so it must never change once set. */
	if (e.level == pgtable_top_level() || !pgtable_page_freeable(pa) || !pxd_table_empty(e))
		return 0;
	set_pxd(e, 0);
	if (st->nr == UNMAP_FREED_BATCH)
		unmap_flush_and_free(st, true);
	st->freed[st->nr++] = pa;
	return 0;
	/* LAB pgwalk STUB
	(void)e, (void)addr, (void)next, (void)private;
	lab_not_implemented("pgwalk", __func__);
	return 0;
	   LAB pgwalk END */
}

static const struct mm_walk_ops unmap_ops = {
	.entry = unmap_entry,
	.post_table = unmap_free_table,
};

int unmap_kernel_range(pgd_t *pgd, unsigned long va, unsigned long size)
{
	struct unmap_state st = { va, va + size, 0, { 0 } };
	int ret;

	if (!kernel_range_ok("unmap_kernel_range", va, 0, size))
		return -EINVAL;
	ret = split_edges(pgd, va, st.end);
	if (ret)
		return ret;
	walk_page_range(pgd, va, st.end, &unmap_ops, &st);
	unmap_flush_and_free(&st, false);
	return 0;
}

struct cpa_data {
	uint64_t set, clear;
};

/* A hole in the range: change_page_attr changes nothing. */
static int cpa_check_mapped(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	(void)addr, (void)next, (void)private;
	return pxd_leaf(e) ? 0 : -EINVAL;
}

static int cpa_apply(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	const struct cpa_data *cpa = private;

	(void)addr, (void)next;
	set_pxd(e, (pxd_val(e) | cpa->set) & ~cpa->clear);
	return 0;
}

static const struct mm_walk_ops cpa_check_ops = { .entry = cpa_check_mapped,
						      .hole = cpa_check_mapped };
static const struct mm_walk_ops cpa_apply_ops = { .entry = cpa_apply };

int change_page_attr(pgd_t *pgd, unsigned long va, unsigned long npages,
		     uint64_t set, uint64_t clear)
{
	unsigned long end = va + npages * PAGE_SIZE;
	const uint64_t allowed = _PAGE_RW | _PAGE_NX | _PAGE_GLOBAL | _PAGE_PWT | _PAGE_PCD;
	struct cpa_data cpa = { set, clear };
	int ret;

	if (!npages || (va & ~PAGE_MASK) || ((set | clear) & ~allowed) || (end && end < va)) {
		pr_err("change_page_attr(%#lx, %lu, +%#llx, -%#llx): bad arguments\n", va, npages,
		       (unsigned long long)set, (unsigned long long)clear);
		return -EINVAL;
	}
	if (walk_page_range(pgd, va, end, &cpa_check_ops, 0)) {
		pr_err("change_page_attr(%#lx, %lu): part of the range is not mapped\n", va, npages);
		return -EINVAL;
	}
	ret = split_edges(pgd, va, end);
	if (ret)
		return ret;
	walk_page_range(pgd, va, end, &cpa_apply_ops, &cpa);
	flush_tlb_kernel_range(va, end);
	return 0;
}

pte_t *lookup_address(unsigned long va, enum pg_level *level)
{
	return lookup_address_in_pgd(kernel_pgd(), va, level);
}

int set_memory_ro(unsigned long va, unsigned long npages)
{
	return change_page_attr(kernel_pgd(), va, npages, 0, _PAGE_RW);
}

int set_memory_rw(unsigned long va, unsigned long npages)
{
	return change_page_attr(kernel_pgd(), va, npages, _PAGE_RW, 0);
}

int set_memory_nx(unsigned long va, unsigned long npages)
{
	return change_page_attr(kernel_pgd(), va, npages, _PAGE_NX, 0);
}

int set_memory_x(unsigned long va, unsigned long npages)
{
	return change_page_attr(kernel_pgd(), va, npages, 0, _PAGE_NX);
}
