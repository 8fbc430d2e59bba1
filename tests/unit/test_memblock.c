/* Host tests for memblock (mm/memblock.c): the e820 import (QEMU's real
 * maps and crafted firmware maps), the dump, and the list operations (add,
 * reserve, remove, free, the lookups). Allocation and long random sequences
 * are in test_memblock_random.c.
 *
 * Results are checked against the page-map reference model in
 * memblock_model.h and against regions worked out by hand.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/memblock_model.h"

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
