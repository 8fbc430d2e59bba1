/* The local APIC timer as the scheduler tick (drivers/apic.h).
 *
 * The timer counts down from the initial count at the bus clock divided
 * by the divide configuration, and in periodic mode reloads and raises
 * its LVT vector at zero (SDM Vol. 3A 11.5.4). The bus clock is not
 * reported anywhere, so it is measured against the TSC. Rather than count
 * down for a fixed 10 ms of busy waiting, the timer starts counting as
 * soon as the APIC is mapped (lapic_init) and is read when the tick is
 * set up (lapic_timer_init): the boot work in between is the measuring
 * window, tens of milliseconds long, and nobody waits for it. */
#include "drivers/apic.h"
#include "kernel/init.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/x86.h"

/* SDM Vol. 3A 11.4.1, Table 11-1 */
#define APIC_TASKPRI  0x80
#define APIC_EOI      0xb0
#define APIC_SPIV     0xf0      /* bit 8: APIC software enable */
#define APIC_LVTT     0x320
#define APIC_LVT0     0x350
#define APIC_LVT1     0x360
#define APIC_TMICT    0x380     /* initial count */
#define APIC_TMCCT    0x390     /* current count */
#define APIC_TDCR     0x3e0     /* divide configuration */

#define APIC_SPIV_ENABLE    (1U << 8)
#define APIC_LVT_MASKED     (1U << 16)
#define APIC_LVT_PERIODIC   (1U << 17)
#define APIC_DM_EXTINT      0x700
#define APIC_DM_NMI         0x400
#define APIC_TDR_DIV_16     0x3

unsigned long lapic_timer_ticks_per_jiffy;

static inline uint32_t apic_read(unsigned int reg)
{
	return readl((const volatile void *)(lapic.virt + reg));
}

static inline void apic_write(unsigned int reg, uint32_t v)
{
	writel(v, (volatile void *)(lapic.virt + reg));
}

void apic_timer_interrupt(void)
{
	apic_write(APIC_EOI, 0);
	scheduler_tick();
}

/* TSC read just after the calibration count was loaded (0: not started). */
static uint64_t calibration_tsc;

#define CALIBRATION_MIN_US  (1000000 / HZ)     /* the old fixed wait: one tick */

/* Software-enables the APIC and starts the timer counting down from
 * 0xffffffff, masked (at bus clock / 16 that lasts over a minute). Called
 * by lapic_init, with interrupts off. */
void __init lapic_timer_start_calibration(void)
{
	/* Software-disabled, the APIC masks every LVT entry (SDM Vol. 3A
	 * 11.4.7.2): enabling it must also give LINT0 back to the 8259
	 * (ExtINT, virtual-wire mode) and LINT1 to NMI, as the BIOS had them. */
	if (!(apic_read(APIC_SPIV) & APIC_SPIV_ENABLE)) {
		apic_write(APIC_LVT0, APIC_DM_EXTINT);
		apic_write(APIC_LVT1, APIC_DM_NMI);
	}
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_APIC_VECTOR);
	apic_write(APIC_TASKPRI, 0);
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0xffffffff);     /* the count starts at this write */
	calibration_tsc = rdtsc();
}

/* Counts per jiffy from the count that passed since the calibration
 * started, against the TSC; 0 if the timer does not count or ran out. A
 * window shorter than one tick (never, in a normal boot) is first waited
 * out, so the result is never less sure than the old fixed wait's. */
static unsigned long __init lapic_timer_measure(void)
{
	uint64_t cycles, counted;
	uint32_t left;

	if (!calibration_tsc)
		lapic_timer_start_calibration();
	if (tsc_cycles_to_us(rdtsc() - calibration_tsc) < CALIBRATION_MIN_US)
		udelay(CALIBRATION_MIN_US - tsc_cycles_to_us(rdtsc() - calibration_tsc));
	left = apic_read(APIC_TMCCT);
	cycles = rdtsc() - calibration_tsc;
	apic_write(APIC_TMICT, 0);
	counted = 0xffffffffU - left;
	if (!left || !cycles)
		return 0;
	/* counts per TSC cycle times TSC cycles per jiffy */
	return (unsigned long)(counted * (tsc_khz * 1000 / HZ) / cycles);
}

void __init lapic_timer_init(void)
{
	if (!lapic.virt) {
		pr_warn("lapic: no local APIC: no timer tick, no preemption\n");
		return;
	}
	lapic_timer_ticks_per_jiffy = lapic_timer_measure();
	if (!lapic_timer_ticks_per_jiffy) {
		pr_warn("lapic: timer did not count: no timer tick, no preemption\n");
		return;
	}
	apic_write(APIC_LVTT, APIC_LVT_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, lapic_timer_ticks_per_jiffy);
	pr_info("lapic: timer %lu.%03lu MHz (bus clock / 16), %lu counts per tick, HZ %d\n",
		lapic_timer_ticks_per_jiffy * HZ / 1000000,
		lapic_timer_ticks_per_jiffy * HZ / 1000 % 1000, lapic_timer_ticks_per_jiffy, HZ);
}
