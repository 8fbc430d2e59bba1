/* The system call wrappers (prototypes in user/lib/ulib.h): each passes its
 * arguments through unchanged and returns the kernel's answer, -errno
 * included. Numbers are in kernel/uapi/unistd.h. */
#include "user/lib/ulib.h"

long read(int fd, void *buf, size_t count)
{
	return syscall3(__NR_read, fd, buf, count);
}

long write(int fd, const void *buf, size_t count)
{
	return syscall3(__NR_write, fd, buf, count);
}

int open(const char *path, int flags)
{
	return syscall2(__NR_open, path, flags);
}

int close(int fd)
{
	return syscall1(__NR_close, fd);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, long offset)
{
	return (void *)syscall6(__NR_mmap, (long)addr, len, prot, flags, fd, offset);
}

int munmap(void *addr, size_t len)
{
	return syscall2(__NR_munmap, addr, len);
}

void *brk(void *addr)
{
	return (void *)syscall1(__NR_brk, addr);
}

int sched_yield(void)
{
	return syscall0(__NR_sched_yield);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return syscall2(__NR_nanosleep, req, rem);
}

int getpid(void)
{
	return syscall0(__NR_getpid);
}

void exit(int code)
{
	syscall1(__NR_exit, code);
	for (;;)                /* exit never returns; if it did, do not run on */
		;
}

int waitpid(int pid, int *status, int options)
{
	return syscall3(__NR_waitpid, pid, status, options);
}

int spawn(const char *path, char *const argv[])
{
	return syscall2(__NR_spawn, path, argv);
}
