/* Finding and identifying the local APIC and the IO-APICs (drivers/apic.h). */
#include "drivers/apic.h"
#include "kernel/resource.h"
#include "kernel/init.h"
#include "drivers/acpi.h"
#include "kernel/cpufeature.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
#include "mm/fixmap.h"

/* Local APIC register offsets, SDM Vol. 3A 11.4.1, Table 11-1. */
#define APIC_ID   0x20
#define APIC_LVR  0x30          /* version: bits 7:0; max LVT entry: bits 23:16 */
#define IO_APIC_REG_ID  0x00
#define IO_APIC_REG_VER 0x01    /* version: bits 7:0; max redirection entry: bits 23:16 */

struct lapic_info lapic;
static unsigned long io_apic_virt[MAX_IO_APICS];

void __init lapic_init(void)
{
	const volatile void *regs;

	if (!boot_cpu_has(X86_FEATURE_APIC)) {
		pr_warn("lapic: CPUID reports no local APIC\n");
		return;
	}
	/* The MADT's address wins; else IA32_APIC_BASE, whose bits
	 * MAXPHYADDR-1:12 hold the base (SDM Vol. 3A 11.4.4, Figure 11-5). */
	lapic.phys = acpi_info.lapic_address ? acpi_info.lapic_address
		: rdmsr(MSR_IA32_APICBASE) & ((1ULL << boot_cpu_data.phys_bits) - 1) & PAGE_MASK;
	if (set_fixmap_nocache(FIX_APIC_BASE, lapic.phys))
		return;
	lapic.virt = fix_to_virt(FIX_APIC_BASE);
	regs = (const volatile void *)lapic.virt;
	lapic.id = readl(regs + APIC_ID) >> 24;
	lapic.version = readl(regs + APIC_LVR) & 0xff;
	lapic.max_lvt = (readl(regs + APIC_LVR) >> 16) & 0xff;
	pr_info("lapic: id %u, version 0x%x, max LVT %u, at 0x%llx mapped at 0x%lx (FIX_APIC_BASE)\n",
		lapic.id, lapic.version, lapic.max_lvt, (unsigned long long)lapic.phys, lapic.virt);
	lapic_timer_start_calibration();        /* measured over the boot until lapic_timer_init */
}

uint32_t io_apic_read(unsigned int ioapic, unsigned int reg)
{
	volatile void *base = (volatile void *)io_apic_virt[ioapic];

	writel(reg, base);
	return readl(base + 0x10);
}

void __init io_apic_init(void)
{
	for (uint32_t i = 0; i < acpi_info.nr_ioapics && i < MAX_IO_APICS; i++) {
		const struct acpi_ioapic *a = &acpi_info.ioapics[i];
		uint32_t ver;

		io_apic_virt[i] = set_fixmap_offset_nocache(FIX_IO_APIC_BASE_0 + i, a->address);
		if (!io_apic_virt[i])
			continue;
		ver = io_apic_read(i, IO_APIC_REG_VER);
		/* Linux's line (arch/x86/kernel/apic/io_apic.c) */
		pr_info("IOAPIC[%u]: apic_id %u, version %u, address 0x%x, GSI %u-%u\n", i,
			(io_apic_read(i, IO_APIC_REG_ID) >> 24) & 0xf, ver & 0xff, a->address,
			a->gsi_base, a->gsi_base + ((ver >> 16) & 0xff));
	}
	if (acpi_info.nr_ioapics > MAX_IO_APICS)
		pr_warn("io_apic: %u IO-APICs, only %d fixmap entries; the rest ignored\n",
			acpi_info.nr_ioapics, MAX_IO_APICS);
}

void __init apic_request_resources(void)
{
	static const char *const names[MAX_IO_APICS] = { "IOAPIC 0", "IOAPIC 1", "IOAPIC 2", "IOAPIC 3" };

	if (lapic.virt)
		request_mem_region(lapic.phys, PAGE_SIZE, "Local APIC");
	for (uint32_t i = 0; i < acpi_info.nr_ioapics && i < MAX_IO_APICS; i++)
		if (io_apic_virt[i])
			request_mem_region(acpi_info.ioapics[i].address, 0x400, names[i]);
}
