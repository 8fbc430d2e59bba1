/* The page-table core (mm/pgtable.h): map, unmap, split, look up and
 * change kernel mappings in any top-level table. Table pages are reached
 * only through pgtable_phys_to_virt and got only from pgtable_alloc_page
 * (mm/pgalloc.h), so this file runs unchanged in the host tests against a
 * simulated physical memory. */
#include "mm/pgtable.h"
#include "mm/pgalloc.h"
#include "mm/tlb.h"
#include "kernel/errno.h"
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

static unsigned long level_size(enum pg_level level)
{
	return level == PG_LEVEL_1G ? PUD_SIZE : level == PG_LEVEL_2M ? PMD_SIZE : PAGE_SIZE;
}

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

/* The entry values point at a table page; NULL if it cannot be reached. */
static uint64_t *entry_table(uint64_t entry)
{
	return pgtable_phys_to_virt(entry & PHYSICAL_PAGE_MASK);
}

/* Allocate-if-none: makes *e point at a new, empty table (a kernel table
 * entry: present, writable; permissions are decided in the leaves).
 * Returns the table, or NULL if allocation failed or *e is a leaf. */
static uint64_t *table_alloc(uint64_t *e)
{
	if (!*e) {
		phys_addr_t pa = pgtable_alloc_page();
		if (!pa)
			return 0;
		*(volatile uint64_t *)e = pa | _KERNPG_TABLE;
	}
	if ((*e & _PAGE_PSE) || !(*e & _PAGE_PRESENT))
		return 0;
	return entry_table(*e);
}

/*
 *   63    48 47   39 38   30 29   21 20   12 11      0
 *  | sign   |  PGD  |  PUD  |  PMD  |  PTE  |  offset  |
 *
 * walk_entry returns the entry for va at `level` (PG_LEVEL_1G: the PUD
 * entry, _2M: PMD, _4K: PTE), allocating missing tables on the way if
 * alloc; NULL if a table is missing (and !alloc), cannot be allocated, or
 * a large leaf sits above the level asked for. The one walker that map,
 * split and lookup share.
 */
static uint64_t *walk_entry(pgd_t *pgd, unsigned long va, enum pg_level level, bool alloc)
{
	uint64_t *e = &p4d_offset(pgd_offset_pgd(pgd, va), va)->pgd.pgd;
	static const unsigned int shift[] = { [PG_LEVEL_1G] = PUD_SHIFT,
					      [PG_LEVEL_2M] = PMD_SHIFT,
					      [PG_LEVEL_4K] = PAGE_SHIFT };

	for (enum pg_level l = PG_LEVEL_1G; l >= level; l--) {
		uint64_t *table = alloc ? table_alloc(e) : 0;

		if (!alloc) {
			if (!(*e & _PAGE_PRESENT) || (*e & _PAGE_PSE))
				return 0;
			table = entry_table(*e);
		}
		if (!table)
			return 0;
		e = table + ((va >> shift[l]) & 511);
	}
	return e;
}

pte_t *lookup_address_in_pgd(pgd_t *pgd, unsigned long va, enum pg_level *level)
{
	for (enum pg_level l = PG_LEVEL_1G; l >= PG_LEVEL_4K; l--) {
		uint64_t *e = walk_entry(pgd, va, l, false);

		if (!e || !(*e & _PAGE_PRESENT))
			break;
		if (l == PG_LEVEL_4K || (*e & _PAGE_PSE)) {
			*level = l;
			return (pte_t *)e;
		}
	}
	*level = PG_LEVEL_NONE;
	return 0;
}

/* Maps one leaf at va, the largest that fits; *step gets its size. */
static int map_one(pgd_t *pgd, unsigned long va, uint64_t pa, unsigned long left,
		   uint64_t prot, bool allow_1g, unsigned long *step)
{
	for (enum pg_level l = PG_LEVEL_1G; l >= PG_LEVEL_4K; l--) {
		unsigned long size = level_size(l);
		uint64_t *e;

		if ((l == PG_LEVEL_1G && !allow_1g) || ((va | pa) & (size - 1)) || left < size)
			continue;
		e = walk_entry(pgd, va, l, true);
		if (!e) {
			enum pg_level have;
			return lookup_address_in_pgd(pgd, va, &have) ? -EBUSY : -ENOMEM;
		}
		if (*e)
			return -EBUSY;
		*(volatile uint64_t *)e = pa | (l == PG_LEVEL_4K ? prot : prot_for_large(prot));
		*step = size;
		return 0;
	}
	return -EINVAL;         /* unreachable: 4 KiB always fits aligned input */
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

int split_large_page(pgd_t *pgd, unsigned long va, enum pg_level level)
{
	uint64_t *e = (level == PG_LEVEL_1G || level == PG_LEVEL_2M) ?
		      walk_entry(pgd, va, level, false) : 0;
	unsigned long size = level_size(level), child = level_size(level - 1);
	uint64_t attrs, base, *table;
	phys_addr_t pa;

	if (!e || (*e & (_PAGE_PRESENT | _PAGE_PSE)) != (_PAGE_PRESENT | _PAGE_PSE))
		return -EINVAL;
	pa = pgtable_alloc_page();
	if (!pa)
		return -ENOMEM;
	table = pgtable_phys_to_virt(pa);
	attrs = large_attrs(*e);
	base = *e & PHYSICAL_PAGE_MASK & ~(size - 1);
	if (level == PG_LEVEL_2M)
		attrs = large_to_4k_attrs(attrs);
	for (int i = 0; i < 512; i++)
		table[i] = (base + i * child) | attrs;
	*(volatile uint64_t *)e = pa | _KERNPG_TABLE;
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
	       (addr & (level_size(level) - 1))) {
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

static bool table_empty(const uint64_t *table)
{
	for (int i = 0; i < 512; i++)
		if (table[i])
			return false;
	return true;
}

/* Clears the entries for [va, end) in the table below *e (a table at
 * `level`), recursing into lower tables, and frees that table if it ends
 * up empty. Leaves inside the range are wholly covered (split_at ran). */
static void unmap_level(uint64_t *e, unsigned long va, unsigned long end, enum pg_level level)
{
	uint64_t *table = entry_table(*e);
	unsigned long size = level_size(level);

	for (unsigned long next; va < end; va = next) {
		uint64_t *c = table + ((va / size) & 511);

		next = (va & ~(size - 1)) + size;
		if (next > end || next < va)
			next = end;
		if (*c && level != PG_LEVEL_4K && !(*c & _PAGE_PSE))
			unmap_level(c, va, next, level - 1);
		else
			*(volatile uint64_t *)c = 0;
	}
	/* The boot tables in the kernel image stay, even when empty: they
	 * were never allocated, and slot 511 must keep its entries. A PUD
	 * page stays too: its top-level entry is copied into every process's
	 * PGD (DESIGN.md §2), so it must never change once set. */
	if (level != PG_LEVEL_1G && table_empty(table) &&
	    pgtable_page_freeable(*e & PHYSICAL_PAGE_MASK)) {
		phys_addr_t pa = *e & PHYSICAL_PAGE_MASK;
		*(volatile uint64_t *)e = 0;
		pgtable_free_page(pa);
	}
}

int unmap_kernel_range(pgd_t *pgd, unsigned long va, unsigned long size)
{
	unsigned long end = va + size;
	int ret;

	if (!kernel_range_ok("unmap_kernel_range", va, 0, size))
		return -EINVAL;
	ret = split_edges(pgd, va, end);
	if (ret)
		return ret;
	for (unsigned long next; va != end; va = next) {
		pgd_t *top = pgd_offset_pgd(pgd, va);

		next = (va & ~((1UL << PGDIR_SHIFT) - 1)) + (1UL << PGDIR_SHIFT);
		if (next > end || next < va)
			next = end;
		if (pgd_present(*top))
			unmap_level(&top->pgd, va, next, PG_LEVEL_1G);
	}
	flush_tlb_kernel_range(end - size, end);
	return 0;
}

/* Calls fn on each leaf over [va, end); stops at the first unmapped page
 * and returns -EINVAL there. */
static int for_each_leaf(pgd_t *pgd, unsigned long va, unsigned long end,
			 void (*fn)(pte_t *leaf, uint64_t set, uint64_t clear),
			 uint64_t set, uint64_t clear)
{
	while (va < end) {
		enum pg_level level;
		pte_t *leaf = lookup_address_in_pgd(pgd, va, &level);

		if (!leaf)
			return -EINVAL;
		if (fn)
			fn(leaf, set, clear);
		va = (va & ~(level_size(level) - 1)) + level_size(level);
		if (!va)
			break;      /* wrapped past the top of the address space */
	}
	return 0;
}

static void apply_attrs(pte_t *leaf, uint64_t set, uint64_t clear)
{
	set_pte(leaf, __pte((pte_val(*leaf) | set) & ~clear));
}

int change_page_attr(pgd_t *pgd, unsigned long va, unsigned long npages,
		     uint64_t set, uint64_t clear)
{
	unsigned long end = va + npages * PAGE_SIZE;
	const uint64_t allowed = _PAGE_RW | _PAGE_NX | _PAGE_GLOBAL | _PAGE_PWT | _PAGE_PCD;
	int ret;

	if (!npages || (va & ~PAGE_MASK) || ((set | clear) & ~allowed) || (end && end < va)) {
		pr_err("change_page_attr(%#lx, %lu, +%#llx, -%#llx): bad arguments\n", va, npages,
		       (unsigned long long)set, (unsigned long long)clear);
		return -EINVAL;
	}
	if (for_each_leaf(pgd, va, end, 0, 0, 0)) {
		pr_err("change_page_attr(%#lx, %lu): part of the range is not mapped\n", va, npages);
		return -EINVAL;
	}
	ret = split_edges(pgd, va, end);
	if (ret)
		return ret;
	for_each_leaf(pgd, va, end, apply_attrs, set, clear);
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
