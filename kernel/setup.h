/* Taking over from the boot loader: the boot information copy, and the
 * kernel image's place in the resource tree. The firmware memory map is
 * kernel/e820.h's. */
#ifndef KERNEL_SETUP_H
#define KERNEL_SETUP_H

#include <stdint.h>

#define BOOT_INFO_COPY_MAX (64 * 1024)

/* Copies the loader's multiboot2 block at physical mbi_phys into the kernel
 * and parses it into boot_info. Must run while the identity map exists.
 * Panics, naming the problem, on a block that is too large or malformed. */
void setup_boot_info(uint64_t mbi_phys);

/* Puts the kernel's sections ("Kernel code", "Kernel rodata", "Kernel
 * data", "Kernel bss") in iomem_resource. Boot, right after
 * e820__reserve_resources, so they nest inside System RAM. */
void request_kernel_resources(void);

/* Prints what the boot loader passed: protocol, loader, command line,
 * modules, RSDP, framebuffer (`bootinfo`). */
void boot_info_show(void);

#endif
