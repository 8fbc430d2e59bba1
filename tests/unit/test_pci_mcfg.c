/* Host tests for the MCFG parser (drivers/acpi_tables.c, acpi_parse_mcfg):
 * tables built here byte by byte from the PCI Firmware Specification 3.0,
 * 4.1.2 (36-byte header, 8 reserved bytes, 16-byte entries: u64 base, u16
 * segment, u8 start bus, u8 end bus, u32 reserved), then corrupted one way
 * at a time. Each parse runs on an exact-size heap copy, so ASan catches a
 * read past the length given. A malformed entry is one warning and is
 * dropped; the well-formed ones around it are kept. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/acpi_builder.h"

static void mcfg_init(struct tbl *t)
{
	tbl_init(t, "MCFG");
	tbl_bytes(t, (uint8_t[8]){ 0 }, 8);
}

static void mcfg_entry(struct tbl *t, uint64_t base, uint16_t seg, uint8_t start, uint8_t end)
{
	uint8_t e[16] = { 0 };

	put64(e, base);
	put16(e + 8, seg);
	e[10] = start;
	e[11] = end;
	tbl_bytes(t, e, 16);
}

#define WHOLE (-1)

/* Parses t's first len bytes (all of it: WHOLE) on an exact heap copy. */
static void parse(struct tbl *t, long n, struct acpi_info *info)
{
	uint8_t *p;
	uint32_t len;

	tbl_finish(t);
	len = n == WHOLE ? t->len : (uint32_t)n;
	p = heap_copy(t->b, len);
	memset(info, 0x5a, sizeof(*info));      /* stale values must not survive */
	nr_warnings = 0;
	acpi_parse_mcfg(p, len, info);
	free(p);
}

TEST(q35s_one_entry_is_read)
{
	struct tbl t;
	struct acpi_info info;

	mcfg_init(&t);
	mcfg_entry(&t, 0xb0000000, 0, 0, 0xff);
	parse(&t, WHOLE, &info);
	EXPECT_EQ(nr_warnings, 0);
	EXPECT_EQ(info.nr_mcfg, 1);
	EXPECT_EQ(info.mcfg[0].address, 0xb0000000);
	EXPECT_EQ(info.mcfg[0].segment, 0);
	EXPECT_EQ(info.mcfg[0].start_bus, 0);
	EXPECT_EQ(info.mcfg[0].end_bus, 0xff);
}

TEST(inverted_bus_range_warns_and_keeps_the_others)
{
	struct tbl t;
	struct acpi_info info;

	mcfg_init(&t);
	mcfg_entry(&t, 0xe0000000, 1, 0x10, 0x01);
	mcfg_entry(&t, 0xb0000000, 0, 0, 0x3f);
	parse(&t, WHOLE, &info);
	EXPECT_EQ(nr_warnings, 1);
	EXPECT_TRUE(strstr(last_line, "entry 0 [bus 10-01] at 0xe0000000: start bus above end bus") != NULL);
	EXPECT_EQ(info.nr_mcfg, 1);
	EXPECT_EQ(info.mcfg[0].address, 0xb0000000);
	EXPECT_EQ(info.mcfg[0].end_bus, 0x3f);
}

TEST(zero_or_unaligned_base_is_refused)
{
	struct tbl t;
	struct acpi_info info;

	mcfg_init(&t);
	mcfg_entry(&t, 0, 0, 0, 0xff);
	mcfg_entry(&t, 0xb0080000, 0, 0, 0xff);
	parse(&t, WHOLE, &info);
	EXPECT_EQ(nr_warnings, 2);
	EXPECT_TRUE(strstr(last_line, "base 0 or not 1 MiB aligned") != NULL);
	EXPECT_EQ(info.nr_mcfg, 0);
}

TEST(range_past_52_bits_is_refused)
{
	struct tbl t;
	struct acpi_info info;

	mcfg_init(&t);
	mcfg_entry(&t, (1ULL << 52) - (1ULL << 20), 0, 0, 1);    /* bus 1 is past the limit */
	mcfg_entry(&t, 0xfff0000000000000ULL, 0, 0, 0);          /* would wrap */
	parse(&t, WHOLE, &info);
	EXPECT_EQ(nr_warnings, 2);
	EXPECT_TRUE(strstr(last_line, "past the 52-bit physical limit") != NULL);
	EXPECT_EQ(info.nr_mcfg, 0);
}

TEST(partial_entry_warns_and_is_not_read)
{
	struct tbl t;
	struct acpi_info info;

	mcfg_init(&t);
	mcfg_entry(&t, 0xb0000000, 0, 0, 0xff);
	mcfg_entry(&t, 0xc0000000, 0, 0, 0xff);
	parse(&t, t.len - 9, &info);             /* the second entry cut to 7 bytes */
	EXPECT_EQ(nr_warnings, 1);
	EXPECT_TRUE(strstr(last_line, "23 bytes of entries, not a multiple of 16; the last 7 ignored") != NULL);
	EXPECT_EQ(info.nr_mcfg, 1);
	EXPECT_EQ(info.mcfg[0].address, 0xb0000000);
}

TEST(table_shorter_than_its_fixed_part_gives_no_ecam)
{
	struct tbl t;
	struct acpi_info info;

	for (uint32_t len = 0; len < 44; len++) {
		mcfg_init(&t);
		parse(&t, len, &info);
		EXPECT_EQ(nr_warnings, 1);
		EXPECT_EQ(info.nr_mcfg, 0);
	}
}

TEST(more_entries_than_kept_warn_once_each)
{
	struct tbl t;
	struct acpi_info info;

	mcfg_init(&t);
	for (int i = 0; i < ACPI_MAX_MCFG + 2; i++)
		mcfg_entry(&t, 0x100000000ULL * (i + 1), (uint16_t)i, 0, 0xff);
	parse(&t, WHOLE, &info);
	EXPECT_EQ(nr_warnings, 2);
	EXPECT_EQ(info.nr_mcfg, ACPI_MAX_MCFG);
	EXPECT_EQ(info.mcfg[ACPI_MAX_MCFG - 1].segment, ACPI_MAX_MCFG - 1);
}

TEST(every_truncation_is_safe)
{
	struct tbl t;
	struct acpi_info info;

	mcfg_init(&t);
	mcfg_entry(&t, 0xb0000000, 0, 0, 0xff);
	mcfg_entry(&t, 0xc0000000, 1, 0, 0x7f);
	tbl_finish(&t);
	for (uint32_t len = 0; len <= t.len; len++) {
		parse(&t, len, &info);
		EXPECT_EQ(info.nr_mcfg, len < 60 ? 0 : len < 76 ? 1 : 2);
	}
}
