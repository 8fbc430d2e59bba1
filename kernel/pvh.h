/* The PVH start-info parser (kernel/pvh.c).
 *
 * A PVH loader (Xen's x86/HVM direct boot ABI; QEMU -kernel with an ELF
 * that has the XEN_ELFNOTE_PHYS32_ENTRY note, boot/pvh_note.asm) enters
 * pvh_start_xen with EBX = the physical address of struct hvm_start_info.
 * Unlike multiboot2's single block, the start info points elsewhere: to
 * the module list, the command line, the RSDP and the memory map, each at
 * its own physical address (0 meaning "not present"). pvh_parse follows
 * those pointers only through the caller's map_phys, checks every one,
 * and copies what the kernel uses into struct boot_info.
 *
 * Layouts: xen/include/public/arch-x86/hvm/start_info.h (every address and
 * size a little-endian u64; Linux has a copy in
 * include/xen/interface/hvm/start_info.h).
 */
#ifndef KERNEL_PVH_H
#define KERNEL_PVH_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/boot_info.h"

/* The start info's magic: "xEn3" with the 0x80 bit of the "E" set.
 * boot/head.asm passes it to start_kernel for a PVH entry. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;               /* 0, or 1 and later: the memmap fields exist */
	uint32_t flags;                 /* SIF_xxx; none that Carta needs */
	uint32_t nr_modules;
	uint64_t modlist_paddr;         /* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;         /* a NUL-terminated string */
	uint64_t rsdp_paddr;
	/* version >= 1 only */
	uint64_t memmap_paddr;          /* struct hvm_memmap_table_entry[memmap_entries] */
	uint32_t memmap_entries;
	uint32_t reserved;              /* must be zero */
};

#define PVH_START_INFO_V0_SIZE  offsetof(struct hvm_start_info, memmap_paddr)

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;         /* a NUL-terminated string, or 0 */
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;                  /* the e820 / ACPI address range types */
	uint32_t reserved;              /* must be zero */
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");
_Static_assert(PVH_START_INFO_V0_SIZE == 40, "hvm_start_info version 0 layout");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry layout");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry layout");

/* Parse the start info at physical start_info, reading memory only through
 * map_phys. On success fill *bi (protocol "pvh", info_phys = start_info,
 * info_size = the structure's size for its version) and return 0. On a
 * malformed start info return -EINVAL, leave *bi all zero, and write one
 * line (no newline) into err[errlen] naming the problem and the values,
 * e.g. "pvh: start info at 0x1000 has magic 0x12345678 (expected 0x336ec578)".
 * Non-fatal oddities (strings cut to fit, tables full, non-zero reserved
 * fields) are counted in bi->nr_warnings. */
int pvh_parse(uint64_t start_info, boot_map_phys_t map_phys, struct boot_info *bi,
	      char *err, size_t errlen);

#endif
