/* TSC-based time (kernel/time.h). */
#include "kernel/time.h"
#include "kernel/init.h"
#include "kernel/x86.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "drivers/pit.h"

uint64_t tsc_khz;
static uint64_t tsc_base;

void tsc_early_init(void)
{
	tsc_base = rdtsc();
}

#define TSC_KHZ_MIN      100000          /* 100 MHz: no x86-64 CPU is slower */
#define TSC_KHZ_FALLBACK 1000000         /* 1 GHz, when nothing can be measured */

/* The TSC's frequency from CPUID leaf 0x15, "Time Stamp Counter and
 * Nominal Core Crystal Clock" (SDM Vol. 2A, CPUID; Vol. 3B 18.7.3): TSC
 * = crystal * EBX / EAX. Where ECX (the crystal in Hz) is 0, the crystal
 * follows from leaf 0x16's base frequency in MHz, as Linux's
 * native_calibrate_tsc does; and as Linux, only on Intel CPUs, whose
 * leaves mean this. 0 when the CPU does not say (AMD; QEMU TCG). */
static uint64_t __init tsc_khz_from_cpuid(void)
{
	uint32_t max, vendor[3], den, num, crystal_hz, base_mhz, unused;

	cpuid_count(0, 0, &max, &vendor[0], &vendor[2], &vendor[1]);
	if (memcmp(vendor, "GenuineIntel", 12) || max < 0x15)
		return 0;
	cpuid_count(0x15, 0, &den, &num, &crystal_hz, &unused);
	if (!den || !num)
		return 0;
	if (!crystal_hz && max >= 0x16) {
		cpuid_count(0x16, 0, &base_mhz, &unused, &unused, &unused);
		crystal_hz = (uint32_t)((uint64_t)base_mhz * 1000000 * den / num);
	}
	return (uint64_t)crystal_hz * num / den / 1000;
}

#define PIT_WINDOW_TICKS  (PIT_TICK_RATE / 200)  /* 5 ms */
#define PIT_WINDOW_TRIES  3
/* A window less sure than this was disturbed: Linux's quick_pit_calibrate
 * accepts 1/2048 too. Under TCG a window is sure to about 50 ppm; on a PC,
 * where a port access takes ~1 us, to a few hundred. */
#define PIT_MAX_PPM       500

/* Error bound of a window in ppm: half its uncertainty over its midpoint. */
static uint64_t window_ppm(const struct pit_tsc_window *w)
{
	uint64_t mid = (w->min_cycles + w->max_cycles) / 2;

	return mid ? (w->max_cycles - w->min_cycles) / 2 * 1000000 / mid : ~0ULL;
}

/* One 5 ms window on PIT channel 2. Both ends are bracketed by TSC reads
 * (drivers/pit.c), so the window knows its own error. Only a window that
 * was disturbed (QEMU preempted by the host, an SMI) is measured again, at
 * most three times, keeping the surest. The old code always measured three
 * 10 ms windows and kept the shortest: 30 ms of boot, and 40-60 ppm low
 * from its unbracketed start. */
static uint64_t __init tsc_khz_from_pit(uint64_t *ppm)
{
	struct pit_tsc_window best = { 0 }, w;

	*ppm = ~0ULL;
	for (int i = 0; i < PIT_WINDOW_TRIES && *ppm > PIT_MAX_PPM; i++) {
		if (!pit_measure_tsc(PIT_WINDOW_TICKS, &w))
			return 0;
		if (window_ppm(&w) < *ppm) {
			best = w;
			*ppm = window_ppm(&w);
		}
	}
	/* cycles per tick times ticks per second, in kHz */
	return (best.min_cycles + best.max_cycles) / 2 * PIT_TICK_RATE / best.ticks / 1000;
}

/* CPUID where it names the frequency (no waiting at all), else the PIT.
 * A PIT that never answers, or an absurd result, falls back to a fixed
 * guess with one warning: timestamps and udelay are then approximate,
 * never a hang or a division by zero. */
void __init tsc_calibrate(void)
{
	uint64_t ppm = 0, khz = tsc_khz_from_cpuid();
	bool from_cpuid = khz != 0;

	if (!from_cpuid)
		khz = tsc_khz_from_pit(&ppm);
	if (khz < TSC_KHZ_MIN) {
		pr_warn("tsc: PIT calibration failed (%s); assuming %d MHz\n",
			khz ? "implausible result" : "no PIT", TSC_KHZ_FALLBACK / 1000);
		khz = TSC_KHZ_FALLBACK;
	} else if (from_cpuid) {
		tsc_khz = khz;
		pr_info("tsc: frequency from CPUID leaves 0x15/0x16\n");
	} else {
		tsc_khz = khz;
		pr_info("tsc: Fast TSC calibration using PIT (%lu ms, within %lu ppm)\n",
			(PIT_WINDOW_TICKS * 1000 + PIT_TICK_RATE / 2) / PIT_TICK_RATE,
			(unsigned long)ppm);
	}
	tsc_khz = khz;
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
