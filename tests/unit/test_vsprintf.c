/* The kernel's vsnprintf against the C library's snprintf as the reference
 * model: every format the kernel uses, fixed cases and random ones. */
#include <stdint.h>
#include <stdio.h>
#include "tests/unit/unit.h"

#define vsnprintf carta_vsnprintf
#define snprintf carta_snprintf
#include "kernel/vsprintf.c"
#undef vsnprintf
#undef snprintf

/* Compare both implementations for one format and one argument. */
#define SAME(fmt, arg) do {                                                   \
	char a[256], b[256];                                                  \
	int na = carta_snprintf(a, sizeof(a), fmt, arg);                      \
	int nb = snprintf(b, sizeof(b), fmt, arg);                            \
	EXPECT_STREQ(a, b);                                                   \
	EXPECT_EQ(na, nb);                                                    \
} while (0)

TEST(integers_match_libc)
{
	SAME("%d", 0); SAME("%d", -1); SAME("%d", 2147483647); SAME("%d", (int)-2147483648LL);
	SAME("%5d|", 42); SAME("%-5d|", 42); SAME("%05d", -42); SAME("%+d", 7); SAME("% d", 7);
	SAME("%.3d", 5); SAME("%8.3d|", -5); SAME("%u", 4000000000u); SAME("%x", 0xbeefu);
	SAME("%X", 0xbeefu); SAME("%#x", 0xbeefu); SAME("%#x", 0u); SAME("%#o", 8u); SAME("%o", 0u);
	SAME("%lu", 18446744073709551615UL); SAME("%ld", (long)INT64_MIN); SAME("%016lx", 0x1234UL);
	SAME("%llx", 0xffffffff80000000ULL); SAME("%zu", (size_t)12345); SAME("%hhx", 0x1ff);
	SAME("%hd", 70000); SAME("%.0d|", 0); SAME("%#.0o|", 0u); SAME("%04lx", 0x2UL);
}

TEST(strings_and_chars_match_libc)
{
	SAME("%s", "hello"); SAME("%10s|", "hi"); SAME("%-10s|", "hi"); SAME("%.2s", "hello");
	SAME("%c", 'x'); SAME("%3c|", 'x'); SAME("%-3c|", 'x');
}

TEST(star_width_and_precision)
{
	char a[64], b[64];

	carta_snprintf(a, sizeof(a), "%*d|%-*d|%.*s", 6, 42, 4, 7, 2, "abcdef");
	snprintf(b, sizeof(b), "%*d|%-*d|%.*s", 6, 42, 4, 7, 2, "abcdef");
	EXPECT_STREQ(a, b);
	carta_snprintf(a, sizeof(a), "%*d|", -6, 42);
	snprintf(b, sizeof(b), "%*d|", -6, 42);
	EXPECT_STREQ(a, b);
}

TEST(percent_sign)
{
	char a[32];

	EXPECT_EQ(carta_snprintf(a, sizeof(a), "100%%"), 4);
	EXPECT_STREQ(a, "100%");
}

TEST(pointer_is_0x_and_16_digits)
{
	char a[64];

	carta_snprintf(a, sizeof(a), "%p", (void *)0xffffffff80200000UL);
	EXPECT_STREQ(a, "0xffffffff80200000");
	carta_snprintf(a, sizeof(a), "%p", (void *)0x10);
	EXPECT_STREQ(a, "0x0000000000000010");
}

/* Truncation is the point of this test. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
TEST(truncates_and_returns_full_length)
{
	char a[8], b[8];

	for (size_t size = 0; size <= sizeof(a); size++) {
		memset(a, 'Z', sizeof(a));
		memset(b, 'Z', sizeof(b));
		int na = carta_snprintf(a, size, "%s-%d", "carta", 123456);
		int nb = snprintf(b, size, "%s-%d", "carta", 123456);
		EXPECT_EQ(na, nb);
		EXPECT_EQ(memcmp(a, b, sizeof(a)), 0);   /* nothing written past size */
	}
}

TEST(random_formats_match_libc)
{
	static const char *const convs[] = { "d", "u", "x", "X", "o", "ld", "lu", "lx", "llx", "hx" };
	static const char *const flags[] = { "", "-", "0", "+", " ", "#", "-#", "0#" };
	uint64_t s = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 20000; i++) {
		char fmt[32], a[128], b[128];
		s ^= s << 13; s ^= s >> 7; s ^= s << 17;       /* xorshift64 */
		const char *c = convs[s % 10], *f = flags[(s >> 8) % 8];
		int width = (s >> 16) % 24, prec = (int)((s >> 24) % 20) - 1;
		long long v = (long long)(s * 0x2545f4914f6cdd1dULL);

		if ((c[0] == 'd' || (c[0] == 'l' && c[strlen(c) - 1] == 'd')) && f[0] == '#')
			f = "";                     /* # with d is undefined in C */
		if (prec >= 0)
			snprintf(fmt, sizeof(fmt), "%%%s%d.%d%s", f, width, prec, c);
		else
			snprintf(fmt, sizeof(fmt), "%%%s%d%s", f, width, c);
		if (c[0] == 'l' && c[1] == 'l') {
			carta_snprintf(a, sizeof(a), fmt, v); snprintf(b, sizeof(b), fmt, v);
		} else if (c[0] == 'l') {
			carta_snprintf(a, sizeof(a), fmt, (long)v); snprintf(b, sizeof(b), fmt, (long)v);
		} else {
			carta_snprintf(a, sizeof(a), fmt, (int)v); snprintf(b, sizeof(b), fmt, (int)v);
		}
		if (strcmp(a, b)) {
			EXPECT_STREQ(a, b);
			fprintf(stdout, "# format %s value %lld\n", fmt, v);
			break;
		}
	}
}
