/* printk and the consoles (contract in kernel/printk.h). */
#include <stdbool.h>
#include "kernel/printk.h"
#include "kernel/vsprintf.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "kernel/types.h"
#include "kernel/x86.h"

#define LOG_BUF_LEN (64 * 1024)

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

static struct console *consoles;
static char log_buf[LOG_BUF_LEN];
static size_t log_head;         /* total bytes ever logged; index = head % LEN */
static bool line_open;          /* the last message did not end in '\n' */
static int line_level = LOGLEVEL_DEFAULT;  /* a KERN_CONT piece takes its line's level */

void register_console(struct console *con)
{
	con->next = consoles;
	consoles = con;
}

void console_write(const char *s, size_t n)
{
	for (struct console *c = consoles; c; c = c->next)
		c->write(s, n);
}

static void log_store(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_buf[(log_head + i) % LOG_BUF_LEN] = s[i];
	log_head += n;
}

void log_buf_for_each(void (*fn)(const char *s, size_t n))
{
	size_t len = min_t(size_t, log_head, LOG_BUF_LEN);
	size_t start = (log_head - len) % LOG_BUF_LEN;
	size_t first = min_t(size_t, len, LOG_BUF_LEN - start);

	fn(log_buf + start, first);
	if (len > first)
		fn(log_buf, len - first);
}

/* Strips a KERN_SOH level prefix; returns the level, 'c' for KERN_CONT. */
static int printk_get_level(const char **fmt)
{
	const char *f = *fmt;

	if (f[0] == KERN_SOH[0] && f[1]) {
		*fmt = f + 2;
		return f[1] == 'c' ? 'c' : f[1] - '0';
	}
	return LOGLEVEL_DEFAULT;
}

int vprintk(const char *fmt, va_list ap)
{
	char text[512], line[560];
	int level = printk_get_level(&fmt);
	bool cont = level == 'c';
	size_t n = 0;

	unsigned long flags;

	vsnprintf(text, sizeof(text), fmt, ap);
	flags = local_irq_save();
	if (cont)
		level = line_level;
	line_level = level;
	if (!cont && line_open)
		line[n++] = '\n';   /* an unfinished line ends before a new message */
	if (!cont) {
		uint64_t us = ktime_get_us();
		n += snprintf(line + n, sizeof(line) - n, "[%5lu.%06lu] ",
			      (unsigned long)(us / 1000000), (unsigned long)(us % 1000000));
	}
	n += snprintf(line + n, sizeof(line) - n, "%s", text);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	line_open = n && line[n - 1] != '\n';
	log_store(line, n);
	if (level < console_loglevel)
		console_write(line, n);
	local_irq_restore(flags);
	return (int)n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

int console_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}
