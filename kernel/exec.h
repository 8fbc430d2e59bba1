/* Starting programs (kernel/exec.c). A program is a file in the initramfs
 * (kernel/initramfs.h: build/initramfs.cpio, unpacked into rootfs at boot);
 * spawn looks its name up, with or without a leading '/'. */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

struct initramfs_file;

/* The program called name ("hello" or "/hello"), or NULL. */
const struct initramfs_file *find_program(const char *name);
/* A new process running program `path` with argv[0..argc): its pid, or
 * -ENOENT (no such program), -ENOEXEC (malformed ELF: one line says
 * why), -E2BIG, -ENOMEM. Nothing is left behind on failure. */
long do_spawn(const char *path, int argc, char *const argv[]);
long sys_spawn(const char *upath, char *const *uargv);

#endif
