/* Taking over from the boot loader: the boot information copy, and the
 * kernel image's place in the resource tree. The firmware memory map is
 * kernel/e820.h's. */
#ifndef KERNEL_SETUP_H
#define KERNEL_SETUP_H

#include <stdint.h>

#define BOOT_INFO_COPY_MAX (64 * 1024)

/* Takes over what the loader passed: magic says which protocol (boot/head.asm
 * passes MULTIBOOT2_BOOTLOADER_MAGIC or XEN_HVM_START_MAGIC_VALUE), info_phys
 * where its information is. A multiboot2 block is copied into the kernel and
 * parsed; a PVH start info is parsed where it lies. Either fills boot_info;
 * then the initramfs modules are unpacked (populate_rootfs). Must run while
 * the identity map exists. Panics, naming the problem, on an unknown magic
 * or malformed information (a malformed initramfs only gets a line). */
void setup_boot_info(uint32_t magic, uint64_t info_phys);

/* Puts the kernel's sections ("Kernel code", "Kernel rodata", "Kernel
 * data", "Kernel bss") in iomem_resource. Boot, right after
 * e820__reserve_resources, so they nest inside System RAM. */
void request_kernel_resources(void);

/* Prints what the boot loader passed: protocol, loader, command line,
 * modules, RSDP, framebuffer (`bootinfo`). */
void boot_info_show(void);

#endif
