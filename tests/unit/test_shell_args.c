/* The shell's two argument parsers (shell/args.c) and kmemparse under
 * them: addresses hex with an optional 0x, sizes decimal or 0x hex with
 * an optional K/M/G, the whole string or nothing. */
#include "tests/unit/unit.h"
#include "shell/shell.h"
#include "kernel/errno.h"
#include "kernel/kstrtox.h"

static const struct parse_case {
	const char *name, *in;
	int addr_err;
	unsigned long long addr;
	int size_err;
	unsigned long long size;
} parse_cases[] = {
	{ "hex_digits",        "1000",       0, 0x1000,  0, 1000 },
	{ "with_0x",           "0x1000",     0, 0x1000,  0, 0x1000 },
	{ "upper_0X",          "0X1f",       0, 0x1f,    0, 0x1f },
	{ "kilo",              "4K",         -EINVAL, 0, 0, 4096 },
	{ "kilo_lower",        "4k",         -EINVAL, 0, 0, 4096 },
	{ "mega",              "2M",         -EINVAL, 0, 0, 2 << 20 },
	{ "giga",              "1G",         -EINVAL, 0, 0, 1ULL << 30 },
	{ "hex_then_suffix",   "0x10K",      -EINVAL, 0, 0, 16 << 10 },
	{ "leading_zero_is_not_octal", "010", 0, 0x10,   0, 10 },
	{ "hex_letters_are_no_size", "ff",   0, 0xff,    -EINVAL, 0 },
	{ "two_suffixes",      "1KK",        -EINVAL, 0, -EINVAL, 0 },
	{ "suffix_alone",      "K",          -EINVAL, 0, -EINVAL, 0 },
	{ "empty",             "",           -EINVAL, 0, -EINVAL, 0 },
	{ "bare_0x",           "0x",         -EINVAL, 0, -EINVAL, 0 },
	{ "trailing_junk",     "12z",        -EINVAL, 0, -EINVAL, 0 },
	{ "space_inside",      "1 2",        -EINVAL, 0, -EINVAL, 0 },
	{ "negative",          "-1",         -EINVAL, 0, -EINVAL, 0 },
	{ "addr_max",          "ffffffffffffffff", 0, ~0ULL, -EINVAL, 0 },
	{ "addr_too_big",      "1ffffffffffffffff", -ERANGE, 0, -EINVAL, 0 },
	{ "size_overflows_by_suffix", "17179869184G", -EINVAL, 0, -ERANGE, 0 },
	{ "size_just_fits",    "17179869183G", -EINVAL, 0, 0, 17179869183ULL << 30 },
};

static void run_parse_case(const struct parse_case *c)
{
	unsigned long long v = 12345;

	EXPECT_EQ(shell_parse_addr(c->in, &v), c->addr_err);
	EXPECT_EQ(v, c->addr_err ? 12345 : c->addr);
	v = 12345;
	EXPECT_EQ(shell_parse_size(c->in, &v), c->size_err);
	EXPECT_EQ(v, c->size_err ? 12345 : c->size);
}
TEST_CASES(parse_cases, run_parse_case)
