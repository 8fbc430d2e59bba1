/* The multiboot2 boot-information parser (kernel/multiboot2.c).
 *
 * GRUB hands the kernel a block of tags (multiboot2 spec 3.6); the caller
 * copies it somewhere safe and calls multiboot2_parse(), which checks the
 * block's structure and copies what the kernel uses into struct boot_info.
 * Nothing in boot_info points back into the block.
 */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/boot_info.h"

/* What a multiboot2 loader leaves in EAX at entry (spec 3.3). */
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289

/* Parse the boot information block at `info` (a copy the caller made; `avail`
 * bytes are readable there; `info` must be 8-byte aligned, spec 3.6.1).
 * On success fill *bi and return 0. On a structural error return -EINVAL,
 * leave *bi all zero, and write one line (no newline) naming the problem and
 * the values into err[errlen], e.g.
 * "multiboot2: tag 6 at offset 0x48 has size 0x4 (< 8)".
 * Never reads outside [info, info + avail). bi->info_phys is left 0: the
 * caller sets it. Non-fatal oddities (truncated strings, too many modules or
 * memory-map entries) are counted in bi->nr_warnings. */
int multiboot2_parse(const void *info, size_t avail, struct boot_info *bi,
		     char *err, size_t errlen);

#endif
