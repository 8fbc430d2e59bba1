/* lspci (drivers/pci.h): the devices found at boot in the formats of
 * pciutils' lspci, `lspci`, `lspci -v` and the hex dumps of `-x`, `-xxx`
 * and `-xxxx`. Names come from a small table of what QEMU's machines
 * carry (pciutils reads pci.ids); anything else prints as lspci prints an
 * unknown ID, "Device 1234:1111". Regions are read from config space now,
 * so `[disabled]` shows whether decoding is on at this moment. */
#include "drivers/pci.h"
#include "drivers/pci_internal.h"
#include "kernel/printk.h"

struct pci_name {
	uint16_t vendor, device;        /* device 0xffff: the vendor's own name */
	const char *name;
};

static const struct pci_name pci_names[] = {
	{ 0x8086, 0xffff, "Intel Corporation" },
	{ 0x8086, 0x1237, "440FX - 82441FX PMC [Natoma]" },
	{ 0x8086, 0x7000, "82371SB PIIX3 ISA [Natoma/Triton II]" },
	{ 0x8086, 0x7010, "82371SB PIIX3 IDE [Natoma/Triton II]" },
	{ 0x8086, 0x7113, "82371AB/EB/MB PIIX4 ACPI" },
	{ 0x8086, 0x100e, "82540EM Gigabit Ethernet Controller" },
	{ 0x8086, 0x29c0, "82G33/G31/P35/P31 Express DRAM Controller" },
	{ 0x8086, 0x2918, "82801IB (ICH9) LPC Interface Controller" },
	{ 0x8086, 0x2922, "82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]" },
	{ 0x8086, 0x2930, "82801I (ICH9 Family) SMBus Controller" },
	{ 0x1af4, 0xffff, "Red Hat, Inc." },
	{ 0x1af4, 0x1000, "Virtio network device" },
	{ 0x1af4, 0x1041, "Virtio 1.0 network device" },
	{ 0x1af4, 0x1100, "QEMU Virtual Machine" },
	{ 0x1af4, 0x1110, "Inter-VM shared memory" },
	{ 0x1b36, 0xffff, "Red Hat, Inc." },
	{ 0x1b36, 0x0001, "QEMU PCI-PCI bridge" },
	{ 0x1b36, 0x000c, "QEMU PCIe Root port" },
	{ 0x1b36, 0x0100, "QXL paravirtual graphic card" },
};

struct pci_class_name {
	uint16_t class;                 /* class << 8 | subclass */
	const char *name;
};

/* pci.ids' class names for the classes QEMU's devices use */
static const struct pci_class_name pci_class_names[] = {
	{ 0x0100, "SCSI storage controller" }, { 0x0101, "IDE interface" },
	{ 0x0106, "SATA controller" }, { 0x0180, "Mass storage controller" },
	{ 0x0200, "Ethernet controller" }, { 0x0280, "Network controller" },
	{ 0x0300, "VGA compatible controller" }, { 0x0380, "Display controller" },
	{ 0x0403, "Audio device" }, { 0x0500, "RAM memory" }, { 0x0580, "Memory controller" },
	{ 0x0600, "Host bridge" }, { 0x0601, "ISA bridge" }, { 0x0604, "PCI bridge" },
	{ 0x0680, "Bridge" }, { 0x0700, "Serial controller" }, { 0x0c03, "USB controller" },
	{ 0x0c05, "SMBus" }, { 0x00ff, "Unclassified device" },
};

static const char *lookup_name(uint16_t vendor, uint16_t device)
{
	for (unsigned i = 0; i < sizeof(pci_names) / sizeof(pci_names[0]); i++)
		if (pci_names[i].vendor == vendor && pci_names[i].device == device)
			return pci_names[i].name;
	return NULL;
}

static void print_class(const struct pci_dev *d, int (*out)(const char *fmt, ...))
{
	uint16_t cls = d->class >> 8;

	for (unsigned i = 0; i < sizeof(pci_class_names) / sizeof(pci_class_names[0]); i++)
		if (pci_class_names[i].class == cls) {
			out("%s", pci_class_names[i].name);
			return;
		}
	out("Class %04x", cls);
}

/* "Intel Corporation 82540EM ...", "Red Hat, Inc. Device 1110",
 * "Device 1234:1111" (lspci's three cases) */
static void print_ids(uint16_t vendor, uint16_t device, int (*out)(const char *fmt, ...))
{
	const char *v = lookup_name(vendor, 0xffff), *dn = lookup_name(vendor, device);

	if (!v)
		out("Device %04x:%04x", vendor, device);
	else if (!dn)
		out("%s Device %04x", v, device);
	else
		out("%s %s", v, dn);
}

static void print_size(uint64_t size, int (*out)(const char *fmt, ...))
{
	static const char *const units[] = { "", "K", "M", "G", "T" };
	int u = 0;

	while (size >= 1024 && !(size & 1023) && u < 4) {
		size >>= 10;
		u++;
	}
	out(" [size=%llu%s]", (unsigned long long)size, units[u]);
}

static void print_regions(const struct pci_dev *d, int (*out)(const char *fmt, ...))
{
	uint16_t cmd;

	pci_read_config_word(d, PCI_COMMAND, &cmd);
	for (int i = 0; i <= PCI_ROM_RESOURCE; i++) {
		const struct resource *r = &d->resource[i];
		uint64_t size = r->end - r->start + 1;
		bool unset = r->flags & IORESOURCE_UNSET;

		if (!r->flags)
			continue;
		if (i == PCI_ROM_RESOURCE) {
			uint32_t rom;

			pci_read_config_dword(d, d->hdr_type == PCI_HEADER_TYPE_BRIDGE ?
					      PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS, &rom);
			if (unset)
				out("\tExpansion ROM at <unassigned>");
			else
				out("\tExpansion ROM at %08llx", (unsigned long long)r->start);
			if (!(rom & PCI_ROM_ADDRESS_ENABLE) || !(cmd & PCI_COMMAND_MEMORY))
				out(" [disabled]");
		} else if (r->flags & IORESOURCE_IO) {
			if (unset)
				out("\tI/O ports at <unassigned>");
			else
				out("\tI/O ports at %04llx", (unsigned long long)r->start);
			if (!(cmd & PCI_COMMAND_IO))
				out(" [disabled]");
		} else {
			if (unset)
				out("\tMemory at <unassigned>");
			else
				out("\tMemory at %08llx", (unsigned long long)r->start);
			out(" (%s, %sprefetchable)", (r->flags & IORESOURCE_MEM_64) ? "64-bit" : "32-bit",
			    (r->flags & IORESOURCE_PREFETCH) ? "" : "non-");
			if (!(cmd & PCI_COMMAND_MEMORY))
				out(" [disabled]");
		}
		print_size(size, out);
		out("\n");
	}
}

static void print_bridge(const struct pci_dev *d, int (*out)(const char *fmt, ...))
{
	const struct resource *w = &d->resource[PCI_BRIDGE_RESOURCES];
	static const char *const what[] = { "I/O", "Memory", "Prefetchable memory" };

	out("\tBus: primary=%02x, secondary=%02x, subordinate=%02x, sec-latency=0\n",
	    d->bus, d->secondary, d->subordinate);
	for (int i = 0; i < 3; i++) {
		if (!w[i].flags)
			continue;
		out("\t%s behind bridge: %0*llx-%0*llx", what[i], i ? 8 : 4,
		    (unsigned long long)w[i].start, i ? 8 : 4, (unsigned long long)w[i].end);
		print_size(w[i].end - w[i].start + 1, out);
		out("\n");
	}
}

/* lspci's Flags line: bus master, DEVSEL timing (STATUS bits 10:9),
 * latency (bus masters), IRQ */
static void print_flags(const struct pci_dev *d, int (*out)(const char *fmt, ...))
{
	static const char *const devsel[] = { "fast", "medium", "slow", "??" };
	uint16_t cmd, status;
	uint8_t latency;

	pci_read_config_word(d, PCI_COMMAND, &cmd);
	pci_read_config_word(d, PCI_STATUS, &status);
	pci_read_config_byte(d, 0x0d, &latency);        /* Latency Timer */
	out("\tFlags: %s%s devsel", (cmd & PCI_COMMAND_MASTER) ? "bus master, " : "",
	    devsel[(status >> 9) & 3]);
	if (cmd & PCI_COMMAND_MASTER)
		out(", latency %u", latency);
	if (d->pin && d->irq)
		out(", IRQ %u", d->irq);
	out("\n");
}

/* -x: 64 bytes, -xxx: 256, -xxxx: 4096 (ECAM only): "00: 86 80 0e 10 ..." */
static void print_hex(const struct pci_dev *d, int bytes, int (*out)(const char *fmt, ...))
{
	for (int off = 0; off < bytes; off += 16) {
		out(bytes > 256 ? "%03x:" : "%02x:", off);
		for (int i = 0; i < 16; i++) {
			uint8_t b;

			pci_read_config_byte(d, off + i, &b);
			out(" %02x", b);
		}
		out("\n");
	}
}

void pci_print_device(const struct pci_dev *d, bool verbose, int hex,
		      int (*out)(const char *fmt, ...))
{
	out("%02x:%02x.%d ", d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
	print_class(d, out);
	out(": ");
	print_ids(d->vendor, d->device, out);
	if (d->revision)
		out(" (rev %02x)", d->revision);
	if (verbose && (d->class & 0xff) && !hex)
		out(" (prog-if %02x)", d->class & 0xff);
	out("\n");
	if (verbose) {
		if (d->hdr_type == PCI_HEADER_TYPE_NORMAL && d->subsystem_vendor) {
			out("\tSubsystem: ");
			print_ids(d->subsystem_vendor, d->subsystem_device, out);
			out("\n");
		}
		print_flags(d, out);
		print_regions(d, out);
		if (d->hdr_type == PCI_HEADER_TYPE_BRIDGE)
			print_bridge(d, out);
		if (d->driver)
			out("\tKernel driver in use: %s\n", d->driver->name);
	}
	if (hex)
		print_hex(d, hex > 256 && !pci_ecam_bus_map(d->bus) ? 256 : hex, out);
	if (verbose || hex)
		out("\n");
}

void pci_print_devices(bool verbose, int hex, int (*out)(const char *fmt, ...))
{
	struct pci_dev *d = NULL;

	for_each_pci_dev(d)
		pci_print_device(d, verbose, hex, out);
}
