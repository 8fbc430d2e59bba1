/* The local APIC and the IO-APICs, reached through fixmap entries
 * (FIX_APIC_BASE, FIX_IO_APIC_BASE_n). For now they are found, mapped
 * uncached and identified; device interrupts still go through the 8259
 * PIC (LINT0 in virtual-wire mode); the LAPIC's own timer is the tick. */
#ifndef DRIVERS_APIC_H
#define DRIVERS_APIC_H

#include <stdint.h>

#define MSR_IA32_APICBASE     0x1b
#define APIC_DEFAULT_PHYS_BASE 0xfee00000UL

struct lapic_info {
	uint64_t phys;
	unsigned long virt;
	uint32_t id, version, max_lvt;
};

extern struct lapic_info lapic;

void lapic_init(void);        /* boot, after acpi_boot_init */

/* The LAPIC timer drives the scheduler (kernel/sched.c): periodic at HZ,
 * its rate measured against the TSC at boot (lapic_timer_init). */
#define LOCAL_TIMER_VECTOR   0xec       /* Linux's */
#define SPURIOUS_APIC_VECTOR 0xff
void lapic_timer_start_calibration(void);      /* lapic_init: the count starts */
void lapic_timer_init(void);                    /* measures it, starts the tick */
void apic_timer_interrupt(void);
extern unsigned long lapic_timer_ticks_per_jiffy;
void io_apic_init(void);

/* IO-APIC register access (IOREGSEL at +0, IOWIN at +0x10; 82093AA data sheet). */
uint32_t io_apic_read(unsigned int ioapic, unsigned int reg);

/* Claims the LAPIC and IO-APIC register ranges in iomem_resource. */
void apic_request_resources(void);

#endif
