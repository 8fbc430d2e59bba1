/* The user library: everything a Carta program can call (user/lib).
 *
 * System calls keep Linux's names and arguments but return what the kernel
 * returns: a value >= 0, or -errno (kernel/errno.h) on failure. A pointer
 * result (mmap) is checked with IS_ERR()/PTR_ERR() from user/lib/syscall.h.
 * The string functions, snprintf and kstrtoull are the kernel's own files
 * (kernel/string.c, kernel/vsprintf.c, kernel/kstrtox.c) compiled again for
 * user space, so they behave exactly as in the kernel.
 */
#ifndef USER_LIB_ULIB_H
#define USER_LIB_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include "kernel/errno.h"
#include "kernel/kstrtox.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "kernel/uapi/mman.h"
#include "kernel/uapi/unistd.h"
#include "kernel/uapi/wait.h"
#include "user/lib/syscall.h"

/* ---- system calls (user/lib/syscalls.c) ---- */
long  read(int fd, void *buf, size_t count);
long  write(int fd, const void *buf, size_t count);
int   open(const char *path, int flags);
int   close(int fd);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long offset);
int   munmap(void *addr, size_t len);
void *brk(void *addr);          /* the new break; the old one if it cannot move */
int   sched_yield(void);
int   nanosleep(const struct timespec *req, struct timespec *rem);
int   getpid(void);
void  exit(int code) __attribute__((noreturn));
int   waitpid(int pid, int *status, int options);
int   spawn(const char *path, char *const argv[]);

/* ---- output (user/lib/printf.c) ----
 * One write() per call, so a line is never split by other output. A call
 * prints at most PRINTF_MAX - 1 bytes; longer output is cut. Returns what
 * write() returned. */
#define PRINTF_MAX 512
int vdprintf(int fd, const char *fmt, va_list ap);
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- numbers ---- */

/* Linux's kstrtoul: the whole of s must be a number in base (0: 0x hex,
 * 0 octal, else decimal). 0, -EINVAL or -ERANGE; *res is set only on 0. */
static inline int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int ret = kstrtoull(s, base, &v);

	if (ret == 0)
		*res = v;
	return ret;
}

/* ---- helpers shared by the programs (user/lib/ulib.c) ---- */

/* Prints "PROG: CALL failed: ERR" on stderr and exits with status 1. */
void die(const char *prog, const char *call, long err) __attribute__((noreturn));

/* Opens the device at path read-write and maps its first len bytes shared,
 * readable and writable. Returns the address and the fd in *fdp; on failure
 * calls die() for the call that failed ("open" or "mmap"). */
void *map_device(const char *prog, const char *path, size_t len, int *fdp);

/* Undoes map_device(); die()s if munmap or close fails. */
void unmap_device(const char *prog, void *addr, size_t len, int fd);

/* Spawns path with argv (NULL-terminated) and waits for it. Returns the
 * child's pid with its waitpid status in *status, or -errno if spawn, or the
 * wait for the child it made, failed. */
int spawn_wait(const char *path, char *const argv[], int *status);

#endif
