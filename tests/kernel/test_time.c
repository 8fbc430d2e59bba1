/* The TSC clock (kernel/time.c), timed by the CPU's own counter. */
#include "tests/kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/x86.h"

KTEST(time, tsc_calibrated_and_udelay_waits)
{
	uint64_t t0 = rdtsc(), t1;

	KUNIT_EXPECT_TRUE(test, tsc_khz > 100000);      /* above 100 MHz */
	udelay(2000);
	t1 = rdtsc();
	/* 2 ms at tsc_khz kHz is 2 * tsc_khz cycles, independently of ktime */
	KUNIT_EXPECT_TRUE(test, t1 - t0 >= 2 * tsc_khz);
}
