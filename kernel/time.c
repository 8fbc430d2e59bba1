/* TSC-based time (kernel/time.h). */
#include "kernel/time.h"
#include "kernel/init.h"
#include "kernel/x86.h"
#include "kernel/printk.h"
#include "drivers/pit.h"

#define CALIBRATE_MS 10

uint64_t tsc_khz;
static uint64_t tsc_base;

void tsc_early_init(void)
{
	tsc_base = rdtsc();
}

#define TSC_KHZ_MIN      100000          /* 100 MHz: no x86-64 CPU is slower */
#define TSC_KHZ_FALLBACK 1000000         /* 1 GHz, when nothing can be measured */

/* Takes the smallest of three measurements: an interrupt or a host hiccup
 * (QEMU TCG) only ever makes one longer. A PIT that never answers, or an
 * absurd result, falls back to a fixed guess with one warning: timestamps
 * and udelay are then approximate, never a hang or a division by zero. */
void __init tsc_calibrate(void)
{
	uint64_t best = ~0ULL;

	for (int i = 0; i < 3; i++) {
		uint64_t d = pit_measure_tsc(CALIBRATE_MS);
		if (d && d < best)
			best = d;
	}
	if (best == ~0ULL || best / CALIBRATE_MS < TSC_KHZ_MIN) {
		pr_warn("tsc: PIT calibration failed (%s); assuming %d MHz\n",
			best == ~0ULL ? "no PIT" : "implausible result", TSC_KHZ_FALLBACK / 1000);
		tsc_khz = TSC_KHZ_FALLBACK;
		return;
	}
	tsc_khz = best / CALIBRATE_MS;
	pr_info("tsc: Detected %lu.%03lu MHz processor\n",
		(unsigned long)(tsc_khz / 1000), (unsigned long)(tsc_khz % 1000));
}

/* delta/khz*1000 split in two so that no 128-bit division is needed. */
static uint64_t cycles_to_us(uint64_t d)
{
	return d / tsc_khz * 1000 + (d % tsc_khz) * 1000 / tsc_khz;
}

uint64_t tsc_cycles_to_us(uint64_t cycles)
{
	return tsc_khz ? cycles_to_us(cycles) : 0;
}

uint64_t ktime_get_us(void)
{
	if (!tsc_khz)
		return 0;
	return cycles_to_us(rdtsc() - tsc_base);
}

void udelay(unsigned long us)
{
	uint64_t end = ktime_get_us() + us;

	if (!tsc_khz)
		return;         /* not calibrated: no clock to wait on */

	while (ktime_get_us() < end)
		cpu_relax();
}
