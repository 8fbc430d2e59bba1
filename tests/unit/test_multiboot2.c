/* Host tests for the multiboot2 boot-information parser (kernel/multiboot2.c):
 * valid blocks and the parsing of each tag (strings, modules, memory map,
 * fixed fields, ACPI RSDP). Truncated and corrupted blocks are in
 * test_multiboot2_corrupt.c; the e820 type names in test_e820.c.
 *
 * Blocks are built tag by tag by the builder in mb2_builder.h; the
 * builder's inputs are the reference the parsed struct boot_info is checked
 * against. Every parse runs on an exact-size heap copy, so ASan reports any
 * read past `avail`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/mb2_builder.h"
#include "kernel/types.h"

/* ---- valid blocks --------------------------------------------------------- */

TEST(parse_minimal_valid_block)
{
	struct mb b;

	mb_init(&b);
	mb_end(&b);
	memset(&bi, 0xa5, sizeof(bi));
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_STREQ(err, "");
	EXPECT_STREQ(bi.protocol, "multiboot2");
	EXPECT_EQ(bi.info_size, 16);
	EXPECT_EQ(bi.info_phys, 0);
	EXPECT_STREQ(bi.cmdline, "");
	EXPECT_STREQ(bi.loader_name, "");
	EXPECT_EQ(bi.nr_e820 + bi.nr_modules + bi.rsdp_version + bi.rsdp_len + bi.nr_warnings, 0);
	EXPECT_TRUE(!bi.has_basic_meminfo && !bi.has_framebuffer);
	EXPECT_EQ(bi.mem_lower_kb + bi.mem_upper_kb, 0);
}

TEST(parse_realistic_block)
{
	struct mb b;

	build_realistic(&b, 0);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_STREQ(err, "");
	EXPECT_EQ(bi.info_size, b.len);
	check_realistic(&bi);
}

TEST(ignores_bytes_after_end_tag)
{
	struct mb b;

	build_realistic(&b, 40);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.info_size, b.len);
	check_realistic(&bi);
}

TEST(skips_unknown_tags_without_warning)
{
	static const uint32_t types[] = { 5, 7, 9, 10, 21, 0xffffffff };
	uint8_t junk[40];
	struct mb b;

	memset(junk, 0xff, sizeof(junk));
	mb_init(&b);
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		add_bytes(&b, types[i], junk, i * 7);
	add_string(&b, 1, "after");
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_STREQ(bi.cmdline, "after");
	EXPECT_EQ(bi.nr_warnings, 0);
}

/* ---- strings -------------------------------------------------------------- */

/* "abcd" with no NUL in a 12-byte tag; the zero padding after it must not
 * count as the terminator. */
TEST(rejects_string_without_nul)
{
	for (uint32_t type = 1; type <= 3; type++) {
		struct payload p = { .n = 0 };
		struct mb b;

		if (type == 3) {
			pl_u32(&p, 0x1000);
			pl_u32(&p, 0x2000);
		}
		pl_bytes(&p, "abcd", 4);
		mb_init(&b);
		mb_tag(&b, type, &p);
		mb_end(&b);
		expect_einval(parse_mb(&b));
		expect_err_contains("has no NUL");
	}
}

TEST(rejects_empty_string_tag)
{
	struct mb b;

	mb_init(&b);
	mb_raw(&b, 2, 8, NULL, 0);
	mb_end(&b);
	expect_einval(parse_mb(&b));
}

/* Strings of field-1 characters fit; one more is truncated with a warning. */
static void check_string_limit(uint32_t type, size_t field, const char *(*get)(void))
{
	const size_t lens[] = { field - 1, field, field + 50 };
	char s[700];

	for (int i = 0; i < 3; i++) {
		size_t len = lens[i];
		struct mb b;

		memset(s, 'x', len);
		s[len] = '\0';
		mb_init(&b);
		if (type == 3)
			add_module(&b, 0, 0, s);
		else
			add_string(&b, type, s);
		mb_end(&b);
		EXPECT_EQ(parse_mb(&b), 0);
		EXPECT_EQ(strlen(get()), field - 1);
		EXPECT_EQ(bi.nr_warnings, len >= field);
	}
}

static const char *get_cmdline(void) { return bi.cmdline; }
static const char *get_loader(void) { return bi.loader_name; }
static const char *get_module(void) { return bi.modules[0].cmdline; }

TEST(truncates_overlong_strings_with_warning)
{
	check_string_limit(1, BOOT_CMDLINE_MAX, get_cmdline);
	check_string_limit(2, BOOT_NAME_MAX, get_loader);
	check_string_limit(3, sizeof(bi.modules[0].cmdline), get_module);
}

/* ---- modules ---------------------------------------------------------------- */

TEST(skips_modules_beyond_max_with_warning)
{
	struct mb b;
	char name[16];

	mb_init(&b);
	for (uint32_t i = 0; i < BOOT_MODULES_MAX + 2; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		add_module(&b, 0x100000 * (i + 1), 0x100000 * (i + 1) + i, name);
	}
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.nr_modules, BOOT_MODULES_MAX);
	EXPECT_EQ(bi.nr_warnings, 2);
	EXPECT_EQ(bi.modules[BOOT_MODULES_MAX - 1].start, 0x100000 * BOOT_MODULES_MAX);
	EXPECT_EQ(bi.modules[BOOT_MODULES_MAX - 1].end, 0x100000 * BOOT_MODULES_MAX + BOOT_MODULES_MAX - 1);
	EXPECT_STREQ(bi.modules[BOOT_MODULES_MAX - 1].cmdline, "mod31");
}

TEST(rejects_module_end_before_start)
{
	struct mb b;

	mb_init(&b);
	add_module(&b, 0x200000, 0x1fffff, "backwards");
	mb_end(&b);
	expect_einval(parse_mb(&b));
	EXPECT_STREQ(err, "multiboot2: module tag at offset 0x8 has mod_end 0x1fffff "
			  "< mod_start 0x200000");
}

/* ---- memory map ------------------------------------------------------------- */

TEST(rejects_mmap_entry_size_not_multiple_of_8_or_below_24)
{
	static const uint32_t bad[] = { 0, 8, 16, 20, 28, 25 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct mb b;
		char want[32];

		mb_init(&b);
		add_mmap(&b, bad[i], 0, ref_mmap, 2);
		mb_end(&b);
		expect_einval(parse_mb(&b));
		snprintf(want, sizeof(want), "entry_size 0x%x ", bad[i]);
		expect_err_contains(want);
	}
}

TEST(reads_mmap_entries_with_larger_entry_size)
{
	struct mb b;

	mb_init(&b);
	add_mmap(&b, 40, 0, ref_mmap, 6);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.nr_e820, 6);
	for (int i = 0; i < 6; i++) {
		EXPECT_EQ(bi.e820[i].addr, ref_mmap[i].addr);
		EXPECT_EQ(bi.e820[i].size, ref_mmap[i].size);
		EXPECT_EQ(bi.e820[i].type, ref_mmap[i].type);
	}
}

TEST(rejects_mmap_with_partial_entry)
{
	struct payload p = { .n = 0 };
	struct mb b;

	pl_u32(&p, 24);
	pl_u32(&p, 0);
	pl_bytes(&p, ref_mmap, 24 + 8);     /* one entry and a third */
	mb_init(&b);
	mb_tag(&b, 6, &p);
	mb_end(&b);
	expect_einval(parse_mb(&b));
	expect_err_contains("not a multiple of entry_size 0x18");
}

TEST(accepts_mmap_version_1_with_warning_and_empty_mmap)
{
	struct mb b;

	mb_init(&b);
	add_mmap(&b, 24, 1, ref_mmap, 3);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.nr_e820, 3);
	EXPECT_EQ(bi.e820[2].addr, ref_mmap[2].addr);
	EXPECT_EQ(bi.nr_warnings, 1);

	mb_init(&b);
	add_mmap(&b, 24, 0, NULL, 0);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.nr_e820, 0);
	EXPECT_EQ(bi.nr_warnings, 0);
}

static struct e820_entry many[200];

static void check_many_entries(size_t n)
{
	static struct mb b;
	size_t want = n < E820_MAX_ENTRIES ? n : E820_MAX_ENTRIES;

	for (size_t i = 0; i < n; i++)
		many[i] = (struct e820_entry){ 0x1000 * i, 0x800 + i, 1 + i % 5 };
	mb_init(&b);
	add_mmap(&b, 24, 0, many, n);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.nr_e820, want);
	EXPECT_EQ(bi.nr_warnings, n > E820_MAX_ENTRIES);
	for (size_t i = 0; i < want; i++) {
		EXPECT_EQ(bi.e820[i].addr, many[i].addr);
		EXPECT_EQ(bi.e820[i].size, many[i].size);
		EXPECT_EQ(bi.e820[i].type, many[i].type);
	}
}

TEST(truncates_mmap_beyond_128_entries_with_warning)
{
	check_many_entries(128);
	check_many_entries(130);
	check_many_entries(200);
}

TEST(later_mmap_tag_replaces_earlier)
{
	struct mb b;

	mb_init(&b);
	add_mmap(&b, 24, 0, ref_mmap, 6);
	add_mmap(&b, 24, 0, ref_mmap + 4, 2);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.nr_e820, 2);
	EXPECT_EQ(bi.e820[0].addr, ref_mmap[4].addr);
	EXPECT_EQ(bi.e820[1].size, ref_mmap[5].size);
}

/* ---- fixed fields of known tags ------------------------------------------- */

/* A known tag whose size is one below its fixed fields is rejected; at the
 * minimum it is accepted. Payload bytes are zero except mmap's entry_size,
 * the EFI map's descriptor_size and the framebuffer's type (EGA text, the
 * one type without color_info: the others are in test_multiboot2_efi.c). */
static int parse_sized_tag(uint32_t type, uint32_t size)
{
	uint8_t pay[64] = { 0 };
	struct mb b;

	if (type == 6)
		put32(pay, 24);
	if (type == 17)
		put32(pay, 40);
	if (type == 8)
		pay[29 - 8] = BOOT_FB_TYPE_EGA_TEXT;
	mb_init(&b);
	mb_raw(&b, type, size, pay, size - 8);
	mb_pad(&b);
	mb_end(&b);
	return parse_mb(&b);
}

TEST(rejects_tag_payload_shorter_than_fixed_fields)
{
	static const struct { uint32_t type, min; } t[] = {
		{ 1, 9 }, { 2, 9 }, { 3, 17 }, { 4, 16 }, { 6, 16 }, { 8, 30 }, { 12, 16 }, { 14, 28 }, { 15, 28 },
		{ 17, 16 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		expect_einval(parse_sized_tag(t[i].type, t[i].min - 1));
		EXPECT_EQ(parse_sized_tag(t[i].type, t[i].min), 0);
	}
	expect_einval(parse_sized_tag(4, 12));
	EXPECT_STREQ(err, "multiboot2: tag 4 at offset 0x8 has size 0xc (< 0x10 for its fixed fields)");
}

/* ---- ACPI RSDP -------------------------------------------------------------- */

TEST(copies_old_rsdp)
{
	struct mb b;

	mb_init(&b);
	add_bytes(&b, 14, ref_rsdp_old, 20);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.rsdp_version, 1);
	EXPECT_EQ(bi.rsdp_len, 20);
	EXPECT_MEMEQ(bi.rsdp, ref_rsdp_old, 20);
}

TEST(new_rsdp_wins_over_old_in_either_order)
{
	for (int new_first = 0; new_first < 2; new_first++) {
		struct mb b;

		mb_init(&b);
		if (new_first)
			add_bytes(&b, 15, ref_rsdp_new, 36);
		add_bytes(&b, 14, ref_rsdp_old, 20);
		if (!new_first)
			add_bytes(&b, 15, ref_rsdp_new, 36);
		mb_end(&b);
		EXPECT_EQ(parse_mb(&b), 0);
		EXPECT_EQ(bi.rsdp_version, 2);
		EXPECT_EQ(bi.rsdp_len, 36);
		EXPECT_MEMEQ(bi.rsdp, ref_rsdp_new, 36);
	}
}

TEST(new_rsdp_copies_payload_up_to_36_bytes)
{
	uint8_t big[48];
	struct mb b;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i + 1);
	mb_init(&b);
	add_bytes(&b, 15, big, 48);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.rsdp_len, 36);
	EXPECT_MEMEQ(bi.rsdp, big, 36);
	EXPECT_EQ(bi.rsdp[36], 0);

	mb_init(&b);
	add_bytes(&b, 15, big, 24);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.rsdp_version, 2);
	EXPECT_EQ(bi.rsdp_len, 24);
	EXPECT_MEMEQ(bi.rsdp, big, 24);
}
