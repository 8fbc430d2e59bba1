/* Reaching user memory from the kernel. A syscall never dereferences a
 * user pointer: it checks the range with access_ok (all of it below
 * TASK_SIZE_MAX, no wrap: a kernel address passed by a program is refused
 * here, before any access) and copies with these, which survive a fault
 * (kernel/copy_user.asm). A fault on a user address inside a VMA is served
 * first (demand paging), so only a truly bad pointer gives -EFAULT. */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stdbool.h>
#include "mm/memlayout.h"

#define __user

extern bool uaccess_smap;       /* CR4.SMAP on: STAC/CLAC needed */

static inline bool access_ok(const void __user *p, unsigned long n)
{
	unsigned long a = (unsigned long)p;

	return n <= TASK_SIZE_MAX && a <= TASK_SIZE_MAX - n;
}

unsigned long __copy_user(void *dst, const void *src, unsigned long n);
long __strncpy_from_user(char *dst, const char __user *src, long n);

/* The number of bytes NOT copied: 0 on success (Linux's convention). */
static inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	return access_ok(from, n) ? __copy_user(to, (const void *)from, n) : n;
}

static inline unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	return access_ok(to, n) ? __copy_user((void *)to, from, n) : n;
}

/* Copies a NUL-terminated string of at most n - 1 bytes plus its NUL:
 * its length, -ENAMETOOLONG if no NUL came within n bytes, -EFAULT. */
long strncpy_from_user(char *dst, const char __user *src, long n);

#endif
