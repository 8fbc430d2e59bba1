/* The local APIC timer as the scheduler tick (drivers/apic.h).
 *
 * The timer counts down from the initial count at the bus clock divided
 * by the divide configuration, and in periodic mode reloads and raises
 * its LVT vector at zero (SDM Vol. 3A 11.5.4). The bus clock is not
 * reported anywhere, so it is measured: count down for 10 ms of TSC time
 * and see how far it got. */
#include "drivers/apic.h"
#include "kernel/init.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"

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

void __init lapic_timer_init(void)
{
	uint32_t left;

	if (!lapic.virt) {
		pr_warn("lapic: no local APIC: no timer tick, no preemption\n");
		return;
	}
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
	apic_write(APIC_TMICT, 0xffffffff);
	udelay(1000000 / HZ);
	left = apic_read(APIC_TMCCT);
	apic_write(APIC_TMICT, 0);
	lapic_timer_ticks_per_jiffy = 0xffffffffU - left;
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
