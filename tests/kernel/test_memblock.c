/* memblock (mm/memblock.c) after boot: what it handed out is still
 * reserved, checked against mem_map's own page flags, and it refuses
 * allocations once the buddy allocator has taken over. */
#include "tests/kernel/ktest.h"
#include "mm/direct_map.h"
#include "mm/memblock.h"
#include "kernel/sections.h"
#include "mm/page.h"
#include "mm/page_alloc.h"

/* memblock_alloc worked at boot: mem_map came from it, inside the direct
 * map, bottom-up above the image (memblock_setup: away from the firmware's
 * code at the top of RAM), and its pages are reserved (never given to the
 * buddy allocator). Since the hand-over it refuses. */
KTEST(memblock, mem_map_from_memblock_and_frozen_after_handover)
{
	uint64_t pa = __pa(mem_map);
	uint64_t end = pa + (uint64_t)max_pfn * sizeof(struct page);

	KUNIT_EXPECT_EQ(test, pa & (PAGE_SIZE - 1), 0);
	KUNIT_EXPECT_TRUE(test, end <= direct_map_end);
	KUNIT_EXPECT_TRUE(test, pa >= __pa_symbol(_end));
	KUNIT_EXPECT_TRUE(test, memblock_is_reserved(pa) && memblock_is_reserved(end - 1));
	KUNIT_EXPECT_TRUE(test, pfn_to_page(PFN_DOWN(pa))->flags & PG_reserved);
	KUNIT_EXPECT_TRUE(test, pfn_to_page(PFN_DOWN(end - 1))->flags & PG_reserved);
	KUNIT_EXPECT_TRUE(test, memblock.frozen);
	KUNIT_EXPECT_TRUE(test, memblock_alloc(64, 8) == 0);
	KUNIT_EXPECT_EQ(test, memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE), 0);
}
