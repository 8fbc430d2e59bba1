/* The KTAP test runner (kernel/selftest.h). */
#include <stdarg.h>
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/power.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "tests/kernel/ktest.h"

extern const struct ktest_case __start_ktests[], __stop_ktests[];
extern const struct ktest_case __start_ktests_early[], __stop_ktests_early[];

static int early_failed;

void kunit_fail(struct kunit *test, const char *file, int line, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_printf("    # %s: %s:%d: %s\n", test->name, file, line, buf);
	test->failures++;
}

static int matches(const struct ktest_case *c, const char *filter)
{
	size_t sl = strlen(c->suite), fl;

	if (!filter)
		return 1;
	fl = strlen(filter);
	if (fl <= sl)
		return !strncmp(c->suite, filter, fl);
	return !strncmp(c->suite, filter, sl) && filter[sl] == '.' &&
	       !strncmp(c->name, filter + sl + 1, fl - sl - 1);
}

static int run_cases(const struct ktest_case *first, const struct ktest_case *end,
		     const char *filter)
{
	int n = 0, failed = 0, total = 0;

	for (const struct ktest_case *c = first; c < end; c++)
		total += matches(c, filter);
	console_printf("KTAP version 1\n1..%d\n", total);
	for (const struct ktest_case *c = first; c < end; c++) {
		struct kunit test = { c->name, 0 };

		if (!matches(c, filter))
			continue;
		c->run(&test);
		failed += test.failures != 0;
		console_printf("%sok %d %s.%s\n", test.failures ? "not " : "", ++n,
			       c->suite, c->name);
	}
	console_printf("# selftest: %d passed, %d failed\n", n - failed, failed);
	return failed;
}

int selftest_run(const char *filter)
{
	return run_cases(__start_ktests, __stop_ktests, filter);
}

int selftest_count(const char *filter)
{
	int total = 0;

	for (const struct ktest_case *c = __start_ktests; c < __stop_ktests; c++)
		total += matches(c, filter);
	return total;
}

int selftest_nr_early(void)
{
	return __stop_ktests_early - __start_ktests_early;
}

void selftest_run_early(void)
{
	early_failed = run_cases(__start_ktests_early, __stop_ktests_early, 0);
}

void selftest_run_and_exit(void)
{
	int failed = selftest_run(0) + early_failed;

	qemu_exit(failed ? QEMU_EXIT_TESTFAIL : QEMU_EXIT_SUCCESS);
	pr_emerg("selftest: no isa-debug-exit device; halting\n");
	machine_halt();
}
