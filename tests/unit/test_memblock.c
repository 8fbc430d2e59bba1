/* Host tests for memblock (mm/memblock.c).
 *
 * The reference model is a page map: one byte of flags per 4 KiB page,
 * for three windows of the physical address space (the first 256 MiB,
 * 16 MiB at 0xfd00000000 where QEMU puts its 64-bit PCI hole, and the top
 * 16 MiB below the 52-bit limit). Every operation is applied to the model
 * the plain way (set or clear the bytes, count the runs), and memblock's
 * lists must equal the runs of the model, region for region. Test inputs
 * stay inside the windows, so anything memblock holds outside them shows
 * up as a mismatch.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "mm/memblock.h"
#include "kernel/errno.h"
#include "kernel/printk.h"

#define PG        4096ULL
#define LIMIT     MEMBLOCK_ALLOC_LIMIT
#define MAX_REGS  INIT_MEMBLOCK_REGIONS

/* ---- printk, which memblock.c calls: every message kept, lines counted -- */

static char msgs[1 << 16];
static size_t msgs_len;
static int nr_calls, nr_lines;

int printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nr_calls++;
	for (const char *p = buf; *p; p++)
		nr_lines += *p == '\n';
	EXPECT_TRUE(strchr(buf, '\n') && !strchr(buf, '\n')[1]);     /* one whole line */
	if (msgs_len + strlen(buf) + 1 < sizeof(msgs)) {
		strcpy(msgs + msgs_len, buf[0] == KERN_SOH[0] ? buf + 2 : buf);
		msgs_len += strlen(msgs + msgs_len);
	}
	return n;
}

static bool logged(const char *line)
{
	return strstr(msgs, line) != NULL;
}

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
#define NWIN ((int)(sizeof(win) / sizeof(win[0])))

static void reset(void)
{
	memblock_reset();
	for (int w = 0; w < NWIN; w++)
		memset(win[w].page, 0, win[w].npages);
	msgs[0] = 0;
	msgs_len = 0;
	nr_calls = nr_lines = 0;
}

static uint8_t *page_at(uint64_t addr)
{
	for (int w = 0; w < NWIN; w++)
		if (addr >= win[w].base && addr < win[w].base + win[w].npages * PG)
			return &win[w].page[(addr - win[w].base) / PG];
	return NULL;
}

/* Sets or clears flag on the pages of [base, base+size), page-aligned and
 * inside one window. */
static void model_set(uint64_t base, uint64_t size, uint8_t flag, bool on)
{
	uint8_t *p = page_at(base);

	for (uint64_t i = 0; i < size / PG; i++)
		p[i] = on ? (p[i] | flag) : (p[i] & ~flag);
}

/* The first page after i whose flags differ from page i's (8 pages at a
 * time while they all match: the model is mostly long runs). */
static uint32_t same_until(const struct window *w, uint32_t i)
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
static unsigned long model_spans(uint8_t mask, uint8_t want, struct span *out, unsigned long max)
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

static unsigned long model_runs(uint8_t flag)
{
	return model_spans(flag, flag, NULL, 0);
}

static uint64_t model_bytes(uint8_t mask, uint8_t want)
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
static int model_try(uint64_t base, uint64_t size, uint8_t flag, bool on)
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
static bool model_matches(const struct memblock_type *t, uint8_t flag)
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
static bool well_formed(const struct memblock_type *t)
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
static void check_against_model(void)
{
	EXPECT_TRUE(well_formed(&memblock.memory));
	EXPECT_TRUE(well_formed(&memblock.reserved));
	EXPECT_TRUE(model_matches(&memblock.memory, M));
	EXPECT_TRUE(model_matches(&memblock.reserved, R));
	EXPECT_EQ(memblock_free_bytes(), model_bytes(M | R, M));
}

/* The highest address, aligned, in [max(start, one page), limit or the
 * 52-bit limit), with size bytes of free pages: every page from the top
 * of the highest window down is tried, page by page. 0 if none. */
static uint64_t model_alloc(uint64_t size, uint64_t align, uint64_t start, uint64_t limit)
{
	uint64_t lo = start > PG ? start : PG;
	uint64_t hi = limit && limit < LIMIT ? limit : LIMIT;

	for (int w = NWIN; w-- > 0;) {
		for (uint32_t i = win[w].npages; i-- > 0;) {
			uint64_t a = win[w].base + i * PG, p;

			if (a % align || a < lo || a + size > hi)
				continue;
			for (p = a; p < a + size; p += PG)
				if (!page_at(p) || (*page_at(p) & (M | R)) != M)
					break;
			if (p >= a + size)
				return a;
		}
	}
	return 0;
}

/* ---- e820 in the model ------------------------------------------------------ */

static bool page_inside(const struct e820_entry *e, uint64_t a)
{
	unsigned __int128 end = (unsigned __int128)e->addr + e->size;

	return e->size && e->addr <= a && a + PG <= end;
}

static bool page_touches(const struct e820_entry *e, uint64_t a)
{
	unsigned __int128 end = (unsigned __int128)e->addr + e->size;

	return e->size && e->addr < a + PG && a < end;
}

/* Sets (on) or clears M on every page for which pred(e, page) holds;
 * returns the address of the first such page, ~0 if none. Only the pages
 * near e are tried, but pred alone decides. */
static uint64_t model_mark(const struct e820_entry *e,
			   bool (*pred)(const struct e820_entry *, uint64_t), bool on)
{
	unsigned __int128 end = (unsigned __int128)e->addr + e->size;
	uint64_t first = ~0ULL;

	for (int w = 0; w < NWIN; w++) {
		uint64_t top = win[w].base + win[w].npages * PG;
		uint64_t i = e->addr > win[w].base ? (e->addr - win[w].base) / PG : 0;

		for (; i < win[w].npages && win[w].base + i * PG < end && e->addr < top; i++) {
			if (!pred(e, win[w].base + i * PG))
				continue;
			first = first != ~0ULL ? first : win[w].base + i * PG;
			win[w].page[i] = on ? win[w].page[i] | M : win[w].page[i] & ~M;
		}
	}
	return first;
}

/* What memblock_add_e820 should leave in memory, page by page: each usable
 * entry's whole pages in table order (dropped if the list would pass
 * MAX_REGS), then each other entry's touched pages taken out (if that
 * would pass MAX_REGS, everything from its first page to the end of that
 * run goes instead). Returns how many entries were dropped or cut short. */
static int model_e820(const struct e820_entry *map, uint32_t nr)
{
	static uint8_t saved[NWIN][65536];
	int events = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t k = 0; k < nr; k++) {
			uint64_t first;

			if ((map[k].type == E820_TYPE_RAM) != (pass == 0))
				continue;
			for (int w = 0; w < NWIN; w++)
				memcpy(saved[w], win[w].page, win[w].npages);
			first = model_mark(&map[k], pass ? page_touches : page_inside, !pass);
			if (model_runs(M) <= MAX_REGS)
				continue;
			events++;
			for (int w = 0; w < NWIN; w++)
				memcpy(win[w].page, saved[w], win[w].npages);
			for (; pass && page_at(first) && (*page_at(first) & M); first += PG)
				*page_at(first) &= ~M;
		}
	}
	return events;
}

/* ---- helpers for the fixed cases ------------------------------------------- */

static bool regions_are(const struct memblock_type *t, const struct span *want, unsigned long n)
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
		EXPECT_TRUE(regions_are((t), want_, sizeof(want_) / sizeof(want_[0]))); \
	} while (0)

/* memblock_add_e820 against the model, with the warning count worked out
 * by hand for each map: `lines` lines about `entries` entries. */
static void check_e820(const struct e820_entry *map, uint32_t nr, int lines, int entries)
{
	int got;

	reset();
	got = memblock_add_e820(map, nr);
	model_e820(map, nr);
	EXPECT_EQ(got, entries);
	EXPECT_EQ(nr_lines, lines);
	EXPECT_EQ(nr_calls, lines);
	check_against_model();
	if (unit_failures)
		UNIT_DIAG("messages:\n%s", msgs);
}

/* ---- QEMU's real maps ---------------------------------------------------------- */

static const struct e820_entry qemu_pc_256m[] = {
	{ 0x0,            0x9fc00,       1 },
	{ 0x9fc00,        0x400,         2 },
	{ 0xf0000,        0x10000,       2 },
	{ 0x100000,       0xfee0000,     1 },
	{ 0xffe0000,      0x20000,       2 },
	{ 0xfffc0000,     0x40000,       2 },
	{ 0xfd00000000,   0x300000000,   2 },
};

static const struct e820_entry qemu_pc_4g[] = {
	{ 0x0,            0x9fc00,       1 },
	{ 0x9fc00,        0x400,         2 },
	{ 0xf0000,        0x10000,       2 },
	{ 0x100000,       0xbfee0000,    1 },
	{ 0xbffe0000,     0x20000,       2 },
	{ 0xfeffc000,     0x4000,        2 },
	{ 0xfffc0000,     0x40000,       2 },
	{ 0x100000000,    0x40000000,    1 },
	{ 0xfd00000000,   0x300000000,   2 },
};

TEST(qemu_pc_256m_map_gives_two_regions_quietly)
{
	reset();
	EXPECT_EQ(memblock_add_e820(qemu_pc_256m, 7), 0);
	EXPECT_EQ(nr_calls, 0);
	REGIONS_ARE(&memblock.memory, { 0x0, 0x9f000 }, { 0x100000, 0xffe0000 });
	EXPECT_EQ(memblock.memory.total_size, 0x9f000 + 0xfee0000);
	EXPECT_EQ(memblock.reserved.cnt, 0);
	check_e820(qemu_pc_256m, 7, 0, 0);
}

TEST(qemu_pc_4g_map_keeps_the_ram_above_4g)
{
	reset();
	EXPECT_EQ(memblock_add_e820(qemu_pc_4g, 9), 0);
	EXPECT_EQ(nr_calls, 0);
	REGIONS_ARE(&memblock.memory, { 0x0, 0x9f000 }, { 0x100000, 0xbffe0000 },
		    { 0x100000000, 0x140000000 });
	EXPECT_EQ(memblock.memory.total_size, 0x9f000 + 0xbfee0000 + 0x40000000);
	EXPECT_TRUE(memblock_is_memory(0x13fffffff));
	EXPECT_FALSE(memblock_is_memory(0x140000000));
	EXPECT_FALSE(memblock_is_memory(0x9f000));
}

static char dump_buf[4096];

static int dump_out(const char *fmt, ...)
{
	size_t len = strlen(dump_buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dump_buf + len, sizeof(dump_buf) - len, fmt, ap);
	va_end(ap);
	return n;
}

TEST(dump_prints_like_linux_memblock_debug)
{
	reset();
	memblock_add_e820(qemu_pc_256m, 7);
	memblock_reserve(0, 0x100000);
	dump_buf[0] = 0;
	memblock_dump_all(dump_out);
	EXPECT_STREQ(dump_buf,
		"MEMBLOCK configuration:\n"
		" memory size = 0xff7f000 reserved size = 0x100000\n"
		" memory.cnt  = 0x2\n"
		" memory[0x0]\t[0x0000000000000000-0x000000000009efff], 0x000000000009f000 bytes\n"
		" memory[0x1]\t[0x0000000000100000-0x000000000ffdffff], 0x000000000fee0000 bytes\n"
		" reserved.cnt  = 0x1\n"
		" reserved[0x0]\t[0x0000000000000000-0x00000000000fffff], 0x0000000000100000 bytes\n");
	EXPECT_EQ(memblock_free_bytes(), 0xfee0000);
}

/* ---- crafted firmware maps -------------------------------------------------- */

TEST(e820_nasty_map_matches_model_and_hand_worked_regions)
{
	static const struct e820_entry map[] = {
		{ 0x100000,   0x7f00000, 1 },   /* 0 */
		{ 0x4000000,  0x1800,    2 },   /* 1 hole in 0, ends mid-page: overlap */
		{ 0x0,        0x9fc00,   1 },   /* 2 unsorted */
		{ 0x9f800,    0x800,     2 },   /* 3 overlaps 2 */
		{ 0x200000,   0,         1 },   /* 4 zero length */
		{ 0x8000123,  0x100000,  1 },   /* 5 unaligned both ends */
		{ 0x7ff0000,  0x20000,   1 },   /* 6 unsorted, overlaps 0 (merged) */
		{ 0x8050000,  0x10000,   3 },   /* 7 ACPI inside 5: overlap */
		{ 0xc000000,  0x2000,    4 },   /* 8 NVS, before the RAM around it */
		{ 0xbff0000,  0x100000,  1 },   /* 9 unsorted, overlaps 8 */
		{ 0xa000000,  0x1000,    5 },   /* 10 unsorted; over no RAM */
		{ 0xbff8000,  0x1000,    17 },  /* 11 unknown type inside 9: overlap */
	};

	check_e820(map, 12, 11, 9);
	REGIONS_ARE(&memblock.memory, { 0x0, 0x9f000 }, { 0x100000, 0x4000000 },
		    { 0x4002000, 0x8050000 }, { 0x8060000, 0x8100000 },
		    { 0xbff0000, 0xbff8000 }, { 0xbff9000, 0xc000000 },
		    { 0xc002000, 0xc0f0000 });
	EXPECT_TRUE(logged("e820: entry 1 [mem 0x0000000004000000-0x00000000040017ff] "
			   "overlaps entry 0; reserved wins\n"));
	EXPECT_TRUE(logged("e820: entry 6 [mem 0x0000000007ff0000-0x000000000800ffff] "
			   "overlaps entry 0; merged\n"));
	EXPECT_TRUE(logged("e820: entry 2 [mem 0x0000000000000000-0x000000000009fbff] "
			   "is below entry 1; table not sorted\n"));
	EXPECT_TRUE(logged("e820: entry 4 [mem 0x0000000000200000] has zero length; skipped\n"));
}

TEST(e820_reserved_wins_in_either_order)
{
	static const struct e820_entry ram_first[] = {
		{ 0x100000, 0x1000000, 1 }, { 0x800000, 0x200000, 2 },
	};
	static const struct e820_entry reserved_first[] = {
		{ 0x800000, 0x200000, 2 }, { 0x100000, 0x1000000, 1 },
	};

	check_e820(ram_first, 2, 1, 1);
	REGIONS_ARE(&memblock.memory, { 0x100000, 0x800000 }, { 0xa00000, 0x1100000 });
	EXPECT_TRUE(logged("overlaps entry 0; reserved wins\n"));
	check_e820(reserved_first, 2, 2, 1);        /* overlap and unsorted */
	REGIONS_ARE(&memblock.memory, { 0x100000, 0x800000 }, { 0xa00000, 0x1100000 });
	EXPECT_TRUE(logged("overlaps entry 0; reserved wins\n"));
}

TEST(e820_partial_pages_are_not_memory)
{
	static const struct e820_entry map[] = {
		{ 0x1001,   0x1ffe,  1 },       /* [0x1001, 0x2fff): no whole page */
		{ 0x10800,  0x4000,  1 },       /* -> [0x11000, 0x14000) */
		{ 0x20000,  0x10000, 1 },
		{ 0x25fff,  0x2,     2 },       /* 2 bytes over a page line: 2 pages go */
	};

	check_e820(map, 4, 1, 1);
	REGIONS_ARE(&memblock.memory, { 0x11000, 0x14000 }, { 0x20000, 0x25000 },
		    { 0x27000, 0x30000 });
}

TEST(e820_wrapping_and_huge_entries_are_clipped_or_skipped)
{
	static const struct e820_entry map[] = {
		{ (1ULL << 52) - 0x3000 + 0x800, ~0ULL - 0x100, 1 },  /* 0 wraps: clipped */
		{ (1ULL << 52) - 0x10000, 0x20000, 1 },                 /* 1 past limit: clipped; overlaps 0 */
		{ ~0ULL - 0xfff, 0x2000, 2 },                           /* 2 starts past the limit */
		{ 1ULL << 60, 0x1000, 1 },                              /* 3 starts past the limit */
		{ 0x100000, 0x100000, 1 },                              /* 4 unsorted */
		{ (1ULL << 52) - 0x8000, 0x1000, 2 },                   /* 5 hole: overlaps 0 */
	};

	check_e820(map, 6, 8, 6);
	REGIONS_ARE(&memblock.memory, { 0x100000, 0x200000 },
		    { (1ULL << 52) - 0x10000, (1ULL << 52) - 0x8000 },
		    { (1ULL << 52) - 0x7000, 1ULL << 52 });
	EXPECT_TRUE(logged("e820: entry 0 [mem 0x000fffffffffd800-0x000fffffffffd6fe] "
			   "wraps past 2^64; clipped at 2^52\n"));
	EXPECT_TRUE(logged("e820: entry 3 [mem 0x1000000000000000-0x1000000000000fff] "
			   "starts past the 52-bit physical limit; skipped\n"));
}

TEST(e820_zero_length_entries_are_skipped)
{
	static const struct e820_entry map[] = {
		{ 0x0, 0, 2 }, { 0x100000, 0x100000, 1 }, { 0x150000, 0, 2 }, { 0x180000, 0, 1 },
	};

	check_e820(map, 4, 3, 3);
	REGIONS_ARE(&memblock.memory, { 0x100000, 0x200000 });
}

TEST(e820_200_usable_entries_fill_the_list_and_drop_the_rest)
{
	static struct e820_entry map[200];

	for (int i = 0; i < 200; i++)
		map[i] = (struct e820_entry){ 0x100000 + i * 2 * PG, PG, 1 };
	check_e820(map, 200, 72, 72);
	EXPECT_EQ(memblock.memory.cnt, MAX_REGS);
	EXPECT_TRUE(memblock_is_memory(0x100000 + 127 * 2 * PG));
	EXPECT_FALSE(memblock_is_memory(0x100000 + 128 * 2 * PG));
	EXPECT_TRUE(logged("e820: entry 128 [mem 0x0000000000200000-0x0000000000200fff] "
			   "memory list full (128 regions); dropped\n"));
}

TEST(e820_199_holes_cut_memory_short_rather_than_keep_a_hole)
{
	static struct e820_entry map[200];

	map[0] = (struct e820_entry){ 0x100000, 0x8000000, 1 };
	for (int i = 1; i < 200; i++)
		map[i] = (struct e820_entry){ 0x200000 + i * 0x10000, 0x800, 2 };
	/* 199 overlaps; the 128th hole finds the list full: one more line */
	check_e820(map, 200, 200, 199);
	EXPECT_EQ(memblock.memory.cnt, MAX_REGS);
	EXPECT_EQ(memblock.memory.regions[MAX_REGS - 1].base + memblock.memory.regions[MAX_REGS - 1].size,
		  0x200000 + 128 * 0x10000);

	/* the same holes first, highest first, then the RAM: same rule */
	for (int i = 0; i < 199; i++)
		map[i] = (struct e820_entry){ 0x200000 + (199 - i) * 0x10000, 0x800, 2 };
	map[199] = (struct e820_entry){ 0x100000, 0x8000000, 1 };
	/* 198 unsorted holes + RAM unsorted and overlapping: 200 lines about
	 * 199 entries; then the 72 lowest holes each find the list full (one
	 * line each, about entries already counted) */
	check_e820(map, 200, 200 + 72, 199);
	for (unsigned long k = 0; k < memblock.memory.cnt; k++)
		EXPECT_FALSE(memblock.memory.regions[k].base <= 0x200000 + 0x10000 &&
			     0x200000 + 0x10000 < memblock.memory.regions[k].base +
						  memblock.memory.regions[k].size);
}

TEST(e820_bad_map_never_leaves_reserved_in_memory)
{
	struct e820_entry map[64];
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (int round = 0; round < 40; round++) {
		for (int i = 0; i < 64; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			map[i].addr = (x >> 20) % (192 << 20);      /* ends inside the window */
			map[i].size = (x >> 8) % (x & 1 ? 0x40000 : 0x4000000);
			map[i].type = (x >> 4) % 3 == 0 ? (x >> 2) % 6 : 1;
		}
		reset();
		memblock_add_e820(map, 64);
		model_e820(map, 64);
		check_against_model();
		for (int i = 0; i < 64; i++) {
			if (map[i].type == 1 || !map[i].size)
				continue;
			EXPECT_FALSE(memblock_is_memory(map[i].addr));
			EXPECT_FALSE(memblock_is_memory(map[i].addr + map[i].size / 2));
			EXPECT_FALSE(memblock_is_memory(map[i].addr + map[i].size - 1));
		}
		if (unit_failures) {
			UNIT_DIAG("round %d", round);
			break;
		}
	}
}

/* ---- the list operations ------------------------------------------------------- */

TEST(add_merges_touching_and_overlapping_ranges)
{
	reset();
	EXPECT_EQ(memblock_add(0x1000, 0x1000), 0);
	EXPECT_EQ(memblock_add(0x3000, 0x1000), 0);
	EXPECT_EQ(memblock_add(0x8000, 0x1000), 0);
	REGIONS_ARE(&memblock.memory, { 0x1000, 0x2000 }, { 0x3000, 0x4000 }, { 0x8000, 0x9000 });
	EXPECT_EQ(memblock_add(0x2000, 0x1000), 0);         /* fills the gap exactly */
	REGIONS_ARE(&memblock.memory, { 0x1000, 0x4000 }, { 0x8000, 0x9000 });
	EXPECT_EQ(memblock_add(0x800, 0x9000), 0);          /* swallows both */
	REGIONS_ARE(&memblock.memory, { 0x800, 0x9800 });
	EXPECT_EQ(memblock.memory.total_size, 0x9000);
	EXPECT_EQ(nr_calls, 0);
}

TEST(remove_and_free_cut_regions_and_split_them)
{
	reset();
	memblock_add(0x10000, 0x10000);
	EXPECT_EQ(memblock_remove(0x14000, 0x1000), 0);     /* split */
	EXPECT_EQ(memblock_remove(0x0, 0x11000), 0);        /* head */
	EXPECT_EQ(memblock_remove(0x1f800, 0x10000), 0);    /* tail, mid-page */
	EXPECT_EQ(memblock_remove(0x40000, 0x1000), 0);     /* nothing there */
	REGIONS_ARE(&memblock.memory, { 0x11000, 0x14000 }, { 0x15000, 0x1f800 });
	EXPECT_EQ(memblock.memory.total_size, 0x3000 + 0xa800);
	memblock_reserve(0x1000, 0x5000);
	EXPECT_EQ(memblock_phys_free(0x2000, 0x1000), 0);
	REGIONS_ARE(&memblock.reserved, { 0x1000, 0x2000 }, { 0x3000, 0x6000 });
	EXPECT_EQ(memblock_phys_free(0x0, 0x10000), 0);
	EXPECT_EQ(memblock.reserved.cnt, 0);
	EXPECT_EQ(memblock.reserved.total_size, 0);
	EXPECT_EQ(nr_calls, 0);
}

TEST(full_list_refuses_with_one_line_and_no_change)
{
	reset();
	for (int i = 0; i < MAX_REGS; i++)
		EXPECT_EQ(memblock_reserve(i * 2 * PG, PG), 0);
	EXPECT_EQ(memblock_reserve(MAX_REGS * 2 * PG, PG), -ENOSPC);
	EXPECT_EQ(nr_lines, 1);
	EXPECT_TRUE(logged("memblock_reserve(0x100000, 0x1000): reserved list full (128 regions)\n"));
	EXPECT_EQ(memblock_phys_free(PG / 2 + 2 * PG, 0x400), -ENOSPC);        /* would split */
	EXPECT_EQ(nr_lines, 2);
	EXPECT_EQ(memblock.reserved.cnt, MAX_REGS);
	EXPECT_EQ(memblock.reserved.total_size, MAX_REGS * PG);
	EXPECT_EQ(memblock_reserve(PG, PG), 0);             /* merging needs no slot */
	EXPECT_EQ(memblock.reserved.cnt, MAX_REGS - 1);
	EXPECT_EQ(memblock_phys_free(0, PG), 0);            /* nor does trimming */
}

TEST(bad_ranges_are_refused_with_one_line_each)
{
	int (*const op[])(phys_addr_t, phys_addr_t) = {
		memblock_add, memblock_reserve, memblock_remove, memblock_phys_free,
	};

	reset();
	memblock_add(0x100000, 0x100000);
	memblock_reserve(0x100000, 0x1000);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(op[i](0x1000, 0), -EINVAL);
		EXPECT_EQ(op[i](~0ULL - 0xfff, 0x2000), -EINVAL);
		EXPECT_EQ(op[i](LIMIT - 0x1000, 0x2000), -EINVAL);
		EXPECT_EQ(op[i](LIMIT, 0x1000), -EINVAL);
	}
	EXPECT_EQ(nr_lines, 16);
	EXPECT_TRUE(logged("memblock_phys_free(0x1000, 0x0): size is zero\n"));
	EXPECT_EQ(op[0](LIMIT - 0x1000, 0x1000), 0);      /* right up to the limit is fine */
	REGIONS_ARE(&memblock.memory, { 0x100000, 0x200000 }, { LIMIT - 0x1000, LIMIT });
	REGIONS_ARE(&memblock.reserved, { 0x100000, 0x101000 });
}

TEST(is_memory_and_is_reserved_at_the_edges)
{
	reset();
	memblock_add(0x100000, 0x100000);
	memblock_reserve(0x180000, 0x10);
	EXPECT_FALSE(memblock_is_memory(0xfffff));
	EXPECT_TRUE(memblock_is_memory(0x100000));
	EXPECT_TRUE(memblock_is_memory(0x1fffff));
	EXPECT_FALSE(memblock_is_memory(0x200000));
	EXPECT_FALSE(memblock_is_reserved(0x17ffff));
	EXPECT_TRUE(memblock_is_reserved(0x18000f));
	EXPECT_FALSE(memblock_is_reserved(0x180010));
}

TEST(free_bytes_ignores_reserved_outside_memory)
{
	reset();
	memblock_add(0x100000, 0x100000);
	memblock_reserve(0x0, 0x101000);            /* 0x1000 of it is memory */
	memblock_reserve(0x1ff000, 0x10000);        /* 0x1000 of it is memory */
	memblock_reserve(0x300000, 0x1000);         /* none */
	EXPECT_EQ(memblock_free_bytes(), 0x100000 - 0x2000);
}

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
 * range) and then against the model's own top-down answer. */
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
	want = model_alloc(size, align, start, limit);
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

static void random_run(uint64_t seed, int steps, struct stats *st)
{
	struct rng r = { seed };

	reset();
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

	random_run(0x2545f4914f6cdd1dULL, 3000, &st);
	random_run(0x853c49e6748fea9bULL, 3000, &st);
	random_run(0xda3e39cb94b95bdbULL, 3000, &st);
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
