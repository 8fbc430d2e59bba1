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
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "mm/page_alloc.h"
#include "mm/memlayout.h"
#include "kernel/printk.h"

#define NPAGES   4096
#define RESERVED (-2)
#define FREE     (-1)

static unsigned char ram[NPAGES * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct page map[NPAGES];

/* ---- the simulated direct map ---------------------------------------------- */

void *page_address(const struct page *page)
{
	return ram + page_to_pfn(page) * PAGE_SIZE;
}

struct page *virt_to_page(const void *addr)
{
	uintptr_t a = (uintptr_t)addr, base = (uintptr_t)ram;

	if (a < base || (a - base) / PAGE_SIZE >= max_pfn)
		return NULL;
	return pfn_to_page((a - base) / PAGE_SIZE);
}

/* ---- printk: lines counted, the last one kept ------------------------------ */

static int nr_lines;
static char last_line[512];

int printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nr_lines++;
	EXPECT_TRUE(strchr(buf, '\n') && !strchr(buf, '\n')[1]);     /* one whole line */
	strcpy(last_line, buf[0] == KERN_SOH[0] ? buf + 2 : buf);
	return n;
}

/* buddyinfo_print's output, collected */
static char out_buf[1024];

static int out_capture(const char *fmt, ...)
{
	size_t len = strlen(out_buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out_buf + len, sizeof(out_buf) - len, fmt, ap);
	va_end(ap);
	return n;
}

static const char *buddyinfo_text(void)
{
	out_buf[0] = '\0';
	buddyinfo_print(out_capture);
	return out_buf;
}

/* ---- the model -------------------------------------------------------------- */

static int owner[NPAGES];               /* RESERVED, FREE or an allocation id */
static unsigned char live_order[NPAGES]; /* order + 1 at the head of a live block */

struct block { unsigned long pfn; unsigned int order; };
static struct block live[NPAGES];
static int nr_live, next_id;

static unsigned long rng_state;

static unsigned long rnd(void)          /* xorshift64 */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A fresh allocator over nr pages and a model that agrees: all reserved. */
static void reset(unsigned long nr)
{
	page_alloc_init(map, nr);
	for (unsigned long pfn = 0; pfn < NPAGES; pfn++)
		owner[pfn] = RESERVED;
	memset(live_order, 0, sizeof(live_order));
	nr_live = next_id = 0;
	nr_lines = 0;
	last_line[0] = '\0';
}

static void hand_over(unsigned long start, unsigned long end)
{
	free_pages_range_core(start, end);
	for (unsigned long pfn = start; pfn < end && pfn < max_pfn; pfn++)
		owner[pfn] = FREE;
}

static unsigned long model_free_pages(void)
{
	unsigned long n = 0;

	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		n += owner[pfn] == FREE;
	return n;
}

/* prefix[i] = FREE pages in [0, i): a run test in O(1). */
static unsigned int prefix[NPAGES + 1];

static void build_prefix(void)
{
	prefix[0] = 0;
	for (unsigned long pfn = 0; pfn < NPAGES; pfn++)
		prefix[pfn + 1] = prefix[pfn] + (pfn < max_pfn && owner[pfn] == FREE);
}

static bool run_free(unsigned long pfn, unsigned long n)
{
	return pfn + n <= max_pfn && prefix[pfn + n] - prefix[pfn] == n;
}

/* Is there any naturally aligned run of 2^order FREE pages? */
static bool model_has_block(unsigned int order)
{
	build_prefix();
	for (unsigned long pfn = 0; pfn + (1UL << order) <= max_pfn; pfn += 1UL << order)
		if (run_free(pfn, 1UL << order))
			return true;
	return false;
}

/* The free blocks an eagerly merging buddy allocator must hold: scanning
 * left to right, at each FREE page the largest naturally aligned run of
 * FREE pages that starts there (order <= MAX_ORDER). head[pfn] = order + 1
 * at each such block, 0 elsewhere. */
static void expected_blocks(unsigned long counts[NR_PAGE_ORDERS], unsigned char head[NPAGES])
{
	build_prefix();
	memset(counts, 0, NR_PAGE_ORDERS * sizeof(counts[0]));
	memset(head, 0, NPAGES);
	for (unsigned long pfn = 0; pfn < max_pfn; ) {
		unsigned int o = 0;

		if (owner[pfn] != FREE) {
			pfn++;
			continue;
		}
		while (o < MAX_ORDER && pfn % (2UL << o) == 0 && run_free(pfn, 2UL << o))
			o++;
		counts[o]++;
		head[pfn] = o + 1;
		pfn += 1UL << o;
	}
}

static unsigned char exp_head[NPAGES];

/* Walks free list o, checking its links and each block against exp_head;
 * returns the number of blocks, or -1 (with a diagnostic) on a mismatch. */
static long check_free_list(unsigned int o)
{
	struct page *prev = NULL;
	long n = 0;

	for (struct page *p = free_area[o].free_list; p; prev = p, p = p->next, n++) {
		unsigned long pfn = (unsigned long)(p - map);

		if (n >= NPAGES || p < map || p >= map + max_pfn || p->prev != prev) {
			UNIT_DIAG("free list %u: bad link at entry %ld", o, n);
			return -1;
		}
		if (p->flags != PG_buddy || p->order != o || exp_head[pfn] != o + 1) {
			UNIT_DIAG("free list %u: pfn 0x%lx flags %lx order %u, expected head %d",
				  o, pfn, p->flags, p->order, exp_head[pfn] - 1);
			return -1;
		}
	}
	return n;
}

/* What mem_map[pfn].flags must be, from the model. */
static unsigned long expected_flags(unsigned long pfn)
{
	if (owner[pfn] == RESERVED)
		return PG_reserved;
	if (owner[pfn] == FREE)
		return exp_head[pfn] ? PG_buddy : 0;
	return live_order[pfn] ? PG_head : 0;
}

/* The whole allocator against the model; the first mismatch is printed
 * with `when` and false returned. */
static bool state_ok(const char *when)
{
	unsigned long counts[NR_PAGE_ORDERS], ram_pages = 0;

	expected_blocks(counts, exp_head);
	for (unsigned int o = 0; o <= MAX_ORDER; o++) {
		long n = check_free_list(o);

		if (n < 0 || (unsigned long)n != counts[o] || free_area[o].nr_free != counts[o]) {
			UNIT_DIAG("%s: order %u: %ld on the list, nr_free %lu, expected %lu",
				  when, o, n, free_area[o].nr_free, counts[o]);
			return false;
		}
	}
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		ram_pages += owner[pfn] != RESERVED;
		if (map[pfn].flags != expected_flags(pfn) ||
		    (live_order[pfn] && (map[pfn].order != live_order[pfn] - 1u ||
					 map[pfn].refcount != 1))) {
			UNIT_DIAG("%s: pfn 0x%lx flags %lx order %u refcount %d, expected flags %lx",
				  when, pfn, map[pfn].flags, map[pfn].order, map[pfn].refcount,
				  expected_flags(pfn));
			return false;
		}
	}
	if (nr_free_pages() != model_free_pages() || totalram_pages != ram_pages) {
		UNIT_DIAG("%s: nr_free_pages %lu (expected %lu), totalram_pages %lu (expected %lu)",
			  when, nr_free_pages(), model_free_pages(), totalram_pages, ram_pages);
		return false;
	}
	return true;
}

/* ---- allocating and freeing through the model -------------------------------- */

static unsigned int oom_warnable;       /* failures without __GFP_NOWARN, for the rate limit */
static int expected_lines;

/* alloc_pages, checked against the model and recorded in it; the block's
 * memory is filled with a byte of its id. NULL if the allocator said no
 * (and the model agrees it had to). */
static struct block *model_alloc(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);
	unsigned long pfn, n = 1UL << order;
	int id = next_id++;

	if (!page) {
		EXPECT_FALSE(model_has_block(order));
		if (!(gfp & __GFP_NOWARN)) {
			oom_warnable++;
			expected_lines += oom_warnable <= 5 || oom_warnable % 1000 == 0;
		}
		return NULL;
	}
	pfn = (unsigned long)(page - map);
	EXPECT_TRUE(page >= map && page < map + max_pfn);
	EXPECT_EQ(pfn % n, 0);
	EXPECT_TRUE(pfn + n <= max_pfn);
	build_prefix();
	EXPECT_TRUE(run_free(pfn, n));          /* handed over, and held by nobody */
	if (gfp & __GFP_ZERO) {
		static const unsigned char zero[PAGE_SIZE];

		for (unsigned long i = 0; i < n; i++)
			EXPECT_MEMEQ(ram + (pfn + i) * PAGE_SIZE, zero, PAGE_SIZE);
	}
	for (unsigned long i = 0; i < n && pfn + i < max_pfn; i++)
		owner[pfn + i] = id;
	memset(ram + pfn * PAGE_SIZE, id & 0xff, n * PAGE_SIZE);
	live_order[pfn] = order + 1;
	live[nr_live] = (struct block){ pfn, order };
	return &live[nr_live++];
}

/* Frees live[i], by page or by address, after checking that nobody wrote
 * over its memory. */
static void model_free(int i, bool by_address)
{
	struct block b = live[i];
	unsigned long n = 1UL << b.order;
	int id = owner[b.pfn];
	bool intact = true;

	for (unsigned long k = 0; k < n * PAGE_SIZE; k++)
		intact &= ram[b.pfn * PAGE_SIZE + k] == (id & 0xff);
	EXPECT_TRUE(intact);
	if (by_address)
		free_pages((unsigned long)page_address(&map[b.pfn]), b.order);
	else
		__free_pages(&map[b.pfn], b.order);
	for (unsigned long k = 0; k < n; k++)
		owner[b.pfn + k] = FREE;
	live_order[b.pfn] = 0;
	live[i] = live[--nr_live];
}

static void free_everything(void)
{
	while (nr_live)
		model_free((int)(rnd() % nr_live), rnd() & 1);
}

/* ---- bad frees ----------------------------------------------------------------- */

/* What __free_pages(&map[pfn], order) must say, from the model; NULL if
 * that free is a good one. */
static const char *expected_complaint(unsigned long pfn, unsigned int order, char *buf)
{
	const char *why;
	unsigned long counts[NR_PAGE_ORDERS];

	expected_blocks(counts, exp_head);
	if (owner[pfn] == RESERVED)
		why = "reserved page";
	else if (owner[pfn] == FREE && exp_head[pfn])
		why = "already free (double free)";
	else if (owner[pfn] == FREE || !live_order[pfn])
		why = "not the head of an allocation";
	else if (live_order[pfn] - 1u != order) {
		sprintf(buf, "__free_pages: pfn 0x%lx order %u: wrong order: allocated at order %u\n",
			pfn, order, live_order[pfn] - 1u);
		return buf;
	} else
		return NULL;
	sprintf(buf, "__free_pages: pfn 0x%lx order %u: %s\n", pfn, order, why);
	return buf;
}

static struct page map_before[NPAGES];
static struct free_area area_before[NR_PAGE_ORDERS];
static unsigned long ram_before;

static void snapshot(void)
{
	memcpy(map_before, map, sizeof(map));
	memcpy(area_before, free_area, sizeof(free_area));
	ram_before = totalram_pages;
}

static bool unchanged(void)
{
	return !memcmp(map_before, map, sizeof(map)) &&
	       !memcmp(area_before, free_area, sizeof(free_area)) &&
	       ram_before == totalram_pages;
}

/* Calls __free_pages(page, order), which must be refused: exactly one
 * line, equal to `line` (or, with line NULL, ending "pfn outside RAM"),
 * and nothing changed. */
static void expect_refused(struct page *page, unsigned int order, const char *line)
{
	int before = nr_lines;

	snapshot();
	__free_pages(page, order);
	EXPECT_EQ(nr_lines, before + 1);
	EXPECT_TRUE(unchanged());
	if (line) {
		EXPECT_STREQ(last_line, line);
	} else {
		size_t len = strlen(last_line), tail = strlen(": pfn outside RAM\n");

		EXPECT_TRUE(!strncmp(last_line, "__free_pages: pfn 0x", 20));
		EXPECT_TRUE(len > tail && !strcmp(last_line + len - tail, ": pfn outside RAM\n"));
	}
}

static struct page *page_at_offset(long bytes)  /* any pointer, without UB */
{
	return (struct page *)((uintptr_t)map + bytes);
}

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
 * state checked against the model after each; then everything freed must
 * leave the maximal blocks the handed-over ranges allow. */
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
		if (!state_ok(when) || nr_lines != expected_lines) {
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
