/* Host tests for the \_S5 search in AML (drivers/acpi_tables.c,
 * acpi_find_s5). The RSDP, MADT and checksum tests are in test_acpi.c.
 *
 * AML snippets are built here byte by byte from the encoding in the ACPI
 * specification (6.5, 20.2); the values a test puts in are what it checks
 * the parser's output against. Every search runs on an exact-size heap copy
 * (acpi_builder.h), so ASan reports any read past the length it was given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/acpi_builder.h"

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

/* Name (_S5, Package () { ... }) written the ways a DSDT may write it. */
struct s5_case {
	const char *name;
	bool name_op, root;     /* NameOp before the name; '\' before _S5_ */
	uint8_t vals[4];        /* the package's elements */
	int n;
	const char *starts;     /* the snippet's first bytes; NULL: not checked */
	uint8_t want;           /* SLP_TYPa */
};

static const struct s5_case s5_cases[] = {
	{ "s5_byte_prefix_with_root_prefix", true, true, { 7, 7, 0, 0 }, 4, "\x08\\", 7 },
	{ "s5_one_op_without_name_op", false, false, { 1, 1 }, 2, NULL, 1 },
	{ "s5_byte_prefix_name_op_no_root", true, false, { 5, 5, 0, 0 }, 4, NULL, 5 },
};

static void run_s5_case(const struct s5_case *c)
{
	struct aml a = { .len = 0 };
	uint8_t typ = 0xee;

	aml_sx(&a, '5', c->name_op, c->root, c->vals, c->n, 1);
	if (c->starts)
		EXPECT_MEMEQ(a.b, c->starts, strlen(c->starts));
	EXPECT_TRUE(find_s5_copy(a.b, a.len, &typ));
	EXPECT_EQ(typ, c->want);
}
TEST_CASES(s5_cases, run_s5_case)

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
