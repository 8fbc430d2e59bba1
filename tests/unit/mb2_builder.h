/* Shared by the multiboot2 host tests (test_multiboot2.c,
 * test_multiboot2_corrupt.c): a builder for boot-information blocks that
 * follows the multiboot2 spec 3.6 layout, the realistic GRUB-like block and
 * its reference values, and helpers that run kernel/multiboot2.c's parser on
 * an exact-size heap copy so ASan reports any read past `avail`.
 *
 * Each test program is one translation unit plus the source under test, so
 * the helpers here are static; they are inline so that a program that does
 * not use one of them gets no -Wunused-function. Include after
 * tests/unit/unit.h (the checks use its EXPECT_* macros).
 */
#ifndef TESTS_UNIT_MB2_BUILDER_H
#define TESTS_UNIT_MB2_BUILDER_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/mb2_builder.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/multiboot2.h"
#include "kernel/errno.h"

/* ---- the builder -------------------------------------------------------- */

struct mb {
	_Alignas(8) uint8_t buf[16384];
	size_t len;
};

struct payload {
	uint8_t b[12288];      /* a 257-descriptor EFI map of 40-byte descriptors fits */
	size_t n;
};

static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static inline void pl_bytes(struct payload *p, const void *src, size_t n)
{
	memcpy(p->b + p->n, src, n);
	p->n += n;
}

static inline void pl_u8(struct payload *p, uint8_t v) { pl_bytes(p, &v, 1); }
static inline void pl_u16(struct payload *p, uint16_t v) { pl_bytes(p, &v, 2); }
static inline void pl_u32(struct payload *p, uint32_t v) { pl_bytes(p, &v, 4); }
static inline void pl_u64(struct payload *p, uint64_t v) { pl_bytes(p, &v, 8); }
static inline void pl_str(struct payload *p, const char *s) { pl_bytes(p, s, strlen(s) + 1); }

static inline void mb_init(struct mb *b)
{
	memset(b, 0, sizeof(*b));
	b->len = 8;                     /* total_size, reserved: set by mb_end */
}

/* Append a tag header claiming `size`, then plen payload bytes; no padding. */
static inline size_t mb_raw(struct mb *b, uint32_t type, uint32_t size, const void *pay, size_t plen)
{
	size_t off = b->len;

	put32(b->buf + off, type);
	put32(b->buf + off + 4, size);
	if (plen)
		memcpy(b->buf + off + 8, pay, plen);
	b->len += 8 + plen;
	return off;
}

static inline void mb_pad(struct mb *b)
{
	while (b->len % 8)
		b->buf[b->len++] = 0;
}

/* Append a well-formed tag (size = 8 + payload) and pad to 8 (spec 3.6.1). */
static inline size_t mb_tag(struct mb *b, uint32_t type, const struct payload *p)
{
	size_t off = mb_raw(b, type, (uint32_t)(8 + (p ? p->n : 0)), p ? p->b : NULL, p ? p->n : 0);

	mb_pad(b);
	return off;
}

static inline void mb_set_total(struct mb *b, uint32_t total) { put32(b->buf, total); }

/* Append the end tag and set total_size to the block's length. */
static inline void mb_end(struct mb *b)
{
	mb_tag(b, 0, NULL);
	mb_set_total(b, (uint32_t)b->len);
}

static inline void add_string(struct mb *b, uint32_t type, const char *s)
{
	struct payload p = { .n = 0 };

	pl_str(&p, s);
	mb_tag(b, type, &p);
}

static inline void add_module(struct mb *b, uint32_t start, uint32_t end, const char *s)
{
	struct payload p = { .n = 0 };

	pl_u32(&p, start);
	pl_u32(&p, end);
	pl_str(&p, s);
	mb_tag(b, 3, &p);
}

static inline void add_meminfo(struct mb *b, uint32_t lower, uint32_t upper)
{
	struct payload p = { .n = 0 };

	pl_u32(&p, lower);
	pl_u32(&p, upper);
	mb_tag(b, 4, &p);
}

/* Memory map (spec 3.6.8); bytes past the 24 defined ones are 0xee. */
static inline void add_mmap(struct mb *b, uint32_t esize, uint32_t version,
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

/* EFI memory map (spec 3.6.18): descriptor_size, descriptor_version, then
 * EFI_MEMORY_DESCRIPTORs; bytes past the 40 defined ones are 0xee, as is
 * the padding after Type and the VirtualStart we do not read. */
static inline void add_efi_mmap(struct mb *b, uint32_t dsize, uint32_t version,
				const efi_memory_desc_t *d, size_t n)
{
	struct payload p = { .n = 0 };

	pl_u32(&p, dsize);
	pl_u32(&p, version);
	for (size_t i = 0; i < n; i++) {
		pl_u32(&p, d[i].type);
		pl_u32(&p, 0xeeeeeeee);
		pl_u64(&p, d[i].phys_addr);
		pl_u64(&p, 0xeeeeeeeeeeeeeeeeULL);
		pl_u64(&p, d[i].num_pages);
		pl_u64(&p, d[i].attribute);
		for (size_t k = 40; k < dsize; k++)
			pl_u8(&p, 0xee);
	}
	mb_tag(b, 17, &p);
}

static inline void add_bytes(struct mb *b, uint32_t type, const void *bytes, size_t n)
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

static const struct boot_framebuffer ref_fb = {
	.addr = 0xfd000000, .pitch = 4096, .width = 1024, .height = 768, .bpp = 32,
	.type = BOOT_FB_TYPE_RGB, .red_pos = 16, .red_size = 8, .green_pos = 8,
	.green_size = 8, .blue_pos = 0, .blue_size = 8,
};

/* An EFI memory map as OVMF leaves it (type, start, pages, attribute), with
 * 48-byte descriptors, and the system table pointer (tags 17 and 12). */
#define REF_EFI_DESC_SIZE 48
#define REF_EFI_SYSTAB 0x7f9ee018ULL
static const efi_memory_desc_t ref_efi[4] = {
	{ EFI_BOOT_SERVICES_CODE, 0x0, 0x1, EFI_MEMORY_UC | EFI_MEMORY_WC | EFI_MEMORY_WT | EFI_MEMORY_WB },
	{ EFI_CONVENTIONAL_MEMORY, 0x1000, 0x9f, EFI_MEMORY_UC | EFI_MEMORY_WC | EFI_MEMORY_WT | EFI_MEMORY_WB },
	{ EFI_RUNTIME_SERVICES_CODE, 0xf9ed000, 0x100,
	  EFI_MEMORY_RUNTIME | EFI_MEMORY_UC | EFI_MEMORY_WC | EFI_MEMORY_WT | EFI_MEMORY_WB },
	{ EFI_MEMORY_MAPPED_IO, 0xffe00000, 0x200, EFI_MEMORY_RUNTIME | EFI_MEMORY_UC },
};

static const uint8_t ref_rsdp_old[20] = "RSD PTR \x51" "BOCHS \x00\x00\xe0\xfe\x07";
static const uint8_t ref_rsdp_new[36] = "RSD PTR \x77" "QEMU  \x02\x10\xe0\xfe\x07\x24\x00\x00\x00"
					"\x00\xe1\xfe\x07\x00\x00\x00\x00\x99\x00\x00\x00";

static inline void add_ref_framebuffer(struct mb *b)
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
static inline size_t build_realistic(struct mb *b, size_t trailing)
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
	{
		struct payload p = { .n = 0 };

		pl_u64(&p, REF_EFI_SYSTAB);
		mb_tag(b, 12, &p);
	}
	add_efi_mmap(b, REF_EFI_DESC_SIZE, EFI_MEMORY_DESCRIPTOR_VERSION, ref_efi, 4);
	mb_end(b);
	end = b->len;
	for (size_t i = 0; i < trailing; i++)
		b->buf[b->len++] = (uint8_t)(0xa0 + i);
	mb_set_total(b, (uint32_t)b->len);
	return end;
}

/* Every field the realistic block sets, against the builder's inputs. */
static inline void check_realistic(const struct boot_info *bi)
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
	EXPECT_EQ(bi->fb.red_pos, 16);
	EXPECT_EQ(bi->fb.red_size, 8);
	EXPECT_EQ(bi->fb.green_pos, 8);
	EXPECT_EQ(bi->fb.green_size, 8);
	EXPECT_EQ(bi->fb.blue_pos, 0);
	EXPECT_EQ(bi->fb.blue_size, 8);
	EXPECT_EQ(bi->efi_systab, REF_EFI_SYSTAB);
	EXPECT_EQ(bi->efi_desc_version, 1);
	EXPECT_EQ(bi->nr_efi_mmap, 4);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(bi->efi_mmap[i].type, ref_efi[i].type);
		EXPECT_EQ(bi->efi_mmap[i].phys_addr, ref_efi[i].phys_addr);
		EXPECT_EQ(bi->efi_mmap[i].num_pages, ref_efi[i].num_pages);
		EXPECT_EQ(bi->efi_mmap[i].attribute, ref_efi[i].attribute);
	}
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
static inline int parse_n(const void *src, size_t srclen, size_t avail)
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

static inline int parse_mb(const struct mb *b) { return parse_n(b->buf, b->len, b->len); }

/* An error report is one non-empty line that says who is complaining. */
static inline void expect_err_line(void)
{
	EXPECT_TRUE(strnlen(err, sizeof(err)) < sizeof(err));
	EXPECT_TRUE(err[0] != '\0');
	EXPECT_TRUE(strchr(err, '\n') == NULL);
	EXPECT_TRUE(strncmp(err, "multiboot2: ", 12) == 0);
}

static inline void expect_einval(int ret)
{
	EXPECT_EQ(ret, -EINVAL);
	expect_err_line();
}

static inline void expect_err_contains(const char *needle)
{
	if (!strstr(err, needle))
		EXPECT_STREQ(err, needle);      /* prints both */
}

#endif
