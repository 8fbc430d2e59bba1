/* In-kernel test cases, KUnit's vocabulary (Documentation/dev-tools/kunit):
 * a case is a function taking struct kunit *, registered with KTEST(suite,
 * name) into the .ktests section; KUNIT_EXPECT_* record a failure with
 * file:line and the values, and the case goes on. kernel/selftest.c runs
 * every case and prints KTAP ("ok N suite.name" / "not ok N suite.name"). */
#ifndef TESTS_KERNEL_KTEST_H
#define TESTS_KERNEL_KTEST_H

#include <stdbool.h>

struct kunit {
	const char *name;
	int failures;
};

struct ktest_case {
	const char *suite;
	const char *name;
	void (*run)(struct kunit *test);
};

#define __KTEST(sect, suite_, name_)                                          \
	static void ktest_##suite_##_##name_(struct kunit *test);             \
	static const struct ktest_case __ktest_##suite_##_##name_              \
	__attribute__((used, section(sect), aligned(8))) =                    \
		{ #suite_, #name_, ktest_##suite_##_##name_ };                 \
	static void ktest_##suite_##_##name_(struct kunit *test)

#define KTEST(suite_, name_) __KTEST(".ktests", suite_, name_)
/* A case that needs early boot (early_ioremap still open): it runs only at
 * boot with cmdline `test`, just before early_ioremap_finish(). */
#define KTEST_EARLY(suite_, name_) __KTEST(".ktests_early", suite_, name_)

void kunit_fail(struct kunit *test, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define KUNIT_EXPECT_EQ(test, a, b) do {                                      \
	unsigned long long __a = (unsigned long long)(a);                     \
	unsigned long long __b = (unsigned long long)(b);                     \
	if (__a != __b)                                                        \
		kunit_fail(test, __FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", \
			   #a, #b, __a, __b);                                 \
} while (0)

#define KUNIT_EXPECT_NE(test, a, b) do {                                      \
	unsigned long long __a = (unsigned long long)(a);                     \
	unsigned long long __b = (unsigned long long)(b);                     \
	if (__a == __b)                                                        \
		kunit_fail(test, __FILE__, __LINE__, "%s != %s: both 0x%llx",  \
			   #a, #b, __a);                                       \
} while (0)

#define KUNIT_EXPECT_TRUE(test, cond) do {                                    \
	if (!(cond))                                                           \
		kunit_fail(test, __FILE__, __LINE__, "expected %s", #cond);    \
} while (0)

#define KUNIT_EXPECT_FALSE(test, cond) KUNIT_EXPECT_TRUE(test, !(cond))

#define KUNIT_EXPECT_STREQ(test, a, b) do {                                   \
	const char *__a = (a), *__b = (b);                                     \
	if (!__a || !__b || strcmp(__a, __b))                                  \
		kunit_fail(test, __FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
			   #a, #b, __a ? __a : "(null)", __b ? __b : "(null)"); \
} while (0)

#endif
