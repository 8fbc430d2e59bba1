/* Host tests for the multiboot2 boot-information parser (kernel/multiboot2.c):
 * blocks that must be rejected or survived, namely truncation (short
 * buffers, shortened total_size), a bad fixed part, broken tag framing, and
 * random corruption of a realistic block. Valid blocks and per-tag parsing
 * are in test_multiboot2.c.
 *
 * Blocks are built by the builder in mb2_builder.h. Every parse runs on an
 * exact-size heap copy, so ASan reports any read past `avail`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/mb2_builder.h"

/* ---- truncated blocks ------------------------------------------------------ */

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
