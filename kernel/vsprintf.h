/* Formatted output into a buffer (kernel/vsprintf.c). The same contract as
 * C's snprintf for the conversions the kernel uses: %d %i %u %x %X %o %p %s
 * %c %%, flags - 0 + space #, width and precision (also *), length h hh l ll
 * z t j. Always NUL-terminates when size > 0; returns the length the full
 * output would have had. %p prints 0x and 16 hex digits. */
#ifndef KERNEL_VSPRINTF_H
#define KERNEL_VSPRINTF_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
