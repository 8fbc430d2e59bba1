/* Host tests for the ACPI table parsers (drivers/acpi_tables.c).
 *
 * Tables are built here byte by byte from the layouts in the ACPI
 * specification (6.5: 5.2.5.3 RSDP, 5.2.6 header, 5.2.12 MADT, 20.2 AML);
 * the values a test puts in are what it checks the parser's output
 * against. Every parse runs on an exact-size heap copy, so ASan reports
 * any read past the length the parser was given.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "drivers/acpi.h"
#include "kernel/printk.h"

/* ---- printk, which acpi_tables.c calls ---------------------------------- */

static int nr_warnings;
static char last_msg[512];

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	if (last_msg[0] == KERN_SOH[0] && last_msg[1] == '4')
		nr_warnings++;
	return n;
}

/* ---- helpers -------------------------------------------------------------- */

/* An exact-size heap copy: the byte after it is out of bounds for ASan. */
static uint8_t *heap_copy(const void *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	if (n)
		memcpy(c, p, n);
	return c;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* The sum a valid structure must have, computed here independently. */
static uint8_t sum_bytes(const uint8_t *p, size_t n)
{
	unsigned int s = 0;

	for (size_t i = 0; i < n; i++)
		s += p[i];
	return (uint8_t)s;
}

/* ---- table builder: 5.2.6 header, then appended bytes ------------------- */

struct tbl {
	uint8_t b[4096];
	uint32_t len;
};

static void tbl_init(struct tbl *t, const char *sig)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->b[8] = 3;                            /* revision */
	memcpy(t->b + 10, "CARTA ", 6);         /* OEM ID */
	memcpy(t->b + 16, "TESTTBL ", 8);       /* OEM table ID */
	t->len = 36;
}

static void tbl_bytes(struct tbl *t, const void *p, uint32_t n)
{
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

static void tbl_u32(struct tbl *t, uint32_t v)
{
	put32(t->b + t->len, v);
	t->len += 4;
}

/* Sets Length and fixes the checksum byte (offset 9) so the sum is 0. */
static void tbl_finish(struct tbl *t)
{
	put32(t->b + 4, t->len);
	t->b[9] = 0;
	t->b[9] = (uint8_t)(0x100 - sum_bytes(t->b, t->len));
}

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

TEST(madt_cpus_ioapics_overrides_and_lapic_override)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 1, 0);                /* disabled: not counted */
	madt_lapic(&t, 2, 4, 3);                /* enabled + online capable */
	madt_ioapic(&t, 2, 0xfec00000, 0);
	madt_iso(&t, 0, 0, 2, 0x0000);
	madt_ioapic(&t, 3, 0xfec01000, 24);
	madt_iso(&t, 0, 9, 9, 0x000d);          /* active high, level */
	madt_lapic_override(&t, 0x1234fee00000ULL);
	nr_warnings = 0;
	parse_madt_copy(&t, &info);

	EXPECT_EQ(nr_warnings, 0);
	EXPECT_EQ(info.nr_cpus, 2);
	EXPECT_EQ(info.lapic_address, 0x1234fee00000ULL);
	EXPECT_EQ(info.nr_ioapics, 2);
	EXPECT_EQ(info.ioapics[0].id, 2);
	EXPECT_EQ(info.ioapics[0].address, 0xfec00000);
	EXPECT_EQ(info.ioapics[0].gsi_base, 0);
	EXPECT_EQ(info.ioapics[1].id, 3);
	EXPECT_EQ(info.ioapics[1].address, 0xfec01000);
	EXPECT_EQ(info.ioapics[1].gsi_base, 24);
	EXPECT_EQ(info.nr_overrides, 2);
	EXPECT_EQ(info.overrides[0].bus, 0);
	EXPECT_EQ(info.overrides[0].source, 0);
	EXPECT_EQ(info.overrides[0].gsi, 2);
	EXPECT_EQ(info.overrides[0].flags, 0);
	EXPECT_EQ(info.overrides[1].source, 9);
	EXPECT_EQ(info.overrides[1].gsi, 9);
	EXPECT_EQ(info.overrides[1].flags, 0x000d);
}

TEST(madt_header_lapic_address_without_override)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, 1);
	parse_madt_copy(&t, &info);
	EXPECT_EQ(info.lapic_address, 0xfee00000);
	EXPECT_EQ(info.nr_cpus, 1);
}

TEST(madt_lapic_override_wins_wherever_it_is)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	madt_lapic_override(&t, 0xfee10000);    /* before the other entries */
	madt_lapic(&t, 0, 0, 1);
	parse_madt_copy(&t, &info);
	EXPECT_EQ(info.lapic_address, 0xfee10000);
}

TEST(madt_x2apic_entries_counted_when_enabled)
{
	struct acpi_info info;
	uint8_t e[16] = { 9, 16 };
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	put32(e + 4, 300);                      /* x2APIC ID */
	put32(e + 8, 1);
	tbl_bytes(&t, e, 16);
	put32(e + 8, 0);
	tbl_bytes(&t, e, 16);
	parse_madt_copy(&t, &info);
	EXPECT_EQ(info.nr_cpus, 1);
}

TEST(madt_unknown_types_skipped_by_length)
{
	struct acpi_info info;
	static const uint8_t nmi[6] = { 4, 6, 0xff, 5, 0, 1 };  /* local APIC NMI */
	uint8_t big[40] = { 0x0b, 40 };                        /* GICC-sized entry */
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	tbl_bytes(&t, nmi, 6);
	tbl_bytes(&t, big, 40);
	madt_ioapic(&t, 7, 0xfec00000, 0);
	nr_warnings = 0;
	parse_madt_copy(&t, &info);
	EXPECT_EQ(nr_warnings, 0);
	EXPECT_EQ(info.nr_ioapics, 1);
	EXPECT_EQ(info.ioapics[0].id, 7);
}

TEST(madt_zero_length_entry_stops_walk_keeping_earlier_entries)
{
	static const uint8_t zero_len[12] = { 1, 0, 9 };
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, 1);
	madt_ioapic(&t, 1, 0xfec00000, 0);
	tbl_bytes(&t, zero_len, 12);
	madt_lapic(&t, 1, 1, 1);                /* after the bad entry: not reached */
	madt_ioapic(&t, 2, 0xfec01000, 24);
	nr_warnings = 0;
	parse_madt_copy(&t, &info);
	EXPECT_EQ(nr_warnings, 1);
	EXPECT_TRUE(strstr(last_msg, "offset 64") != NULL);
	EXPECT_EQ(info.nr_cpus, 1);
	EXPECT_EQ(info.nr_ioapics, 1);
	EXPECT_EQ(info.ioapics[0].id, 1);
}

TEST(madt_entry_running_past_end_stops_walk)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, 1);
	madt_ioapic(&t, 1, 0xfec00000, 0);
	madt_ioapic(&t, 2, 0xfec01000, 24);
	t.len -= 4;                             /* the table ends inside the last entry */
	nr_warnings = 0;
	parse_madt_copy(&t, &info);
	EXPECT_EQ(nr_warnings, 1);
	EXPECT_TRUE(strstr(last_msg, "past the end") != NULL);
	EXPECT_EQ(info.nr_cpus, 1);
	EXPECT_EQ(info.nr_ioapics, 1);
	EXPECT_EQ(info.ioapics[0].address, 0xfec00000);
}

TEST(madt_single_trailing_byte_stops_walk)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	madt_lapic(&t, 0, 0, 1);
	tbl_bytes(&t, &(uint8_t){ 1 }, 1);      /* a type byte, no length byte */
	nr_warnings = 0;
	parse_madt_copy(&t, &info);
	EXPECT_EQ(nr_warnings, 1);
	EXPECT_EQ(info.nr_cpus, 1);
}

TEST(madt_known_type_shorter_than_spec_skipped_walk_continues)
{
	static const uint8_t short_ioapic[8] = { 1, 8, 5, 0, 0, 0, 0xc0, 0xfe };
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	tbl_bytes(&t, short_ioapic, 8);
	madt_ioapic(&t, 6, 0xfec00000, 0);
	nr_warnings = 0;
	parse_madt_copy(&t, &info);
	EXPECT_EQ(nr_warnings, 1);
	EXPECT_EQ(info.nr_ioapics, 1);
	EXPECT_EQ(info.ioapics[0].id, 6);
}

TEST(madt_more_ioapics_than_max_keeps_first_and_warns_once)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	for (int i = 0; i < ACPI_MAX_IOAPICS + 3; i++)
		madt_ioapic(&t, (uint8_t)(10 + i), 0xfec00000 + 0x1000 * i, 24 * i);
	madt_lapic(&t, 0, 0, 1);                /* after them: still read */
	nr_warnings = 0;
	parse_madt_copy(&t, &info);
	EXPECT_EQ(nr_warnings, 1);
	EXPECT_EQ(info.nr_ioapics, ACPI_MAX_IOAPICS);
	for (int i = 0; i < ACPI_MAX_IOAPICS; i++) {
		EXPECT_EQ(info.ioapics[i].id, 10 + i);
		EXPECT_EQ(info.ioapics[i].address, 0xfec00000 + 0x1000 * i);
		EXPECT_EQ(info.ioapics[i].gsi_base, 24 * i);
	}
	EXPECT_EQ(info.nr_cpus, 1);
}

TEST(madt_more_overrides_than_max_keeps_first_and_warns_once)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	madt_init(&t, 0xfee00000);
	for (int i = 0; i < ACPI_MAX_OVERRIDES + 4; i++)
		madt_iso(&t, 0, (uint8_t)i, 100 + i, (uint16_t)(i & 0xf));
	nr_warnings = 0;
	parse_madt_copy(&t, &info);
	EXPECT_EQ(nr_warnings, 1);
	EXPECT_EQ(info.nr_overrides, ACPI_MAX_OVERRIDES);
	EXPECT_EQ(info.overrides[ACPI_MAX_OVERRIDES - 1].source, ACPI_MAX_OVERRIDES - 1);
	EXPECT_EQ(info.overrides[ACPI_MAX_OVERRIDES - 1].gsi, 100 + ACPI_MAX_OVERRIDES - 1);
}

TEST(madt_shorter_than_fixed_part_ignored)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0, sizeof(info));
	tbl_init(&t, "APIC");
	tbl_u32(&t, 0xfee00000);                /* no Flags: 40 bytes */
	nr_warnings = 0;
	parse_madt_copy(&t, &info);
	EXPECT_EQ(nr_warnings, 1);
	EXPECT_EQ(info.lapic_address, 0);
}

TEST(madt_parse_replaces_earlier_values)
{
	struct acpi_info info;
	struct tbl t;

	memset(&info, 0x5a, sizeof(info));
	madt_init(&t, 0xfee00000);
	madt_ioapic(&t, 1, 0xfec00000, 0);
	parse_madt_copy(&t, &info);
	EXPECT_EQ(info.nr_cpus, 0);
	EXPECT_EQ(info.nr_ioapics, 1);
	EXPECT_EQ(info.nr_overrides, 0);
	EXPECT_EQ(info.lapic_address, 0xfee00000);
}

/* ---- \_S5 in AML: 20.2 ---------------------------------------------------- */

struct aml {
	uint8_t b[1024];
	uint32_t len;
};

static void aml_bytes(struct aml *a, const void *p, uint32_t n)
{
	memcpy(a->b + a->len, p, n);
	a->len += n;
}

static void aml_u8(struct aml *a, uint8_t v) { aml_bytes(a, &v, 1); }

/* Appends PackageOp, a PkgLength of `pkg_bytes` (1-4) bytes, NumElements
 * and the elements, each encoded as AML does the integer: ZeroOp, OneOp
 * or BytePrefix + byte (20.2.3). */
static void aml_package(struct aml *a, const uint8_t *vals, int n, int pkg_bytes)
{
	uint8_t elems[512];
	uint32_t elen = 0, len;

	for (int i = 0; i < n; i++) {
		if (vals[i] <= 1) {
			elems[elen++] = vals[i];        /* ZeroOp 0x00, OneOp 0x01 */
		} else {
			elems[elen++] = 0x0a;           /* BytePrefix */
			elems[elen++] = vals[i];
		}
	}
	len = pkg_bytes + 1 + elen;             /* PkgLength counts itself */
	aml_u8(a, 0x12);
	if (pkg_bytes == 1) {
		aml_u8(a, (uint8_t)len);            /* callers keep this under 64 */
	} else {
		aml_u8(a, (uint8_t)(((pkg_bytes - 1) << 6) | (len & 0x0f)));
		for (int i = 1; i < pkg_bytes; i++)
			aml_u8(a, (uint8_t)(len >> (4 + 8 * (i - 1))));
	}
	aml_u8(a, (uint8_t)n);
	aml_bytes(a, elems, elen);
}

/* Name ([\]_Sx, Package () { vals }) */
static void aml_sx(struct aml *a, char x, bool name_op, bool root, const uint8_t *vals,
		   int n, int pkg_bytes)
{
	char seg[4] = { '_', 'S', x, '_' };

	if (name_op)
		aml_u8(a, 0x08);
	if (root)
		aml_u8(a, '\\');
	aml_bytes(a, seg, 4);
	aml_package(a, vals, n, pkg_bytes);
}

static bool find_s5_copy(const uint8_t *b, uint32_t len, uint8_t *typ)
{
	uint8_t *p = heap_copy(b, len);
	bool found = acpi_find_s5(p, len, typ);

	free(p);
	return found;
}

TEST(s5_qemu_style_zero_ops)
{
	/* QEMU's DSDT: Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }) */
	static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				       0x00, 0x00, 0x00, 0x00 };
	uint8_t typ = 0xee;

	EXPECT_TRUE(find_s5_copy(aml, sizeof(aml), &typ));
	EXPECT_EQ(typ, 0);
}

TEST(s5_byte_prefix_with_root_prefix)
{
	static const uint8_t v[] = { 7, 7, 0, 0 };
	struct aml a = { .len = 0 };
	uint8_t typ = 0xee;

	aml_sx(&a, '5', true, true, v, 4, 1);
	EXPECT_EQ(a.b[0], 0x08);
	EXPECT_EQ(a.b[1], '\\');
	EXPECT_TRUE(find_s5_copy(a.b, a.len, &typ));
	EXPECT_EQ(typ, 7);
}

TEST(s5_one_op_without_name_op)
{
	static const uint8_t v[] = { 1, 1 };
	struct aml a = { .len = 0 };
	uint8_t typ = 0xee;

	aml_sx(&a, '5', false, false, v, 2, 1);
	EXPECT_TRUE(find_s5_copy(a.b, a.len, &typ));
	EXPECT_EQ(typ, 1);
}

TEST(s5_byte_prefix_name_op_no_root)
{
	static const uint8_t v[] = { 5, 5, 0, 0 };
	struct aml a = { .len = 0 };
	uint8_t typ = 0xee;

	aml_sx(&a, '5', true, false, v, 4, 1);
	EXPECT_TRUE(find_s5_copy(a.b, a.len, &typ));
	EXPECT_EQ(typ, 5);
}

TEST(s5_multi_byte_pkg_length)
{
	uint8_t many[70];
	struct aml a;
	uint8_t typ;

	for (int bytes = 2; bytes <= 4; bytes++) {
		static const uint8_t v[] = { 6, 6, 0, 0 };

		a.len = 0;
		typ = 0xee;
		aml_sx(&a, '5', true, false, v, 4, bytes);   /* longer than needed: legal */
		EXPECT_TRUE(find_s5_copy(a.b, a.len, &typ));
		EXPECT_EQ(typ, 6);
	}
	for (int i = 0; i < 70; i++)
		many[i] = (uint8_t)(i == 0 ? 3 : 0x20 + i % 16);
	a.len = 0;
	typ = 0xee;
	aml_sx(&a, '5', true, true, many, 70, 2);       /* 141+ bytes: needs 2 */
	EXPECT_EQ(a.b[7] >> 6, 1);
	EXPECT_TRUE(find_s5_copy(a.b, a.len, &typ));
	EXPECT_EQ(typ, 3);
}

/* Something like a real DSDT: other sleep states first, a reference to
 * _S5_ that is not its definition, then the definition. */
static void build_dsdt_body(struct aml *a)
{
	static const uint8_t s3[] = { 1, 1, 0, 0 }, s4[] = { 6, 6, 0, 0 }, s5[] = { 7, 7, 0, 0 };
	static const uint8_t scope[] = { 0x10, 0x0b, '\\', '_', 'S', 'B', '_',   /* Scope (\_SB) */
					 0x5b, 0x82, 0x03, 'P', 'C', 'I', '0' };
	static const uint8_t ref[] = { 0xa4, '_', 'S', '5', '_', 0x70 };          /* Return (_S5) ... */

	a->len = 0;
	aml_bytes(a, scope, sizeof(scope));
	aml_sx(a, '3', true, true, s3, 4, 1);
	aml_sx(a, '4', true, true, s4, 4, 1);
	aml_bytes(a, ref, sizeof(ref));
	aml_sx(a, '5', true, true, s5, 4, 1);
	aml_bytes(a, "\x14\x08_PTS\x01", 7);       /* Method (_PTS, 1) ... */
}

TEST(s5_found_among_other_sleep_states_and_references)
{
	struct aml a;
	uint8_t typ = 0xee;

	build_dsdt_body(&a);
	EXPECT_TRUE(find_s5_copy(a.b, a.len, &typ));
	EXPECT_EQ(typ, 7);
}

TEST(s5_absent_or_not_a_package)
{
	static const uint8_t v[] = { 5, 5 };
	static const uint8_t method[] = { 0x14, 0x06, '_', 'S', '5', '_', 0x00, 0xa4 };
	struct aml a = { .len = 0 };
	uint8_t typ = 0xee;

	aml_sx(&a, '4', true, true, v, 2, 1);
	EXPECT_FALSE(find_s5_copy(a.b, a.len, &typ));
	EXPECT_FALSE(find_s5_copy(method, sizeof(method), &typ));
	EXPECT_FALSE(find_s5_copy(a.b, 0, &typ));
	EXPECT_EQ(typ, 0xee);                   /* untouched when not found */
}

TEST(s5_rejects_values_over_3_bits_and_other_element_encodings)
{
	static const uint8_t big[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00 };
	static const uint8_t word[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0b, 0x05,
					0x00, 0x00 };
	static const uint8_t empty[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00 };
	static const uint8_t zero_pkglen[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x00, 0x02, 0x00,
					       0x00 };
	uint8_t typ = 0xee;

	EXPECT_FALSE(find_s5_copy(big, sizeof(big), &typ));
	EXPECT_FALSE(find_s5_copy(word, sizeof(word), &typ));
	EXPECT_FALSE(find_s5_copy(empty, sizeof(empty), &typ));
	EXPECT_FALSE(find_s5_copy(zero_pkglen, sizeof(zero_pkglen), &typ));
}

TEST(s5_package_longer_than_the_bytes_rejected)
{
	static const uint8_t v[] = { 5, 5, 0, 0 };
	struct aml a = { .len = 0 };
	uint8_t typ = 0xee;

	aml_sx(&a, '5', true, false, v, 4, 1);
	a.b[6] += 1;                            /* PkgLength one past the end */
	EXPECT_FALSE(find_s5_copy(a.b, a.len, &typ));
	a.b[a.len++] = 0;                       /* now the byte is there */
	EXPECT_TRUE(find_s5_copy(a.b, a.len, &typ));
	EXPECT_EQ(typ, 5);
}

/* Every prefix of a snippet that ends with its \_S5 package: none but the
 * whole finds it, and ASan sees no read past any prefix. */
static void check_truncations(const struct aml *a, uint8_t want)
{
	uint8_t typ;

	for (uint32_t n = 0; n < a->len; n++) {
		typ = 0xee;
		EXPECT_FALSE(find_s5_copy(a->b, n, &typ));
		EXPECT_EQ(typ, 0xee);
	}
	typ = 0xee;
	EXPECT_TRUE(find_s5_copy(a->b, a->len, &typ));
	EXPECT_EQ(typ, want);
}

TEST(s5_truncated_at_every_length_not_found)
{
	static const uint8_t zeros[] = { 0, 0, 0, 0 }, ones[] = { 1, 0 }, bytes[] = { 5, 5, 0, 0 };
	struct aml a;

	for (int pkg_bytes = 1; pkg_bytes <= 4; pkg_bytes++) {
		a.len = 0;
		aml_sx(&a, '5', true, false, zeros, 4, pkg_bytes);
		check_truncations(&a, 0);
		a.len = 0;
		aml_sx(&a, '5', false, false, ones, 2, pkg_bytes);
		check_truncations(&a, 1);
		a.len = 0;
		aml_sx(&a, '5', true, true, bytes, 4, pkg_bytes);
		check_truncations(&a, 5);
	}
	build_dsdt_body(&a);
	a.len -= 7;                             /* end right after the \_S5 package */
	check_truncations(&a, 7);
}

static bool contains(const uint8_t *b, uint32_t len, const char *s, uint32_t n)
{
	for (uint32_t i = 0; i + n <= len; i++)
		if (!memcmp(b + i, s, n))
			return true;
	return false;
}

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

TEST(s5_random_bytes_no_crash)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	uint8_t buf[256];
	int found = 0;

	for (int iter = 0; iter < 10000; iter++) {
		uint32_t len = xorshift64(&seed) % sizeof(buf);
		uint8_t typ = 0xee;
		bool ok;

		for (uint32_t i = 0; i < len; i++)
			buf[i] = (uint8_t)xorshift64(&seed);
		/* Half the time plant "_S5_" PackageOp somewhere, to reach
		 * the PkgLength and element decoding with random bytes. */
		if (len >= 5 && (xorshift64(&seed) & 1)) {
			uint32_t at = xorshift64(&seed) % (len - 4);
			memcpy(buf + at, "_S5_\x12", 5);
			if (at + 5 < len && (xorshift64(&seed) & 1))
				buf[at + 5] &= 0x0f;    /* a short one-byte PkgLength */
		}
		ok = find_s5_copy(buf, len, &typ);
		if (ok) {
			found++;
			EXPECT_TRUE(typ <= 7);
			EXPECT_TRUE(contains(buf, len, "_S5_\x12", 5));
		} else {
			EXPECT_EQ(typ, 0xee);
		}
	}
	UNIT_DIAG("random buffers with a readable \\_S5: %d of 10000", found);
	EXPECT_TRUE(found > 0);                 /* the planted ones do get decoded */
}
