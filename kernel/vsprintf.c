/* snprintf/vsnprintf for the kernel (contract in kernel/vsprintf.h).
 * The host unit tests (tests/unit/test_vsprintf.c) check it against the C
 * library's snprintf as the reference. */
#include <stdint.h>
#include <stdbool.h>
#include "kernel/vsprintf.h"
#include "kernel/string.h"
#include "kernel/types.h"

struct outbuf {
	char *buf;
	size_t size, len;       /* len counts every byte, stored or not */
};

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec;        /* prec < 0: none */
	int length;             /* 0 int, 1 long, 2 long long, -1 short, -2 char */
	int base;
	bool upper, is_signed;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_string(struct outbuf *o, const char *s, const struct spec *sp)
{
	size_t n = s ? strnlen(s, sp->prec < 0 ? SIZE_MAX : (size_t)sp->prec) : 6;
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!s)
		s = "(null)";
	if (!sp->left)
		out_pad(o, ' ', pad);
	for (size_t i = 0; i < n; i++)
		out_char(o, s[i]);
	if (sp->left)
		out_pad(o, ' ', pad);
}

/* Digits of v in base, least significant first; returns how many. */
static int to_digits(char *tmp, uint64_t v, int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	return n;
}

static void out_number(struct outbuf *o, uint64_t v, bool neg, const struct spec *sp)
{
	char tmp[24], sign = 0;
	const char *prefix = "";
	int n = (v == 0 && sp->prec == 0) ? 0 : to_digits(tmp, v, sp->base, sp->upper);
	int zeros = sp->prec > n ? sp->prec - n : 0;

	if (neg)
		sign = '-';
	else if (sp->is_signed && sp->plus)
		sign = '+';
	else if (sp->is_signed && sp->space)
		sign = ' ';
	if (sp->alt && sp->base == 16 && v)
		prefix = sp->upper ? "0X" : "0x";
	if (sp->alt && sp->base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
		zeros = 1;

	int body = n + zeros + (sign != 0) + (int)strlen(prefix);
	int pad = sp->width > body ? sp->width - body : 0;

	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		out_pad(o, ' ', pad);
	if (sign)
		out_char(o, sign);
	for (const char *p = prefix; *p; p++)
		out_char(o, *p);
	out_pad(o, '0', zeros);
	while (n--)
		out_char(o, tmp[n]);
	if (sp->left)
		out_pad(o, ' ', pad);
}

/* Parses flags, width, precision and length at *fmt; advances it. */
static void parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
	const char *f = *fmt;

	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-') sp->left = true;
		else if (*f == '0') sp->zero = true;
		else if (*f == '+') sp->plus = true;
		else if (*f == ' ') sp->space = true;
		else if (*f == '#') sp->alt = true;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'l') sp->length++;
		else if (*f == 'h') sp->length--;
		else if (*f == 'z' || *f == 't' || *f == 'j') sp->length = 1;
		else break;
	}
	*fmt = f;
}

static uint64_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 1)
		return sp->length == 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned long long);
	unsigned int v = va_arg(*ap, unsigned int);
	return sp->length == -1 ? (unsigned short)v : sp->length <= -2 ? (unsigned char)v : v;
}

static int64_t fetch_signed(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 1)
		return sp->length == 1 ? va_arg(*ap, long) : va_arg(*ap, long long);
	int v = va_arg(*ap, int);
	return sp->length == -1 ? (short)v : sp->length <= -2 ? (signed char)v : v;
}

static void format_one(struct outbuf *o, char conv, struct spec *sp, va_list *ap)
{
	char c;

	sp->base = 10;
	switch (conv) {
	case 'd': case 'i': {
		int64_t v = fetch_signed(sp, ap);
		sp->is_signed = true;
		out_number(o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, sp);
		break;
	}
	case 'X': sp->upper = true; /* fall through */
	case 'x': sp->base = 16; out_number(o, fetch_unsigned(sp, ap), false, sp); break;
	case 'o': sp->base = 8; out_number(o, fetch_unsigned(sp, ap), false, sp); break;
	case 'u': out_number(o, fetch_unsigned(sp, ap), false, sp); break;
	case 'p':
		sp->base = 16;
		sp->alt = false;
		out_char(o, '0');
		out_char(o, 'x');
		sp->prec = 16;
		out_number(o, (uintptr_t)va_arg(*ap, void *), false, sp);
		break;
	case 's': out_string(o, va_arg(*ap, const char *), sp); break;
	case 'c':
		c = (char)va_arg(*ap, int);
		sp->prec = 1;
		out_pad(o, ' ', sp->left ? 0 : sp->width - 1);
		out_char(o, c);
		out_pad(o, ' ', sp->left ? sp->width - 1 : 0);
		break;
	case '%': out_char(o, '%'); break;
	default:  /* unknown conversion: print it as given, like Linux */
		out_char(o, '%');
		if (conv)
			out_char(o, conv);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &sp, &aq);
		format_one(&o, *fmt, &sp, &aq);
		if (*fmt)
			fmt++;
	}
	va_end(aq);
	if (size)
		buf[min(o.len, size - 1)] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
