/* HPET identification (drivers/hpet.h). Registers, HPET spec 2.3.1:
 * 0x000 capabilities and ID, 0x010 configuration, 0x0f0 main counter. */
#include "drivers/hpet.h"
#include "kernel/resource.h"
#include "kernel/init.h"
#include "drivers/acpi.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "mm/ioremap.h"

#define HPET_ID          0x000
#define HPET_CFG         0x010
#define HPET_COUNTER     0x0f0
#define HPET_MMAP_SIZE   0x400                           /* spec 2.3.1: 1 KiB of registers */
#define HPET_CFG_ENABLE  0x1
#define HPET_ID_NUMBER(id)  ((((id) >> 8) & 0x1f) + 1)   /* comparators */
#define HPET_ID_64BIT    (1ULL << 13)
#define HPET_PERIOD(id)  ((id) >> 32)                    /* femtoseconds per tick */

static volatile void *hpet_virt;

void __init hpet_init(void)
{
	uint64_t id;

	if (!acpi_info.hpet_address)
		return;
	hpet_virt = ioremap(acpi_info.hpet_address, HPET_MMAP_SIZE);
	if (!hpet_virt)
		return;
	id = readq(hpet_virt + HPET_ID);
	if (!HPET_PERIOD(id) || HPET_PERIOD(id) > 100000000ULL) {   /* spec: <= 100 ns */
		pr_warn("hpet: at 0x%llx: period %llu fs is invalid; ignored\n",
			(unsigned long long)acpi_info.hpet_address,
			(unsigned long long)HPET_PERIOD(id));
		iounmap(hpet_virt);
		hpet_virt = 0;
		return;
	}
	writeq(readq(hpet_virt + HPET_CFG) | HPET_CFG_ENABLE, hpet_virt + HPET_CFG);
	pr_info("hpet: at MMIO 0x%llx (ioremap %p), %llu comparators, %s, period %llu fs\n",
		(unsigned long long)acpi_info.hpet_address, (void *)hpet_virt,
		(unsigned long long)HPET_ID_NUMBER(id),
		id & HPET_ID_64BIT ? "64-bit" : "32-bit", (unsigned long long)HPET_PERIOD(id));
}

uint64_t hpet_read_counter(void)
{
	return hpet_virt ? readq(hpet_virt + HPET_COUNTER) : 0;
}

void __init hpet_request_resources(void)
{
	if (hpet_virt)
		request_mem_region(acpi_info.hpet_address, HPET_MMAP_SIZE, "HPET 0");
}
