/* Shared by the memblock host tests (test_memblock.c,
 * test_memblock_random.c, and test_e820.c with tests/unit/e820_model.h):
 * the printk that mm/memblock.c calls (every message kept, lines counted),
 * the reference model and the helpers that check memblock's lists
 * against it.
 *
 * The reference model is a page map: one byte of flags per 4 KiB page,
 * for three windows of the physical address space (the first 256 MiB,
 * 16 MiB at 0xfd00000000 where QEMU puts its 64-bit PCI hole, and the top
 * 16 MiB below the 52-bit limit). Every operation is applied to the model
 * the plain way (set or clear the bytes, count the runs), and memblock's
 * lists must equal the runs of the model, region for region. Test inputs
 * stay inside the windows, so anything memblock holds outside them shows
 * up as a mismatch.
 *
 * Each test program is one translation unit plus the source under test, so
 * the helpers here are static (printk is the one definition the source
 * links against); they are inline so that a program that does not use one
 * of them gets no -Wunused-function. Include after tests/unit/unit.h.
 */
#ifndef TESTS_UNIT_MEMBLOCK_MODEL_H
#define TESTS_UNIT_MEMBLOCK_MODEL_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/memblock_model.h"
#endif

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "mm/memblock.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/types.h"

#define PG        4096ULL
#define LIMIT     MEMBLOCK_ALLOC_LIMIT
#define MAX_REGS  INIT_MEMBLOCK_REGIONS

/* ---- printk, which memblock.c calls: every message kept, lines counted -- */

#include "tests/unit/printk_capture.h"

/* ---- the model ------------------------------------------------------------- */

enum { M = 1, R = 2, G = 4 };   /* in memory, reserved, handed out by an alloc */

struct span { uint64_t base, end; };     /* [base, end) */

struct window {
	uint64_t base;
	uint32_t npages;
	uint8_t *page;
};

static uint8_t low_pages[65536], pci_pages[4096], top_pages[4096];
static struct window win[] = {          /* ascending, far apart */
	{ 0,                     65536, low_pages },
	{ 0xfd00000000ULL,       4096,  pci_pages },
	{ (1ULL << 52) - (16 << 20), 4096, top_pages },
};
#define NWIN ((int)ARRAY_SIZE(win))

static inline void reset(void)
{
	memblock_reset();
	for (int w = 0; w < NWIN; w++)
		memset(win[w].page, 0, win[w].npages);
	clear_msgs();
}

static inline uint8_t *page_at(uint64_t addr)
{
	for (int w = 0; w < NWIN; w++)
		if (addr >= win[w].base && addr < win[w].base + win[w].npages * PG)
			return &win[w].page[(addr - win[w].base) / PG];
	return NULL;
}

/* Sets or clears flag on the pages of [base, base+size), page-aligned and
 * inside one window. */
static inline void model_set(uint64_t base, uint64_t size, uint8_t flag, bool on)
{
	uint8_t *p = page_at(base);

	for (uint64_t i = 0; i < size / PG; i++)
		p[i] = on ? (p[i] | flag) : (p[i] & ~flag);
}

/* The first page after i whose flags differ from page i's (8 pages at a
 * time while they all match: the model is mostly long runs). */
static inline uint32_t same_until(const struct window *w, uint32_t i)
{
	uint64_t all = 0x0101010101010101ULL * w->page[i], eight;
	uint32_t e = i + 1;

	while (e + 8 <= w->npages && (memcpy(&eight, &w->page[e], 8), eight == all))
		e += 8;
	while (e < w->npages && w->page[e] == w->page[i])
		e++;
	return e;
}

/* The maximal runs of pages with (flags & mask) == want, ascending, into
 * out[] (up to max of them); returns how many there are. */
static inline unsigned long model_spans(uint8_t mask, uint8_t want, struct span *out, unsigned long max)
{
	unsigned long n = 0;

	for (int w = 0; w < NWIN; w++) {
		bool in_run = false;

		for (uint32_t i = 0, e; i < win[w].npages; i = e) {
			uint64_t a = win[w].base + i * PG;

			e = same_until(&win[w], i);
			if ((win[w].page[i] & mask) != want) {
				in_run = false;
				continue;
			}
			if (in_run) {
				if (n <= max)
					out[n - 1].end = win[w].base + e * PG;
			} else if (++n <= max)
				out[n - 1] = (struct span){ a, win[w].base + e * PG };
			in_run = true;
		}
	}
	return n;
}

static inline unsigned long model_runs(uint8_t flag)
{
	return model_spans(flag, flag, NULL, 0);
}

static inline uint64_t model_bytes(uint8_t mask, uint8_t want)
{
	static struct span sp[65536];
	unsigned long n = model_spans(mask, want, sp, 65536);
	uint64_t sum = 0;

	for (unsigned long k = 0; k < n; k++)
		sum += sp[k].end - sp[k].base;
	return sum;
}

/* Applies an operation to the model if its result has room in a list of
 * MAX_REGS regions; returns what memblock should return (0 or -ENOSPC). */
static inline int model_try(uint64_t base, uint64_t size, uint8_t flag, bool on)
{
	static uint8_t saved[65536];
	uint8_t *p = page_at(base);

	memcpy(saved, p, size / PG);
	model_set(base, size, flag, on);
	if (model_runs(flag) <= MAX_REGS)
		return 0;
	memcpy(p, saved, size / PG);
	return -ENOSPC;
}

/* True if t's regions are exactly the runs of flag in the model, and its
 * total_size their sum. */
static inline bool model_matches(const struct memblock_type *t, uint8_t flag)
{
	struct span sp[MAX_REGS + 1];
	unsigned long n = model_spans(flag, flag, sp, MAX_REGS + 1);
	uint64_t sum = 0;

	for (unsigned long k = 0; k < n && k <= MAX_REGS; k++)
		sum += sp[k].end - sp[k].base;
	if (n <= MAX_REGS && sum != t->total_size) {
		UNIT_DIAG("%s: total_size 0x%llx, model has 0x%llx", t->name,
			  (unsigned long long)t->total_size, (unsigned long long)sum);
		return false;
	}

	for (unsigned long k = 0; k < n && k < t->cnt && k <= MAX_REGS; k++) {
		if (t->regions[k].base != sp[k].base ||
		    t->regions[k].base + t->regions[k].size != sp[k].end) {
			UNIT_DIAG("%s[%lu] = [0x%llx-0x%llx), model has [0x%llx-0x%llx)", t->name, k,
				  (unsigned long long)t->regions[k].base,
				  (unsigned long long)(t->regions[k].base + t->regions[k].size),
				  (unsigned long long)sp[k].base, (unsigned long long)sp[k].end);
			return false;
		}
	}
	if (n != t->cnt)
		UNIT_DIAG("%s: %lu regions, model has %lu", t->name, t->cnt, n);
	return n == t->cnt;
}

/* Sorted, non-overlapping, non-adjacent, non-empty, total exact. */
static inline bool well_formed(const struct memblock_type *t)
{
	uint64_t sum = 0;

	if (t->cnt > MAX_REGS)
		return false;
	for (unsigned long k = 0; k < t->cnt; k++) {
		const struct memblock_region *r = &t->regions[k];

		if (!r->size || r->base + r->size < r->base || r->base + r->size > LIMIT)
			return false;
		if (k && r->base <= t->regions[k - 1].base + t->regions[k - 1].size)
			return false;
		sum += r->size;
	}
	return sum == t->total_size;
}

/* Everything memblock shows about its state, against the model. */
static inline void check_against_model(void)
{
	EXPECT_TRUE(well_formed(&memblock.memory));
	EXPECT_TRUE(well_formed(&memblock.reserved));
	EXPECT_TRUE(model_matches(&memblock.memory, M));
	EXPECT_TRUE(model_matches(&memblock.reserved, R));
	EXPECT_EQ(memblock_free_bytes(), model_bytes(M | R, M));
}

/* Whether [a, a + size) is aligned, inside [lo, hi) and all free pages
 * (in memory, not reserved): the test both allocation orders make. */
static inline bool model_fits(uint64_t a, uint64_t size, uint64_t align, uint64_t lo, uint64_t hi)
{
	if (a % align || a < lo || a + size > hi)
		return false;
	for (uint64_t p = a; p < a + size; p += PG)
		if (!page_at(p) || (*page_at(p) & (M | R)) != M)
			return false;
	return true;
}

/* The highest address, aligned, in [max(start, one page), limit or the
 * 52-bit limit), with size bytes of free pages: every page from the top
 * of the highest window down is tried, page by page. 0 if none. */
static inline uint64_t model_alloc(uint64_t size, uint64_t align, uint64_t start, uint64_t limit)
{
	uint64_t lo = start > PG ? start : PG;
	uint64_t hi = limit && limit < LIMIT ? limit : LIMIT;

	for (int w = NWIN; w-- > 0;) {
		for (uint32_t i = win[w].npages; i-- > 0;) {
			uint64_t a = win[w].base + i * PG;

			if (model_fits(a, size, align, lo, hi))
				return a;
		}
	}
	return 0;
}

/* Bottom-up mode's answer: the lowest aligned address at or above
 * max(start, one page, from) with size bytes of free pages below limit,
 * every page from the bottom up tried; else model_alloc's top-down one. */
static inline uint64_t model_alloc_bottom_up(uint64_t size, uint64_t align, uint64_t start,
					     uint64_t limit, uint64_t from)
{
	uint64_t lo = start > PG ? start : PG;
	uint64_t hi = limit && limit < LIMIT ? limit : LIMIT;

	if (from > lo)
		lo = from;
	for (int w = 0; w < NWIN; w++) {
		for (uint32_t i = 0; i < win[w].npages; i++) {
			uint64_t a = win[w].base + i * PG;

			if (model_fits(a, size, align, lo, hi))
				return a;
		}
	}
	return model_alloc(size, align, start, limit);
}

/* ---- helpers for the fixed cases ------------------------------------------- */

static inline bool regions_are(const struct memblock_type *t, const struct span *want, unsigned long n)
{
	bool same = t->cnt == n;

	for (unsigned long k = 0; same && k < n; k++)
		same = t->regions[k].base == want[k].base &&
		       t->regions[k].base + t->regions[k].size == want[k].end;
	if (!same)
		for (unsigned long k = 0; k < t->cnt; k++)
			UNIT_DIAG("%s[%lu] = [0x%llx-0x%llx)", t->name, k,
				  (unsigned long long)t->regions[k].base,
				  (unsigned long long)(t->regions[k].base + t->regions[k].size));
	return same;
}

#define REGIONS_ARE(t, ...)                                                  \
	do {                                                                 \
		static const struct span want_[] = { __VA_ARGS__ };          \
		EXPECT_TRUE(regions_are((t), want_, ARRAY_SIZE(want_))); \
	} while (0)

#endif
