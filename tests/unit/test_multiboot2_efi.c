/* Host tests for what GRUB passes under UEFI (kernel/multiboot2.c): the
 * framebuffer tag with each type's color_info, the EFI system table pointer
 * and the EFI memory map; and Linux's format of an EFI descriptor
 * (kernel/efi.c's efi_md_typeattr_format). The realistic block of
 * mb2_builder.h carries all three, so the truncation and random-corruption
 * tests of test_multiboot2_corrupt.c cover them too.
 *
 * The expected strings are written out from Linux's format
 * (drivers/firmware/efi/efi.c), not taken from this code's output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/mb2_builder.h"

/* ---- framebuffer (spec 3.6.12) ----------------------------------------------- */

/* A framebuffer tag: the fixed part, then `extra` bytes of color_info. */
static void add_fb(struct mb *b, uint8_t type, const uint8_t *extra, size_t n)
{
	struct payload p = { .n = 0 };

	pl_u64(&p, 0x80000000);
	pl_u32(&p, 5120);
	pl_u32(&p, 1280);
	pl_u32(&p, 800);
	pl_u8(&p, type == BOOT_FB_TYPE_EGA_TEXT ? 16 : 32);
	pl_u8(&p, type);
	pl_u16(&p, 0);
	if (n)
		pl_bytes(&p, extra, n);
	mb_tag(b, 8, &p);
}

TEST(framebuffer_rgb_reads_each_colour_field)
{
	static const uint8_t rgb[6] = { 11, 5, 5, 6, 0, 5 };    /* RGB565 */
	struct mb b;

	mb_init(&b);
	add_fb(&b, BOOT_FB_TYPE_RGB, rgb, 6);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_TRUE(bi.has_framebuffer);
	EXPECT_EQ(bi.fb.addr, 0x80000000);
	EXPECT_EQ(bi.fb.pitch, 5120);
	EXPECT_EQ(bi.fb.width, 1280);
	EXPECT_EQ(bi.fb.height, 800);
	EXPECT_EQ(bi.fb.bpp, 32);
	EXPECT_EQ(bi.fb.type, BOOT_FB_TYPE_RGB);
	EXPECT_EQ(bi.fb.red_pos, 11);
	EXPECT_EQ(bi.fb.red_size, 5);
	EXPECT_EQ(bi.fb.green_pos, 5);
	EXPECT_EQ(bi.fb.green_size, 6);
	EXPECT_EQ(bi.fb.blue_pos, 0);
	EXPECT_EQ(bi.fb.blue_size, 5);
	EXPECT_EQ(bi.nr_warnings, 0);
}

TEST(framebuffer_rgb_without_its_colour_fields_is_rejected_whole)
{
	static const uint8_t rgb[6] = { 16, 8, 8, 8, 0, 8 };

	for (size_t n = 0; n < 6; n++) {
		struct mb b;

		mb_init(&b);
		add_string(&b, 1, "kept?");
		add_fb(&b, BOOT_FB_TYPE_RGB, rgb, n);
		mb_end(&b);
		expect_einval(parse_mb(&b));
		EXPECT_TRUE(!bi.has_framebuffer);
		EXPECT_STREQ(bi.cmdline, "");   /* everything zero, as for any error */
	}
	EXPECT_STREQ(err, "multiboot2: framebuffer tag at offset 0x18 has size 0x25 (< 0x26 for type 1)");
}

TEST(framebuffer_indexed_needs_its_whole_palette)
{
	uint8_t pal[2 + 3 * 4] = { 4, 0 };      /* u16 num_colors = 4, then 4 x RGB */
	struct mb b;

	mb_init(&b);
	add_fb(&b, BOOT_FB_TYPE_INDEXED, pal, sizeof(pal));
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.fb.type, BOOT_FB_TYPE_INDEXED);
	EXPECT_EQ(bi.fb.palette_colors, 4);

	mb_init(&b);
	add_fb(&b, BOOT_FB_TYPE_INDEXED, pal, sizeof(pal) - 1);
	mb_end(&b);
	expect_einval(parse_mb(&b));
	EXPECT_STREQ(err, "multiboot2: framebuffer tag at offset 0x8 has size 0x2d "
			  "(< 0x2e for type 0 and its palette)");    /* 32 + 2 + 4 x 3 */

	mb_init(&b);
	add_fb(&b, BOOT_FB_TYPE_INDEXED, pal, 1);       /* not even num_colors */
	mb_end(&b);
	expect_einval(parse_mb(&b));
	EXPECT_STREQ(err, "multiboot2: framebuffer tag at offset 0x8 has size 0x21 (< 0x22 for type 0)");
}

TEST(framebuffer_ega_text_has_no_colour_info)
{
	struct mb b;

	mb_init(&b);
	add_fb(&b, BOOT_FB_TYPE_EGA_TEXT, NULL, 0);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.fb.type, BOOT_FB_TYPE_EGA_TEXT);
	EXPECT_EQ(bi.fb.bpp, 16);
	EXPECT_EQ(bi.fb.red_size + bi.fb.green_size + bi.fb.blue_size, 0);
}

TEST(framebuffer_of_unknown_type_is_kept_with_a_warning)
{
	struct mb b;

	mb_init(&b);
	add_fb(&b, 7, NULL, 0);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_TRUE(bi.has_framebuffer);
	EXPECT_EQ(bi.fb.type, 7);
	EXPECT_EQ(bi.nr_warnings, 1);
}

/* ---- EFI system table and memory map (spec 3.6.14, 3.6.18) ----------------- */

TEST(efi_mmap_larger_descriptors_are_stepped_by_descriptor_size)
{
	static const uint32_t sizes[] = { 40, 48, 56, 128 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct mb b;

		mb_init(&b);
		add_efi_mmap(&b, sizes[i], 1, ref_efi, 4);
		mb_end(&b);
		EXPECT_EQ(parse_mb(&b), 0);
		EXPECT_EQ(bi.nr_efi_mmap, 4);
		EXPECT_EQ(bi.efi_mmap[3].type, EFI_MEMORY_MAPPED_IO);
		EXPECT_EQ(bi.efi_mmap[3].phys_addr, 0xffe00000);
		EXPECT_EQ(bi.efi_mmap[3].num_pages, 0x200);
		EXPECT_EQ(bi.efi_mmap[3].attribute, EFI_MEMORY_RUNTIME | EFI_MEMORY_UC);
		EXPECT_EQ(bi.nr_warnings, 0);
	}
}

TEST(efi_mmap_rejects_bad_descriptor_size)
{
	static const uint32_t bad[] = { 0, 8, 32, 36, 44, 41 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct payload p = { .n = 0 };
		struct mb b;
		char want[48];

		pl_u32(&p, bad[i]);
		pl_u32(&p, 1);
		for (uint32_t k = 0; k < bad[i]; k++)
			pl_u8(&p, 0);
		mb_init(&b);
		mb_tag(&b, 17, &p);
		mb_end(&b);
		expect_einval(parse_mb(&b));
		snprintf(want, sizeof(want), "descriptor_size 0x%x ", bad[i]);
		expect_err_contains(want);
	}
}

TEST(efi_mmap_rejects_a_partial_descriptor)
{
	struct mb b;

	mb_init(&b);
	add_efi_mmap(&b, 48, 1, ref_efi, 2);
	b.len -= 8;             /* the tag's size says 16 + 96; make it 16 + 88 */
	put32(b.buf + 8 + 4, 16 + 88);
	mb_end(&b);
	expect_einval(parse_mb(&b));
	EXPECT_STREQ(err, "multiboot2: EFI mmap tag at offset 0x8 has 0x58 bytes of descriptors, "
			  "not a multiple of descriptor_size 0x30");
}

TEST(efi_mmap_other_version_and_wrapping_descriptor_are_warnings)
{
	efi_memory_desc_t d[3] = { ref_efi[0], ref_efi[1], ref_efi[2] };
	struct mb b;

	d[1].phys_addr = 0xfffffffffffff000ULL;         /* 0x9f pages from here wrap */
	mb_init(&b);
	add_efi_mmap(&b, 48, 2, d, 3);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.efi_desc_version, 2);
	EXPECT_EQ(bi.nr_efi_mmap, 2);
	EXPECT_EQ(bi.efi_mmap[1].type, EFI_RUNTIME_SERVICES_CODE);
	EXPECT_EQ(bi.nr_warnings, 2);
}

TEST(efi_mmap_beyond_256_descriptors_is_truncated_with_warning)
{
	static efi_memory_desc_t d[BOOT_EFI_MMAP_MAX + 1];
	struct mb b;

	for (uint32_t i = 0; i < ARRAY_SIZE(d); i++)
		d[i] = (efi_memory_desc_t){ EFI_CONVENTIONAL_MEMORY, (uint64_t)i << 12, 1, EFI_MEMORY_WB };
	mb_init(&b);
	add_efi_mmap(&b, 40, 1, d, ARRAY_SIZE(d));
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.nr_efi_mmap, BOOT_EFI_MMAP_MAX);
	EXPECT_EQ(bi.efi_mmap[BOOT_EFI_MMAP_MAX - 1].phys_addr, (uint64_t)(BOOT_EFI_MMAP_MAX - 1) << 12);
	EXPECT_EQ(bi.nr_warnings, 1);
}

TEST(later_efi_mmap_tag_replaces_earlier)
{
	struct mb b;

	mb_init(&b);
	add_efi_mmap(&b, 48, 1, ref_efi, 4);
	add_efi_mmap(&b, 48, 1, ref_efi + 2, 1);
	mb_end(&b);
	EXPECT_EQ(parse_mb(&b), 0);
	EXPECT_EQ(bi.nr_efi_mmap, 1);
	EXPECT_EQ(bi.efi_mmap[0].phys_addr, ref_efi[2].phys_addr);
}

/* ---- Linux's format of a descriptor ----------------------------------------- */

static const struct md_case {
	const char *name;
	efi_memory_desc_t md;
	const char *want;
} md_cases[] = {
	{ "format_conventional_wb_wt_wc_uc",
	  { EFI_CONVENTIONAL_MEMORY, 0, 1, 0xf },
	  "[Conventional|   |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC]" },
	{ "format_runtime_code_run",
	  { EFI_RUNTIME_SERVICES_CODE, 0, 1, EFI_MEMORY_RUNTIME | 0xf },
	  "[Runtime Code|RUN|  |  |  |  |  |  |  |  |   |WB|WT|WC|UC]" },
	{ "format_mmio_run_uc",
	  { EFI_MEMORY_MAPPED_IO, 0, 1, EFI_MEMORY_RUNTIME | EFI_MEMORY_UC },
	  "[MMIO        |RUN|  |  |  |  |  |  |  |  |   |  |  |  |UC]" },
	{ "format_every_known_attribute",
	  { EFI_ACPI_MEMORY_NVS, 0, 1, 0x80000000000ff01fULL },
	  "[ACPI Mem NVS|RUN|MR|CC|SP|NV|XP|RP|WP|RO|UCE|WB|WT|WC|UC]" },
	{ "format_type_past_the_table",
	  { 0x70000000, 0, 1, EFI_MEMORY_WB },
	  "[type=1879048192|   |  |  |  |  |  |  |  |  |   |WB|  |  |  ]" },
	{ "format_unknown_attribute_bit",
	  { EFI_RESERVED_TYPE, 0, 1, 0x100000 | EFI_MEMORY_UC },
	  "[Reserved    |attr=0x0000000000100001]" },
};

static void run_md_case(const struct md_case *c)
{
	char buf[64];

	EXPECT_STREQ(efi_md_typeattr_format(buf, sizeof(buf), &c->md), c->want);
}
TEST_CASES(md_cases, run_md_case)

TEST(format_never_writes_past_a_short_buffer)
{
	efi_memory_desc_t md = { EFI_CONVENTIONAL_MEMORY, 0, 1, 0xf };
	char buf[24];

	memset(buf, 'x', sizeof(buf));
	efi_md_typeattr_format(buf, 10, &md);
	EXPECT_STREQ(buf, "[Conventi");     /* 9 characters and the NUL; no attributes */
	EXPECT_EQ(buf[10], 'x');
}
