/* The UEFI memory map, as the loader hands it over (kernel/efi.c), with
 * Linux's names (include/linux/efi.h, drivers/firmware/efi/efi.c).
 *
 * Under UEFI, GRUB's multiboot2 loader calls ExitBootServices and passes
 * the firmware's final memory map as the EFI memory map tag (type 17,
 * multiboot2 spec 3.6.18), next to the e820-style map it derives from it
 * (tag 6). kernel/multiboot2.c copies the descriptors into boot_info;
 * nothing here touches the firmware: Carta calls no EFI service, boot or
 * runtime. What it gives is the firmware's own account of memory, shown
 * the way Linux shows it with efi=debug:
 *
 *   efi: mem07: [Conventional|   |  |  |  |  |  |  |  |  |   |WB|WT|WC|UC] range=[0x0000000000100000-0x00000000007fffff] (7MB)
 *
 * docs/uefi.md sets it beside the e820 map. */
#ifndef KERNEL_EFI_H
#define KERNEL_EFI_H

#include <stddef.h>
#include <stdint.h>

/* EFI_MEMORY_TYPE (UEFI 2.10 7.2, Table 7-5), Linux's names. */
#define EFI_RESERVED_TYPE               0
#define EFI_LOADER_CODE                 1
#define EFI_LOADER_DATA                 2
#define EFI_BOOT_SERVICES_CODE          3
#define EFI_BOOT_SERVICES_DATA          4
#define EFI_RUNTIME_SERVICES_CODE       5
#define EFI_RUNTIME_SERVICES_DATA       6
#define EFI_CONVENTIONAL_MEMORY         7
#define EFI_UNUSABLE_MEMORY             8
#define EFI_ACPI_RECLAIM_MEMORY         9
#define EFI_ACPI_MEMORY_NVS             10
#define EFI_MEMORY_MAPPED_IO            11
#define EFI_MEMORY_MAPPED_IO_PORT_SPACE 12
#define EFI_PAL_CODE                    13
#define EFI_PERSISTENT_MEMORY           14
#define EFI_UNACCEPTED_MEMORY           15
#define EFI_MAX_MEMORY_TYPE             16

/* Memory attribute bits (UEFI 2.10 7.2, the EFI_MEMORY_* definitions of
 * GetMemoryMap): the cache types the range supports, protections, and
 * RUNTIME, "the OS must map this for runtime services". */
#define EFI_MEMORY_UC            0x0000000000000001ULL
#define EFI_MEMORY_WC            0x0000000000000002ULL
#define EFI_MEMORY_WT            0x0000000000000004ULL
#define EFI_MEMORY_WB            0x0000000000000008ULL
#define EFI_MEMORY_UCE           0x0000000000000010ULL
#define EFI_MEMORY_WP            0x0000000000001000ULL
#define EFI_MEMORY_RP            0x0000000000002000ULL
#define EFI_MEMORY_XP            0x0000000000004000ULL
#define EFI_MEMORY_NV            0x0000000000008000ULL
#define EFI_MEMORY_MORE_RELIABLE 0x0000000000010000ULL
#define EFI_MEMORY_RO            0x0000000000020000ULL
#define EFI_MEMORY_SP            0x0000000000040000ULL
#define EFI_MEMORY_CPU_CRYPTO    0x0000000000080000ULL
#define EFI_MEMORY_RUNTIME       0x8000000000000000ULL

#define EFI_PAGE_SHIFT 12       /* descriptors count 4 KiB pages, whatever the OS's page size */
#define EFI_MEMORY_DESCRIPTOR_VERSION 1
/* EFI_MEMORY_DESCRIPTOR's defined fields: u32 Type, u32 padding, u64
 * PhysicalStart, u64 VirtualStart, u64 NumberOfPages, u64 Attribute.
 * The firmware's descriptor_size may be larger (OVMF's is 48), never smaller. */
#define EFI_MEMORY_DESC_MIN_SIZE 40

/* One descriptor, the fields Carta keeps (Linux's efi_memory_desc_t less
 * virt_addr, which only SetVirtualAddressMap uses). */
typedef struct {
	uint32_t type;          /* EFI_* memory type; other values kept as given */
	uint64_t phys_addr;
	uint64_t num_pages;     /* of 4 KiB */
	uint64_t attribute;     /* EFI_MEMORY_* bits */
} efi_memory_desc_t;

/* Linux's efi_md_typeattr_format: "[Conventional|   |  |...|WB|WT|WC|UC]",
 * the type padded to 12, then one column per attribute (RUN MR CC SP NV XP
 * RP WP RO UCE WB WT WC UC), blank when the bit is clear;
 * "[type=N|..." for a type past the table, "|attr=0x...]" when a bit
 * outside these is set. Writes into buf[size]; returns buf. */
char *efi_md_typeattr_format(char *buf, size_t size, const efi_memory_desc_t *md);

/* Linux's efi_print_memmap, through out: one "efi: memNN: [...]
 * range=[0x...-0x...] (NMB)" line per descriptor of boot_info's EFI map,
 * end inclusive, size in whole MiB rounded down. Nothing when the loader
 * passed no EFI map. */
void efi_print_memmap(int (*out)(const char *fmt, ...));

#endif
