/* System call numbers, shared by the kernel (kernel/syscall.c) and the user
 * library (user/lib). Where Linux x86-64 has the call, Carta uses its
 * number (arch/x86/entry/syscalls/syscall_64.tbl), so an strace of a Linux
 * program reads the same. spawn is Carta's own: fork+execve in one call.
 *
 * ABI (as Linux's, SDM Vol. 2B SYSCALL): number in RAX, arguments in RDI,
 * RSI, RDX, R10, R8, R9; result in RAX, -errno (-4095..-1) on failure;
 * RCX and R11 are clobbered (SYSCALL saves RIP and RFLAGS in them). */
#ifndef CARTA_UAPI_UNISTD_H
#define CARTA_UAPI_UNISTD_H

#define __NR_read          0    /* read(fd, buf, count): fd 0 = console */
#define __NR_write         1    /* write(fd, buf, count): fd 1, 2 = console */
#define __NR_open          2    /* open(path, flags): device nodes only */
#define __NR_close         3
#define __NR_mmap          9    /* mmap(addr, len, prot, flags, fd, off) */
#define __NR_munmap       11
#define __NR_brk          12    /* brk(addr): the new break, or the old on failure */
#define __NR_sched_yield  24
#define __NR_nanosleep    35    /* nanosleep(const struct timespec *, struct timespec *) */
#define __NR_getpid       39
#define __NR_fork         57    /* fork(): the child's pid; 0 in the child (copy-on-write) */
#define __NR_exit         60
#define __NR_waitpid      61    /* Linux's wait4 without rusage: (pid, &status, options) */
#define __NR_spawn       500    /* spawn(path, argv): the child's pid */
#define __NR_pgaccess    501    /* pgaccess(start, npages, bitmap): accessed pages (A bits) */

#define NR_syscalls      502

#define PGACCESS_MAX_PAGES 1024 /* pages one pgaccess call reports (a 128-byte bitmap) */

#define SPAWN_ARGS_MAX    16    /* argv entries spawn accepts, NULL excluded */
#define SPAWN_ARG_LEN    128    /* bytes per argument, NUL included */

struct timespec {
	long tv_sec;
	long tv_nsec;
};

#endif
