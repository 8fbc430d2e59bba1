/* Host tests for the buddy allocator (mm/page_alloc.c): long random runs
 * of hand-over, alloc and free steps, checked against the reference model
 * of tests/unit/page_alloc_model.h after every step. */
#include "tests/unit/unit.h"
#include "tests/unit/page_alloc_model.h"

/* ---- the long random run ---------------------------------------------------------- */

enum { BAD_OUTSIDE, BAD_RESERVED, BAD_FREE_HEAD, BAD_NOT_HEAD, BAD_ORDER, NR_BAD };

/* A random page of the wanted kind (by the model), or -1 if there is none. */
static long pick_pfn(int kind)
{
	for (int tries = 0; tries < 200; tries++) {
		unsigned long pfn = rnd() % max_pfn;

		bool reserved = owner[pfn] == RESERVED;
		bool free_head = owner[pfn] == FREE && exp_head[pfn];
		bool live_head = live_order[pfn] != 0;

		if ((kind == BAD_RESERVED && reserved) || (kind == BAD_FREE_HEAD && free_head) ||
		    (kind == BAD_NOT_HEAD && !reserved && !free_head && !live_head))
			return (long)pfn;
	}
	return -1;
}

/* One bad free of a random kind, judged by the model. Returns the kind
 * tried, or -1 if the state had no page of that kind. */
static int random_bad_free(void)
{
	unsigned long counts[NR_PAGE_ORDERS];
	int kind = (int)(rnd() % NR_BAD);
	unsigned int order = (unsigned int)(rnd() % 12);
	char buf[160];
	long pfn;

	expected_blocks(counts, exp_head);
	if (kind == BAD_OUTSIDE) {
		static const long where[] = { -64, -1, 8, 32 };
		long w = where[rnd() % 4];

		if (w == -1)
			expect_refused(&map[max_pfn], order, NULL);
		else
			expect_refused(page_at_offset(w), order, NULL);
		expected_lines++;
		return kind;
	}
	if (kind == BAD_ORDER) {
		if (!nr_live)
			return -1;
		pfn = (long)live[rnd() % nr_live].pfn;
		while (order == live_order[pfn] - 1u)
			order = (unsigned int)(rnd() % 40);
	} else {
		pfn = pick_pfn(kind);
		if (pfn < 0)
			return -1;
	}
	EXPECT_TRUE(expected_complaint((unsigned long)pfn, order, buf) != NULL);
	expect_refused(&map[pfn], order, buf);
	expected_lines++;
	return kind;
}

/* Occasionally boot hands over more: a random range, refused whole if the
 * model says any of it is not reserved. */
static void random_hand_over(void)
{
	unsigned long start = rnd() % max_pfn, end = start + rnd() % 40, bad = 0;
	bool ok = true;

	if (end > max_pfn)
		end = max_pfn;
	for (unsigned long pfn = start; pfn < end && ok; pfn++)
		if (owner[pfn] != RESERVED) {
			ok = false;
			bad = pfn;
		}
	if (ok) {
		hand_over(start, end);
		return;
	}
	snapshot();
	free_pages_range_core(start, end);
	EXPECT_TRUE(unchanged());
	expected_lines++;
	{
		char want[160];

		sprintf(want, "free_pages_range_core: pfns [0x%lx, 0x%lx): "
			"pfn 0x%lx is not reserved (handed over twice?)\n", start, end, bad);
		EXPECT_STREQ(last_line, want);
	}
}

/* One random operation: alloc_pct in a hundred are allocations, 88 -
 * alloc_pct good frees, 10 bad frees, one a hand-over, one an order above
 * MAX_ORDER. */
static void random_step(int bad_seen[NR_BAD], unsigned long alloc_pct)
{
	unsigned long r = rnd() % 100;

	if (r < alloc_pct) {
		gfp_t gfp = (rnd() & 1 ? __GFP_NOWARN : 0) | (rnd() % 4 == 0 ? __GFP_ZERO : 0);
		unsigned int order = (unsigned int)(rnd() & 1 ? rnd() % NR_PAGE_ORDERS : rnd() % 3);

		model_alloc(gfp, order);
	} else if (r < 88) {
		if (nr_live)
			model_free((int)(rnd() % nr_live), rnd() & 1);
	} else if (r < 98) {
		int kind = random_bad_free();

		if (kind >= 0)
			bad_seen[kind]++;
	} else if (r < 99) {
		random_hand_over();
	} else {
		EXPECT_TRUE(alloc_pages(__GFP_NOWARN, MAX_ORDER + 1 + (unsigned int)(rnd() % 50)) == NULL);
		expected_lines++;
	}
}

/* 20000 random steps from a fixed seed over the ranges given, the whole
 * state checked against the model after every 8th (a full check walks
 * every page and free list: after each step it took 5 s of the test
 * run, and a wrong state persists until the next check) and the lines
 * printed after each; then everything freed must leave the maximal
 * blocks the handed-over ranges allow. */
static void random_run(unsigned long seed, const unsigned long (*ranges)[2], int nr_ranges,
		       const unsigned long *final_shape)
{
	int bad_seen[NR_BAD] = { 0 };
	bool any_reserved;
	char when[64];

	reset(NPAGES);
	rng_state = seed;
	oom_warnable = 0;
	expected_lines = 0;
	for (int i = 0; i < nr_ranges; i++)
		hand_over(ranges[i][0], ranges[i][1]);
	any_reserved = totalram_pages < max_pfn;
	for (int step = 0; step < 20000; step++) {
		/* phases of 1000 steps: filling memory up (to exhaustion), draining it */
		random_step(bad_seen, step / 1000 % 2 ? 20 : 60);
		sprintf(when, "seed %#lx step %d", seed, step);
		if ((step % 8 == 7 && !state_ok(when)) || nr_lines != expected_lines) {
			EXPECT_EQ(nr_lines, expected_lines);
			EXPECT_TRUE(false);
			return;
		}
	}
	for (int k = 0; k < NR_BAD; k++)
		EXPECT_TRUE(bad_seen[k] > 50 || (k == BAD_RESERVED && !any_reserved));
	EXPECT_TRUE(oom_warnable > 0);
	free_everything();
	EXPECT_TRUE(state_ok("everything freed"));
	EXPECT_EQ(nr_lines, expected_lines);
	if (final_shape)
		for (unsigned int o = 0; o <= MAX_ORDER; o++)
			EXPECT_EQ(free_area[o].nr_free, final_shape[o]);
}

TEST(random_20000_steps_on_3_to_4093_match_the_model)
{
	static const unsigned long ranges[][2] = { { 3, 4093 } };
	static const unsigned long shape[NR_PAGE_ORDERS] = { 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2 };

	random_run(0x2545f4914f6cdd1dUL, ranges, 1, shape);
}

TEST(random_20000_steps_on_scattered_ranges_match_the_model)
{
	static const unsigned long ranges[][2] = {
		{ 1, 2 }, { 5, 700 }, { 701, 1500 }, { 1600, 1601 }, { 2048, 4000 },
	};

	random_run(0x853c49e6748fea9bUL, ranges, 5, NULL);
}

TEST(random_20000_steps_with_all_ram_match_the_model)
{
	static const unsigned long ranges[][2] = { { 0, 2048 }, { 2048, 4096 } };

	random_run(0xda3e39cb94b95bdbUL, ranges, 2, NULL);
}
