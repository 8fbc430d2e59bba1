/* Host tests for memblock (mm/memblock.c): allocation (fixed cases), then
 * long random sequences of add/reserve/remove/free/alloc checked step by
 * step against the page-map reference model in memblock_model.h. The e820
 * import and the list operations are in test_memblock.c.
 */
#include <stdint.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/memblock_model.h"

/* ---- allocation ------------------------------------------------------------------- */

TEST(alloc_is_top_down_and_reserves_what_it_returns)
{
	reset();
	memblock_add(0x100000, 0x100000);
	memblock_add(0x400000, 0x10000);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0x40f000);
	EXPECT_EQ(memblock_phys_alloc(0x3000, 0x4000), 0x40c000);
	EXPECT_EQ(memblock_phys_alloc(0x2000, 0x8000), 0x408000);
	EXPECT_EQ(memblock_phys_alloc(0x10000, 0x1000), 0x1f0000);  /* no longer fits up there */
	REGIONS_ARE(&memblock.reserved, { 0x1f0000, 0x200000 }, { 0x408000, 0x40a000 },
		    { 0x40c000, 0x410000 });
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0, 0x180000), 0x17f000);
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0x400000, 0x40c000), 0x40b000);
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0x500000, 0), 0);
	EXPECT_EQ(nr_lines, 1);
	EXPECT_TRUE(logged("memblock_phys_alloc_range(0x1000, 0x1000, 0x500000, 0x0): "
			   "no free range fits\n"));
}

/* Bottom-up from a start (Linux's mode for allocating near the image):
 * the lowest fit above it, past reserved holes too small; what fits only
 * below it comes top-down from the whole range. */
TEST(alloc_bottom_up_takes_the_lowest_fit_above_its_start)
{
	reset();
	memblock_add(0x100000, 0x100000);
	memblock_add(0x400000, 0x10000);
	memblock_reserve(0x180000, 0x1000);
	memblock_set_bottom_up(true, 0x150000);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0x150000);
	EXPECT_EQ(memblock_phys_alloc(0x3000, 0x4000), 0x154000);      /* aligned up */
	EXPECT_EQ(memblock_phys_alloc(0x30000, 0x1000), 0x181000);     /* 0x157000 gap too small */
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0x400000, 0), 0x400000);
	EXPECT_EQ(memblock_phys_alloc(0x50000, 0x1000), 0x100000);     /* only below the start */
	REGIONS_ARE(&memblock.reserved, { 0x100000, 0x151000 }, { 0x154000, 0x157000 },
		    { 0x180000, 0x1b1000 }, { 0x400000, 0x401000 });
	EXPECT_EQ(nr_lines, 0);
	memblock_reset();                                               /* top-down again */
	memblock_add(0x100000, 0x100000);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0x1ff000);
}

TEST(alloc_works_below_a_page)
{
	reset();
	memblock_add(0x1000, 0x2000);
	EXPECT_EQ(memblock_phys_alloc(0x10, 8), 0x2ff0);
	EXPECT_EQ(memblock_phys_alloc(0x10, 0x100), 0x2f00);
	EXPECT_EQ(memblock_phys_alloc(0xe0, 0x10), 0x2f10);        /* fills the gap exactly */
	REGIONS_ARE(&memblock.reserved, { 0x2f00, 0x3000 });
	EXPECT_EQ(memblock_free_bytes(), 0x1f00);
}

TEST(alloc_never_returns_address_zero)
{
	reset();
	memblock_add(0x0, 0x2000);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0x1000);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0);
	EXPECT_EQ(memblock_phys_alloc(0x10, 1), 0);
	EXPECT_EQ(nr_lines, 2);
	REGIONS_ARE(&memblock.reserved, { 0x1000, 0x2000 });
}

TEST(alloc_refuses_bad_align_and_zero_size)
{
	reset();
	memblock_add(0x100000, 0x100000);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0), 0);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 3), 0);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x3000), 0);
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1001, 0, 0), 0);
	EXPECT_EQ(memblock_phys_alloc(0, 0x1000), 0);
	EXPECT_EQ(nr_lines, 5);
	EXPECT_TRUE(logged("memblock_phys_alloc(0x1000, 0x3000): align is not a power of two\n"));
	EXPECT_TRUE(logged("memblock_phys_alloc(0x0, 0x1000): size is zero\n"));
	EXPECT_EQ(memblock.reserved.cnt, 0);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 1ULL << 63), 0);    /* a power of two, but no room */
}

TEST(alloc_refuses_once_frozen)
{
	reset();
	memblock_add(0x100000, 0x100000);
	memblock.frozen = true;
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0);
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0, 0), 0);
	EXPECT_EQ(nr_lines, 2);
	EXPECT_TRUE(logged("memblock_phys_alloc(0x1000, 0x1000): memblock is frozen; "
			   "use the page allocator\n"));
	EXPECT_EQ(memblock.reserved.cnt, 0);
	memblock_reset();
	EXPECT_FALSE(memblock.frozen);
}

TEST(alloc_fails_when_the_reserved_list_is_full)
{
	reset();
	memblock_add(0x0, 0x1000000);
	for (int i = 0; i < MAX_REGS; i++)
		memblock_reserve(0x100000 + i * 2 * PG, PG);
	EXPECT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0);       /* top: a new region */
	EXPECT_EQ(nr_lines, 1);
	EXPECT_TRUE(logged("reserved list full\n"));
	EXPECT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 0, 0x102000), 0x101000);   /* merges */
}

/* ---- long random sequences against the model ----------------------------------- */

struct rng { uint64_t x; };

static uint64_t rnd(struct rng *r)
{
	r->x ^= r->x << 13;
	r->x ^= r->x >> 7;
	r->x ^= r->x << 17;
	return r->x;
}

/* A random page-aligned range inside one window, mostly in the low one:
 * mostly up to 16 pages, sometimes up to `big`. */
static void random_range(struct rng *r, uint64_t big, uint64_t *base, uint64_t *size)
{
	int w = rnd(r) % 10 < 8 ? 0 : 1 + rnd(r) % 2;
	uint64_t first = rnd(r) % win[w].npages;
	uint64_t n = 1 + rnd(r) % (rnd(r) % 8 ? 16 : big);

	if (first + n > win[w].npages)
		n = win[w].npages - first;
	*base = win[w].base + first * PG;
	*size = n * PG;
}

static uint64_t random_addr(struct rng *r)
{
	int w = rnd(r) % 3;

	return win[w].base + rnd(r) % win[w].npages * PG;
}

struct stats { int full[4], allocs, alloc_full, alloc_none; };

/* One add/reserve/remove/free: memblock must do exactly what the model
 * does, with one line exactly when the list is full. */
static void random_list_op(struct rng *r, struct stats *st)
{
	static const struct { int (*fn)(phys_addr_t, phys_addr_t); uint8_t flag; bool on; } ops[] = {
		{ memblock_add, M, true }, { memblock_reserve, R, true },
		{ memblock_remove, M, false }, { memblock_phys_free, R, false },
	};
	static const int pick[10] = { 0, 0, 0, 1, 1, 2, 2, 3, 3, 3 };     /* weights */
	int i = pick[rnd(r) % 10], want, lines = nr_lines;
	uint64_t base, size;

	random_range(r, ops[i].on ? 2048 : 8192, &base, &size);
	want = model_try(base, size, ops[i].flag, ops[i].on);
	EXPECT_EQ(ops[i].fn(base, size), want);
	EXPECT_EQ(nr_lines - lines, want ? 1 : 0);
	st->full[i] += want != 0;
	if (!want && ops[i].flag == R && !ops[i].on)
		model_set(base, size, G, false);
}

/* One allocation, checked on its own terms against the model as it was
 * before (in memory, not reserved, not handed out already, aligned, in
 * range) and then against the model's own answer, top-down or bottom-up. */
static void random_alloc(struct rng *r, struct stats *st)
{
	uint64_t size = (1 + rnd(r) % (rnd(r) % 8 ? 8 : 512)) * PG;
	uint64_t align = PG << rnd(r) % 10;
	bool ranged = rnd(r) % 3 == 0;
	uint64_t start = ranged && rnd(r) % 2 ? random_addr(r) : 0;
	uint64_t limit = ranged && rnd(r) % 3 ? random_addr(r) : 0;
	int lines = nr_lines;
	uint64_t got, want;

	got = ranged ? memblock_phys_alloc_range(size, align, start, limit)
		     : memblock_phys_alloc(size, align);
	want = memblock.bottom_up
		? model_alloc_bottom_up(size, align, start, limit, memblock.bottom_up_start)
		: model_alloc(size, align, start, limit);
	if (got) {
		EXPECT_EQ(got % align, 0);
		EXPECT_TRUE(got >= start && got >= PG && (!limit || got + size <= limit));
		for (uint64_t a = got; a < got + size; a += PG)
			EXPECT_TRUE(page_at(a) && (*page_at(a) & (M | R | G)) == M);
	}
	if (want && model_try(want, size, R, true)) {
		want = 0;
		st->alloc_full++;
	}
	st->alloc_none += !want;
	st->allocs++;
	EXPECT_EQ(got, want);
	EXPECT_EQ(nr_lines - lines, want ? 0 : 1);
	if (want)
		model_set(want, size, G, true);
}

/* bottom_up_start: 0, top-down; else bottom-up from there. */
static void random_run(uint64_t seed, int steps, uint64_t bottom_up_start, struct stats *st)
{
	struct rng r = { seed };

	reset();
	if (bottom_up_start)
		memblock_set_bottom_up(true, bottom_up_start);
	for (int step = 0; step < steps; step++) {
		uint64_t a = random_addr(&r);

		if (rnd(&r) % 4 == 0)
			random_alloc(&r, st);
		else
			random_list_op(&r, st);
		check_against_model();
		EXPECT_EQ(memblock_is_memory(a), (*page_at(a) & M) != 0);
		EXPECT_EQ(memblock_is_reserved(a + PG - 1), (*page_at(a) & R) != 0);
		if (unit_failures) {
			UNIT_DIAG("seed 0x%llx step %d", (unsigned long long)seed, step);
			return;
		}
	}
}

TEST(random_operations_match_the_page_model)
{
	struct stats st = { 0 };

	random_run(0x2545f4914f6cdd1dULL, 3000, 0, &st);
	random_run(0x853c49e6748fea9bULL, 3000, 0, &st);
	random_run(0xda3e39cb94b95bdbULL, 3000, 0, &st);
	random_run(0x6a09e667f3bcc908ULL, 3000, 96 << 20, &st);       /* mid low window */
	random_run(0xbb67ae8584caa73bULL, 3000, PG, &st);
	UNIT_DIAG("full: add %d reserve %d remove %d free %d; allocs %d (%d none, %d list full)",
		  st.full[0], st.full[1], st.full[2], st.full[3], st.allocs, st.alloc_none,
		  st.alloc_full);
	/* the generator must reach the interesting cases, or this proves little */
	EXPECT_TRUE(st.full[0] > 0 && st.full[1] > 0 && st.full[2] > 0 && st.full[3] > 0);
	EXPECT_TRUE(st.alloc_full > 0 && st.alloc_none > 0 && st.allocs - st.alloc_none > 100);
}

/* Allocations pile up (aligned, so with gaps), then are all freed:
 * reserved and the free count return to where they started. */
TEST(allocations_then_frees_return_to_the_baseline)
{
	struct rng r = { 0x9e3779b97f4a7c15ULL };
	uint64_t addr[300], size[300];
	int n = 0;

	reset();
	memblock_add(0, 256 << 20);
	model_set(0, 256 << 20, M, true);
	memblock_reserve(0, 1 << 20);
	model_set(0, 1 << 20, R, true);
	for (int i = 0; i < 300; i++) {
		uint64_t sz = (1 + rnd(&r) % 64) * PG, align = PG << rnd(&r) % 6;
		uint64_t got = memblock_phys_alloc(sz, align), want = model_alloc(sz, align, 0, 0);

		if (want && model_try(want, sz, R, true))
			want = 0;
		EXPECT_EQ(got, want);
		if (got) {
			addr[n] = got;
			size[n++] = sz;
		}
		check_against_model();
	}
	EXPECT_TRUE(n > 100);
	/* a free that would split a region in a full list waits for a later round */
	while (n > 0 && !unit_failures) {
		int left = 0;

		for (int i = 0; i < n; i++) {
			int want = model_try(addr[i], size[i], R, false);

			EXPECT_EQ(memblock_phys_free(addr[i], size[i]), want);
			if (want) {
				addr[left] = addr[i];
				size[left++] = size[i];
			}
		}
		check_against_model();
		EXPECT_TRUE(left < n);
		if (left == n)
			break;
		n = left;
	}
	REGIONS_ARE(&memblock.reserved, { 0, 1 << 20 });
	EXPECT_EQ(memblock_free_bytes(), (256 << 20) - (1 << 20));
}
