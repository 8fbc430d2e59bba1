/* ioremap (mm/ioremap.c) on the real machine: what it refuses, the
 * memtype conflicts the PAT makes real, and 2 MiB leaves with their type
 * bits. The oracles: the counts and text of vm_baseline.h, the leaf the
 * page-table walk finds, and the SDM's bit positions. */
#include "tests/kernel/ktest.h"
#include "tests/kernel/vm_baseline.h"
#include "kernel/cpufeature.h"
#include "mm/fixmap.h"
#include "mm/ioremap.h"
#include "mm/page.h"

KTEST(ioremap, refuses_ram_wraps_and_conflicts)
{
	static struct baseline before;
	void *a, *b;

	take_baseline(&before);
	KUNIT_EXPECT_TRUE(test, ioremap(0x100000, PAGE_SIZE) == 0);          /* RAM */
	KUNIT_EXPECT_TRUE(test, ioremap(0xa0000, 0x61000) == 0);             /* hole, then RAM */
	KUNIT_EXPECT_TRUE(test, ioremap(~0ULL - 10, 100) == 0);              /* wraps */
	KUNIT_EXPECT_TRUE(test, ioremap(1ULL << boot_cpu_data.phys_bits, 8) == 0);
	KUNIT_EXPECT_TRUE(test, ioremap(IO_POOL, 0) == 0);
	/* the fixmap maps the LAPIC uncached already: write-back refused */
	KUNIT_EXPECT_TRUE(test, ioremap_cache(PFN_PHYS(pte_pfn(*fixmap_pte(FIX_APIC_BASE))), 16) == 0);
	expect_baseline(test, &before);
	a = ioremap_wc(IO_POOL + 0x10, 0x20);
	KUNIT_EXPECT_EQ(test, (unsigned long)a & ~PAGE_MASK, 0x10);
	/* a UC- request on the same page conflicts (if WC is really WC) */
	b = ioremap(IO_POOL + 0x800, 8);
	KUNIT_EXPECT_EQ(test, b == 0, pat_enabled());
	if (b)
		iounmap(b);
	iounmap(a);
	expect_baseline(test, &before);
}

/* A 4 MiB ioremap of 2 MiB-aligned device memory is 2 MiB-aligned too
 * and maps with 2 MiB leaves, whose PAT bit would be bit 12 (SDM Vol. 3A
 * Table 4-18); PWT/PCD stay in bits 3/4 at every level. */
KTEST(ioremap, large_ioremap_uses_2m_leaves_with_the_type_bits)
{
	static struct baseline before;
	char *p;

	take_baseline(&before);
	p = ioremap_uc(IO_POOL + 0x200000, 2 * PMD_SIZE);
	KUNIT_EXPECT_TRUE(test, p && !((unsigned long)p & (PMD_SIZE - 1)));
	for (int i = 0; p && i < 2; i++) {
		enum pg_level level;
		pte_t *leaf = lookup_address((unsigned long)p + i * PMD_SIZE, &level);

		KUNIT_EXPECT_TRUE(test, leaf && level == PG_LEVEL_2M);
		if (leaf)
			KUNIT_EXPECT_EQ(test, pte_val(*leaf) & (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT_LARGE),
					_PAGE_PWT | _PAGE_PCD);
	}
	iounmap(p);
	expect_baseline(test, &before);
}
