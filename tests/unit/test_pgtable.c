/* The page-table core (mm/pgtable.c) against a reference model.
 *
 * Table pages live in a simulated physical memory (sim[], handed out by
 * this file's pgtable_alloc_page); leaf frames are just numbers. The model
 * is a list of extents {va, len, pa, attrs}: what every address should
 * translate to. After each random operation, addresses at every extent
 * edge and at random are translated both ways and must agree, down to the
 * attribute bits; table pages are counted and must all come back. */
#include <stdio.h>
#include "tests/unit/unit.h"
#include "tests/unit/printk_capture.h"
#include "mm/pgtable.h"
#include "mm/pgalloc.h"
#include "mm/tlb.h"
#include "kernel/errno.h"

#define SIM_PAGES 8192
static uint8_t sim[SIM_PAGES][4096] __attribute__((aligned(4096)));
static bool sim_used[SIM_PAGES];
static int sim_fail_after = -1;        /* make allocation fail after N more */
unsigned long nr_pgtable_pages;
static pgd_t *top;
static unsigned long flushes;

void *pgtable_phys_to_virt(uint64_t pa)
{
	uint64_t i = pa / 4096;
	return (pa % 4096 == 0 && i >= 1 && i < SIM_PAGES && sim_used[i]) ? sim[i] : NULL;
}

phys_addr_t pgtable_alloc_page(void)
{
	if (sim_fail_after == 0)
		return 0;
	if (sim_fail_after > 0)
		sim_fail_after--;
	for (int i = 1; i < SIM_PAGES; i++)
		if (!sim_used[i]) {
			sim_used[i] = true;
			memset(sim[i], 0, 4096);
			nr_pgtable_pages++;
			return (phys_addr_t)i * 4096;
		}
	return 0;
}

void pgtable_free_page(phys_addr_t pa)
{
	uint64_t i = pa / 4096;
	if (!(i >= 1 && i < SIM_PAGES && sim_used[i])) {
		printf("# pgtable_free_page(%#llx): not an allocated table page\n", (unsigned long long)pa);
		abort();
	}
	sim_used[i] = false;
	memset(sim[i], 0x5a, 4096);         /* a later read through it shows up */
	nr_pgtable_pages--;
}

bool pgtable_page_freeable(phys_addr_t pa) { (void)pa; return true; }
pgd_t *kernel_pgd(void) { return top; }
void flush_tlb_kernel_range(unsigned long s, unsigned long e) { (void)s; (void)e; flushes++; }
void __flush_tlb_all(void) { flushes++; }
void flush_tlb_kernel_pgtables(void) { }

/* ---- the model ---- */
struct extent { unsigned long va, len; uint64_t pa, attrs; };
#define MAX_EXT 4096
static struct extent ext[MAX_EXT];
static int n_ext;

#define ATTR_MASK (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD | _PAGE_GLOBAL | _PAGE_NX)

static const struct extent *model_find(unsigned long va)
{
	for (int i = 0; i < n_ext; i++)
		if (va >= ext[i].va && va - ext[i].va < ext[i].len)
			return &ext[i];
	return NULL;
}

/* Cuts [va, va+len) out of the model (splitting extents). */
static void model_remove(unsigned long va, unsigned long len)
{
	unsigned long end = va + len;
	for (int i = 0; i < n_ext; i++) {
		struct extent e = ext[i];
		unsigned long eend = e.va + e.len;
		if (eend <= va || e.va >= end)
			continue;
		ext[i] = ext[--n_ext];
		i--;
		if (e.va < va)
			ext[n_ext++] = (struct extent){ e.va, va - e.va, e.pa, e.attrs };
		if (eend > end)
			ext[n_ext++] = (struct extent){ end, eend - end, e.pa + (end - e.va), e.attrs };
	}
}

static void model_attr(unsigned long va, unsigned long len, uint64_t set, uint64_t clear)
{
	unsigned long end = va + len;
	int n = n_ext;
	for (int i = 0; i < n; i++) {
		struct extent e = ext[i];
		if (e.va >= va && e.va + e.len <= end) {
			ext[i].attrs = (e.attrs | set) & ~clear;
			continue;
		}
		if (e.va + e.len <= va || e.va >= end)
			continue;
		unsigned long s = e.va > va ? e.va : va, t = e.va + e.len < end ? e.va + e.len : end;
		model_remove(s, t - s);
		ext[n_ext++] = (struct extent){ s, t - s, e.pa + (s - e.va), (e.attrs | set) & ~clear };
		i = -1;
		n = n_ext;
	}
}

/* Translates va through the tables: pa and attrs, or false if unmapped. */
static bool translate(unsigned long va, uint64_t *pa, uint64_t *attrs)
{
	enum pg_level level;
	pte_t *leaf = lookup_address_in_pgd(top, va, &level);
	if (!leaf)
		return false;
	uint64_t v = pte_val(*leaf);
	unsigned long size = level == PG_LEVEL_1G ? PUD_SIZE : level == PG_LEVEL_2M ? PMD_SIZE : PAGE_SIZE;
	*pa = (v & PHYSICAL_PAGE_MASK & ~(uint64_t)(size - 1)) + (va & (size - 1));
	*attrs = v & ATTR_MASK;
	return true;
}

static int check_one(unsigned long va)
{
	const struct extent *e = model_find(va);
	uint64_t pa, attrs;
	bool mapped = translate(va, &pa, &attrs);

	if (!e && !mapped)
		return 0;
	if (e && mapped && pa == e->pa + (va - e->va) && attrs == (e->attrs & ATTR_MASK))
		return 0;
	printf("# va %#lx: model %s pa %#llx attrs %#llx; tables %s pa %#llx attrs %#llx\n", va,
	       e ? "mapped" : "unmapped", e ? (unsigned long long)(e->pa + (va - e->va)) : 0ULL,
	       e ? (unsigned long long)e->attrs : 0ULL, mapped ? "mapped" : "unmapped",
	       (unsigned long long)(mapped ? pa : 0), (unsigned long long)(mapped ? attrs : 0));
	return 1;
}

static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint64_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

#define WIN_BASE 0xffff888000000000UL   /* PAGE_OFFSET: the direct map's slot */
#define WIN_SIZE (8UL << 30)

static int check_all(void)
{
	int bad = 0;
	for (int i = 0; i < n_ext && bad < 5; i++) {
		bad += check_one(ext[i].va);
		bad += check_one(ext[i].va + ext[i].len - PAGE_SIZE);
		bad += check_one(ext[i].va - PAGE_SIZE);
		bad += check_one(ext[i].va + ext[i].len);
	}
	for (int i = 0; i < 64 && bad < 5; i++)
		bad += check_one(WIN_BASE + (rnd() % (WIN_SIZE / PAGE_SIZE)) * PAGE_SIZE);
	return bad;
}

static void fresh(void)
{
	memset(sim_used, 0, sizeof(sim_used));
	nr_pgtable_pages = 0;
	n_ext = 0;
	sim_fail_after = -1;
	top = pgtable_phys_to_virt(pgtable_alloc_page());
	nr_pgtable_pages = 0;               /* the top page is not counted */
}

/* A random aligned range inside the window: unit 4K, 2M or 1G. */
static void random_range(unsigned long *va, unsigned long *len)
{
	static const unsigned long units[] = { PAGE_SIZE, PMD_SIZE, PUD_SIZE };
	unsigned long unit = units[rnd() % 3];
	unsigned long slots = WIN_SIZE / unit;
	unsigned long start = rnd() % slots, n = 1 + rnd() % (unit == PUD_SIZE ? 2 : 40);
	if (start + n > slots)
		n = slots - start;
	*va = WIN_BASE + start * unit + (rnd() % 4 == 0 ? PAGE_SIZE * (rnd() % 512) : 0);
	*len = n * unit;
	if (*va + *len > WIN_BASE + WIN_SIZE)
		*len = WIN_BASE + WIN_SIZE - *va;
}

static const uint64_t prots[] = {
	__PAGE_KERNEL, __PAGE_KERNEL_RO, __PAGE_KERNEL_NOCACHE, __PAGE_KERNEL & ~_PAGE_NX,
};

static bool model_overlaps(unsigned long va, unsigned long len)
{
	for (int i = 0; i < n_ext; i++)
		if (va < ext[i].va + ext[i].len && ext[i].va < va + len)
			return true;
	return false;
}

static int op_map(void)
{
	unsigned long va, len;
	random_range(&va, &len);
	uint64_t pa = (rnd() % 64) * PUD_SIZE + (va & (PUD_SIZE - 1));   /* keeps large leaves possible */
	uint64_t prot = prots[rnd() % 4];
	bool busy = model_overlaps(va, len);
	unsigned long pages = nr_pgtable_pages;
	int ret = map_kernel_range(top, va, pa, len, __pgprot(prot), rnd() & 1);

	if (busy) {
		if (ret != -EBUSY || nr_pgtable_pages != pages) {
			printf("# map over a mapping: ret %d, table pages %lu -> %lu\n", ret, pages, nr_pgtable_pages);
			return 1;
		}
		return 0;
	}
	if (ret) {
		printf("# map_kernel_range(%#lx, %#llx, %#lx) = %d\n", va, (unsigned long long)pa, len, ret);
		return 1;
	}
	ext[n_ext++] = (struct extent){ va, len, pa, (prot | _PAGE_ACCESSED | _PAGE_DIRTY) & ATTR_MASK };
	return 0;
}

static int op_unmap(void)
{
	unsigned long va, len;
	random_range(&va, &len);
	if (unmap_kernel_range(top, va, len))
		return 1;
	model_remove(va, len);
	return 0;
}

static int op_attr(void)
{
	static const uint64_t bits[] = { _PAGE_RW, _PAGE_NX };
	if (!n_ext)
		return 0;
	const struct extent *e = &ext[rnd() % n_ext];
	unsigned long pages = e->len / PAGE_SIZE, first = rnd() % pages;
	unsigned long n = 1 + rnd() % (pages - first);
	uint64_t bit = bits[rnd() % 2];
	bool set = rnd() & 1;
	unsigned long va = e->va + first * PAGE_SIZE;

	if (change_page_attr(top, va, n, set ? bit : 0, set ? 0 : bit))
		return 1;
	model_attr(va, n * PAGE_SIZE, set ? bit : 0, set ? 0 : bit);
	return 0;
}

/* Unmapping gives back every table page except the PUD pages, which stay
 * (empty) under their top-level entries: those entries are shared with
 * every process. Returns how many there are, or -1 if one is not empty. */
static long pinned_puds(void)
{
	long n = 0;

	for (int i = 0; i < 512; i++) {
		const uint64_t *pud;

		if (!pgd_val(top[i]))
			continue;
		pud = pgtable_phys_to_virt(pgd_val(top[i]) & PHYSICAL_PAGE_MASK);
		for (int j = 0; j < 512; j++)
			if (pud[j])
				return -1;
		n++;
	}
	return n;
}

TEST(random_map_unmap_attr_sequences_match_model)
{
	fresh();
	int failures = 0;
	for (int step = 0; step < 3000 && !failures; step++) {
		int op = rnd() % 10;
		failures += op < 4 ? op_map() : op < 7 ? op_unmap() : op_attr();
		if (n_ext > MAX_EXT - 16)
			break;
		failures += check_all();
		if (failures)
			printf("# at step %d (op %d)\n", step, op);
	}
	EXPECT_EQ(failures, 0);
	/* unmapping everything gives back every table page */
	EXPECT_EQ(unmap_kernel_range(top, WIN_BASE, WIN_SIZE), 0);
	n_ext = 0;
	EXPECT_EQ(check_all(), 0);
	EXPECT_EQ(nr_pgtable_pages, pinned_puds());
}

TEST(largest_leaves_by_alignment)
{
	enum pg_level level;
	fresh();
	/* 1 GiB + 2 MiB + 4 KiB, all aligned: exactly one leaf of each size */
	EXPECT_EQ(map_kernel_range(top, WIN_BASE, PUD_SIZE * 3, PUD_SIZE + PMD_SIZE + PAGE_SIZE,
				   PAGE_KERNEL, true), 0);
	EXPECT_TRUE(lookup_address_in_pgd(top, WIN_BASE, &level) && level == PG_LEVEL_1G);
	EXPECT_TRUE(lookup_address_in_pgd(top, WIN_BASE + PUD_SIZE, &level) && level == PG_LEVEL_2M);
	EXPECT_TRUE(lookup_address_in_pgd(top, WIN_BASE + PUD_SIZE + PMD_SIZE, &level) &&
		    level == PG_LEVEL_4K);
	/* the minimum: one PUD page, one PMD page, one PTE page */
	EXPECT_EQ(nr_pgtable_pages, 3);
	/* without 1 GiB pages: 512 + 1 PMD leaves, two PMD pages */
	fresh();
	EXPECT_EQ(map_kernel_range(top, WIN_BASE, PUD_SIZE * 3, PUD_SIZE + PMD_SIZE, PAGE_KERNEL, false), 0);
	EXPECT_TRUE(lookup_address_in_pgd(top, WIN_BASE, &level) && level == PG_LEVEL_2M);
	EXPECT_EQ(nr_pgtable_pages, 3);
	/* misaligned physical address: 4 KiB leaves only */
	fresh();
	EXPECT_EQ(map_kernel_range(top, WIN_BASE, PAGE_SIZE, PMD_SIZE, PAGE_KERNEL, true), 0);
	EXPECT_TRUE(lookup_address_in_pgd(top, WIN_BASE, &level) && level == PG_LEVEL_4K);
}

TEST(split_keeps_every_translation_and_moves_pat_bit)
{
	enum pg_level level;
	uint64_t pa, attrs;
	fresh();
	EXPECT_EQ(map_kernel_range(top, WIN_BASE, PUD_SIZE, PUD_SIZE,
				   __pgprot(__PAGE_KERNEL | _PAGE_PAT), true), 0);
	pte_t *leaf = lookup_address_in_pgd(top, WIN_BASE, &level);
	EXPECT_TRUE(leaf && (pte_val(*leaf) & _PAGE_PAT_LARGE) && level == PG_LEVEL_1G);
	EXPECT_EQ(split_large_page(top, WIN_BASE + 5 * PMD_SIZE, PG_LEVEL_1G), 0);
	EXPECT_EQ(split_large_page(top, WIN_BASE + 5 * PMD_SIZE + 7 * PAGE_SIZE, PG_LEVEL_2M), 0);
	leaf = lookup_address_in_pgd(top, WIN_BASE + 5 * PMD_SIZE + 7 * PAGE_SIZE, &level);
	EXPECT_TRUE(leaf && level == PG_LEVEL_4K);
	/* bit 7 is PAT in a 4 KiB leaf; bit 12 is now a frame bit (checked below) */
	EXPECT_TRUE(leaf && (pte_val(*leaf) & _PAGE_PAT));
	EXPECT_TRUE(translate(WIN_BASE + 5 * PMD_SIZE + 7 * PAGE_SIZE + 12, &pa, &attrs));
	EXPECT_EQ(pa, PUD_SIZE + 5 * PMD_SIZE + 7 * PAGE_SIZE + 12);
	EXPECT_TRUE(translate(WIN_BASE + PUD_SIZE - 1, &pa, &attrs));
	EXPECT_EQ(pa, 2 * PUD_SIZE - 1);
	EXPECT_EQ(split_large_page(top, WIN_BASE + PUD_SIZE * 2, PG_LEVEL_2M), -EINVAL);
}

TEST(refusals_change_nothing)
{
	fresh();
	EXPECT_EQ(map_kernel_range(top, WIN_BASE + 1, 0, PAGE_SIZE, PAGE_KERNEL, true), -EINVAL);
	EXPECT_EQ(map_kernel_range(top, 0x1000, 0, PAGE_SIZE, PAGE_KERNEL, true), -EINVAL);
	EXPECT_EQ(map_kernel_range(top, WIN_BASE, 0, 0, PAGE_KERNEL, true), -EINVAL);
	EXPECT_EQ(map_kernel_range(top, WIN_BASE, 0, PAGE_SIZE, __pgprot(0), true), -EINVAL);
	EXPECT_EQ(nr_pgtable_pages, 0);
	/* out of table pages halfway: what was mapped is undone and the pages
	 * returned, all but the PUD page, which stays pinned (unmap_level) */
	sim_fail_after = 2;
	EXPECT_EQ(map_kernel_range(top, WIN_BASE, 0, PUD_SIZE + PMD_SIZE + PAGE_SIZE,
				   PAGE_KERNEL, false), -ENOMEM);
	sim_fail_after = -1;
	EXPECT_EQ(nr_pgtable_pages, 1);
	EXPECT_EQ(pinned_puds(), 1);
	enum pg_level level;
	EXPECT_TRUE(lookup_address_in_pgd(top, WIN_BASE, &level) == NULL);
	/* attribute change over a hole: refused, mapped part untouched */
	EXPECT_EQ(map_kernel_range(top, WIN_BASE, 0, PAGE_SIZE, PAGE_KERNEL, true), 0);
	EXPECT_EQ(change_page_attr(top, WIN_BASE, 2, 0, _PAGE_RW), -EINVAL);
	pte_t *leaf = lookup_address_in_pgd(top, WIN_BASE, &level);
	EXPECT_TRUE(leaf && (pte_val(*leaf) & _PAGE_RW));
	EXPECT_EQ(change_page_attr(top, WIN_BASE, 1, _PAGE_PSE, 0), -EINVAL);
}
