/* Kernel command-line parsing, Linux's key / key=value rules. */
#include "tests/unit/unit.h"
#include "kernel/cmdline.h"

TEST(finds_bare_key_and_value)
{
	char v[16];

	EXPECT_TRUE(cmdline_find("test loglevel=5", "test", NULL, 0));
	EXPECT_TRUE(cmdline_find("test loglevel=5", "loglevel", v, sizeof(v)));
	EXPECT_STREQ(v, "5");
	EXPECT_TRUE(cmdline_find("  a  b=  ", "b", v, sizeof(v)));
	EXPECT_STREQ(v, "");
}

TEST(key_is_a_whole_word)
{
	EXPECT_FALSE(cmdline_find("testmode", "test", NULL, 0));
	EXPECT_FALSE(cmdline_find("mytest", "test", NULL, 0));
	EXPECT_FALSE(cmdline_find("loglevel=3", "log", NULL, 0));
	EXPECT_FALSE(cmdline_find("", "test", NULL, 0));
	EXPECT_TRUE(cmdline_find("x\ttest", "test", NULL, 0));
}

TEST(value_truncated_to_buffer)
{
	char v[4];

	EXPECT_TRUE(cmdline_find("k=abcdefgh", "k", v, sizeof(v)));
	EXPECT_STREQ(v, "abc");
}

TEST(first_occurrence_wins)
{
	char v[8];

	EXPECT_TRUE(cmdline_find("k=1 k=2", "k", v, sizeof(v)));
	EXPECT_STREQ(v, "1");
}

TEST(parse_int_bounds_and_garbage)
{
	long v = 99;

	EXPECT_TRUE(cmdline_parse_int("7", 0, 8, &v));
	EXPECT_EQ(v, 7);
	EXPECT_TRUE(cmdline_parse_int("-3", -5, 5, &v));
	EXPECT_EQ(v, -3);
	v = 99;
	EXPECT_FALSE(cmdline_parse_int("9", 0, 8, &v));
	EXPECT_FALSE(cmdline_parse_int("", 0, 8, &v));
	EXPECT_FALSE(cmdline_parse_int("-", 0, 8, &v));
	EXPECT_FALSE(cmdline_parse_int("3x", 0, 8, &v));
	EXPECT_FALSE(cmdline_parse_int("99999999999999999999999", 0, 8, &v));
	EXPECT_EQ(v, 99);                       /* untouched on failure */
}
