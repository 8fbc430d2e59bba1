/* Host tests for the buddy allocator (mm/page_alloc.c).
 *
 * Simulated machine: NPAGES pages of 4 KiB in one aligned array (`ram`),
 * their struct pages in `map`; page_address/virt_to_page are defined here
 * over that array.
 *
 * The reference model knows nothing of buddies: owner[pfn] says whether a
 * page was never handed over (RESERVED), is free (FREE), or belongs to
 * allocation number N. From it alone the test derives what the allocator
 * must hold: an allocation may only return naturally aligned pages that
 * are all FREE; it may fail only if no naturally aligned run of FREE pages
 * of that size exists; and, since freeing merges eagerly, the free lists
 * must be exactly the maximal naturally aligned runs of FREE pages (at
 * most 2^MAX_ORDER), head for head. Bad frees are judged from the model
 * too, and must print one line and leave mem_map and the lists
 * byte-for-byte unchanged.
 */
#include "tests/unit/unit.h"
#include "tests/unit/page_alloc_model.h"

/* ---- the tests ------------------------------------------------------------------ */

TEST(init_reserves_every_page_and_lists_are_empty)
{
	memset(map, 0x5a, sizeof(map));
	reset(NPAGES);
	for (unsigned long pfn = 0; pfn < NPAGES; pfn++)
		EXPECT_EQ(map[pfn].flags, PG_reserved);
	EXPECT_EQ(nr_free_pages(), 0);
	EXPECT_EQ(totalram_pages, 0);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	EXPECT_TRUE(state_ok("init"));
}

/* Boot's one pass (free_area_init, then memmap_init_range and
 * memmap_init_free_range lowest pfn first) over a map full of garbage,
 * for random layouts of free runs with reserved gaps between: the lists
 * must be the eagerly merged ones the model derives (so no merge was
 * needed), and every struct page must be written whole. */
TEST(one_pass_init_over_garbage_gives_merged_lists)
{
	rng_state = 0x2545f4914f6cdd1dUL;
	for (int round = 0; round < 200 && !unit_failures; round++) {
		unsigned long nr = NPAGES - rnd() % 64, pfn = 0, next;

		memset(map, 0x5a, sizeof(map));
		reset(nr);              /* the model: all reserved */
		memset(map, 0x5a, sizeof(map));
		free_area_init(map, nr);
		while (pfn < nr) {
			unsigned long gap = 1 + rnd() % (rnd() % 4 ? 3 : 300);
			unsigned long run = rnd() % (rnd() % 4 ? 40 : 3000);

			next = pfn + gap < nr ? pfn + gap : nr;
			memmap_init_range(pfn, next);
			pfn = next;
			next = pfn + run < nr ? pfn + run : nr;
			memmap_init_free_range(pfn, next);
			for (; pfn < next; pfn++)
				owner[pfn] = FREE;
		}
		EXPECT_TRUE(state_ok("one-pass init"));
		EXPECT_EQ(totalram_pages, model_free_pages());
		for (unsigned long p = 0; p < nr; p++) {
			struct page want = { .flags = map[p].flags, .order = map[p].order,
					     .lru = map[p].lru };

			if (!(map[p].flags & PG_buddy))
				want.lru = (struct list_head){ 0 };
			EXPECT_EQ(memcmp(&map[p], &want, sizeof(want)), 0);
		}
	}
}

/* [3, 4093): one page, then blocks of 4, 8, ... 512, two of 1024 at 1024
 * and 2048, and the mirror image down to one page at 4092. */
TEST(hand_over_3_to_4093_gives_maximal_aligned_blocks)
{
	static const unsigned long shape[NR_PAGE_ORDERS] = { 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2 };

	reset(NPAGES);
	hand_over(3, 4093);
	for (unsigned int o = 0; o <= MAX_ORDER; o++)
		EXPECT_EQ(free_area[o].nr_free, shape[o]);
	EXPECT_EQ(nr_free_pages(), 4090);
	EXPECT_EQ(totalram_pages, 4090);
	EXPECT_EQ(nr_lines, 0);
	EXPECT_TRUE(state_ok("hand over [3, 4093)"));
	EXPECT_STREQ(buddyinfo_text(), "Node 0, zone   Normal"
		     "      2      0      2      2      2      2      2      2      2      2      2\n");
}

TEST(hand_over_page_by_page_in_random_order_merges_to_order_10)
{
	static unsigned long perm[NPAGES];

	reset(NPAGES);
	rng_state = 0x9e3779b97f4a7c15UL;
	for (unsigned long i = 0; i < NPAGES; i++)
		perm[i] = i;
	for (unsigned long i = NPAGES - 1; i > 0; i--) {
		unsigned long j = rnd() % (i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (unsigned long i = 0; i < NPAGES; i++) {
		hand_over(perm[i], perm[i] + 1);
		if (i % 256 == 0)
			EXPECT_TRUE(state_ok("page by page"));
	}
	EXPECT_STREQ(buddyinfo_text(), "Node 0, zone   Normal"
		     "      0      0      0      0      0      0      0      0      0      0      4\n");
	EXPECT_EQ(nr_lines, 0);
}

TEST(hand_over_twice_or_past_the_end_is_refused_or_cut)
{
	reset(1000);
	hand_over(100, 200);
	snapshot();
	free_pages_range_core(150, 300);        /* 150..199 already handed over */
	EXPECT_EQ(nr_lines, 1);
	EXPECT_STREQ(last_line, "free_pages_range_core: pfns [0x96, 0x12c): "
		     "pfn 0x96 is not reserved (handed over twice?)\n");
	EXPECT_TRUE(unchanged());
	hand_over(900, 1500);                   /* cut at max_pfn = 1000 */
	EXPECT_EQ(nr_lines, 2);
	EXPECT_STREQ(last_line, "free_pages_range_core: pfns [0x384, 0x5dc): "
		     "past the end of mem_map; cut at 0x3e8\n");
	EXPECT_EQ(totalram_pages, 200);
	free_pages_range_core(20, 20);          /* empty: nothing, quietly */
	free_pages_range_core(30, 10);
	EXPECT_EQ(nr_lines, 2);
	EXPECT_TRUE(state_ok("twice / cut"));
}

/* From one order-10 block, an order-0 allocation leaves one block of each
 * order 0..9 (expand), and freeing it merges them all back. */
TEST(alloc_splits_and_free_merges_back)
{
	struct page *page;

	reset(NPAGES);
	hand_over(1024, 2048);
	page = alloc_pages(GFP_KERNEL, 0);
	EXPECT_TRUE(page == &map[1024]);
	EXPECT_EQ(page->flags, PG_head);
	EXPECT_EQ(page->order, 0);
	EXPECT_EQ(page->refcount, 1);
	EXPECT_STREQ(buddyinfo_text(), "Node 0, zone   Normal"
		     "      1      1      1      1      1      1      1      1      1      1      0\n");
	__free_pages(page, 0);
	EXPECT_EQ(page->flags, PG_buddy);
	EXPECT_EQ(page->refcount, 0);
	EXPECT_STREQ(buddyinfo_text(), "Node 0, zone   Normal"
		     "      0      0      0      0      0      0      0      0      0      0      1\n");
	EXPECT_EQ(nr_lines, 0);
}

TEST(allocated_block_head_has_state_and_tail_pages_are_plain)
{
	struct page *page;

	reset(NPAGES);
	hand_over(0, NPAGES);
	page = alloc_pages(GFP_KERNEL, 4);
	EXPECT_TRUE(page != NULL);
	if (!page)
		return;
	EXPECT_EQ(page->flags, PG_head);
	EXPECT_EQ(page->order, 4);
	EXPECT_EQ(page->refcount, 1);
	for (int i = 1; i < 16; i++)
		EXPECT_EQ(page[i].flags, 0);
	/* an owner's flag on the head (a slab, a page table) goes on free */
	page->flags |= PG_slab;
	__free_pages(page, 4);
	EXPECT_EQ(nr_lines, 0);
	EXPECT_EQ(nr_free_pages(), NPAGES);
}

TEST(buddy_outside_mem_map_is_not_merged)
{
	/* just past the end of mem_map, bait: what a free buddy's head looks like */
	map[3077] = (struct page){ .flags = PG_buddy, .order = 0 };
	reset(3077);                            /* mem_map ends mid-block */
	hand_over(0, max_pfn);
	EXPECT_STREQ(buddyinfo_text(), "Node 0, zone   Normal"
		     "      1      0      1      0      0      0      0      0      0      0      3\n");
	EXPECT_TRUE(state_ok("short map"));
}

TEST(order_above_max_order_is_null_with_a_line_even_with_nowarn)
{
	reset(NPAGES);
	hand_over(0, NPAGES);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, MAX_ORDER + 1) == NULL);
	EXPECT_STREQ(last_line, "alloc_pages: order 11 > MAX_ORDER (10)\n");
	EXPECT_TRUE(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 40) == NULL);
	EXPECT_STREQ(last_line, "alloc_pages: order 40 > MAX_ORDER (10)\n");
	EXPECT_EQ(__get_free_pages(GFP_KERNEL, 0xffffffffu), 0);
	EXPECT_EQ(nr_lines, 3);
	EXPECT_EQ(nr_free_pages(), NPAGES);
}

TEST(out_of_memory_is_null_with_one_line_unless_nowarn)
{
	reset(NPAGES);
	hand_over(0, 16);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, 5) == NULL);
	EXPECT_EQ(nr_lines, 1);
	EXPECT_STREQ(last_line, "alloc_pages: out of memory (order 5, 16 pages free)\n");
	EXPECT_TRUE(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 5) == NULL);
	EXPECT_EQ(__get_free_pages(GFP_KERNEL | __GFP_NOWARN, 7), 0);
	EXPECT_EQ(nr_lines, 1);
	for (int i = 0; i < 16; i++)
		EXPECT_TRUE(alloc_pages(GFP_KERNEL, 0) != NULL);
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, 0) == NULL);
	EXPECT_STREQ(last_line, "alloc_pages: out of memory (order 0, 0 pages free)\n");
	EXPECT_EQ(nr_lines, 2);
}

/* Lines for failures 1..5, then 1000, 2000, 3000; __GFP_NOWARN failures
 * print nothing and do not count. */
TEST(out_of_memory_lines_are_rate_limited_by_count)
{
	int printed_at[16], n = 0;

	reset(NPAGES);
	for (int i = 1; i <= 3500; i++) {
		int before = nr_lines;

		EXPECT_TRUE(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
		EXPECT_TRUE(alloc_pages(GFP_KERNEL, 0) == NULL);
		if (nr_lines != before && n < 16)
			printed_at[n++] = i;
	}
	EXPECT_EQ(nr_lines, 8);
	EXPECT_EQ(n, 8);
	for (int k = 0; k < 5 && k < n; k++)
		EXPECT_EQ(printed_at[k], k + 1);
	for (int k = 5; k < 8 && k < n; k++)
		EXPECT_EQ(printed_at[k], (k - 4) * 1000);
	reset(NPAGES);                          /* init starts the count again */
	EXPECT_TRUE(alloc_pages(GFP_KERNEL, 0) == NULL);
	EXPECT_EQ(nr_lines, 1);
}

TEST(gfp_zero_zeroes_the_block_and_nothing_else)
{
	unsigned long addr, pfn;
	bool zero = true, rest = true;

	reset(NPAGES);
	hand_over(0, NPAGES);
	memset(ram, 0xa5, sizeof(ram));
	addr = __get_free_pages(GFP_KERNEL | __GFP_ZERO, 3);
	EXPECT_TRUE(addr != 0);
	if (!addr)
		return;
	pfn = (addr - (uintptr_t)ram) / PAGE_SIZE;
	for (unsigned long i = 0; i < sizeof(ram); i++) {
		bool inside = i / PAGE_SIZE >= pfn && i / PAGE_SIZE < pfn + 8;

		if (inside)
			zero &= ram[i] == 0;
		else
			rest &= ram[i] == 0xa5;
	}
	EXPECT_TRUE(zero);
	EXPECT_TRUE(rest);
	/* without __GFP_ZERO the allocator never writes the memory it hands out */
	addr = __get_free_pages(GFP_KERNEL, 2);
	EXPECT_TRUE(addr != 0);
	if (addr) {
		EXPECT_EQ(((unsigned char *)addr)[0], 0xa5);
		EXPECT_EQ(((unsigned char *)addr)[4 * PAGE_SIZE - 1], 0xa5);
	}
}

TEST(get_free_pages_and_free_pages_round_trip)
{
	unsigned long a, b;
	int local;

	reset(NPAGES);
	hand_over(0, NPAGES);
	a = __get_free_page(GFP_KERNEL);
	b = __get_free_pages(GFP_KERNEL, 10);
	EXPECT_TRUE(a && b);
	EXPECT_EQ(a % PAGE_SIZE, 0);
	EXPECT_EQ((b - (uintptr_t)ram) % (1024 * PAGE_SIZE), 0);
	EXPECT_TRUE(virt_to_page((void *)(b + 5000)) == virt_to_page((void *)b) + 1);
	EXPECT_EQ(nr_free_pages(), NPAGES - 1025);
	free_page(a);
	free_pages(b, 10);
	free_pages(0, 3);                       /* as in Linux: nothing, quietly */
	EXPECT_EQ(nr_lines, 0);
	EXPECT_EQ(nr_free_pages(), NPAGES);
	EXPECT_TRUE(state_ok("round trip"));

	snapshot();
	free_pages((unsigned long)ram - PAGE_SIZE, 0);
	free_pages((unsigned long)ram + NPAGES * PAGE_SIZE, 2);
	free_pages((unsigned long)&local, 0);
	EXPECT_EQ(nr_lines, 3);
	EXPECT_TRUE(unchanged());
	{
		char want[128];

		sprintf(want, "free_pages: 0x%lx order 0: not an address in RAM\n", (unsigned long)&local);
		EXPECT_STREQ(last_line, want);
	}
}

TEST(every_kind_of_bad_free_is_one_line_and_changes_nothing)
{
	struct page *a, *b;
	char want[160];

	reset(NPAGES);
	hand_over(3, 4093);
	a = alloc_pages(GFP_KERNEL, 2);
	b = alloc_pages(GFP_KERNEL, 0);
	EXPECT_TRUE(a && b);
	if (!a || !b)
		return;
	expect_refused(NULL, 0, NULL);
	expect_refused(page_at_offset(-(long)sizeof(struct page)), 0, NULL);
	expect_refused(page_at_offset(8), 0, NULL);     /* inside mem_map, not a struct page */
	expect_refused(&map[NPAGES], 1, "__free_pages: pfn 0x1000 order 1: pfn outside RAM\n");
	expect_refused(&map[0], 0, "__free_pages: pfn 0x0 order 0: reserved page\n");
	expect_refused(&map[4095], 3, "__free_pages: pfn 0xfff order 3: reserved page\n");
	expect_refused(&map[1024], 10, "__free_pages: pfn 0x400 order 10: already free (double free)\n");
	expect_refused(&map[1025], 0, "__free_pages: pfn 0x401 order 0: not the head of an allocation\n");
	sprintf(want, "__free_pages: pfn 0x%lx order 2: not the head of an allocation\n",
		page_to_pfn(a + 1));
	expect_refused(a + 1, 2, want);
	sprintf(want, "__free_pages: pfn 0x%lx order 1: wrong order: allocated at order 2\n",
		page_to_pfn(a));
	expect_refused(a, 1, want);
	sprintf(want, "__free_pages: pfn 0x%lx order 31: wrong order: allocated at order 2\n",
		page_to_pfn(a));
	expect_refused(a, 31, want);
	__free_pages(b, 0);
	sprintf(want, "__free_pages: pfn 0x%lx order 0: already free (double free)\n",
		page_to_pfn(b));
	expect_refused(b, 0, want);             /* b's buddy is allocated: b stays a head */
	__free_pages(a, 2);
	EXPECT_EQ(nr_lines, 12);
	EXPECT_EQ(nr_free_pages(), 4090);
	EXPECT_STREQ(buddyinfo_text(), "Node 0, zone   Normal"
		     "      2      0      2      2      2      2      2      2      2      2      2\n");
}
