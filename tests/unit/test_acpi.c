/* Host tests for the ACPI table parsers (drivers/acpi_tables.c): the
 * checksum, the RSDP and the MADT. The \_S5 search in AML is in
 * test_acpi_aml.c.
 *
 * Tables are built here byte by byte from the layouts in the ACPI
 * specification (6.5: 5.2.5.3 RSDP, 5.2.6 header, 5.2.12 MADT), with the
 * builder in acpi_builder.h; the values a test puts in are what it checks
 * the parser's output against. Every parse runs on an exact-size heap copy,
 * so ASan reports any read past the length the parser was given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/acpi_builder.h"

/* ---- checksum ---------------------------------------------------------------- */

TEST(checksum_sums_bytes_mod_256)
{
	static const uint8_t a[] = { 1, 2, 3 }, b[] = { 0xff, 0x01 }, c[] = { 0x80, 0x80, 0x05 };

	EXPECT_EQ(acpi_checksum(a, 3), 6);
	EXPECT_EQ(acpi_checksum(b, 2), 0);
	EXPECT_EQ(acpi_checksum(c, 3), 5);
	EXPECT_EQ(acpi_checksum(a, 0), 0);
}

TEST(checksum_of_built_table_is_zero_and_any_flipped_byte_is_caught)
{
	struct tbl t;
	uint8_t *p;

	tbl_init(&t, "SSDT");
	for (int i = 0; i < 100; i++)
		tbl_bytes(&t, &(uint8_t){ (uint8_t)(i * 37 + 11) }, 1);
	tbl_finish(&t);
	p = heap_copy(t.b, t.len);
	EXPECT_EQ(acpi_checksum(p, t.len), 0);
	for (uint32_t i = 0; i < t.len; i++) {
		p[i] ^= 0x10;
		EXPECT_TRUE(acpi_checksum(p, t.len) != 0);
		p[i] ^= 0x10;
	}
	EXPECT_EQ(acpi_checksum(p, t.len), 0);
	free(p);
}

/* ---- RSDP: 5.2.5.3 ------------------------------------------------------- */

/* Builds an RSDP of `size` bytes (20 for revision 0, else >= 36) with
 * correct checksums; the Length field says `size`. */
static void make_rsdp(uint8_t *r, uint8_t revision, uint32_t size)
{
	memset(r, 0, size);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	r[15] = revision;
	put32(r + 16, 0x07fe18e6);              /* RsdtAddress */
	r[8] = (uint8_t)(0x100 - sum_bytes(r, 20));
	if (revision < 2)
		return;
	put32(r + 20, size);
	put64(r + 24, 0x07fe1a00);              /* XsdtAddress */
	r[32] = 0;
	r[32] = (uint8_t)(0x100 - sum_bytes(r, size));
}

static bool rsdp_valid_copy(const uint8_t *r, uint32_t len)
{
	uint8_t *p = heap_copy(r, len);
	bool ok = acpi_rsdp_valid(p, len);

	free(p);
	return ok;
}

TEST(rsdp_v1_valid_and_needs_its_20_bytes)
{
	uint8_t r[20];

	make_rsdp(r, 0, 20);
	EXPECT_EQ(sum_bytes(r, 20), 0);
	EXPECT_TRUE(rsdp_valid_copy(r, 20));
	EXPECT_FALSE(rsdp_valid_copy(r, 19));
	EXPECT_FALSE(rsdp_valid_copy(r, 0));
}

TEST(rsdp_v1_bad_signature_rejected)
{
	uint8_t r[20];

	make_rsdp(r, 0, 20);
	r[7] = '_';                             /* "RSD PTR_", checksum fixed up */
	r[8] -= '_' - ' ';
	EXPECT_EQ(sum_bytes(r, 20), 0);
	EXPECT_FALSE(rsdp_valid_copy(r, 20));
}

TEST(rsdp_v1_bad_checksum_rejected)
{
	uint8_t r[20];

	make_rsdp(r, 0, 20);
	r[16] ^= 1;                             /* RsdtAddress changed, checksum not */
	EXPECT_FALSE(rsdp_valid_copy(r, 20));
}

TEST(rsdp_v2_valid_with_both_checksums)
{
	uint8_t r[36];

	make_rsdp(r, 2, 36);
	EXPECT_EQ(sum_bytes(r, 20), 0);
	EXPECT_EQ(sum_bytes(r, 36), 0);
	EXPECT_TRUE(rsdp_valid_copy(r, 36));
	EXPECT_FALSE(rsdp_valid_copy(r, 35));   /* v2 but cut short */
	EXPECT_FALSE(rsdp_valid_copy(r, 20));
}

TEST(rsdp_v2_bad_extended_checksum_rejected)
{
	uint8_t r[36];

	make_rsdp(r, 2, 36);
	r[24] ^= 0x40;                          /* XsdtAddress: outside the first 20 bytes */
	EXPECT_EQ(sum_bytes(r, 20), 0);
	EXPECT_FALSE(rsdp_valid_copy(r, 36));
}

TEST(rsdp_v2_bad_first_checksum_rejected)
{
	uint8_t r[36];

	make_rsdp(r, 2, 36);
	r[16] += 1;
	r[33] -= 1;                             /* whole sum still 0, first 20 not */
	EXPECT_EQ(sum_bytes(r, 36), 0);
	EXPECT_FALSE(rsdp_valid_copy(r, 36));
}

TEST(rsdp_v2_length_beyond_available_rejected)
{
	uint8_t r[40];

	make_rsdp(r, 2, 40);                    /* a Length of 40, valid over 40 bytes */
	EXPECT_TRUE(rsdp_valid_copy(r, 40));
	EXPECT_FALSE(rsdp_valid_copy(r, 36));   /* only 36 bytes available */
}

TEST(rsdp_v2_length_under_36_rejected)
{
	uint8_t r[36];

	make_rsdp(r, 2, 36);
	put32(r + 20, 20);              /* Length 20: over 20 bytes the sum is 0 too */
	r[32] = 0;
	r[32] = (uint8_t)(0x100 - sum_bytes(r, 36));
	EXPECT_EQ(sum_bytes(r, 20), 0);
	EXPECT_EQ(sum_bytes(r, 36), 0);
	EXPECT_FALSE(rsdp_valid_copy(r, 36));
}

/* ---- MADT: 5.2.12 ---------------------------------------------------------- */

static void madt_init(struct tbl *t, uint32_t lapic)
{
	tbl_init(t, "APIC");
	tbl_u32(t, lapic);                      /* Local Interrupt Controller Address */
	tbl_u32(t, 1);                          /* Flags: PCAT_COMPAT */
}

static void madt_lapic(struct tbl *t, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint8_t e[8] = { 0, 8, uid, apic_id };

	put32(e + 4, flags);
	tbl_bytes(t, e, 8);
}

static void madt_ioapic(struct tbl *t, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	uint8_t e[12] = { 1, 12, id, 0 };

	put32(e + 4, addr);
	put32(e + 8, gsi_base);
	tbl_bytes(t, e, 12);
}

static void madt_iso(struct tbl *t, uint8_t bus, uint8_t source, uint32_t gsi, uint16_t flags)
{
	uint8_t e[10] = { 2, 10, bus, source };

	put32(e + 4, gsi);
	put16(e + 8, flags);
	tbl_bytes(t, e, 10);
}

static void madt_lapic_override(struct tbl *t, uint64_t addr)
{
	uint8_t e[12] = { 5, 12 };

	put64(e + 4, addr);
	tbl_bytes(t, e, 12);
}

/* Parses t (header Length and checksum set first) from an exact heap copy. */
static void parse_madt_copy(struct tbl *t, struct acpi_info *info)
{
	uint8_t *p;

	tbl_finish(t);
	p = heap_copy(t->b, t->len);
	acpi_parse_madt(p, t->len, info);
	free(p);
}

/* ---- MADT cases: a table ----------------------------------------------------
 * Each row builds a table, parses it, and checks the facts it lists (only
 * those: what each case is about), a phrase of the last warning, and any
 * check a list of facts cannot say. */

enum madt_fact { END, WARNINGS, CPUS, IOAPICS, OVERRIDES, LAPIC_ADDRESS, IOAPIC0_ID, IOAPIC0_ADDRESS };

static const char *const madt_fact_name[] = {
	[WARNINGS] = "KERN_WARNING lines", [CPUS] = "nr_cpus", [IOAPICS] = "nr_ioapics",
	[OVERRIDES] = "nr_overrides", [LAPIC_ADDRESS] = "lapic_address",
	[IOAPIC0_ID] = "ioapics[0].id", [IOAPIC0_ADDRESS] = "ioapics[0].address",
};

static uint64_t madt_fact(const struct acpi_info *info, enum madt_fact f)
{
	switch (f) {
	case WARNINGS:          return (uint64_t)nr_warnings;
	case CPUS:              return info->nr_cpus;
	case IOAPICS:           return info->nr_ioapics;
	case OVERRIDES:         return info->nr_overrides;
	case LAPIC_ADDRESS:     return info->lapic_address;
	case IOAPIC0_ID:        return info->ioapics[0].id;
	case IOAPIC0_ADDRESS:   return info->ioapics[0].address;
	case END:               break;
	}
	return 0;
}

struct madt_want {
	enum madt_fact fact;
	uint64_t value;
};

struct madt_case {
	const char *name;
	void (*build)(struct tbl *t);   /* the whole table; the parse sets Length and checksum */
	bool stale;                     /* info starts as garbage (0x5a), not zeros */
	struct madt_want want[6];       /* up to the first END */
	const char *warning;            /* a phrase of the last warning; NULL: not checked */
	void (*more)(const struct acpi_info *info);     /* NULL: nothing more */
};

static void madt_all_kinds(struct tbl *t)
{
	madt_init(t, 0xfee00000);
	madt_lapic(t, 0, 0, 1);
	madt_lapic(t, 1, 1, 0);                 /* disabled: not counted */
	madt_lapic(t, 2, 4, 3);                 /* enabled + online capable */
	madt_ioapic(t, 2, 0xfec00000, 0);
	madt_iso(t, 0, 0, 2, 0x0000);
	madt_ioapic(t, 3, 0xfec01000, 24);
	madt_iso(t, 0, 9, 9, 0x000d);           /* active high, level */
	madt_lapic_override(t, 0x1234fee00000ULL);
}

static void madt_all_kinds_entries(const struct acpi_info *info)
{
	static const struct acpi_ioapic ioapics[2] = { { 2, 0xfec00000, 0 }, { 3, 0xfec01000, 24 } };

	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(info->ioapics[i].id, ioapics[i].id);
		EXPECT_EQ(info->ioapics[i].address, ioapics[i].address);
		EXPECT_EQ(info->ioapics[i].gsi_base, ioapics[i].gsi_base);
	}
	EXPECT_EQ(info->overrides[0].bus, 0);
	EXPECT_EQ(info->overrides[0].source, 0);
	EXPECT_EQ(info->overrides[0].gsi, 2);
	EXPECT_EQ(info->overrides[0].flags, 0);
	EXPECT_EQ(info->overrides[1].source, 9);
	EXPECT_EQ(info->overrides[1].gsi, 9);
	EXPECT_EQ(info->overrides[1].flags, 0x000d);
}

static void madt_one_lapic(struct tbl *t)
{
	madt_init(t, 0xfee00000);
	madt_lapic(t, 0, 0, 1);
}

static void madt_override_first(struct tbl *t)
{
	madt_init(t, 0xfee00000);
	madt_lapic_override(t, 0xfee10000);     /* before the other entries */
	madt_lapic(t, 0, 0, 1);
}

static void madt_x2apics(struct tbl *t)
{
	uint8_t e[16] = { 9, 16 };

	madt_init(t, 0xfee00000);
	put32(e + 4, 300);                      /* x2APIC ID */
	put32(e + 8, 1);
	tbl_bytes(t, e, 16);
	put32(e + 8, 0);
	tbl_bytes(t, e, 16);
}

static void madt_unknown_types(struct tbl *t)
{
	static const uint8_t nmi[6] = { 4, 6, 0xff, 5, 0, 1 };  /* local APIC NMI */
	uint8_t big[40] = { 0x0b, 40 };                        /* GICC-sized entry */

	madt_init(t, 0xfee00000);
	tbl_bytes(t, nmi, 6);
	tbl_bytes(t, big, 40);
	madt_ioapic(t, 7, 0xfec00000, 0);
}

static void madt_zero_length_entry(struct tbl *t)
{
	static const uint8_t zero_len[12] = { 1, 0, 9 };

	madt_init(t, 0xfee00000);
	madt_lapic(t, 0, 0, 1);
	madt_ioapic(t, 1, 0xfec00000, 0);
	tbl_bytes(t, zero_len, 12);
	madt_lapic(t, 1, 1, 1);                 /* after the bad entry: not reached */
	madt_ioapic(t, 2, 0xfec01000, 24);
}

static void madt_ends_inside_an_entry(struct tbl *t)
{
	madt_init(t, 0xfee00000);
	madt_lapic(t, 0, 0, 1);
	madt_ioapic(t, 1, 0xfec00000, 0);
	madt_ioapic(t, 2, 0xfec01000, 24);
	t->len -= 4;                            /* the table ends inside the last entry */
}

static void madt_trailing_byte(struct tbl *t)
{
	madt_init(t, 0xfee00000);
	madt_lapic(t, 0, 0, 1);
	tbl_bytes(t, &(uint8_t){ 1 }, 1);       /* a type byte, no length byte */
}

static void madt_short_ioapic(struct tbl *t)
{
	static const uint8_t short_ioapic[8] = { 1, 8, 5, 0, 0, 0, 0xc0, 0xfe };

	madt_init(t, 0xfee00000);
	tbl_bytes(t, short_ioapic, 8);
	madt_ioapic(t, 6, 0xfec00000, 0);
}

static void madt_too_many_ioapics(struct tbl *t)
{
	madt_init(t, 0xfee00000);
	for (int i = 0; i < ACPI_MAX_IOAPICS + 3; i++)
		madt_ioapic(t, (uint8_t)(10 + i), 0xfec00000 + 0x1000 * i, 24 * i);
	madt_lapic(t, 0, 0, 1);                 /* after them: still read */
}

static void madt_first_ioapics_kept(const struct acpi_info *info)
{
	for (int i = 0; i < ACPI_MAX_IOAPICS; i++) {
		EXPECT_EQ(info->ioapics[i].id, 10 + i);
		EXPECT_EQ(info->ioapics[i].address, 0xfec00000 + 0x1000 * i);
		EXPECT_EQ(info->ioapics[i].gsi_base, 24 * i);
	}
}

static void madt_too_many_overrides(struct tbl *t)
{
	madt_init(t, 0xfee00000);
	for (int i = 0; i < ACPI_MAX_OVERRIDES + 4; i++)
		madt_iso(t, 0, (uint8_t)i, 100 + i, (uint16_t)(i & 0xf));
}

static void madt_first_overrides_kept(const struct acpi_info *info)
{
	EXPECT_EQ(info->overrides[ACPI_MAX_OVERRIDES - 1].source, ACPI_MAX_OVERRIDES - 1);
	EXPECT_EQ(info->overrides[ACPI_MAX_OVERRIDES - 1].gsi, 100 + ACPI_MAX_OVERRIDES - 1);
}

static void madt_without_flags(struct tbl *t)
{
	tbl_init(t, "APIC");
	tbl_u32(t, 0xfee00000);                 /* no Flags: 40 bytes */
}

static void madt_one_ioapic(struct tbl *t)
{
	madt_init(t, 0xfee00000);
	madt_ioapic(t, 1, 0xfec00000, 0);
}

static const struct madt_case madt_cases[] = {
	{ "madt_cpus_ioapics_overrides_and_lapic_override", madt_all_kinds, false,
	  { { WARNINGS, 0 }, { CPUS, 2 }, { LAPIC_ADDRESS, 0x1234fee00000ULL }, { IOAPICS, 2 },
	    { OVERRIDES, 2 } }, NULL, madt_all_kinds_entries },
	{ "madt_header_lapic_address_without_override", madt_one_lapic, false,
	  { { LAPIC_ADDRESS, 0xfee00000 }, { CPUS, 1 } }, NULL, NULL },
	{ "madt_lapic_override_wins_wherever_it_is", madt_override_first, false,
	  { { LAPIC_ADDRESS, 0xfee10000 } }, NULL, NULL },
	{ "madt_x2apic_entries_counted_when_enabled", madt_x2apics, false,
	  { { CPUS, 1 } }, NULL, NULL },
	{ "madt_unknown_types_skipped_by_length", madt_unknown_types, false,
	  { { WARNINGS, 0 }, { IOAPICS, 1 }, { IOAPIC0_ID, 7 } }, NULL, NULL },
	{ "madt_zero_length_entry_stops_walk_keeping_earlier_entries", madt_zero_length_entry, false,
	  { { WARNINGS, 1 }, { CPUS, 1 }, { IOAPICS, 1 }, { IOAPIC0_ID, 1 } }, "offset 64", NULL },
	{ "madt_entry_running_past_end_stops_walk", madt_ends_inside_an_entry, false,
	  { { WARNINGS, 1 }, { CPUS, 1 }, { IOAPICS, 1 }, { IOAPIC0_ADDRESS, 0xfec00000 } },
	  "past the end", NULL },
	{ "madt_single_trailing_byte_stops_walk", madt_trailing_byte, false,
	  { { WARNINGS, 1 }, { CPUS, 1 } }, NULL, NULL },
	{ "madt_known_type_shorter_than_spec_skipped_walk_continues", madt_short_ioapic, false,
	  { { WARNINGS, 1 }, { IOAPICS, 1 }, { IOAPIC0_ID, 6 } }, NULL, NULL },
	{ "madt_more_ioapics_than_max_keeps_first_and_warns_once", madt_too_many_ioapics, false,
	  { { WARNINGS, 1 }, { IOAPICS, ACPI_MAX_IOAPICS }, { CPUS, 1 } }, NULL,
	  madt_first_ioapics_kept },
	{ "madt_more_overrides_than_max_keeps_first_and_warns_once", madt_too_many_overrides, false,
	  { { WARNINGS, 1 }, { OVERRIDES, ACPI_MAX_OVERRIDES } }, NULL, madt_first_overrides_kept },
	{ "madt_shorter_than_fixed_part_ignored", madt_without_flags, false,
	  { { WARNINGS, 1 }, { LAPIC_ADDRESS, 0 } }, NULL, NULL },
	{ "madt_parse_replaces_earlier_values", madt_one_ioapic, true,
	  { { CPUS, 0 }, { IOAPICS, 1 }, { OVERRIDES, 0 }, { LAPIC_ADDRESS, 0xfee00000 } },
	  NULL, NULL },
};

static void run_madt_case(const struct madt_case *c)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, c->stale ? 0x5a : 0, sizeof(info));
	c->build(&t);
	clear_msgs();
	parse_madt_copy(&t, &info);
	for (const struct madt_want *w = c->want; w->fact != END; w++) {
		uint64_t got = madt_fact(&info, w->fact);

		if (got != w->value)
			UNIT_DIAG("%s: %s", c->name, madt_fact_name[w->fact]);
		EXPECT_EQ(got, w->value);
	}
	if (c->warning)
		EXPECT_TRUE(strstr(last_line, c->warning) != NULL);
	if (c->more)
		c->more(&info);
}
TEST_CASES(madt_cases, run_madt_case)
