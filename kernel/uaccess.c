/* strncpy_from_user and the SMAP switch (kernel/uaccess.h). */
#include "kernel/uaccess.h"
#include "kernel/errno.h"

bool uaccess_smap;

long strncpy_from_user(char *dst, const char __user *src, long n)
{
	unsigned long a = (unsigned long)src;
	long len;

	if (n <= 0 || a >= TASK_SIZE_MAX)
		return -EFAULT;
	if ((unsigned long)n > TASK_SIZE_MAX - a)       /* never read past the user half */
		n = TASK_SIZE_MAX - a;
	len = __strncpy_from_user(dst, src, n);
	if (len == n) {
		dst[n - 1] = 0;
		return a + n == TASK_SIZE_MAX ? -EFAULT : -ENAMETOOLONG;
	}
	return len;
}
