/* The firmware memory map (e820), all of it in kernel/e820.c, with the
 * names of Linux's arch/x86/kernel/e820.c.
 *
 * The loader's map arrives in boot_info as given. At boot
 * e820__memory_setup copies it into e820_table and prints it as Linux does:
 *
 *   BIOS-provided physical RAM map:
 *   BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
 *   BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
 *
 * and everything after reads e820_table: memblock takes its usable RAM
 * (e820__memblock_setup), the direct map and the PAT its ACPI ranges
 * (for_each_e820_range), the resource tree every entry
 * (e820__reserve_resources), and `memmap` prints it (e820__print_table).
 *
 * The map is untrusted input. The table itself is kept as given (memmap
 * shows what the firmware said); e820__memblock_setup accepts any table
 * and warns, one line each, about unsorted, overlapping, zero-length,
 * wrapping or absurd entries, never crashing. Where a usable and a
 * non-usable entry overlap, the non-usable one wins. */
#ifndef KERNEL_E820_H
#define KERNEL_E820_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/types.h"

#define E820_MAX_ENTRIES  128   /* Linux's E820_MAX_ENTRIES_ZEROPAGE */

/* Linux's type values; multiboot2 memory-map types use the same numbers
 * (multiboot2 spec 3.6.8: 1 available, 3 ACPI, 4 preserve on hibernation,
 * 5 defective RAM; everything else reserved). */
enum e820_type {
	E820_TYPE_RAM      = 1,         /* "usable" */
	E820_TYPE_RESERVED = 2,         /* "reserved" */
	E820_TYPE_ACPI     = 3,         /* "ACPI data": tables, reclaimable once read */
	E820_TYPE_NVS      = 4,         /* "ACPI NVS": firmware's, kept across sleep */
	E820_TYPE_UNUSABLE = 5,         /* "unusable": defective RAM */
	E820_TYPE_PMEM     = 7,         /* persistent memory */
	E820_TYPE_PRAM     = 12,        /* persistent memory, pre-ACPI 6 (legacy) */
};

/* A set of types for for_each_e820_range (types below 32). */
#define E820_TYPE_MASK(type) (1U << (type))

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;          /* enum e820_type; unknown firmware types kept as given */
};

struct e820_table {
	uint32_t nr_entries;
	struct e820_entry entries[E820_MAX_ENTRIES];
};

/* The firmware's map as the kernel keeps it (set up by e820__memory_setup),
 * with the command line's memmap= applied; e820_table_firmware is the
 * firmware's map as given (Linux's, for /sys/firmware/memmap). */
extern struct e820_table *e820_table;
extern struct e820_table *e820_table_firmware;

/* Boot, once boot_info is filled: copies the loader's map into e820_table
 * and prints it ("BIOS-provided physical RAM map:", then the table). */
void e820__memory_setup(void);

/* Linux's e820__range_update: the parts of [start, start+size) inside
 * entries of old_type become new_type (entries split as needed, order
 * kept). Returns the bytes changed, 0 if the table would overflow. The
 * command line's memmap=nn[KMG]$ss[KMG] uses it at e820__memory_setup,
 * which then prints the result as Linux's "user: [mem ...]" lines. */
uint64_t e820__range_update(uint64_t start, uint64_t size, uint32_t old_type,
			    uint32_t new_type);
/* One line per entry of e820_table, "<who>: [mem 0x%016llx-0x%016llx]
 * usable" (the end inclusive, an unknown type as "type N"), through out. */
void e820__print_table(const char *who, int (*out)(const char *fmt, ...));
/* `memmap`: e820_table_firmware as "BIOS-e820" lines, then, if memmap=
 * changed it, e820_table as "user" lines (as the boot log shows them);
 * then, when the loader passed one (UEFI), the EFI memory map as Linux's
 * efi=debug prints it (kernel/efi.h). */
void e820__memmap_show(int (*out)(const char *fmt, ...));

/* Linux's printed name for a type: "usable", "reserved", "ACPI data",
 * "ACPI NVS", "unusable", "persistent (type 7)", "persistent (type 12)";
 * "unknown" for any other value. */
const char *e820_type_name(uint32_t type);
/* The name of the entry's iomem resource, Linux's: "System RAM", "ACPI
 * Tables", "ACPI Non-volatile Storage", "Unusable memory", "Persistent
 * Memory", "Persistent Memory (legacy)", "Reserved"; "Unknown E820 type"
 * for any other type. */
const char *e820_type_to_string(const struct e820_entry *entry);

/* Fills memblock.memory from e820_table (Linux's e820__memblock_setup,
 * with the checks of its e820__update_table): usable entries trimmed
 * inward to whole pages, minus every non-usable entry widened outward to
 * whole pages (a reserved range always wins, whatever the order). Entries
 * past 2^52 are clipped or skipped. One line per problem, naming the
 * entry. Boot, on an empty memblock. */
void e820__memblock_setup(void);
/* The same for any map of nr entries (the host tests' entry point);
 * returns how many entries were warned about. */
int __e820__memblock_setup(const struct e820_entry *map, uint32_t nr);

/* Sets [*start, *end) to the whole pages of the next entry at or after
 * *idx whose type is in types (E820_TYPE_MASK bits), and moves *idx past
 * it; false when there is none. Entries holding no whole page are
 * skipped. */
bool __e820__next_range(uint32_t *idx, unsigned int types, phys_addr_t *start,
			phys_addr_t *end);

/* Every entry of e820_table of the given types, in table order, as its
 * whole pages [*p_start, *p_end); i is a uint32_t cursor. Like memblock's
 * for_each_mem_range:
 *
 *   for_each_e820_range(i, E820_TYPE_MASK(E820_TYPE_ACPI), &start, &end)
 *           ... [start, end) ...
 */
#define for_each_e820_range(i, types, p_start, p_end) \
	for (i = 0; __e820__next_range(&i, types, p_start, p_end); )

/* Puts every entry of e820_table in iomem_resource, named by
 * e820_type_to_string (Linux's e820__reserve_resources). Boot, once
 * kmalloc works. */
void e820__reserve_resources(void);

#endif
