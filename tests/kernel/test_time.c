/* The TSC clock (kernel/time.c), timed by the CPU's own counter. */
#include "tests/kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/types.h"
#include "kernel/x86.h"
#include "drivers/apic.h"

KTEST(time, tsc_calibrated_and_udelay_waits)
{
	uint64_t t0 = rdtsc(), t1;

	KUNIT_EXPECT_TRUE(test, tsc_khz > 100000);      /* above 100 MHz */
	udelay(2000);
	t1 = rdtsc();
	/* 2 ms at tsc_khz kHz is 2 * tsc_khz cycles, independently of ktime */
	KUNIT_EXPECT_TRUE(test, t1 - t0 >= 2 * tsc_khz);
}

/* Waits until jiffies reaches `until`, for at most `max_us` of TSC time;
 * the TSC at that moment (0 on timeout: no tick). */
static uint64_t wait_jiffies(uint64_t until, uint64_t max_us)
{
	uint64_t t0 = rdtsc();

	while (jiffies < until)
		if (tsc_cycles_to_us(rdtsc() - t0) > max_us)
			return 0;
	return rdtsc();
}

/* The LAPIC tick (calibrated against the TSC over the boot) comes HZ
 * times a second: 50 jiffies, from one tick edge to another, against the
 * TSC. Ticks never come early (QEMU skips periods it missed, it does not
 * bunch them), so the lower bound holds for every try. A busy host can
 * only delay them, never hurry them: the upper bound is checked on the
 * fastest of three tries. A wrong divide or a bad calibration misses both
 * by far. */
KTEST(time, lapic_tick_is_hz_against_the_tsc)
{
	uint64_t fastest = ~0ULL;

	KUNIT_EXPECT_TRUE(test, lapic_timer_ticks_per_jiffy > 0);
	for (int try = 0; try < 3; try++) {
		uint64_t edge = jiffies + 1, t0, t1, us;

		t0 = wait_jiffies(edge, 1000000);
		t1 = t0 ? wait_jiffies(edge + 50, 5000000) : 0;
		KUNIT_EXPECT_TRUE(test, t0 && t1);
		if (!t0 || !t1)
			return;
		us = tsc_cycles_to_us(t1 - t0);
		KUNIT_EXPECT_TRUE(test, us >= 50 * (1000000 / HZ) * 98 / 100);
		fastest = min(fastest, us);
	}
	KUNIT_EXPECT_TRUE(test, fastest <= 50 * (1000000 / HZ) * 3 / 2);
}
