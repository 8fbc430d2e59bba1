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

#define BOOT_NAME_MAX     64
#define BOOT_CMDLINE_MAX  512
#define E820_MAX_ENTRIES  128   /* Linux's E820_MAX_ENTRIES_ZEROPAGE */
#define BOOT_MODULES_MAX  32    /* user programs and the loader's bad-input test files */
#define BOOT_RSDP_MAX     64    /* ACPI 2.0 RSDP is 36 bytes; keep headroom */

/* e820 types; multiboot2 memory-map types use the same numbers
 * (multiboot2 spec 3.6.8: 1 available, 3 ACPI, 4 preserve on hibernation,
 * 5 defective RAM; everything else reserved). */
enum e820_type {
	E820_TYPE_RAM      = 1,
	E820_TYPE_RESERVED = 2,
	E820_TYPE_ACPI     = 3,
	E820_TYPE_NVS      = 4,
	E820_TYPE_UNUSABLE = 5,
};

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;          /* enum e820_type; unknown firmware types kept as given */
};

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

	uint32_t nr_e820;
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
