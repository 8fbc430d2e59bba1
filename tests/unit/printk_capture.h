/* The one printk of the host tests, for every source under test that
 * prints (pr_err, pr_warn, ... are printk with a KERN_ level): every
 * message kept (without its level) in msgs, the last one in last_line,
 * calls, lines and KERN_WARNING messages counted; each call must be one
 * whole line unless the test defines PRINTK_CAPTURE_PARTIAL_LINES first.
 * clear_msgs() forgets them all. Include after tests/unit/unit.h, in one
 * file per test program (a shared harness header includes it for its
 * programs). */
#ifndef TESTS_UNIT_PRINTK_CAPTURE_H
#define TESTS_UNIT_PRINTK_CAPTURE_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/printk_capture.h"
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include "kernel/printk.h"

static char msgs[1 << 16];
static size_t msgs_len;
static int nr_calls, nr_lines;
static int nr_warnings;         /* at KERN_WARNING: the parsers' rejections */
static char last_line[512];

int printk(const char *fmt, ...)
{
	char buf[512];
	const char *s = buf;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (buf[0] == KERN_SOH[0] && buf[1]) {
		nr_warnings += buf[1] == KERN_WARNING[1];
		s += 2;
	}
	nr_calls++;
	for (const char *p = s; *p; p++)
		nr_lines += *p == '\n';
#ifndef PRINTK_CAPTURE_PARTIAL_LINES
	EXPECT_TRUE(strchr(s, '\n') && !strchr(s, '\n')[1]);       /* one whole line */
#endif
	strcpy(last_line, s);
	if (msgs_len + strlen(s) + 1 < sizeof(msgs)) {
		strcpy(msgs + msgs_len, s);
		msgs_len += strlen(s);
	}
	return n;
}

static inline void clear_msgs(void)
{
	msgs[0] = 0;
	msgs_len = 0;
	nr_calls = nr_lines = nr_warnings = 0;
	last_line[0] = 0;
}

/* The out() that the *_print functions take (buddyinfo, slabinfo,
 * resource_print): everything printed, collected in out_buf from the
 * last out_reset(). */
static char out_buf[1 << 14];
static size_t out_len;

static inline void out_reset(void)
{
	out_buf[0] = 0;
	out_len = 0;
}

static inline int out_capture(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out_buf + out_len, sizeof(out_buf) - out_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		out_len += (size_t)n < sizeof(out_buf) - out_len ? (size_t)n : 0;
	return n;
}

static inline bool logged(const char *line)
{
	return strstr(msgs, line) != NULL;
}

#endif
