/* What the boot loader told us, in one structure.
 *
 * The multiboot2 parser (kernel/multiboot2.c) fills it from a copy of the
 * loader's information block; a second entry protocol (PVH direct boot) would
 * fill the same structure, so nothing after start_kernel knows which loader ran.
 * Everything here is a copy: no pointer into loader memory survives.
 */
#ifndef KERNEL_BOOT_INFO_H
#define KERNEL_BOOT_INFO_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "kernel/e820.h"

#define BOOT_NAME_MAX     64
#define BOOT_CMDLINE_MAX  512
#define BOOT_MODULES_MAX  32    /* user programs and the loader's bad-input test files */
#define BOOT_RSDP_MAX     64    /* ACPI 2.0 RSDP is 36 bytes; keep headroom */

struct boot_module {
	uint64_t start;         /* physical, inclusive */
	uint64_t end;           /* physical, exclusive */
	char     cmdline[64];   /* the string after the path in grub.cfg's module2 line */
};

struct boot_framebuffer {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t  bpp, type;     /* multiboot2 3.6.12: 0 indexed, 1 RGB, 2 EGA text */
};

struct boot_info {
	const char *protocol;                   /* "multiboot2" */
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

	uint32_t nr_warnings;                   /* tags the parser skipped or truncated */
};

extern struct boot_info boot_info;

#endif
