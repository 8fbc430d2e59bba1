/* What the boot loader told us, in one structure.
 *
 * Two parsers fill it: kernel/multiboot2.c from a copy of GRUB's information
 * block, kernel/pvh.c from the PVH start info (QEMU -kernel). Nothing after
 * setup_boot_info needs to know which loader ran (bootinfo shows it).
 * Everything here is a copy: no pointer into loader memory survives.
 * The helpers at the end (kernel/boot_info.c) are what both parsers share.
 */
#ifndef KERNEL_BOOT_INFO_H
#define KERNEL_BOOT_INFO_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "kernel/e820.h"
#include "kernel/efi.h"

#define BOOT_NAME_MAX     64
#define BOOT_CMDLINE_MAX  512
#define BOOT_MODULES_MAX  32    /* initramfs archives (kernel/initramfs.h); one is usual */
#define BOOT_RSDP_MAX     64    /* ACPI 2.0 RSDP is 36 bytes; keep headroom */
#define BOOT_EFI_MMAP_MAX 256   /* OVMF with 256 MiB gives about 120 descriptors */

struct boot_module {
	uint64_t start;         /* physical, inclusive */
	uint64_t end;           /* physical, exclusive */
	char     cmdline[64];   /* grub.cfg's string after the module2 path; PVH's module cmdline */
};

/* multiboot2 3.6.12 framebuffer types */
#define BOOT_FB_TYPE_INDEXED  0
#define BOOT_FB_TYPE_RGB      1
#define BOOT_FB_TYPE_EGA_TEXT 2

/* The screen the loader left, as the loader described it. The parser
 * checks only that the tag holds what its type says; whether the geometry
 * makes sense is for the driver that would draw on it (drivers/efifb.c). */
struct boot_framebuffer {
	uint64_t addr;          /* physical; 0xb8000 for EGA text */
	uint32_t pitch, width, height;  /* bytes per line; pixels (characters for EGA text) */
	uint8_t  bpp, type;     /* bits per pixel; BOOT_FB_TYPE_* */
	/* type RGB: where each colour sits in a pixel, as a bit position and a
	 * size (Linux's fb_bitfield offset and length) */
	uint8_t  red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
	uint16_t palette_colors;        /* type indexed: how many palette entries */
};

struct boot_info {
	const char *protocol;                   /* "multiboot2" or "pvh" */
	uint64_t info_phys, info_size;          /* where the loader's block was */
	char loader_name[BOOT_NAME_MAX];
	char cmdline[BOOT_CMDLINE_MAX];

	bool has_basic_meminfo;
	uint32_t mem_lower_kb, mem_upper_kb;

	uint32_t nr_e820;                       /* the memory map as given (kernel/e820.h) */
	struct e820_entry e820[E820_MAX_ENTRIES];

	uint32_t nr_modules;
	struct boot_module modules[BOOT_MODULES_MAX];

	uint32_t rsdp_version;                  /* 0: none, 1: ACPI 1.0 (old), 2: ACPI 2.0+ (new) */
	uint32_t rsdp_len;
	uint8_t  rsdp[BOOT_RSDP_MAX];           /* a copy of the RSDP bytes */

	bool has_framebuffer;
	struct boot_framebuffer fb;

	uint64_t efi_systab;                    /* EFI system table (physical), 0: none */
	uint32_t efi_desc_version;              /* the EFI map's descriptor_version */
	uint32_t nr_efi_mmap;                   /* the EFI memory map (kernel/efi.h), as given */
	efi_memory_desc_t efi_mmap[BOOT_EFI_MMAP_MAX];

	uint32_t nr_warnings;                   /* entries the parser skipped or truncated */
};

extern struct boot_info boot_info;

/* ---- for the parsers only (kernel/boot_info.c) ---------------------------- */

/* Returns a pointer through which the len bytes at physical phys can be
 * read, or NULL if any of them cannot (outside what the caller can reach,
 * or the range wraps). The pointer need not be aligned. At boot:
 * setup.c's window on the identity map; in host tests, simulated memory. */
typedef const void *(*boot_map_phys_t)(uint64_t phys, size_t len);

/* Where a parser of outside input (multiboot2, PVH, the initramfs) puts
 * its one error line: buf[len], or nowhere if buf is NULL. */
struct boot_err {
	char *buf;
	size_t len;
};

/* Writes one line (no newline), printf-style, into e->buf when there is
 * one, truncating it to fit; returns -EINVAL, so a parser can end with
 * `return boot_info_fail(&c->err, ...)`. */
int boot_info_fail(struct boot_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies the n bytes at src, a string without its NUL, into dst[dstlen]
 * NUL-terminated; a string that does not fit is cut and counted in
 * bi->nr_warnings. */
void boot_info_set_string(struct boot_info *bi, char *dst, size_t dstlen,
			  const char *src, size_t n);

/* Appends the module [start, end) (the caller checked end >= start) with an
 * empty string; NULL, and a warning counted, when BOOT_MODULES_MAX are
 * already there. */
struct boot_module *boot_info_add_module(struct boot_info *bi, uint64_t start, uint64_t end);

/* Appends a memory-map entry as given (e820 judges it later); false, and a
 * warning counted, when E820_MAX_ENTRIES are already there. */
bool boot_info_add_e820(struct boot_info *bi, uint64_t addr, uint64_t size, uint32_t type);

/* Appends an EFI memory descriptor as given; false, and a warning
 * counted, when BOOT_EFI_MMAP_MAX are already there. */
bool boot_info_add_efi_md(struct boot_info *bi, const efi_memory_desc_t *md);

/* Keeps a copy of the RSDP's first len bytes (20 <= len <= 36, checked by the
 * caller): version 1 for ACPI 1.0's, 2 for ACPI 2.0+'s. Replaces any earlier one. */
void boot_info_set_rsdp(struct boot_info *bi, const void *rsdp, uint32_t len, uint32_t version);

#endif
