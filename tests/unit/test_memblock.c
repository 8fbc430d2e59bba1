/* Host tests for memblock (mm/memblock.c): the dump and the list
 * operations (add, reserve, remove, free, the lookups). Allocation and
 * long random sequences are in test_memblock_random.c; the firmware map's
 * import into memblock is kernel/e820.c's, tested in test_e820.c.
 *
 * Results are checked against the page-map reference model in
 * memblock_model.h and against regions worked out by hand.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/memblock_model.h"

/* ---- the dump ------------------------------------------------------------------ */

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
	/* QEMU pc -m 256M's RAM as the e820 import leaves it (test_e820.c) */
	memblock_add(0x0, 0x9f000);
	memblock_add(0x100000, 0xfee0000);
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
