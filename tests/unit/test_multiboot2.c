/* Host tests for the multiboot2 boot-information parser (kernel/multiboot2.c).
 *
 * Blocks are built here, tag by tag, by a small builder that follows the
 * multiboot2 spec 3.6 layout; the builder's inputs are the reference the
 * parsed struct boot_info is checked against. Every parse runs on an exact-
 * size heap copy, so ASan reports any read past `avail`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "kernel/multiboot2.h"
#include "kernel/errno.h"

/* ---- the builder -------------------------------------------------------- */

struct mb {
	_Alignas(8) uint8_t buf[16384];
	size_t len;
};

struct payload {
	uint8_t b[8192];
	size_t n;
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static void pl_bytes(struct payload *p, const void *src, size_t n)
{
	memcpy(p->b + p->n, src, n);
	p->n += n;
}

static void pl_u8(struct payload *p, uint8_t v) { pl_bytes(p, &v, 1); }
static void pl_u16(struct payload *p, uint16_t v) { pl_bytes(p, &v, 2); }
static void pl_u32(struct payload *p, uint32_t v) { pl_bytes(p, &v, 4); }
static void pl_u64(struct payload *p, uint64_t v) { pl_bytes(p, &v, 8); }
static void pl_str(struct payload *p, const char *s) { pl_bytes(p, s, strlen(s) + 1); }

static void mb_init(struct mb *b)
{
	memset(b, 0, sizeof(*b));
	b->len = 8;                     /* total_size, reserved: set by mb_end */
}

/* Append a tag header claiming `size`, then plen payload bytes; no padding. */
static size_t mb_raw(struct mb *b, uint32_t type, uint32_t size, const void *pay, size_t plen)
{
	size_t off = b->len;

	put32(b->buf + off, type);
	put32(b->buf + off + 4, size);
	if (plen)
		memcpy(b->buf + off + 8, pay, plen);
	b->len += 8 + plen;
	return off;
}

static void mb_pad(struct mb *b)
{
	while (b->len % 8)
		b->buf[b->len++] = 0;
}

/* Append a well-formed tag (size = 8 + payload) and pad to 8 (spec 3.6.1). */
static size_t mb_tag(struct mb *b, uint32_t type, const struct payload *p)
{
	size_t off = mb_raw(b, type, (uint32_t)(8 + (p ? p->n : 0)), p ? p->b : NULL, p ? p->n : 0);

	mb_pad(b);
	return off;
}

static void mb_set_total(struct mb *b, uint32_t total) { put32(b->buf, total); }

/* Append the end tag and set total_size to the block's length. */
static void mb_end(struct mb *b)
{
	mb_tag(b, 0, NULL);
	mb_set_total(b, (uint32_t)b->len);
}

static void add_string(struct mb *b, uint32_t type, const char *s)
{
	struct payload p = { .n = 0 };

	pl_str(&p, s);
	mb_tag(b, type, &p);
}

static void add_module(struct mb *b, uint32_t start, uint32_t end, const char *s)
{
	struct payload p = { .n = 0 };

	pl_u32(&p, start);
	pl_u32(&p, end);
	pl_str(&p, s);
	mb_tag(b, 3, &p);
}

static void add_meminfo(struct mb *b, uint32_t lower, uint32_t upper)
{
	struct payload p = { .n = 0 };

	pl_u32(&p, lower);
	pl_u32(&p, upper);
	mb_tag(b, 4, &p);
}

/* Memory map (spec 3.6.8); bytes past the 24 defined ones are 0xee. */
static void add_mmap(struct mb *b, uint32_t esize, uint32_t version,
		     const struct e820_entry *e, size_t n)
{
	struct payload p = { .n = 0 };

	pl_u32(&p, esize);
	pl_u32(&p, version);
	for (size_t i = 0; i < n; i++) {
		pl_u64(&p, e[i].addr);
		pl_u64(&p, e[i].size);
		pl_u32(&p, e[i].type);
		pl_u32(&p, 0);
		for (size_t k = 24; k < esize; k++)
			pl_u8(&p, 0xee);
	}
	mb_tag(b, 6, &p);
}

static void add_bytes(struct mb *b, uint32_t type, const void *bytes, size_t n)
{
	struct payload p = { .n = 0 };

	pl_bytes(&p, bytes, n);
	mb_tag(b, type, &p);
}

/* ---- the realistic block and its reference values ------------------------ */

#define REF_CMDLINE "console=ttyS0,115200 loglevel=7 memtest=1"
#define REF_LOADER  "GRUB 2.06-13+deb12u1"

static const struct e820_entry ref_mmap[6] = {
	{ 0x0,         0x9fc00,     E820_TYPE_RAM },
	{ 0x9fc00,     0x400,       E820_TYPE_RESERVED },
	{ 0x100000,    0x7ee0000,   E820_TYPE_RAM },
	{ 0x7fe0000,   0x10000,     E820_TYPE_ACPI },
	{ 0x7ff0000,   0x10000,     E820_TYPE_NVS },
	{ 0x100000000, 0x140000000, E820_TYPE_RAM },
};

static const struct boot_module ref_mods[2] = {
	{ 0x200000, 0x212345, "initrd.img" },
	{ 0x213000, 0x213000, "empty.img ro quiet" },
};

static const struct boot_framebuffer ref_fb = { 0xfd000000, 4096, 1024, 768, 32, 1 };

static const uint8_t ref_rsdp_old[20] = "RSD PTR \x51" "BOCHS \x00\x00\xe0\xfe\x07";
static const uint8_t ref_rsdp_new[36] = "RSD PTR \x77" "QEMU  \x02\x10\xe0\xfe\x07\x24\x00\x00\x00"
					"\x00\xe1\xfe\x07\x00\x00\x00\x00\x99\x00\x00\x00";

static void add_ref_framebuffer(struct mb *b)
{
	struct payload p = { .n = 0 };
	static const uint8_t rgb[6] = { 16, 8, 8, 8, 0, 8 };   /* colour info */

	pl_u64(&p, ref_fb.addr);
	pl_u32(&p, ref_fb.pitch);
	pl_u32(&p, ref_fb.width);
	pl_u32(&p, ref_fb.height);
	pl_u8(&p, ref_fb.bpp);
	pl_u8(&p, ref_fb.type);
	pl_u16(&p, 0);
	pl_bytes(&p, rgb, sizeof(rgb));
	mb_tag(b, 8, &p);
}

/* What GRUB hands a kernel booted with two modules, plus an unknown tag;
 * `trailing` junk bytes follow the end tag inside total_size. Returns the
 * offset just past the end tag. */
static size_t build_realistic(struct mb *b, size_t trailing)
{
	static const uint8_t junk[13] = "unknown-tag!";
	size_t end;

	mb_init(b);
	add_string(b, 1, REF_CMDLINE);
	add_string(b, 2, REF_LOADER);
	for (int i = 0; i < 2; i++)
		add_module(b, (uint32_t)ref_mods[i].start, (uint32_t)ref_mods[i].end, ref_mods[i].cmdline);
	add_meminfo(b, 639, 130048);
	add_bytes(b, 0x7fff1234, junk, sizeof(junk));
	add_mmap(b, 24, 0, ref_mmap, 6);
	add_ref_framebuffer(b);
	add_bytes(b, 14, ref_rsdp_old, sizeof(ref_rsdp_old));
	add_bytes(b, 15, ref_rsdp_new, sizeof(ref_rsdp_new));
	mb_end(b);
	end = b->len;
	for (size_t i = 0; i < trailing; i++)
		b->buf[b->len++] = (uint8_t)(0xa0 + i);
	mb_set_total(b, (uint32_t)b->len);
	return end;
}

/* Every field the realistic block sets, against the builder's inputs. */
static void check_realistic(const struct boot_info *bi)
{
	EXPECT_STREQ(bi->protocol, "multiboot2");
	EXPECT_EQ(bi->info_phys, 0);
	EXPECT_STREQ(bi->cmdline, REF_CMDLINE);
	EXPECT_STREQ(bi->loader_name, REF_LOADER);
	EXPECT_EQ(bi->nr_modules, 2);
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(bi->modules[i].start, ref_mods[i].start);
		EXPECT_EQ(bi->modules[i].end, ref_mods[i].end);
		EXPECT_STREQ(bi->modules[i].cmdline, ref_mods[i].cmdline);
	}
	EXPECT_TRUE(bi->has_basic_meminfo);
	EXPECT_EQ(bi->mem_lower_kb, 639);
	EXPECT_EQ(bi->mem_upper_kb, 130048);
	EXPECT_EQ(bi->nr_e820, 6);
	for (int i = 0; i < 6; i++) {
		EXPECT_EQ(bi->e820[i].addr, ref_mmap[i].addr);
		EXPECT_EQ(bi->e820[i].size, ref_mmap[i].size);
		EXPECT_EQ(bi->e820[i].type, ref_mmap[i].type);
	}
	EXPECT_TRUE(bi->has_framebuffer);
	EXPECT_EQ(bi->fb.addr, ref_fb.addr);
	EXPECT_EQ(bi->fb.pitch, ref_fb.pitch);
	EXPECT_EQ(bi->fb.width, ref_fb.width);
	EXPECT_EQ(bi->fb.height, ref_fb.height);
	EXPECT_EQ(bi->fb.bpp, ref_fb.bpp);
	EXPECT_EQ(bi->fb.type, ref_fb.type);
	EXPECT_EQ(bi->rsdp_version, 2);
	EXPECT_EQ(bi->rsdp_len, 36);
	EXPECT_MEMEQ(bi->rsdp, ref_rsdp_new, 36);
	EXPECT_EQ(bi->nr_warnings, 0);
}

/* ---- running the parser ---------------------------------------------------- */

static char err[256];
static struct boot_info bi;

/* Parse the first `avail` bytes of src (zero-padded if src is shorter) from
 * an exact-size heap copy, so ASan sees any read past avail. */
static int parse_n(const void *src, size_t srclen, size_t avail)
{
	uint8_t *copy = malloc(avail);
	int ret;

	if (avail) {
		memset(copy, 0, avail);
		memcpy(copy, src, srclen < avail ? srclen : avail);
	}
	memset(err, 0x5a, sizeof(err));
	err[sizeof(err) - 1] = '\0';
	ret = multiboot2_parse(copy, avail, &bi, err, sizeof(err));
	free(copy);
	return ret;
}

static int parse_mb(const struct mb *b) { return parse_n(b->buf, b->len, b->len); }

/* An error report is one non-empty line that says who is complaining. */
static void expect_err_line(void)
{
	EXPECT_TRUE(strnlen(err, sizeof(err)) < sizeof(err));
	EXPECT_TRUE(err[0] != '\0');
	EXPECT_TRUE(strchr(err, '\n') == NULL);
	EXPECT_TRUE(strncmp(err, "multiboot2: ", 12) == 0);
}

static void expect_einval(int ret)
{
	EXPECT_EQ(ret, -EINVAL);
	expect_err_line();
}

static void expect_err_contains(const char *needle)
{
	if (!strstr(err, needle))
		EXPECT_STREQ(err, needle);      /* prints both */
}

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
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		add_bytes(&b, types[i], junk, i * 7);
	add_string(&b, 1, "after");
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_STREQ(bi.cmdline, "after");
	EXPECT_EQ(bi.nr_warnings, 0);
}

TEST(rejects_avail_smaller_than_buffer_never_reads_past_it)
{
	struct mb b;

	build_realistic(&b, 0);
	for (size_t len = 0; len < b.len; len++) {
		expect_einval(parse_n(b.buf, b.len, len));
		EXPECT_EQ(bi.nr_e820 + bi.nr_modules, 0);
	}
}

/* total_size patched to every shorter length, with avail = that length and
 * with the whole buffer readable: rejected until the end tag fits, then the
 * same result as the whole block (the trailing junk is ignored). */
TEST(every_truncated_total_size_is_rejected_or_valid)
{
	struct mb b, t;
	size_t end = build_realistic(&b, 24);

	for (size_t len = 0; len < b.len; len++) {
		t = b;
		if (len >= 4)
			mb_set_total(&t, (uint32_t)len);
		for (int whole = 0; whole < 2; whole++) {
			size_t avail = whole ? t.len : len;
			int ret;

			if (len < 4 && whole)
				continue;       /* total_size not patched */
			ret = parse_n(t.buf, avail, avail);
			if (len < end) {
				expect_einval(ret);
				continue;
			}
			EXPECT_EQ(ret, 0);
			EXPECT_EQ(bi.info_size, len);
			check_realistic(&bi);
		}
	}
}

/* ---- the fixed part ---------------------------------------------------------- */

TEST(rejects_total_size_below_16)
{
	struct mb b;

	mb_init(&b);
	mb_end(&b);
	mb_set_total(&b, 12);
	expect_einval(parse_mb(&b));
	EXPECT_STREQ(err, "multiboot2: total_size 0xc (< 0x10 for header and end tag)");
}

TEST(rejects_total_size_beyond_buffer)
{
	struct mb b;

	mb_init(&b);
	mb_end(&b);
	mb_set_total(&b, 24);
	expect_einval(parse_mb(&b));
	EXPECT_STREQ(err, "multiboot2: total_size 0x18 exceeds the 0x10 bytes available");
}

TEST(rejects_misaligned_info_pointer)
{
	_Alignas(8) uint8_t raw[32] = { 0 };
	struct mb b;

	mb_init(&b);
	mb_end(&b);
	memcpy(raw + 4, b.buf, b.len);
	EXPECT_EQ(multiboot2_parse(raw + 4, b.len, &bi, err, sizeof(err)), -EINVAL);
	expect_err_contains("not 8-byte aligned");
}

TEST(error_message_fits_small_buffers)
{
	char small[8];
	struct mb b;

	mb_init(&b);
	mb_end(&b);
	mb_set_total(&b, 12);
	EXPECT_EQ(multiboot2_parse(b.buf, b.len, &bi, small, sizeof(small)), -EINVAL);
	EXPECT_EQ(strnlen(small, sizeof(small)), 7);
	EXPECT_EQ(multiboot2_parse(b.buf, b.len, &bi, NULL, 0), -EINVAL);
}

TEST(zeroes_boot_info_on_failure)
{
	static const struct boot_info zero;
	struct mb b;

	mb_init(&b);
	add_string(&b, 1, "parsed before the bad tag");
	add_meminfo(&b, 1, 2);
	mb_raw(&b, 6, 4, NULL, 0);
	mb_pad(&b);
	mb_end(&b);
	memset(&bi, 0xa5, sizeof(bi));
	expect_einval(parse_mb(&b));
	EXPECT_TRUE(memcmp(&bi, &zero, sizeof(bi)) == 0);
}

/* ---- tag framing ------------------------------------------------------------- */

/* A 12-byte tag followed by the end tag at offset 20, without the padding
 * that puts it at 24 (spec 3.6.1): the parser looks at 24 and must not
 * accept the block. With the padding it is valid. */
TEST(rejects_misaligned_tag)
{
	static const uint8_t four[4] = { 1, 2, 3, 4 };
	struct mb b;

	mb_init(&b);
	mb_raw(&b, 0x1234, 12, four, 4);
	mb_raw(&b, 0, 8, NULL, 0);
	mb_set_total(&b, (uint32_t)b.len);
	EXPECT_EQ(b.len, 28);
	expect_einval(parse_mb(&b));

	mb_init(&b);
	mb_raw(&b, 0x1234, 12, four, 4);
	mb_pad(&b);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
}

/* Known and unknown types alike; size 0 would loop forever if accepted. */
TEST(rejects_tag_size_below_8)
{
	for (uint32_t size = 0; size < 16; size++) {
		struct mb b;

		mb_init(&b);
		mb_raw(&b, size < 8 ? 6 : 0x55, size % 8, NULL, 0);
		mb_end(&b);
		expect_einval(parse_mb(&b));
		if (size == 4)
			EXPECT_STREQ(err, "multiboot2: tag 6 at offset 0x8 has size 0x4 (< 8)");
		if (size == 8)
			EXPECT_STREQ(err, "multiboot2: tag 85 at offset 0x8 has size 0x0 (< 8)");
	}
}

TEST(rejects_tag_running_past_total_size)
{
	struct mb b;

	mb_init(&b);
	add_string(&b, 1, "abc");
	mb_end(&b);
	put32(b.buf + 12, 0x100);
	expect_einval(parse_mb(&b));
	EXPECT_STREQ(err, "multiboot2: tag 1 at offset 0x8 has size 0x100, past total_size 0x20");
	put32(b.buf + 12, 0x18);        /* up to total_size is inside... */
	expect_einval(parse_mb(&b));    /* ...but swallows the end tag */
	expect_err_contains("no end tag");
}

TEST(rejects_missing_end_tag)
{
	struct mb b;

	mb_init(&b);
	add_string(&b, 1, "no end");
	add_meminfo(&b, 1, 2);
	mb_set_total(&b, (uint32_t)b.len);
	expect_einval(parse_mb(&b));
	expect_err_contains("no end tag");
}

TEST(rejects_end_tag_with_wrong_size)
{
	static const uint8_t pad[8];
	struct mb b;

	mb_init(&b);
	mb_raw(&b, 0, 16, pad, 8);
	mb_set_total(&b, (uint32_t)b.len);
	expect_einval(parse_mb(&b));
	EXPECT_STREQ(err, "multiboot2: end tag at offset 0x8 has size 0x10 (!= 8)");
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

TEST(skips_modules_beyond_16_with_warning)
{
	struct mb b;
	char name[16];

	mb_init(&b);
	for (uint32_t i = 0; i < 18; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		add_module(&b, 0x100000 * (i + 1), 0x100000 * (i + 1) + i, name);
	}
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.nr_modules, BOOT_MODULES_MAX);
	EXPECT_EQ(bi.nr_warnings, 2);
	EXPECT_EQ(bi.modules[15].start, 0x1000000);
	EXPECT_EQ(bi.modules[15].end, 0x100000f);
	EXPECT_STREQ(bi.modules[15].cmdline, "mod15");
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

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
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
 * minimum it is accepted. Payload bytes are zero except mmap's entry_size. */
static int parse_sized_tag(uint32_t type, uint32_t size)
{
	uint8_t pay[64] = { 0 };
	struct mb b;

	if (type == 6)
		put32(pay, 24);
	mb_init(&b);
	mb_raw(&b, type, size, pay, size - 8);
	mb_pad(&b);
	mb_end(&b);
	return parse_mb(&b);
}

TEST(rejects_tag_payload_shorter_than_fixed_fields)
{
	static const struct { uint32_t type, min; } t[] = {
		{ 1, 9 }, { 2, 9 }, { 3, 17 }, { 4, 16 }, { 6, 16 }, { 8, 30 }, { 14, 28 }, { 15, 28 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
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

/* ---- random corruption ------------------------------------------------------ */

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* What any accepted block must satisfy, whatever its bytes. */
static void check_sane(uint32_t total)
{
	EXPECT_STREQ(bi.protocol, "multiboot2");
	EXPECT_EQ(bi.info_size, total);
	EXPECT_TRUE(strnlen(bi.cmdline, sizeof(bi.cmdline)) < sizeof(bi.cmdline));
	EXPECT_TRUE(strnlen(bi.loader_name, sizeof(bi.loader_name)) < sizeof(bi.loader_name));
	EXPECT_TRUE(bi.nr_modules <= BOOT_MODULES_MAX);
	for (uint32_t i = 0; i < bi.nr_modules && i < BOOT_MODULES_MAX; i++) {
		const struct boot_module *m = &bi.modules[i];

		EXPECT_TRUE(strnlen(m->cmdline, sizeof(m->cmdline)) < sizeof(m->cmdline));
		EXPECT_TRUE(m->end >= m->start);
	}
	EXPECT_TRUE(bi.nr_e820 <= E820_MAX_ENTRIES);
	EXPECT_TRUE(bi.rsdp_version <= 2);
	EXPECT_TRUE(bi.rsdp_len <= 36);
	EXPECT_TRUE((bi.rsdp_version == 0) == (bi.rsdp_len == 0));
}

TEST(random_corruption_never_crashes)
{
	static struct mb b;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int accepted = 0, rejected = 0;

	build_realistic(&b, 0);
	for (int iter = 0; iter < 20000; iter++) {
		uint8_t *copy = malloc(b.len);
		int flips = 1 + (int)(xorshift64(&seed) % 8), ret;

		memcpy(copy, b.buf, b.len);
		for (int f = 0; f < flips; f++)
			copy[xorshift64(&seed) % b.len] ^= (uint8_t)(1 + xorshift64(&seed) % 255);
		ret = multiboot2_parse(copy, b.len, &bi, err, sizeof(err));
		if (ret == 0) {
			accepted++;
			check_sane(get32(copy));
		} else {
			rejected++;
			expect_einval(ret);
		}
		free(copy);
	}
	UNIT_DIAG("random corruption: %d accepted, %d rejected", accepted, rejected);
	EXPECT_TRUE(accepted > 1000);
	EXPECT_TRUE(rejected > 1000);
}

/* ---- e820 names ------------------------------------------------------------- */

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
}
