/* The initramfs: user programs arrive as one cpio archive in the "newc"
 * format Linux uses (Documentation/driver-api/early-userspace/
 * buffer-format.rst), passed as a boot module: GRUB's module2 line or
 * QEMU's -initrd. At boot populate_rootfs unpacks every module into
 * `rootfs`, the flat table of files `run` looks programs up in.
 *
 * Unpacking copies nothing: an entry records where the file's bytes lie
 * inside the archive (physical addresses). The module stays reserved in
 * memblock (memblock_setup) and the bytes are read through the direct map.
 *
 * Each entry in the archive (offsets from the archive's start, which is
 * 4-byte aligned):
 *
 *   "070701"  13 fields of 8 hex digits: ino mode uid gid nlink mtime
 *             filesize devmajor devminor rdevmajor rdevminor namesize check
 *   name      namesize bytes, its NUL included; then NULs up to a multiple of 4
 *   data      filesize bytes; then NULs up to a multiple of 4
 *
 * The entry named "TRAILER!!!" ends an archive. As in Linux, archives may be
 * concatenated, with NULs between them (a test archive appended to the
 * programs' one adds its files); a later file of the same name replaces an
 * earlier one.
 */
#ifndef KERNEL_INITRAMFS_H
#define KERNEL_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/boot_info.h"

#define INITRAMFS_FILES_MAX  64
#define INITRAMFS_NAME_MAX   64         /* with the NUL */

struct initramfs_file {
	char     name[INITRAMFS_NAME_MAX];  /* leading "/" and "./" dropped */
	uint64_t start;                     /* physical, inclusive */
	uint64_t end;                       /* physical, exclusive */
};

/* Carta's rootfs: regular files only, no directories (an archive's
 * directory entries are skipped), looked up by name. */
struct rootfs {
	uint32_t nr_files;
	struct initramfs_file files[INITRAMFS_FILES_MAX];
};

extern struct rootfs rootfs;

/* Unpacks the archive(s) in buf[0..len), whose first byte is at physical
 * `phys`, into fs. A pure function: no printk, no allocation. Returns 0
 * when every archive in buf ended with its trailer; else -EINVAL, with
 * one line (no newline) in err[errlen] naming the problem and its offset,
 * e.g. "bad magic \"070707\" at offset 0x0 (expected \"070701\")". The
 * files of the entries before the problem stay in fs; the rest of buf is
 * not read. Never reads outside buf. */
int unpack_to_rootfs(struct rootfs *fs, const void *buf, size_t len, uint64_t phys,
		     char *err, size_t errlen);

/* The file called name in fs ("/hello" and "hello" alike), or NULL. */
const struct initramfs_file *rootfs_lookup(const struct rootfs *fs, const char *name);

/* Boot, from setup_boot_info once boot_info is filled: unpacks each boot
 * module, read through map_phys, into rootfs; one line per module
 * ("Unpacked initramfs ...: rootfs has N files", or "Initramfs unpacking
 * failed: ..."), or one warning when there is no module at all. A
 * malformed archive never stops the boot. */
void populate_rootfs(boot_map_phys_t map_phys);

#endif
