/* kstrtoull (kernel/kstrtox.h). */
#include "kernel/kstrtox.h"
#include "kernel/errno.h"
#include "kernel/string.h"

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

/* The digits end at the suffix, so they are copied out and given to
 * kstrtoull whole: one number parser, one overflow check. */
int kmemparse(const char *s, unsigned long long *res)
{
	char digits[24];
	unsigned int n = 0, shift = 0;
	unsigned long long v;
	int err;

	while (s[n] && s[n] != 'K' && s[n] != 'k' && s[n] != 'M' && s[n] != 'm' &&
	       s[n] != 'G' && s[n] != 'g')
		n++;
	if (n == 0 || n >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
		err = kstrtoull(digits, 16, &v);
	else
		err = kstrtoull(digits, 10, &v);        /* never octal: "010" is ten */
	if (err)
		return err;
	if (s[n]) {
		shift = s[n] == 'K' || s[n] == 'k' ? 10 : s[n] == 'M' || s[n] == 'm' ? 20 : 30;
		if (s[n + 1])
			return -EINVAL;         /* one suffix, last */
		if (v > (~0ULL >> shift))
			return -ERANGE;
	}
	*res = v << shift;
	return 0;
}
