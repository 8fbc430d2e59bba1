/* kstrtoull (kernel/kstrtox.h). */
#include "kernel/kstrtox.h"
#include "kernel/errno.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v = 0;
	const char *start;

	if (base == 0 || base == 16) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
			s += 2;
			base = 16;
		} else if (base == 0) {
			base = s[0] == '0' && s[1] ? 8 : 10;
		}
	}
	for (start = s; *s && !(*s == '\n' && !s[1]); s++) {
		unsigned int d = digit_value(*s);
		if (d >= base)
			return -EINVAL;
		if (v > (~0ULL - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (s == start)
		return -EINVAL;
	*res = v;
	return 0;
}
