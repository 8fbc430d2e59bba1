/* The kernel image's page rights, read from the live tables, and CR4. */
#include "tests/kernel/ktest.h"
#include "kernel/cpufeature.h"
#include "kernel/sections.h"
#include "kernel/x86.h"
#include "kernel/types.h"
#include "mm/init.h"
#include "mm/memblock.h"
#include "kernel/init.h"
#include "mm/page.h"
#include "mm/pgtable.h"
#include "mm/pti.h"

static uint64_t leaf_of(const void *p, enum pg_level *level)
{
	pte_t *leaf = lookup_address((unsigned long)p, level);
	return leaf ? pte_val(*leaf) : 0;
}

KTEST(wx, sections_have_their_rights_in_4k_pages)
{
	enum pg_level level;
	uint64_t text = leaf_of(_text, &level);

	KUNIT_EXPECT_EQ(test, level, PG_LEVEL_4K);
	KUNIT_EXPECT_TRUE(test, (text & _PAGE_PRESENT) && !(text & _PAGE_RW) && !(text & _PAGE_NX));
	uint64_t ro = leaf_of(__start_rodata, &level);
	KUNIT_EXPECT_TRUE(test, (ro & _PAGE_PRESENT) && !(ro & _PAGE_RW) && (ro & _PAGE_NX));
	uint64_t data = leaf_of(_sdata, &level);
	KUNIT_EXPECT_TRUE(test, (data & _PAGE_RW) && (data & _PAGE_NX));
	uint64_t bss = leaf_of(_end - 1, &level);
	KUNIT_EXPECT_TRUE(test, (bss & _PAGE_RW) && (bss & _PAGE_NX));
}

KTEST(wx, guard_page_and_image_tail_unmapped)
{
	enum pg_level level;

	KUNIT_EXPECT_TRUE(test, lookup_address((unsigned long)boot_stack_guard, &level) == 0);
	KUNIT_EXPECT_TRUE(test, lookup_address(PAGE_ALIGN((unsigned long)_end), &level) == 0);
	KUNIT_EXPECT_TRUE(test, lookup_address((unsigned long)boot_stack_bottom, &level) != 0);
}

KTEST(wx, no_wx_pages_in_kernel_half)
{
	KUNIT_EXPECT_EQ(test, ptdump_check_wx(), 0);
}

/* Text and rodata through the direct map: present, read-only, NX; a data
 * page's alias stays writable. */
KTEST(wx, image_alias_read_only_in_the_direct_map)
{
	enum pg_level level;
	const void *probes[] = { _text, _etext - 1, __start_rodata, __end_rodata - 1 };

	for (unsigned int i = 0; i < ARRAY_SIZE(probes); i++) {
		uint64_t alias = leaf_of(__va(__pa_symbol(probes[i])), &level);

		KUNIT_EXPECT_TRUE(test, (alias & _PAGE_PRESENT) && !(alias & _PAGE_RW) &&
				  (alias & _PAGE_NX));
	}
	KUNIT_EXPECT_TRUE(test, leaf_of(__va(__pa_symbol(_sdata)), &level) & _PAGE_RW);
	KUNIT_EXPECT_EQ(test, ptdump_check_aliases(), 0);
}

KTEST(wx, cr4_pge_and_smep_smap_as_cpu_allows)
{
	unsigned long cr4 = read_cr4();

	/* pti=on turns global pages off (mm/pti.c): no kernel TLB entry may
	 * outlive the switch to the user table; a full flush must not turn
	 * them back on (mm/tlb.c __flush_tlb_all) */
	KUNIT_EXPECT_EQ(test, !!(cr4 & X86_CR4_PGE), !pti_enabled());
	KUNIT_EXPECT_EQ(test, !!(cr4 & X86_CR4_SMEP), boot_cpu_has(X86_FEATURE_SMEP));
	KUNIT_EXPECT_EQ(test, !!(cr4 & X86_CR4_SMAP), boot_cpu_has(X86_FEATURE_SMAP));
}

KTEST(wx, init_region_unmapped_and_free)
{
	enum pg_level level;
	uint64_t pa = __pa_symbol(__init_begin);

	KUNIT_EXPECT_TRUE(test, (unsigned long)__init_end > (unsigned long)__init_begin);
	KUNIT_EXPECT_TRUE(test, lookup_address((unsigned long)__init_begin, &level) == 0);
	KUNIT_EXPECT_TRUE(test, memblock_is_memory(pa));
	KUNIT_EXPECT_FALSE(test, memblock_is_reserved(pa));
	KUNIT_EXPECT_FALSE(test, memblock_is_reserved(__pa_symbol(__init_end) - 1));
	KUNIT_EXPECT_TRUE(test, memblock_is_reserved(__pa_symbol(_text)));
}
