/* PGDs for address spaces: the kernel half copied, kept equal by the
 * preallocated vmalloc PUDs, checked by checkpgd, and usable in CR3. */
#include "tests/kernel/ktest.h"
#include "kernel/x86.h"
#include "mm/page.h"
#include "mm/pgalloc.h"
#include "mm/pgd.h"
#include "mm/pti.h"
#include "mm/direct_map.h"
#include "mm/vmalloc.h"

#define NR_TEST_PGDS 8

KTEST(pgd, kernel_half_shared_through_later_vmallocs)
{
	unsigned long free0 = nr_free_pages(), tables0 = nr_pgtable_pages, pgds0 = nr_pgds();
	pgd_t *pgd[NR_TEST_PGDS];
	unsigned long *v;
	enum pg_level level;

	for (int i = 0; i < NR_TEST_PGDS; i++) {
		pgd[i] = pgd_alloc(0);
		KUNIT_EXPECT_TRUE(test, pgd[i] != 0);
		if (!pgd[i])
			return;
		for (int s = 0; s < KERNEL_PGD_BOUNDARY; s++)
			KUNIT_EXPECT_TRUE(test, pgd_none(pgd[i][s]));
	}
	KUNIT_EXPECT_EQ(test, nr_pgds(), pgds0 + NR_TEST_PGDS);
	KUNIT_EXPECT_EQ(test, checkpgd(0), 0);
	/* a mapping made after the PGDs, in a PGD slot of its own (slot
	 * 403: 512 GiB-aligned past the first areas), reaches all of them */
	v = __vmalloc_node_range(PAGE_SIZE, 1UL << PGDIR_SHIFT, PAGE_KERNEL, 0, 0);
	KUNIT_EXPECT_TRUE(test, v && pgd_index((unsigned long)v) > pgd_index(VMALLOC_START));
	if (v) {
		*v = 0x5eed;
		for (int i = 0; i < NR_TEST_PGDS; i++) {
			pte_t *a = lookup_address_in_pgd(pgd[i], (unsigned long)v, &level);

			KUNIT_EXPECT_TRUE(test, a && a == lookup_address((unsigned long)v, &level));
		}
		/* and the CPU agrees: run on another PGD and read it */
		unsigned long cr3 = read_cr3(), seen;

		write_cr3(__pa(pgd[3]));
		seen = *(volatile unsigned long *)v;
		write_cr3(cr3);
		KUNIT_EXPECT_EQ(test, seen, 0x5eed);
	}
	KUNIT_EXPECT_EQ(test, checkpgd(0), 0);
	/* a kernel half that drifted is found */
	pgd_t saved = pgd[5][300];

	set_pgd(&pgd[5][300], __pgd(pgd_val(saved) ^ 0x1000));
	KUNIT_EXPECT_EQ(test, checkpgd(0), 1);
	set_pgd(&pgd[5][300], saved);
	/* a PGD whose user half still maps something is not freed */
	set_pgd(&pgd[2][0], __pgd(0x1000 | _PAGE_PRESENT));
	pgd_free(0, pgd[2]);
	KUNIT_EXPECT_EQ(test, nr_pgds(), pgds0 + NR_TEST_PGDS);
	set_pgd(&pgd[2][0], __pgd(0));
	vfree(v);
	for (int i = 0; i < NR_TEST_PGDS; i++)
		pgd_free(0, pgd[i]);
	KUNIT_EXPECT_EQ(test, nr_pgds(), pgds0);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free0);
	KUNIT_EXPECT_EQ(test, nr_pgtable_pages, tables0);
}

/* With pti=on the entry code reads CR3 bit 12 as "the user table" (an NMI
 * in the exit window, kernel/entry.asm): no kernel top-level table that
 * CR3 can hold may have that bit in its address. pgd_alloc's tables are
 * order-1 blocks under PTI; these are the image's own. */
KTEST(pgd, kernel_top_level_tables_leave_cr3_bit_12_clear)
{
	extern pgd_t early_top_pgt[], early_top_pgt5[];

	KUNIT_EXPECT_EQ(test, __pa_symbol(swapper_pg_dir) & PTI_USER_PGTABLE_MASK, 0);
	KUNIT_EXPECT_EQ(test, __pa_symbol(early_top_pgt) & PTI_USER_PGTABLE_MASK, 0);
	KUNIT_EXPECT_EQ(test, __pa_symbol(early_top_pgt5) & PTI_USER_PGTABLE_MASK, 0);
}
