/* Host tests for the firmware memory map (kernel/e820.c): its import into
 * memblock (QEMU's real maps and crafted firmware maps, checked against
 * the page-map reference model in memblock_model.h and e820_model.h and
 * against regions worked out by hand), the type names, the printed table
 * and the range walk.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/memblock_model.h"
#include "tests/unit/e820_model.h"

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
	EXPECT_EQ(__e820__memblock_setup(qemu_pc_256m, 7), 0);
	EXPECT_EQ(nr_calls, 0);
	REGIONS_ARE(&memblock.memory, { 0x0, 0x9f000 }, { 0x100000, 0xffe0000 });
	EXPECT_EQ(memblock.memory.total_size, 0x9f000 + 0xfee0000);
	EXPECT_EQ(memblock.reserved.cnt, 0);
	check_e820(qemu_pc_256m, 7, 0, 0);
}

TEST(qemu_pc_4g_map_keeps_the_ram_above_4g)
{
	reset();
	EXPECT_EQ(__e820__memblock_setup(qemu_pc_4g, 9), 0);
	EXPECT_EQ(nr_calls, 0);
	REGIONS_ARE(&memblock.memory, { 0x0, 0x9f000 }, { 0x100000, 0xbffe0000 },
		    { 0x100000000, 0x140000000 });
	EXPECT_EQ(memblock.memory.total_size, 0x9f000 + 0xbfee0000 + 0x40000000);
	EXPECT_TRUE(memblock_is_memory(0x13fffffff));
	EXPECT_FALSE(memblock_is_memory(0x140000000));
	EXPECT_FALSE(memblock_is_memory(0x9f000));
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
		__e820__memblock_setup(map, 64);
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

/* ---- names, the printed table, the range walk ---------------------------------- */

TEST(e820_type_names_match_linux)
{
	EXPECT_STREQ(e820_type_name(1), "usable");
	EXPECT_STREQ(e820_type_name(2), "reserved");
	EXPECT_STREQ(e820_type_name(3), "ACPI data");
	EXPECT_STREQ(e820_type_name(4), "ACPI NVS");
	EXPECT_STREQ(e820_type_name(5), "unusable");
	EXPECT_STREQ(e820_type_name(0), "unknown");
	EXPECT_STREQ(e820_type_name(6), "unknown");
	EXPECT_STREQ(e820_type_name(0xffffffff), "unknown");
	EXPECT_STREQ(e820_type_name(20), "unknown");    /* printed "type 20", as Linux does */
}

TEST(e820_resource_names_match_linux)
{
	static const struct { uint32_t type; const char *name; } want[] = {
		{ 1, "System RAM" }, { 2, "Reserved" }, { 3, "ACPI Tables" },
		{ 4, "ACPI Non-volatile Storage" }, { 5, "Unusable memory" },
		{ 7, "Persistent Memory" }, { 12, "Persistent Memory (legacy)" },
		{ 17, "Unknown E820 type" }, { 20, "Unknown E820 type" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		struct e820_entry e = { .addr = 0, .size = PG, .type = want[i].type };

		EXPECT_STREQ(e820_type_to_string(&e), want[i].name);
	}
}

/* Points e820_table at a copy of map (e820__memory_setup's job in the kernel). */
static void use_table(const struct e820_entry *map, uint32_t nr)
{
	static struct e820_table t;

	t.nr_entries = nr;
	memcpy(t.entries, map, nr * sizeof(*map));
	e820_table = &t;
}

TEST(print_table_writes_linux_bios_e820_lines)
{
	static const struct e820_entry map[] = {
		{ 0x0,         0x9fc00,  1 },
		{ 0x9fc00,     0x400,    2 },
		{ 0x7ffe0000,  0x20000,  3 },
		{ 0x80000000,  0x1000,   4 },
		{ 0x90000000,  0x1000,   5 },
		{ 0x100000000, 0x1000,   12 },
		{ 0xa0000000,  0x1000,   17 },
		{ 0xb0000000,  0,        1 },   /* zero size: ends one below its start */
	};

	use_table(map, ARRAY_SIZE(map));
	out_reset();
	e820__print_table("BIOS-e820", out_capture);
	EXPECT_STREQ(out_buf,
		"BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
		"BIOS-e820: [mem 0x000000007ffe0000-0x000000007fffffff] ACPI data\n"
		"BIOS-e820: [mem 0x0000000080000000-0x0000000080000fff] ACPI NVS\n"
		"BIOS-e820: [mem 0x0000000090000000-0x0000000090000fff] unusable\n"
		"BIOS-e820: [mem 0x0000000100000000-0x0000000100000fff] persistent (type 12)\n"
		"BIOS-e820: [mem 0x00000000a0000000-0x00000000a0000fff] type 17\n"
		"BIOS-e820: [mem 0x00000000b0000000-0x00000000afffffff] usable\n");
}

TEST(for_each_e820_range_gives_whole_pages_of_the_chosen_types_in_table_order)
{
	static const struct e820_entry map[] = {
		{ 0x100000,   0x1000000, 1 },
		{ 0x7ffe0800, 0x20000,   3 },   /* ACPI, unaligned: [0x7ffe1000, 0x80000000) */
		{ 0x5000,     0x2000,    4 },   /* NVS, below the one before */
		{ 0x9000,     0x800,     3 },   /* no whole page: skipped */
		{ 0xa000,     0x1000,    2 },
		{ ~0ULL - 0x7ff, 0x400,  3 },   /* its page would start past 2^64 */
		{ 0xc0000000, 0x3000,    4 },
	};
	static const struct { phys_addr_t start, end; } want[] = {
		{ 0x7ffe1000, 0x80000000 }, { 0x5000, 0x7000 }, { 0xc0000000, 0xc0003000 },
	};
	phys_addr_t start, end;
	unsigned int n = 0;
	uint32_t i;

	use_table(map, ARRAY_SIZE(map));
	for_each_e820_range(i, E820_TYPE_MASK(E820_TYPE_ACPI) | E820_TYPE_MASK(E820_TYPE_NVS),
			    &start, &end) {
		EXPECT_TRUE(n < ARRAY_SIZE(want));
		if (n < ARRAY_SIZE(want)) {
			EXPECT_EQ(start, want[n].start);
			EXPECT_EQ(end, want[n].end);
		}
		n++;
	}
	EXPECT_EQ(n, ARRAY_SIZE(want));
	n = 0;
	for_each_e820_range(i, E820_TYPE_MASK(E820_TYPE_RAM), &start, &end)
		n++;
	EXPECT_EQ(n, 1);
	EXPECT_EQ(start, 0x100000);
	EXPECT_EQ(end, 0x1100000);
}

/* memmap=nn$ss's core: a byte-by-byte model of the types says which
 * addresses changed, over every boundary case of one range against a
 * sorted map (inside one entry, across two, touching an edge, not RAM). */
static uint32_t type_at(const struct e820_table *t, uint64_t a)
{
	for (uint32_t i = 0; i < t->nr_entries; i++)
		if (t->entries[i].addr <= a && a < t->entries[i].addr + t->entries[i].size)
			return t->entries[i].type;
	return 0;
}

TEST(range_update_changes_exactly_the_ram_in_the_range)
{
	static const struct e820_entry map[] = {
		{ 0x0,     0x9f000, 1 }, { 0x9f000, 0x1000, 2 }, { 0x100000, 0x100000, 1 },
		{ 0x200000, 0x1000, 3 }, { 0x201000, 0x1000, 1 },
	};
	static const uint64_t ranges[][2] = {
		{ 0x150000, 0x1000 }, { 0x100000, 0x1000 }, { 0x1ff000, 0x1000 },
		{ 0x100000, 0x100000 }, { 0x1ff000, 0x3000 }, { 0x9e000, 0x2000 },
		{ 0x9f000, 0x1000 }, { 0x300000, 0x1000 },
	};

	for (unsigned int r = 0; r < ARRAY_SIZE(ranges); r++) {
		uint64_t s = ranges[r][0], n = ranges[r][1], changed = 0, got;
		struct e820_table before;

		use_table(map, ARRAY_SIZE(map));
		before = *e820_table;
		got = e820__range_update(s, n, E820_TYPE_RAM, E820_TYPE_RESERVED);
		for (uint64_t a = 0; a < 0x210000; a += 0x800) {
			uint32_t was = type_at(&before, a), now = type_at(e820_table, a);
			bool in = s <= a && a < s + n;

			EXPECT_EQ(now, in && was == E820_TYPE_RAM ? E820_TYPE_RESERVED : was);
			changed += in && was == E820_TYPE_RAM ? 0x800 : 0;
		}
		EXPECT_EQ(got, changed);
		for (uint32_t i = 1; i < e820_table->nr_entries; i++)       /* still sorted */
			EXPECT_TRUE(e820_table->entries[i - 1].addr < e820_table->entries[i].addr);
	}
}

TEST(range_update_refuses_to_overflow_the_table)
{
	static struct e820_entry map[E820_MAX_ENTRIES];

	for (unsigned int i = 0; i < E820_MAX_ENTRIES; i++)
		map[i] = (struct e820_entry){ 0x100000ULL * i, 0x80000, 1 };
	use_table(map, E820_MAX_ENTRIES);
	EXPECT_EQ(e820__range_update(0x1000, 0x1000, E820_TYPE_RAM, E820_TYPE_RESERVED), 0);
	EXPECT_EQ(e820_table->nr_entries, E820_MAX_ENTRIES);
	EXPECT_EQ(e820_table->entries[0].type, E820_TYPE_RAM);
}
