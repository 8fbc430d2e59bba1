/* The multiboot2 boot-information parser (contract in kernel/multiboot2.h).
 *
 * The block (multiboot2 spec 3.6.1) is a u32 total_size, a u32 reserved, then
 * tags. Each tag is a u32 type and a u32 size (the size counts the 8-byte tag
 * header and the payload, not the padding); the next tag starts at the next
 * 8-byte boundary. A tag of type 0 and size 8 ends the list.
 *
 * Every multi-byte field is read with memcpy, so a hostile block can make us
 * reject it but never makes us do an unaligned or out-of-bounds access. The
 * host unit tests (tests/unit/test_multiboot2.c) run this file under ASan and
 * UBSan, with every truncation of a valid block and random corruption.
 */
#include <stdint.h>
#include "kernel/multiboot2.h"
#include "kernel/string.h"
#include "kernel/errno.h"

/* Tag types (spec 3.6.2 onwards). */
#define MB2_TAG_END           0
#define MB2_TAG_CMDLINE       1
#define MB2_TAG_LOADER_NAME   2
#define MB2_TAG_MODULE        3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP          6
#define MB2_TAG_FRAMEBUFFER   8
#define MB2_TAG_EFI64         12
#define MB2_TAG_ACPI_OLD      14
#define MB2_TAG_ACPI_NEW      15
#define MB2_TAG_EFI_MMAP      17

#define MB2_HDR_SIZE      8     /* total_size, reserved (spec 3.6.1) */
#define MB2_TAG_HDR_SIZE  8     /* type, size (spec 3.6.1) */
#define MB2_MMAP_MIN_ENTRY 24   /* base_addr, length, type, reserved (spec 3.6.8) */
/* The framebuffer tag's fixed part: through framebuffer_type, then a u16
 * reserved, then color_info at offset 32 (the spec's multiboot2.h, which
 * GRUB fills; the spec's table shows a u8 reserved, and a tag without the
 * reserved bytes is accepted when its type has no color_info). */
#define MB2_FB_MIN          30
#define MB2_FB_COLOR_INFO   32
#define MB2_FB_PALETTE      (MB2_FB_COLOR_INFO + 2)     /* u16 num_colors, then 3-byte entries */
#define MB2_FB_RGB_END      (MB2_FB_COLOR_INFO + 6)     /* 3 x (u8 position, u8 size) */
#define RSDP_V1_LEN       20    /* ACPI 1.0 RSDP */
#define RSDP_V2_LEN       36    /* ACPI 2.0+ RSDP */

/* The tag being parsed, and where to report. */
struct mb2_ctx {
	const uint8_t *base;    /* start of the block */
	uint32_t total;         /* total_size, already checked against avail */
	uint32_t off;           /* offset of the current tag */
	uint32_t type, size;    /* the current tag's header */
	struct boot_info *bi;
	struct boot_err err;
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A tag's payload must hold the fixed fields its type defines (spec 3.6.x):
 * return 0 if the tag is at least min bytes long, else fail. */
static int need(struct mb2_ctx *c, uint32_t min)
{
	if (c->size >= min)
		return 0;
	return boot_info_fail(&c->err, "multiboot2: tag %u at offset 0x%x has size 0x%x (< 0x%x for its fixed fields)",
		    c->type, c->off, c->size, min);
}

/* Copy the NUL-terminated string at src (at most srclen bytes of tag) into
 * dst[dstlen]; dst NULL only validates. A string with no NUL inside the tag
 * fails; one longer than dst is truncated and counted as a warning. */
static int copy_string(struct mb2_ctx *c, char *dst, size_t dstlen,
		       const uint8_t *src, size_t srclen)
{
	size_t n = strnlen((const char *)src, srclen);

	if (n == srclen)
		return boot_info_fail(&c->err, "multiboot2: tag %u at offset 0x%x: string of 0x%zx bytes has no NUL",
			    c->type, c->off, srclen);
	if (dst)
		boot_info_set_string(c->bi, dst, dstlen, (const char *)src, n);
	return 0;
}

/* Tag 3 (spec 3.6.6): u32 mod_start, u32 mod_end, then the module's string.
 * Modules past BOOT_MODULES_MAX are checked, then skipped with a warning. */
static int tag_module(struct mb2_ctx *c, const uint8_t *p)
{
	uint32_t start = rd32(p + 8), end = rd32(p + 12);
	struct boot_module *m;

	if (end < start)
		return boot_info_fail(&c->err, "multiboot2: module tag at offset 0x%x has mod_end 0x%x < mod_start 0x%x",
			    c->off, end, start);
	/* a failure below zeroes all of boot_info, this module included */
	m = boot_info_add_module(c->bi, start, end);
	return copy_string(c, m ? m->cmdline : NULL, sizeof(m->cmdline), p + 16, c->size - 16);
}

/* Tag 6 (spec 3.6.8): u32 entry_size, u32 entry_version, then entries of
 * entry_size bytes each starting u64 base_addr, u64 length, u32 type. Entries
 * are copied as given (memblock sorts and judges them); a later mmap tag
 * replaces an earlier one. entry_version is 0 today, and the spec promises
 * later versions stay compatible, so another value only counts a warning. */
static int tag_mmap(struct mb2_ctx *c, const uint8_t *p)
{
	struct boot_info *bi = c->bi;
	uint32_t esize = rd32(p + 8), bytes = c->size - 16;

	if (esize < MB2_MMAP_MIN_ENTRY || esize % 8)
		return boot_info_fail(&c->err, "multiboot2: mmap tag at offset 0x%x has entry_size 0x%x "
			    "(< 0x%x or not a multiple of 8)", c->off, esize, MB2_MMAP_MIN_ENTRY);
	if (bytes % esize)
		return boot_info_fail(&c->err, "multiboot2: mmap tag at offset 0x%x has 0x%x bytes of entries, "
			    "not a multiple of entry_size 0x%x", c->off, bytes, esize);
	if (rd32(p + 12) != 0)
		bi->nr_warnings++;
	bi->nr_e820 = 0;
	for (uint32_t i = 0; i < bytes / esize; i++) {
		const uint8_t *e = p + 16 + (size_t)i * esize;

		if (!boot_info_add_e820(bi, rd64(e), rd64(e + 8), rd32(e + 16)))
			break;
	}
	return 0;
}

/* Tag 8 (spec 3.6.12): u64 framebuffer_addr, u32 pitch, u32 width, u32
 * height, u8 bpp, u8 type, then the type's color_info: for indexed (0), u16
 * framebuffer_palette_num_colors and that many 3-byte palette entries; for
 * RGB (1), the red, green and blue fields as (u8 position, u8 mask size);
 * for EGA text (2), nothing. The tag must hold what its type says. Another
 * type is kept, and counted as a warning: nothing draws on it. */
static int tag_framebuffer(struct mb2_ctx *c, const uint8_t *p)
{
	struct boot_framebuffer *fb = &c->bi->fb;
	uint32_t need_size = MB2_FB_MIN;
	uint16_t colors = 0;

	switch (p[29]) {
	case BOOT_FB_TYPE_INDEXED:
		need_size = MB2_FB_PALETTE;
		if (c->size >= MB2_FB_PALETTE) {
			memcpy(&colors, p + MB2_FB_COLOR_INFO, sizeof(colors));
			need_size += 3u * colors;
		}
		break;
	case BOOT_FB_TYPE_RGB:
		need_size = MB2_FB_RGB_END;
		break;
	case BOOT_FB_TYPE_EGA_TEXT:
		break;
	default:
		c->bi->nr_warnings++;
	}
	if (c->size < need_size)
		return boot_info_fail(&c->err, "multiboot2: framebuffer tag at offset 0x%x has size 0x%x "
			    "(< 0x%x for type %u%s)", c->off, c->size, need_size, p[29],
			    colors ? " and its palette" : "");
	fb->addr = rd64(p + 8);
	fb->pitch = rd32(p + 16);
	fb->width = rd32(p + 20);
	fb->height = rd32(p + 24);
	fb->bpp = p[28];
	fb->type = p[29];
	fb->palette_colors = colors;
	if (fb->type == BOOT_FB_TYPE_RGB) {
		const uint8_t *ci = p + MB2_FB_COLOR_INFO;

		fb->red_pos = ci[0];
		fb->red_size = ci[1];
		fb->green_pos = ci[2];
		fb->green_size = ci[3];
		fb->blue_pos = ci[4];
		fb->blue_size = ci[5];
	}
	c->bi->has_framebuffer = true;
	return 0;
}

/* Tag 12 (spec 3.6.14): u64 pointer, the EFI system table's physical address. */
static void tag_efi64(struct mb2_ctx *c, const uint8_t *p)
{
	c->bi->efi_systab = rd64(p + 8);
}

/* Tag 17 (spec 3.6.18): u32 descriptor_size, u32 descriptor_version, then
 * the EFI memory map GetMemoryMap returned, descriptor_size bytes per
 * EFI_MEMORY_DESCRIPTOR (kernel/efi.h; the size may grow past the fields
 * we know, UEFI 2.10 7.2, so the step is descriptor_size, never
 * sizeof). A version other than 1 counts a warning, as does a descriptor
 * whose range runs past 2^64 (skipped: it is shown, never used). A later
 * EFI map tag replaces an earlier one. */
static int tag_efi_mmap(struct mb2_ctx *c, const uint8_t *p)
{
	struct boot_info *bi = c->bi;
	uint32_t dsize = rd32(p + 8), bytes = c->size - 16;

	if (dsize < EFI_MEMORY_DESC_MIN_SIZE || dsize % 8)
		return boot_info_fail(&c->err, "multiboot2: EFI mmap tag at offset 0x%x has descriptor_size 0x%x "
			    "(< 0x%x or not a multiple of 8)", c->off, dsize, EFI_MEMORY_DESC_MIN_SIZE);
	if (bytes % dsize)
		return boot_info_fail(&c->err, "multiboot2: EFI mmap tag at offset 0x%x has 0x%x bytes of descriptors, "
			    "not a multiple of descriptor_size 0x%x", c->off, bytes, dsize);
	bi->efi_desc_version = rd32(p + 12);
	if (bi->efi_desc_version != EFI_MEMORY_DESCRIPTOR_VERSION)
		bi->nr_warnings++;
	bi->nr_efi_mmap = 0;
	for (uint32_t i = 0; i < bytes / dsize; i++) {
		const uint8_t *d = p + 16 + (size_t)i * dsize;
		efi_memory_desc_t md = {
			.type = rd32(d), .phys_addr = rd64(d + 8),
			.num_pages = rd64(d + 24), .attribute = rd64(d + 32),
		};

		if (md.num_pages > (UINT64_MAX >> EFI_PAGE_SHIFT) ||
		    md.phys_addr > UINT64_MAX - (md.num_pages << EFI_PAGE_SHIFT)) {
			bi->nr_warnings++;
			continue;
		}
		if (!boot_info_add_efi_md(bi, &md))
			break;
	}
	return 0;
}

/* Tags 14 and 15 (spec 3.6.16, 3.6.17): a copy of the ACPI RSDP. The old one
 * is 20 bytes (ACPI 1.0); the new one is up to 36 (ACPI 2.0+), and wins over
 * the old one whichever comes first. */
static void tag_rsdp(struct mb2_ctx *c, const uint8_t *p)
{
	struct boot_info *bi = c->bi;
	uint32_t len = RSDP_V1_LEN;

	if (c->type == MB2_TAG_ACPI_OLD && bi->rsdp_version == 2)
		return;
	if (c->type == MB2_TAG_ACPI_NEW) {
		len = c->size - MB2_TAG_HDR_SIZE;
		if (len > RSDP_V2_LEN)
			len = RSDP_V2_LEN;
	}
	boot_info_set_rsdp(bi, p + 8, len, c->type == MB2_TAG_ACPI_NEW ? 2 : 1);
}

/* The smallest size (header included) each known tag type may have: its
 * fixed fields, plus one byte for the NUL of a string. 0: not a tag we read. */
static uint32_t tag_min_size(uint32_t type)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_LOADER_NAME:   return 8;
	case MB2_TAG_MODULE:        return 16;
	case MB2_TAG_BASIC_MEMINFO: return 16;
	case MB2_TAG_MMAP:          return 16;
	case MB2_TAG_FRAMEBUFFER:   return MB2_FB_MIN;
	case MB2_TAG_EFI64:         return 16;
	case MB2_TAG_ACPI_OLD:      return 8 + RSDP_V1_LEN;
	case MB2_TAG_ACPI_NEW:      return 8 + RSDP_V1_LEN;
	case MB2_TAG_EFI_MMAP:      return 16;
	default:                    return 0;
	}
}

/* Copy one known tag's contents into c->bi; skip unknown types (spec 3.6.1:
 * the OS image must ignore tags it does not know). */
static int parse_tag(struct mb2_ctx *c, const uint8_t *p)
{
	struct boot_info *bi = c->bi;
	uint32_t min = tag_min_size(c->type);
	int ret;

	if (!min)
		return 0;
	ret = need(c, min);
	if (ret)
		return ret;
	switch (c->type) {
	case MB2_TAG_CMDLINE:
		return copy_string(c, bi->cmdline, sizeof(bi->cmdline), p + 8, c->size - 8);
	case MB2_TAG_LOADER_NAME:
		return copy_string(c, bi->loader_name, sizeof(bi->loader_name), p + 8, c->size - 8);
	case MB2_TAG_MODULE:
		return tag_module(c, p);
	case MB2_TAG_BASIC_MEMINFO:
		bi->mem_lower_kb = rd32(p + 8);
		bi->mem_upper_kb = rd32(p + 12);
		bi->has_basic_meminfo = true;
		return 0;
	case MB2_TAG_MMAP:
		return tag_mmap(c, p);
	case MB2_TAG_FRAMEBUFFER:
		return tag_framebuffer(c, p);
	case MB2_TAG_EFI64:
		tag_efi64(c, p);
		return 0;
	case MB2_TAG_EFI_MMAP:
		return tag_efi_mmap(c, p);
	default:
		tag_rsdp(c, p);
		return 0;
	}
}

/* Walk the tags from offset 8 to the end tag (spec 3.6.1). Each tag must have
 * a whole header and a size >= 8 inside total_size; the next tag starts at
 * this one's end rounded up to 8. The block start is 8-aligned and every step
 * is a multiple of 8, so every tag header is 8-aligned; a tag the loader put
 * at an unaligned offset is not where we look, and what we find there fails
 * these checks or the end-tag check. Bytes after the end tag are ignored. */
static int walk_tags(struct mb2_ctx *c)
{
	uint64_t off = MB2_HDR_SIZE;
	int ret;

	for (;;) {
		if (off + MB2_TAG_HDR_SIZE > c->total)
			return boot_info_fail(&c->err, "multiboot2: no end tag before total_size 0x%x (next tag at offset 0x%llx)",
				    c->total, (unsigned long long)off);
		c->off = (uint32_t)off;
		c->type = rd32(c->base + off);
		c->size = rd32(c->base + off + 4);
		if (c->size < MB2_TAG_HDR_SIZE)
			return boot_info_fail(&c->err, "multiboot2: tag %u at offset 0x%x has size 0x%x (< 8)",
				    c->type, c->off, c->size);
		if (c->size > c->total - off)
			return boot_info_fail(&c->err, "multiboot2: tag %u at offset 0x%x has size 0x%x, past total_size 0x%x",
				    c->type, c->off, c->size, c->total);
		if (c->type == MB2_TAG_END)
			return c->size == 8 ? 0 : boot_info_fail(&c->err, "multiboot2: end tag at offset 0x%x has size 0x%x (!= 8)",
							  c->off, c->size);
		ret = parse_tag(c, c->base + off);
		if (ret)
			return ret;
		off += ((uint64_t)c->size + 7) & ~(uint64_t)7;
	}
}

/* Check the fixed part (spec 3.6.1), then walk the tags. */
int multiboot2_parse(const void *info, size_t avail, struct boot_info *bi,
		     char *err, size_t errlen)
{
	struct mb2_ctx c = { .base = info, .bi = bi, .err = { err, errlen } };
	int ret;

	memset(bi, 0, sizeof(*bi));
	if (err && errlen)
		err[0] = '\0';
	if ((uintptr_t)info % 8)
		return boot_info_fail(&c.err, "multiboot2: info at %p is not 8-byte aligned", info);
	if (avail < MB2_HDR_SIZE)
		return boot_info_fail(&c.err, "multiboot2: only 0x%zx bytes available (< 8 for the header)", avail);
	c.total = rd32(c.base);
	if (c.total < MB2_HDR_SIZE + MB2_TAG_HDR_SIZE)
		return boot_info_fail(&c.err, "multiboot2: total_size 0x%x (< 0x10 for header and end tag)", c.total);
	if (c.total > avail)
		return boot_info_fail(&c.err, "multiboot2: total_size 0x%x exceeds the 0x%zx bytes available",
			    c.total, avail);
	ret = walk_tags(&c);
	if (ret) {
		memset(bi, 0, sizeof(*bi));
		return ret;
	}
	bi->protocol = "multiboot2";
	bi->info_size = c.total;
	return 0;
}
