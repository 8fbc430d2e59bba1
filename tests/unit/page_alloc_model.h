/* Shared by the buddy-allocator host tests (test_page_alloc.c,
 * test_page_alloc_random.c): the simulated machine, the printk that
 * mm/page_alloc.c calls, the reference model and the checks against it
 * (see test_page_alloc.c for what the model is). Static helpers are
 * inline so a program that does not use one gets no -Wunused-function.
 * Include after tests/unit/unit.h. */
#ifndef TESTS_UNIT_PAGE_ALLOC_MODEL_H
#define TESTS_UNIT_PAGE_ALLOC_MODEL_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/page_alloc_model.h"
#endif
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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

#include "tests/unit/printk_capture.h"

static inline const char *buddyinfo_text(void)
{
	out_reset();
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

static inline unsigned long rnd(void)          /* xorshift64 */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A fresh allocator over nr pages and a model that agrees: all reserved. */
static inline void reset(unsigned long nr)
{
	page_alloc_init(map, nr);
	for (unsigned long pfn = 0; pfn < NPAGES; pfn++)
		owner[pfn] = RESERVED;
	memset(live_order, 0, sizeof(live_order));
	nr_live = next_id = 0;
	nr_lines = 0;
	last_line[0] = '\0';
}

static inline void hand_over(unsigned long start, unsigned long end)
{
	free_pages_range_core(start, end);
	for (unsigned long pfn = start; pfn < end && pfn < max_pfn; pfn++)
		owner[pfn] = FREE;
}

static inline unsigned long model_free_pages(void)
{
	unsigned long n = 0;

	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		n += owner[pfn] == FREE;
	return n;
}

/* prefix[i] = FREE pages in [0, i): a run test in O(1). */
static unsigned int prefix[NPAGES + 1];

static inline void build_prefix(void)
{
	prefix[0] = 0;
	for (unsigned long pfn = 0; pfn < NPAGES; pfn++)
		prefix[pfn + 1] = prefix[pfn] + (pfn < max_pfn && owner[pfn] == FREE);
}

static inline bool run_free(unsigned long pfn, unsigned long n)
{
	return pfn + n <= max_pfn && prefix[pfn + n] - prefix[pfn] == n;
}

/* Is there any naturally aligned run of 2^order FREE pages? */
static inline bool model_has_block(unsigned int order)
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
static inline void expected_blocks(unsigned long counts[NR_PAGE_ORDERS], unsigned char head[NPAGES])
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
 * returns the number of blocks, or -1 (with a diagnostic) on a mismatch.
 * The links are followed by hand, not with list_for_each_entry, so that
 * each is checked before it is used. */
static inline long check_free_list(unsigned int o)
{
	struct list_head *head = &free_area[o].free_list, *prev = head;
	long n = 0;

	for (struct list_head *l = head->next; l != head; prev = l, l = l->next, n++) {
		struct page *p = list_entry(l, struct page, lru);
		unsigned long pfn = (unsigned long)(p - map);

		if (n >= NPAGES || p < map || p >= map + max_pfn || l->prev != prev) {
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
static inline unsigned long expected_flags(unsigned long pfn)
{
	if (owner[pfn] == RESERVED)
		return PG_reserved;
	if (owner[pfn] == FREE)
		return exp_head[pfn] ? PG_buddy : 0;
	return live_order[pfn] ? PG_head : 0;
}

/* The whole allocator against the model; the first mismatch is printed
 * with `when` and false returned. */
static inline bool state_ok(const char *when)
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
static inline struct block *model_alloc(gfp_t gfp, unsigned int order)
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
static inline void model_free(int i, bool by_address)
{
	struct block b = live[i];
	unsigned long n = 1UL << b.order;
	int id = owner[b.pfn];
	static unsigned char pattern[PAGE_SIZE];
	bool intact = true;

	memset(pattern, id & 0xff, PAGE_SIZE);
	for (unsigned long k = 0; k < n; k++)       /* a page at a time: memcmp is fast */
		intact &= !memcmp(ram + (b.pfn + k) * PAGE_SIZE, pattern, PAGE_SIZE);
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

static inline void free_everything(void)
{
	while (nr_live)
		model_free((int)(rnd() % nr_live), rnd() & 1);
}

/* ---- bad frees ----------------------------------------------------------------- */

/* What __free_pages(&map[pfn], order) must say, from the model; NULL if
 * that free is a good one. */
static inline const char *expected_complaint(unsigned long pfn, unsigned int order, char *buf)
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

static inline void snapshot(void)
{
	memcpy(map_before, map, sizeof(map));
	memcpy(area_before, free_area, sizeof(free_area));
	ram_before = totalram_pages;
}

static inline bool unchanged(void)
{
	return !memcmp(map_before, map, sizeof(map)) &&
	       !memcmp(area_before, free_area, sizeof(free_area)) &&
	       ram_before == totalram_pages;
}

/* Calls __free_pages(page, order), which must be refused: exactly one
 * line, equal to `line` (or, with line NULL, ending "pfn outside RAM"),
 * and nothing changed. */
static inline void expect_refused(struct page *page, unsigned int order, const char *line)
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

static inline struct page *page_at_offset(long bytes)  /* any pointer, without UB */
{
	return (struct page *)((uintptr_t)map + bytes);
}

#endif
