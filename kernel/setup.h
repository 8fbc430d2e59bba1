/* Taking over from the boot loader: the boot information copy and the
 * firmware memory map. */
#ifndef KERNEL_SETUP_H
#define KERNEL_SETUP_H

#include <stdint.h>

#define BOOT_INFO_COPY_MAX (64 * 1024)

/* Copies the loader's multiboot2 block at physical mbi_phys into the kernel
 * and parses it into boot_info. Must run while the identity map exists.
 * Panics, naming the problem, on a block that is too large or malformed. */
void setup_boot_info(uint64_t mbi_phys);

/* Prints Linux's "BIOS-e820: [mem 0x...-0x...] usable" lines via printk. */
void e820_print_map(const char *who);

/* Puts the firmware map and the kernel's sections in iomem_resource
 * (Linux's names). Boot, once kmalloc works. */
void e820_reserve_resources(void);

#endif
