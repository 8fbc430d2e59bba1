/* Starting programs (kernel/exec.c). A program is a multiboot2 module
 * whose string in grub.cfg (`module2 /boot/user/hello.elf hello`) is its
 * name; spawn looks the name up, with or without a leading '/'. */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

struct boot_module;

const struct boot_module *find_program(const char *name);
/* A new process running program `path` with argv[0..argc): its pid, or
 * -ENOENT (no such program), -ENOEXEC (malformed ELF: one line says
 * why), -E2BIG, -ENOMEM. Nothing is left behind on failure. */
long do_spawn(const char *path, int argc, char *const argv[]);
long sys_spawn(const char *upath, char *const *uargv);

#endif
