/* printf for user programs: the kernel's vsnprintf (kernel/vsprintf.c)
 * formats into a buffer, and one write() sends it. */
#include "user/lib/ulib.h"

/* In .bss, not on the stack: a process's stack is small, and with one
 * thread and no signal handlers nothing can call printf while it runs. */
static char buf[PRINTF_MAX];

int vdprintf(int fd, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n > (int)sizeof(buf) - 1)   /* cut: vsnprintf kept what fits */
		n = sizeof(buf) - 1;
	return write(fd, buf, n);
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vdprintf(fd, fmt, ap);
	va_end(ap);
	return ret;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vdprintf(1, fmt, ap);
	va_end(ap);
	return ret;
}
