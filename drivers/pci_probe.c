/* PCI enumeration (drivers/pci.h): every function on bus 0 and on the
 * buses behind its PCI-to-PCI bridges, each a struct pci_dev with its BARs
 * sized, as Linux's drivers/pci/probe.c.
 *
 * A function exists if its Vendor ID is not 0xffff (PCI Local Bus 3.0,
 * 6.2.1: a read of a function that is not there ends in a master abort,
 * which returns all ones). Functions 1-7 are looked at only when function
 * 0 exists and its header type has bit 7 (multi-function) set.
 *
 * BAR sizing (6.2.5.1): save the BAR, write all ones, read back: the bits
 * that stay 0 are the address bits the device does not decode, so the
 * lowest bit that reads 1 is the size. Write the saved value back. While
 * a BAR holds all ones it decodes an address it does not own, so the
 * COMMAND register's memory and I/O decode bits are cleared for the
 * whole sizing and restored after it (Linux's __pci_read_base does
 * the same). */
#include "drivers/pci.h"
#include "drivers/pci_internal.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "mm/slab.h"

struct pci_dev *pci_devices;
static struct pci_dev **pci_devices_tail = &pci_devices;
static bool bus_seen[256];
static unsigned int pci_last_bus;       /* the highest bus number in use */

#define PCI_MAX_BRIDGE_DEPTH 8          /* a loop in firmware's bus numbers stops here */

/* ---- printing a resource, as Linux's %pR ----------------------------------- */

int pci_format_resource(char *buf, int size, const struct resource *r)
{
	bool io = r->flags & IORESOURCE_IO;

	return snprintf(buf, size, "[%s 0x%0*llx-0x%0*llx%s%s%s%s]", io ? "io " : "mem",
			io ? 4 : 8, (unsigned long long)r->start, io ? 4 : 8,
			(unsigned long long)r->end,
			(r->flags & IORESOURCE_WINDOW) ? " window" : "",
			(r->flags & IORESOURCE_MEM_64) ? " 64bit" : "",
			(r->flags & IORESOURCE_PREFETCH) ? " pref" : "",
			(r->flags & IORESOURCE_DISABLED) ? " disabled" : "");
}

static void pci_print_bar(struct pci_dev *dev, int i)
{
	char buf[80];

	pci_format_resource(buf, sizeof(buf), &dev->resource[i]);
	if (i == PCI_ROM_RESOURCE)
		pci_info(dev, "ROM %s%s\n", buf,
			 dev->resource[i].flags & IORESOURCE_UNSET ? " unassigned" : "");
	else
		pci_info(dev, "BAR %d %s%s\n", i, buf,
			 dev->resource[i].flags & IORESOURCE_UNSET ? " unassigned" : "");
}

/* ---- BARs -------------------------------------------------------------------- */

static uint32_t cfg_read32(struct pci_dev *dev, int where)
{
	uint32_t v;

	pci_read_config_dword(dev, where, &v);
	return v;
}

/* The lowest address bit set in the read-back mask: the BAR's size (a
 * BAR is naturally aligned to its size, a power of two). 0: no BAR. */
static uint64_t bar_size(uint64_t mask)
{
	return mask & ~(mask - 1);
}

/* Writes all ones to the dword at `reg` and returns what reads back,
 * putting the saved value back (decoding is off: see the top). */
static uint32_t size_dword(struct pci_dev *dev, int reg, uint32_t saved, uint32_t ones)
{
	uint32_t sz;

	pci_write_config_dword(dev, reg, ones);
	sz = cfg_read32(dev, reg);
	pci_write_config_dword(dev, reg, saved);
	return sz;
}

/* Sizes BAR i at `reg`; fills dev->resource[i]. Returns the number of
 * registers it took: 2 for a 64-bit memory BAR, else 1. */
static int pci_read_bar(struct pci_dev *dev, int i, int reg)
{
	struct resource *res = &dev->resource[i];
	uint32_t l = cfg_read32(dev, reg), sz, hi = 0, szhi = ~0U;
	uint64_t base, mask, size;

	sz = size_dword(dev, reg, l, ~0U);
	if (sz == 0 || sz == ~0U)       /* unimplemented, or the device went away */
		return 1;
	if (l & PCI_BASE_ADDRESS_SPACE_IO) {
		/* I/O BARs may implement only the low 16 address bits */
		mask = sz & PCI_BASE_ADDRESS_IO_MASK & 0xffffffffU;
		base = l & PCI_BASE_ADDRESS_IO_MASK & 0xffffffffU;
		res->flags = IORESOURCE_IO;
	} else {
		unsigned int type = (l >> 1) & 3;

		res->flags = IORESOURCE_MEM;
		if (l & PCI_BASE_ADDRESS_MEM_PREFETCH)
			res->flags |= IORESOURCE_PREFETCH;
		if (type == 2) {        /* 6.2.5.1: 10b = 64-bit, the next BAR is the high half */
			if (i == PCI_STD_RESOURCE_END || (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE && i == 1)) {
				pci_warn(dev, "BAR %d: 64-bit but the last BAR; ignored\n", i);
				res->flags = 0;
				return 1;
			}
			hi = cfg_read32(dev, reg + 4);
			szhi = size_dword(dev, reg + 4, hi, ~0U);
			res->flags |= IORESOURCE_MEM_64;
		} else if (type == 3) {
			pci_warn(dev, "BAR %d: reserved memory type 3 (0x%08x); ignored\n", i, l);
			res->flags = 0;
			return 1;
		}
		mask = ((uint64_t)(type == 2 ? szhi : ~0U) << 32 | (sz & PCI_BASE_ADDRESS_MEM_MASK));
		if (type != 2)
			mask &= 0xffffffffULL;
		base = ((uint64_t)hi << 32 | (l & PCI_BASE_ADDRESS_MEM_MASK)) & (type == 2 ? ~0ULL : 0xffffffffULL);
	}
	size = bar_size(mask);
	if (!size) {
		int n = (res->flags & IORESOURCE_MEM_64) ? 2 : 1;

		res->flags = 0;
		return n;
	}
	res->start = base;
	res->end = base + size - 1;
	res->name = dev->name;
	if (!base)
		res->flags |= IORESOURCE_UNSET;
	return (res->flags & IORESOURCE_MEM_64) ? 2 : 1;
}

/* The expansion ROM BAR (6.2.5.2): bit 0 enables decoding, 31:11 the
 * address. Sized with the enable bit written 0, so sizing never turns
 * the ROM on. */
static void pci_read_rom(struct pci_dev *dev, int reg)
{
	struct resource *res = &dev->resource[PCI_ROM_RESOURCE];
	uint32_t l = cfg_read32(dev, reg);
	uint32_t sz = size_dword(dev, reg, l, (uint32_t)PCI_ROM_ADDRESS_MASK);
	uint64_t size = bar_size(sz & PCI_ROM_ADDRESS_MASK & 0xffffffffU);

	if (!size || sz == ~0U)
		return;
	res->flags = IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_READONLY;
	if (l & PCI_ROM_ADDRESS_ENABLE)
		res->flags |= IORESOURCE_ROM_ENABLE;
	res->start = l & PCI_ROM_ADDRESS_MASK & 0xffffffffU;
	res->end = res->start + size - 1;
	res->name = dev->name;
	if (!res->start)
		res->flags |= IORESOURCE_UNSET;
}

/* Sizes every BAR and the ROM with decoding off, then restores COMMAND. */
static void pci_read_bases(struct pci_dev *dev, int nbars, int rom_reg)
{
	uint16_t cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	if (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		pci_write_config_word(dev, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nbars; )
		i += pci_read_bar(dev, i, PCI_BASE_ADDRESS_0 + 4 * i);
	if (rom_reg)
		pci_read_rom(dev, rom_reg);
	if (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		pci_write_config_word(dev, PCI_COMMAND, cmd);
	for (int i = 0; i <= PCI_ROM_RESOURCE; i++)
		if (dev->resource[i].flags)
			pci_print_bar(dev, i);
}

/* A bridge's three forwarding windows (PCI-to-PCI Bridge 1.2, 3.2.5.6-9):
 * I/O in 4 KiB units, memory in 1 MiB units, prefetchable memory in 1 MiB
 * units with optional upper 32 bits; a limit below its base: closed. */
static void pci_read_bridge_windows(struct pci_dev *dev)
{
	uint8_t iob, iol;
	uint16_t mb, ml, pb, pl, iobu = 0, iolu = 0;
	uint32_t pbu = 0, plu = 0;
	struct resource *r = &dev->resource[PCI_BRIDGE_RESOURCES];
	static char names[256][16];
	char *name = names[dev->secondary];

	snprintf(name, 16, "PCI Bus 0000:%02x", dev->secondary);
	pci_read_config_byte(dev, PCI_IO_BASE, &iob);
	pci_read_config_byte(dev, PCI_IO_LIMIT, &iol);
	if ((iob & 0xf) == 1) {         /* 32-bit I/O addressing */
		pci_read_config_word(dev, PCI_IO_BASE_UPPER16, &iobu);
		pci_read_config_word(dev, PCI_IO_LIMIT_UPPER16, &iolu);
	}
	pci_read_config_word(dev, PCI_MEMORY_BASE, &mb);
	pci_read_config_word(dev, PCI_MEMORY_LIMIT, &ml);
	pci_read_config_word(dev, PCI_PREF_MEMORY_BASE, &pb);
	pci_read_config_word(dev, PCI_PREF_MEMORY_LIMIT, &pl);
	if ((pb & 0xf) == 1) {          /* 64-bit prefetchable */
		pbu = cfg_read32(dev, PCI_PREF_BASE_UPPER32);
		plu = cfg_read32(dev, PCI_PREF_LIMIT_UPPER32);
	}
	r[0] = (struct resource){ .start = (uint64_t)iobu << 16 | (iob & 0xf0U) << 8,
				  .end = (uint64_t)iolu << 16 | (iol & 0xf0U) << 8 | 0xfff,
				  .flags = IORESOURCE_IO | IORESOURCE_WINDOW, .name = name };
	r[1] = (struct resource){ .start = (uint64_t)(mb & 0xfff0U) << 16,
				  .end = (uint64_t)(ml & 0xfff0U) << 16 | 0xfffff,
				  .flags = IORESOURCE_MEM | IORESOURCE_WINDOW, .name = name };
	r[2] = (struct resource){ .start = (uint64_t)pbu << 32 | (uint64_t)(pb & 0xfff0U) << 16,
				  .end = (uint64_t)plu << 32 | (uint64_t)(pl & 0xfff0U) << 16 | 0xfffff,
				  .flags = IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_WINDOW |
					   ((pb & 0xf) == 1 ? IORESOURCE_MEM_64 : 0), .name = name };
	for (int i = 0; i < 3; i++) {
		char buf[80];

		if (r[i].end < r[i].start) {
			r[i].flags = 0;
			continue;
		}
		pci_format_resource(buf, sizeof(buf), &r[i]);
		pci_info(dev, "PCI bridge to [bus %02x-%02x]: %s\n", dev->secondary,
			 dev->subordinate, buf);
	}
}

/* ---- devices ------------------------------------------------------------------ */

static struct pci_dev *pci_setup_device(unsigned int bus, unsigned int devfn, uint8_t hdr)
{
	struct pci_dev *dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	uint32_t class_rev;
	uint8_t line;

	if (!dev) {
		pr_warn("pci 0000:%02x:%02x.%d: no memory for its pci_dev; skipped\n",
			bus, PCI_SLOT(devfn), PCI_FUNC(devfn));
		return NULL;
	}
	dev->bus = bus;
	dev->devfn = devfn;
	snprintf(dev->name, sizeof(dev->name), "0000:%02x:%02x.%d", bus, PCI_SLOT(devfn),
		 PCI_FUNC(devfn));
	pci_read_config_word(dev, PCI_VENDOR_ID, &dev->vendor);
	pci_read_config_word(dev, PCI_DEVICE_ID, &dev->device);
	class_rev = cfg_read32(dev, PCI_CLASS_REVISION);
	dev->class = class_rev >> 8;
	dev->revision = class_rev & 0xff;
	dev->hdr_type = hdr & PCI_HEADER_TYPE_MASK;
	dev->multifunction = hdr & PCI_HEADER_TYPE_MFD;
	pci_read_config_byte(dev, PCI_INTERRUPT_PIN, &dev->pin);
	pci_read_config_byte(dev, PCI_INTERRUPT_LINE, &line);
	dev->irq = dev->pin && line != 0xff ? line : 0;
	pci_info(dev, "[%04x:%04x] type %02x class 0x%06x\n", dev->vendor, dev->device,
		 dev->hdr_type, dev->class);
	switch (dev->hdr_type) {
	case PCI_HEADER_TYPE_NORMAL:
		pci_read_config_word(dev, PCI_SUBSYSTEM_VENDOR_ID, &dev->subsystem_vendor);
		pci_read_config_word(dev, PCI_SUBSYSTEM_ID, &dev->subsystem_device);
		pci_read_bases(dev, 6, PCI_ROM_ADDRESS);
		break;
	case PCI_HEADER_TYPE_BRIDGE:
		pci_read_bases(dev, 2, PCI_ROM_ADDRESS1);
		break;
	default:
		pci_warn(dev, "header type %02x (CardBus or unknown): BARs not read\n", dev->hdr_type);
	}
	*pci_devices_tail = dev;
	pci_devices_tail = &dev->next;
	return dev;
}

static void pci_scan_bus(unsigned int bus, int depth);

/* The buses behind a bridge: the firmware's numbers if it set them
 * (secondary above this bus), else the next free number, with the
 * subordinate bus set to the last number used behind it. */
static void pci_scan_bridge(struct pci_dev *dev, int depth)
{
	uint8_t sec, sub;
	bool assign;

	pci_read_config_byte(dev, PCI_SECONDARY_BUS, &sec);
	pci_read_config_byte(dev, PCI_SUBORDINATE_BUS, &sub);
	assign = sec <= dev->bus || sub < sec || bus_seen[sec];
	if (assign) {
		if (pci_last_bus >= 255) {
			pci_warn(dev, "no bus number left for the bridge; not scanned behind it\n");
			return;
		}
		sec = ++pci_last_bus;
		pci_write_config_byte(dev, PCI_PRIMARY_BUS, dev->bus);
		pci_write_config_byte(dev, PCI_SECONDARY_BUS, sec);
		pci_write_config_byte(dev, PCI_SUBORDINATE_BUS, 0xff);  /* forward all while scanning */
		pci_info(dev, "bridge had no bus numbers: assigned secondary bus %02x\n", sec);
	} else if (sec > pci_last_bus) {
		pci_last_bus = sec;
	}
	dev->secondary = sec;
	if (depth >= PCI_MAX_BRIDGE_DEPTH) {
		pci_warn(dev, "bridges nested deeper than %d; bus %02x not scanned\n",
			 PCI_MAX_BRIDGE_DEPTH, sec);
		return;
	}
	pci_mmcfg_map_bus(sec);
	pci_scan_bus(sec, depth + 1);
	if (assign) {
		sub = pci_last_bus;
		pci_write_config_byte(dev, PCI_SUBORDINATE_BUS, sub);
	} else if (sub > pci_last_bus) {
		pci_last_bus = sub;
	}
	dev->subordinate = sub;
	pci_read_bridge_windows(dev);
}

static void pci_scan_bus(unsigned int bus, int depth)
{
	if (bus_seen[bus]) {
		pr_warn("pci_bus 0000:%02x: scanned already (a bridge loop?); skipped\n", bus);
		return;
	}
	bus_seen[bus] = true;
	for (unsigned int slot = 0; slot < 32; slot++) {
		for (unsigned int fn = 0; fn < 8; fn++) {
			unsigned int devfn = PCI_DEVFN(slot, fn);
			uint32_t vendor, hdr;
			struct pci_dev *dev;

			pci_bus_read_config(bus, devfn, PCI_VENDOR_ID, 2, &vendor);
			if (vendor == 0xffff || vendor == 0) {
				if (fn == 0)
					break;          /* no function 0: no device */
				continue;
			}
			pci_bus_read_config(bus, devfn, PCI_HEADER_TYPE, 1, &hdr);
			dev = pci_setup_device(bus, devfn, (uint8_t)hdr);
			if (dev && dev->hdr_type == PCI_HEADER_TYPE_BRIDGE)
				pci_scan_bridge(dev, depth);
			if (fn == 0 && !(hdr & PCI_HEADER_TYPE_MFD))
				break;
		}
	}
}

void __init pci_scan(void)
{
	pci_scan_bus(0, 0);
}

/* ---- lookups ------------------------------------------------------------------- */

struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device, struct pci_dev *from)
{
	for (struct pci_dev *d = from ? from->next : pci_devices; d; d = d->next)
		if ((vendor == PCI_ANY_ID || d->vendor == vendor) &&
		    (device == PCI_ANY_ID || d->device == device))
			return d;
	return NULL;
}

struct pci_dev *pci_get_slot(unsigned int bus, unsigned int devfn)
{
	for (struct pci_dev *d = pci_devices; d; d = d->next)
		if (d->bus == bus && d->devfn == devfn)
			return d;
	return NULL;
}
