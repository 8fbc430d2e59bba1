/* printk: leveled kernel messages with [seconds.micros] timestamps, kept in a
 * log buffer (dmesg) and written to every registered console.
 * Levels as Linux (include/linux/kern_levels.h): a message starts with
 * KERN_SOH and a digit; lower is more urgent. The console shows messages
 * whose level is below console_loglevel (cmdline loglevel=N, default 7). */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#define KERN_SOH     "\001"
#define KERN_EMERG   KERN_SOH "0"
#define KERN_ALERT   KERN_SOH "1"
#define KERN_CRIT    KERN_SOH "2"
#define KERN_ERR     KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE  KERN_SOH "5"
#define KERN_INFO    KERN_SOH "6"
#define KERN_DEBUG   KERN_SOH "7"
#define KERN_CONT    KERN_SOH "c"   /* continues the previous line: no timestamp */

#define LOGLEVEL_DEFAULT 4          /* a message without a level */
#define CONSOLE_LOGLEVEL_DEFAULT 7

struct console {
	const char *name;
	void (*write)(const char *s, size_t n);
	struct console *next;
};

extern int console_loglevel;

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
void register_console(struct console *con);

/* Write straight to the consoles: no level, no timestamp, no log (the shell). */
void console_write(const char *s, size_t n);
int console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The log buffer: oldest first; calls fn on each piece of text. */
void log_buf_for_each(void (*fn)(const char *s, size_t n));

#define pr_emerg(fmt, ...) printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(KERN_ALERT fmt, ##__VA_ARGS__)
#define pr_crit(fmt, ...)  printk(KERN_CRIT fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)   printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)  printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)  printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...)  printk(KERN_CONT fmt, ##__VA_ARGS__)

#endif
