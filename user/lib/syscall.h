/* The raw system call: one inline function for every call in user/lib.
 *
 * Carta's ABI is Linux's (kernel/uapi/unistd.h, SDM Vol. 2B SYSCALL): number
 * in RAX, arguments in RDI, RSI, RDX, R10, R8, R9, result in RAX. SYSCALL
 * itself overwrites RCX (the return RIP) and R11 (RFLAGS), so both are
 * clobbered; "memory" because the kernel may read or write any buffer we
 * passed. R10 carries the fourth argument because RCX is taken.
 *
 * Calls return -errno (-4095..-1) on failure, as inside the kernel: there is
 * no errno variable and no -1.
 */
#ifndef USER_LIB_SYSCALL_H
#define USER_LIB_SYSCALL_H

#include <stdbool.h>
#include "kernel/uapi/unistd.h"

static inline long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 asm("r10") = a4;
	register long r8 asm("r8") = a5;
	register long r9 asm("r9") = a6;
	long ret = nr;          /* RAX: the number in, the result out */

	asm volatile("syscall"
		     : "+a"(ret)
		     : "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
		     : "rcx", "r11", "memory");
	return ret;
}

/* Fewer arguments: the unused registers are passed as 0 and ignored. */
#define syscall0(nr)                 syscall6(nr, 0, 0, 0, 0, 0, 0)
#define syscall1(nr, a)              syscall6(nr, (long)(a), 0, 0, 0, 0, 0)
#define syscall2(nr, a, b)           syscall6(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define syscall3(nr, a, b, c)        syscall6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)

/* Linux's names for telling an error from a value: -4095..-1 are errors,
 * every other value (an address from mmap, a pid) is a result. */
#define MAX_ERRNO 4095

static inline bool IS_ERR_VALUE(unsigned long x)
{
	return x >= (unsigned long)-MAX_ERRNO;
}

static inline bool IS_ERR(const void *p)
{
	return IS_ERR_VALUE((unsigned long)p);
}

static inline long PTR_ERR(const void *p)
{
	return (long)p;
}

#endif
