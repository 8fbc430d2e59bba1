/* A tiny host unit-test harness, header-only. Include it in exactly one file
 * per test binary (it defines main()).
 *
 *   TEST(parses_foo) { EXPECT_EQ(foo(1), 2); }
 *
 * Cases that differ only in data are a table run by one function, each
 * row reported as a test of its own under its `name` member:
 *
 *   static const struct foo_case { const char *name; int in, out; } foo_cases[] = {
 *           { "foo_of_one_is_two", 1, 2 }, ...
 *   };
 *   static void run_foo_case(const struct foo_case *c) { EXPECT_EQ(foo(c->in), c->out); }
 *   TEST_CASES(foo_cases, run_foo_case)
 *
 * Output is KTAP (docs.kernel.org/dev-tools/ktap.html): "KTAP version 1", the
 * plan "1..N", then "ok K name" or "not ok K name" per test, in file order.
 * A failed EXPECT_* prints "# file:line: ..." diagnostics (expected and seen)
 * before the result line and lets the test carry on. The binary exits 0 if
 * every test passed, 1 otherwise.
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* Under ASan (gcc defines __SANITIZE_ADDRESS__, clang has the feature test)
 * a sanitizer report still ends with a "not ok" line for the test. */
#if defined(__SANITIZE_ADDRESS__)
#define UNIT_HAVE_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNIT_HAVE_SANITIZER 1
#endif
#endif
#ifdef UNIT_HAVE_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

#define UNIT_MAX_TESTS     256
#define UNIT_MAX_DIAGS     20   /* failed expectations printed per test */
#define UNIT_TIMEOUT       60  /* seconds per test before it counts as hung */

struct unit_test {
	const char *name;
	void (*fn)(void);               /* a TEST's body, or */
	void (*run_case)(const void *); /* the runner of a TEST_CASES row */
	const void *row;                /* (called with the row) */
	int line;               /* to run in file order whatever the ctor order */
	int seq;                /* registration order: a table's rows share a line */
};

static struct unit_test unit_tests[UNIT_MAX_TESTS];
static int unit_nr_tests;
static int unit_failures;       /* failed expectations in the running test */

static void unit_register_case(const char *name, void (*fn)(void),
			       void (*run_case)(const void *), const void *row, int line)
{
	if (unit_nr_tests == UNIT_MAX_TESTS) {
		fprintf(stderr, "unit.h: more than %d tests\n", UNIT_MAX_TESTS);
		exit(1);
	}
	unit_tests[unit_nr_tests] = (struct unit_test){ name, fn, run_case, row, line,
							unit_nr_tests };
	unit_nr_tests++;
}

static inline void unit_register(const char *name, void (*fn)(void), int line)
{
	unit_register_case(name, fn, NULL, NULL, line);
}

/* Define and register a test; the braces that follow are its body. */
#define TEST(name)                                                        \
	static void unit_test_##name(void);                               \
	__attribute__((constructor)) static void unit_reg_##name(void)    \
	{                                                                 \
		unit_register(#name, unit_test_##name, __LINE__);         \
	}                                                                 \
	static void unit_test_##name(void)

/* Register every row of `table` as a test named by its `name` member, run
 * by run(const row *); the rows run where the macro stands, in table order. */
#define TEST_CASES(table, run)                                            \
	static void unit_run_##table(const void *row)                     \
	{                                                                 \
		run((const __typeof__((table)[0]) *)row);                 \
	}                                                                 \
	__attribute__((constructor)) static void unit_reg_##table(void)   \
	{                                                                 \
		size_t n = sizeof(table) / sizeof((table)[0]);            \
									  \
		for (size_t i = 0; i < n; i++)                            \
			unit_register_case((table)[i].name, NULL,         \
					   unit_run_##table, &(table)[i], \
					   __LINE__);                     \
	}

/* Print a "# " diagnostic line (for context in a test's output). */
#define UNIT_DIAG(...)                                                    \
	do {                                                              \
		printf("# ");                                             \
		printf(__VA_ARGS__);                                      \
		printf("\n");                                             \
	} while (0)

/* Count a failed expectation; true if its diagnostics should be printed. */
static bool unit_fail(const char *file, int line)
{
	unit_failures++;
	if (unit_failures == UNIT_MAX_DIAGS + 1)
		printf("# %s:%d: further failures in this test not shown\n", file, line);
	return unit_failures <= UNIT_MAX_DIAGS;
}

#define EXPECT_TRUE(x)                                                    \
	do {                                                              \
		if (!(x) && unit_fail(__FILE__, __LINE__))                \
			printf("# %s:%d: EXPECT_TRUE(%s): was false\n",   \
			       __FILE__, __LINE__, #x);                   \
	} while (0)

/* Integers of any width and signedness; each side evaluated once. */
#define EXPECT_FALSE(x) EXPECT_TRUE(!(x))

#define EXPECT_EQ(a, b)                                                   \
	do {                                                              \
		long long unit_a_ = (long long)(a);                       \
		long long unit_b_ = (long long)(b);                       \
		if (unit_a_ != unit_b_ && unit_fail(__FILE__, __LINE__))  \
			printf("# %s:%d: EXPECT_EQ(%s, %s): expected %lld (0x%llx), got %lld (0x%llx)\n", \
			       __FILE__, __LINE__, #a, #b, unit_b_,       \
			       (unsigned long long)unit_b_, unit_a_,      \
			       (unsigned long long)unit_a_);              \
	} while (0)

#define EXPECT_STREQ(a, b)                                                \
	do {                                                              \
		const char *unit_a_ = (a), *unit_b_ = (b);                \
		if ((!unit_a_ || !unit_b_ || strcmp(unit_a_, unit_b_)) && \
		    unit_fail(__FILE__, __LINE__))                        \
			printf("# %s:%d: EXPECT_STREQ(%s, %s): expected \"%s\", got \"%s\"\n", \
			       __FILE__, __LINE__, #a, #b,                \
			       unit_b_ ? unit_b_ : "(null)",              \
			       unit_a_ ? unit_a_ : "(null)");             \
	} while (0)

#define EXPECT_MEMEQ(a, b, n)                                             \
	do {                                                              \
		size_t unit_n_ = (n);                                     \
		if (memcmp((a), (b), unit_n_) && unit_fail(__FILE__, __LINE__)) \
			printf("# %s:%d: EXPECT_MEMEQ(%s, %s, %zu): bytes differ\n", \
			       __FILE__, __LINE__, #a, #b, unit_n_);      \
	} while (0)

/* The result line for the running test if it dies (sanitizer report, or
 * the watchdog): formatted before the test runs, written without stdio. */
static char unit_death_line[256];

static void unit_die(void)
{
	static volatile sig_atomic_t once;

	if (once++)
		return;         /* callback and SIGABRT can both get here */
	fflush(stdout);
	if (write(1, unit_death_line, strlen(unit_death_line)) < 0)
		_exit(1);
}

static void unit_fatal_signal(int sig)
{
	(void)sig;
	unit_die();
	_exit(1);
}

#ifdef UNIT_HAVE_SANITIZER
/* UBSan's fatal reports do not run the death callback; make them abort so
 * the SIGABRT handler above writes the result line. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "abort_on_error=1:print_stacktrace=1";
}
#endif

static int unit_by_line(const void *a, const void *b)
{
	const struct unit_test *x = a, *y = b;

	return x->line != y->line ? x->line - y->line : x->seq - y->seq;
}

int main(void)
{
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);   /* results survive a crash */
	signal(SIGALRM, unit_fatal_signal);
	signal(SIGABRT, unit_fatal_signal);
#ifdef UNIT_HAVE_SANITIZER
	__sanitizer_set_death_callback(unit_die);
#endif
	qsort(unit_tests, unit_nr_tests, sizeof(unit_tests[0]), unit_by_line);
	printf("KTAP version 1\n1..%d\n", unit_nr_tests);
	for (int i = 0; i < unit_nr_tests; i++) {
		unit_failures = 0;
		snprintf(unit_death_line, sizeof(unit_death_line),
			 "# %s died: sanitizer report, signal or over %ds\nnot ok %d %s\n",
			 unit_tests[i].name, UNIT_TIMEOUT, i + 1, unit_tests[i].name);
		alarm(UNIT_TIMEOUT);
		if (unit_tests[i].run_case)
			unit_tests[i].run_case(unit_tests[i].row);
		else
			unit_tests[i].fn();
		alarm(0);
		printf("%sok %d %s\n", unit_failures ? "not " : "", i + 1,
		       unit_tests[i].name);
		failed += unit_failures != 0;
	}
	printf("# Totals: pass:%d fail:%d skip:0 total:%d\n",
	       unit_nr_tests - failed, failed, unit_nr_tests);
	return failed ? 1 : 0;
}

#endif
