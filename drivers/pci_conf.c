/* PCI configuration space (drivers/pci.h): the one read/write interface
 * and its two mechanisms, as Linux's arch/x86/pci/direct.c and mmconfig.
 *
 * Mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2): write the address
 *   bit 31 enable | bus << 16 | device << 11 | function << 8 | register
 * to CONFIG_ADDRESS (port 0xcf8), then move the data through
 * CONFIG_DATA (0xcfc-0xcff; the register's low two bits pick the byte).
 * Two steps, so an interrupt must not run another access in between; it
 * reaches only the first 256 bytes of each function.
 *
 * ECAM (PCI Express Base 4.0, 7.2.2): each function's 4 KiB of config
 * space is memory at base + (bus << 20 | device << 15 | function << 12),
 * one access per read or write. The ACPI MCFG table says where base is
 * (drivers/acpi_tables.c). Each bus is ioremapped, 1 MiB, only when it is
 * first used, that is, only the buses that exist. ioremap gives UC-
 * (uncached): every load and store must reach the root complex as one
 * configuration request of its own width, in program order. A cached or
 * write-combined mapping would let the CPU serve reads from the cache,
 * prefetch them speculatively, and merge or delay writes, and a config
 * write (COMMAND, a BAR) has effects the next access depends on.
 *
 * A bus ECAM does not cover, a bus that cannot be mapped, and an MCFG
 * whose ECAM does not read what the ports read: one line, ports used.
 * `pci=nommconf` on the command line (Linux's) uses the ports only. */
#include "drivers/pci.h"
#include "drivers/pci_internal.h"
#include "drivers/acpi.h"
#include "kernel/boot_info.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/io.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "kernel/x86.h"
#include "mm/ioremap.h"

#define PCI_CONF1_ADDRESS 0xcf8
#define PCI_CONF1_DATA    0xcfc
#define PCI_CONF1_ENABLE  0x80000000U
#define ECAM_BUS_SHIFT    20            /* 1 MiB per bus */
#define ECAM_DEVFN_SHIFT  12            /* 4 KiB per function */
#define ECAM_BUS_SIZE     (1UL << ECAM_BUS_SHIFT)
#define PCI_CONF1_SIZE    256
#define PCI_CONF_EXP_SIZE 4096

bool pci_conf1_ok;                      /* the ports answer */
static struct acpi_mcfg_entry ecam;     /* the MCFG entry for segment 0, or 0s */
static void *ecam_bus[256];             /* each bus's mapping; NULL: use the ports */
static bool ecam_failed[256];           /* tried and warned: ports for good */
static char ecam_res_name[32];
static struct resource ecam_res = { .name = ecam_res_name, .flags = IORESOURCE_MEM };

static inline uint32_t conf_inl(uint16_t port)
{
	uint32_t v;
	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* ---- mechanism #1 --------------------------------------------------------- */

static uint32_t conf1_address(unsigned int bus, unsigned int devfn, int where)
{
	return PCI_CONF1_ENABLE | bus << 16 | devfn << 8 | (where & 0xfc);
}

static uint32_t conf1_read(unsigned int bus, unsigned int devfn, int where, int size)
{
	unsigned long flags = local_irq_save();   /* the two steps are one access */
	uint16_t port = PCI_CONF1_DATA + (where & 3);
	uint32_t v;

	outl(conf1_address(bus, devfn, where), PCI_CONF1_ADDRESS);
	v = size == 1 ? inb(port) : size == 2 ? inw(port) : conf_inl(port);
	local_irq_restore(flags);
	return v;
}

static void conf1_write(unsigned int bus, unsigned int devfn, int where, int size, uint32_t v)
{
	unsigned long flags = local_irq_save();
	uint16_t port = PCI_CONF1_DATA + (where & 3);

	outl(conf1_address(bus, devfn, where), PCI_CONF1_ADDRESS);
	if (size == 1)
		outb((uint8_t)v, port);
	else if (size == 2)
		outw((uint16_t)v, port);
	else
		outl(v, port);
	local_irq_restore(flags);
}

/* Linux's pci_check_type1: a host bridge that implements mechanism #1
 * reads back the enable bit written alone to CONFIG_ADDRESS. */
static bool conf1_probe(void)
{
	unsigned long flags = local_irq_save();
	uint32_t saved = conf_inl(PCI_CONF1_ADDRESS), v;

	outl(PCI_CONF1_ENABLE, PCI_CONF1_ADDRESS);
	v = conf_inl(PCI_CONF1_ADDRESS);
	outl(saved, PCI_CONF1_ADDRESS);
	local_irq_restore(flags);
	return v == PCI_CONF1_ENABLE;
}

/* ---- ECAM ----------------------------------------------------------------- */

static volatile uint8_t *ecam_addr(unsigned int bus, unsigned int devfn, int where)
{
	return (volatile uint8_t *)ecam_bus[bus] + (devfn << ECAM_DEVFN_SHIFT) + where;
}

static uint64_t ecam_bus_phys(unsigned int bus)
{
	return ecam.address + ((uint64_t)bus << ECAM_BUS_SHIFT);
}

/* Maps bus `bus`'s 1 MiB of ECAM if the MCFG covers it. false (one line,
 * once per bus) if it cannot: that bus then goes through the ports. */
bool pci_mmcfg_map_bus(unsigned int bus)
{
	if (bus > 255 || !ecam.address || ecam_failed[bus])
		return false;
	if (ecam_bus[bus])
		return true;
	ecam_failed[bus] = true;
	if (bus < ecam.start_bus || bus > ecam.end_bus) {
		pr_warn("PCI: bus %02x is outside ECAM [bus %02x-%02x]; using ports for it\n",
			bus, ecam.start_bus, ecam.end_bus);
		return false;
	}
	ecam_bus[bus] = ioremap(ecam_bus_phys(bus), ECAM_BUS_SIZE);
	if (!ecam_bus[bus]) {
		pr_warn("PCI: ECAM for bus %02x at 0x%llx cannot be mapped; using ports for it\n",
			bus, (unsigned long long)ecam_bus_phys(bus));
		return false;
	}
	ecam_failed[bus] = false;
	return true;
}

/* Forgets every ECAM mapping: the ports serve every bus from now on. */
static void ecam_drop(void)
{
	for (int b = 0; b < 256; b++) {
		if (ecam_bus[b])
			iounmap(ecam_bus[b]);
		ecam_bus[b] = NULL;
	}
	ecam.address = 0;
}

/* ---- the one interface ---------------------------------------------------- */

static bool conf_args_ok(unsigned int bus, unsigned int devfn, int where, int size)
{
	int limit = ecam_bus[bus & 0xff] ? PCI_CONF_EXP_SIZE : PCI_CONF1_SIZE;

	return bus < 256 && devfn < 256 && (size == 1 || size == 2 || size == 4) &&
	       where >= 0 && where + size <= limit && !(where & (size - 1));
}

int pci_bus_read_config(unsigned int bus, unsigned int devfn, int where, int size, uint32_t *val)
{
	*val = ~0U;
	if (!conf_args_ok(bus, devfn, where, size))
		return -EINVAL;
	if (ecam_bus[bus]) {
		volatile uint8_t *a = ecam_addr(bus, devfn, where);
		*val = size == 1 ? *a : size == 2 ? *(volatile uint16_t *)a : *(volatile uint32_t *)a;
	} else if (pci_conf1_ok) {
		*val = conf1_read(bus, devfn, where, size);
	} else {
		return -ENODEV;
	}
	if (size < 4)
		*val &= (1U << (8 * size)) - 1;
	return 0;
}

int pci_bus_write_config(unsigned int bus, unsigned int devfn, int where, int size, uint32_t val)
{
	if (!conf_args_ok(bus, devfn, where, size))
		return -EINVAL;
	if (ecam_bus[bus]) {
		volatile uint8_t *a = ecam_addr(bus, devfn, where);
		if (size == 1)
			*a = (uint8_t)val;
		else if (size == 2)
			*(volatile uint16_t *)a = (uint16_t)val;
		else
			*(volatile uint32_t *)a = val;
	} else if (pci_conf1_ok) {
		conf1_write(bus, devfn, where, size, val);
	} else {
		return -ENODEV;
	}
	return 0;
}

/* The same through one mechanism, whatever the bus uses: the selftest
 * compares the two. ECAM reads need the bus mapped. */
int pci_conf1_read(unsigned int bus, unsigned int devfn, int where, int size, uint32_t *val)
{
	*val = ~0U;
	if (!pci_conf1_ok || bus > 255 || devfn > 255 || where < 0 || where + size > PCI_CONF1_SIZE)
		return -EINVAL;
	*val = conf1_read(bus, devfn, where, size);
	return 0;
}

void *pci_ecam_bus_map(unsigned int bus)
{
	return bus < 256 ? ecam_bus[bus] : NULL;
}

#define PCI_OP_READ(type, size)						\
int pci_read_config_##type(const struct pci_dev *dev, int where, uint##size##_t *val) \
{									\
	uint32_t v;							\
	int err = pci_bus_read_config(dev->bus, dev->devfn, where, size / 8, &v); \
	*val = (uint##size##_t)v;					\
	return err;							\
}
#define PCI_OP_WRITE(type, size)					\
int pci_write_config_##type(const struct pci_dev *dev, int where, uint##size##_t val) \
{									\
	return pci_bus_write_config(dev->bus, dev->devfn, where, size / 8, val); \
}
PCI_OP_READ(byte, 8)
PCI_OP_READ(word, 16)
PCI_OP_READ(dword, 32)
PCI_OP_WRITE(byte, 8)
PCI_OP_WRITE(word, 16)
PCI_OP_WRITE(dword, 32)

/* ---- choosing ------------------------------------------------------------- */

/* Linux's lines: "PCI: Using configuration type 1 for base access" and
 * "PCI: ECAM [mem ...] (base ...) for domain 0000 [bus 00-ff]". ECAM is
 * trusted only if bus 0's function 00.0 reads the same vendor/device
 * through it as through the ports (when there are ports to ask). */
void __init pci_conf_init(void)
{
	char opt[16];
	uint32_t via_ecam, via_ports;

	pci_conf1_ok = conf1_probe();
	if (pci_conf1_ok)
		pr_info("PCI: Using configuration type 1 for base access\n");
	if (cmdline_find(boot_info.cmdline, "pci", opt, sizeof(opt)) && !strcmp(opt, "nommconf")) {
		pr_info("PCI: pci=nommconf: ECAM not used\n");
		return;
	}
	for (uint32_t i = 0; i < acpi_info.nr_mcfg; i++) {
		if (acpi_info.mcfg[i].segment == 0 && acpi_info.mcfg[i].start_bus == 0) {
			ecam = acpi_info.mcfg[i];
			break;
		}
	}
	if (!ecam.address) {
		if (acpi_info.nr_mcfg)
			pr_warn("PCI: no MCFG entry for segment 0 from bus 00; using ports\n");
		return;
	}
	if (!pci_mmcfg_map_bus(0)) {
		ecam_drop();
		return;
	}
	if (pci_conf1_ok) {
		via_ecam = *(volatile uint32_t *)ecam_addr(0, 0, PCI_VENDOR_ID);
		via_ports = conf1_read(0, 0, PCI_VENDOR_ID, 4);
		if (via_ecam != via_ports) {
			pr_warn("PCI: ECAM at 0x%llx reads %08x at 00:00.0, the ports %08x; using ports\n",
				(unsigned long long)ecam.address, via_ecam, via_ports);
			ecam_drop();
			return;
		}
	}
	/* Linux's "PCI ECAM 0000 [bus 00-ff]" line in iomem, under the
	 * firmware's Reserved range: ECAM is the chipset's, not a BAR */
	snprintf(ecam_res_name, sizeof(ecam_res_name), "PCI ECAM 0000 [bus %02x-%02x]",
		 ecam.start_bus, ecam.end_bus);
	ecam_res.start = ecam_bus_phys(ecam.start_bus);
	ecam_res.end = ecam_bus_phys(ecam.end_bus) + ECAM_BUS_SIZE - 1;
	__request_resource(&iomem_resource, &ecam_res);
	pr_info("PCI: ECAM [mem 0x%08llx-0x%08llx] (base 0x%llx) for domain 0000 [bus %02x-%02x]\n",
		(unsigned long long)ecam_bus_phys(ecam.start_bus),
		(unsigned long long)ecam_bus_phys(ecam.end_bus) + ECAM_BUS_SIZE - 1,
		(unsigned long long)ecam.address, ecam.start_bus, ecam.end_bus);
}

bool pci_using_ecam(void)
{
	return ecam.address != 0;
}
