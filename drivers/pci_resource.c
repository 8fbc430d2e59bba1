/* PCI resources (drivers/pci.h): the host bridge's windows and each BAR
 * in the iomem/ioports tree, nested as Linux's /proc/iomem shows them:
 *
 *   10000000-febfffff : PCI Bus 0000:00        the host bridge forwards this
 *     febc0000-febdffff : 0000:00:03.0         a BAR of device 00:03.0
 *       febc0000-febdffff : e1000              its driver's claim
 *
 * Linux takes the windows from the host bridge's _CRS method in the ACPI
 * DSDT, which is AML: Carta has no AML interpreter, so it derives them
 * from the facts it has, as Linux did before _CRS (pci=nocrs):
 *
 *   memory  000a0000-000bffff, the legacy VGA hole every PC chipset
 *           forwards to PCI;
 *           the part of [top of RAM below 4 GiB, 0xfebfffff] the e820 map
 *           leaves free (0xfec00000 up is the IO-APIC, HPET and LAPIC and
 *           the firmware; an e820 reservation such as q35's ECAM splits
 *           the window in two);
 *           above 4 GiB, only if a BAR is there: from the lowest such BAR
 *           to the highest, each end rounded out to 1 GiB;
 *   I/O     0000-0cf7 and 0d00-ffff: everything but the host bridge's own
 *           configuration ports 0cf8-0cff (PCI Local Bus 3.0, 3.2.2.3.2).
 *
 * So the windows can be wider than _CRS says (_CRS may leave out ranges
 * the chipset decodes for something else, and gives the exact 64-bit
 * window), but every BAR the firmware placed lies in one of them. A BAR
 * that does not, or that overlaps RAM or another resource, is one line
 * and is left out of the tree: pci_request_region then refuses it. */
#include "drivers/pci.h"
#include "drivers/pci_internal.h"
#include "kernel/e820.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"

#define PCI_LOW_WINDOW_END  0xfebfffffULL       /* the IO-APIC is at 0xfec00000 */
#define PCI_MAX_WINDOWS     8
#define SZ_1G               (1ULL << 30)
#define SZ_4G               (1ULL << 32)

static const char pci_bus0_name[] = "PCI Bus 0000:00";
static struct resource pci_root_windows[PCI_MAX_WINDOWS];
static int nr_root_windows;
static struct resource pci_conf1_res = {
	.start = 0xcf8, .end = 0xcff, .name = "PCI conf1", .flags = IORESOURCE_IO | IORESOURCE_BUSY,
};

static void add_window(struct resource *root, uint64_t start, uint64_t end, unsigned long flags)
{
	struct resource *w;
	struct resource *conflict;

	if (start > end)
		return;
	if (nr_root_windows == PCI_MAX_WINDOWS) {
		pr_warn("PCI: more than %d host-bridge windows; [0x%llx-0x%llx] left out\n",
			PCI_MAX_WINDOWS, (unsigned long long)start, (unsigned long long)end);
		return;
	}
	w = &pci_root_windows[nr_root_windows];
	*w = (struct resource){ .start = start, .end = end, .name = pci_bus0_name,
				.flags = flags | IORESOURCE_WINDOW };
	conflict = __request_resource(root, w);
	if (conflict) {
		pr_warn("PCI: host bridge window [%s 0x%llx-0x%llx] overlaps %s [0x%llx-0x%llx]; left out\n",
			(flags & IORESOURCE_IO) ? "io" : "mem", (unsigned long long)start,
			(unsigned long long)end, conflict->name ? conflict->name : "?",
			(unsigned long long)conflict->start, (unsigned long long)conflict->end);
		return;
	}
	nr_root_windows++;
	pr_info("pci_bus 0000:00: root bus resource [%s 0x%0*llx-0x%0*llx window]\n",
		(flags & IORESOURCE_IO) ? "io " : "mem", (flags & IORESOURCE_IO) ? 4 : 8,
		(unsigned long long)start, (flags & IORESOURCE_IO) ? 4 : 8, (unsigned long long)end);
}

static bool e820_is_ram(uint32_t type)
{
	return type == E820_TYPE_RAM || type == E820_TYPE_ACPI || type == E820_TYPE_NVS;
}

/* The free part of [top of RAM below 4G, PCI_LOW_WINDOW_END]: that range
 * minus every e820 entry, as one window per hole. */
static void add_low_windows(void)
{
	uint64_t top = 0x100000, cur;

	for (uint32_t i = 0; i < e820_table->nr_entries; i++) {
		const struct e820_entry *e = &e820_table->entries[i];
		uint64_t end = e->addr + e->size;

		if (e820_is_ram(e->type) && e->addr < SZ_4G && end > top)
			top = end < SZ_4G ? end : SZ_4G;
	}
	/* e820 entries are sorted and disjoint (kernel/e820.c): one pass */
	cur = top;
	for (uint32_t i = 0; i < e820_table->nr_entries && cur <= PCI_LOW_WINDOW_END; i++) {
		const struct e820_entry *e = &e820_table->entries[i];
		uint64_t end = e->addr + e->size;

		if (end <= cur)
			continue;
		if (e->addr > cur)
			add_window(&iomem_resource, cur,
				   e->addr - 1 < PCI_LOW_WINDOW_END ? e->addr - 1 : PCI_LOW_WINDOW_END,
				   IORESOURCE_MEM);
		cur = end;
	}
	if (cur <= PCI_LOW_WINDOW_END)
		add_window(&iomem_resource, cur, PCI_LOW_WINDOW_END, IORESOURCE_MEM);
}

/* A window above 4 GiB covering every BAR the firmware put there. */
static void add_high_window(void)
{
	uint64_t lo = ~0ULL, hi = 0;
	struct pci_dev *d = NULL;

	for_each_pci_dev(d) {
		for (int i = 0; i <= PCI_ROM_RESOURCE; i++) {
			const struct resource *r = &d->resource[i];

			if (!(r->flags & IORESOURCE_MEM) || (r->flags & IORESOURCE_UNSET) ||
			    r->start < SZ_4G)
				continue;
			lo = r->start < lo ? r->start : lo;
			hi = r->end > hi ? r->end : hi;
		}
	}
	if (lo <= hi)
		add_window(&iomem_resource, lo & ~(SZ_1G - 1), hi | (SZ_1G - 1), IORESOURCE_MEM);
}

/* The window or BAR a claimed resource sits in, or NULL if none: a BAR
 * must be inside a "PCI Bus" window, at any depth. */
static bool inside_window(const struct resource *r)
{
	for (const struct resource *p = r->parent; p; p = p->parent)
		if (p->flags & IORESOURCE_WINDOW)
			return true;
	return false;
}

static void pci_claim_one(struct pci_dev *dev, int i)
{
	struct resource *r = &dev->resource[i];
	struct resource *root = (r->flags & IORESOURCE_IO) ? &ioport_resource : &iomem_resource;
	struct resource *conflict;
	char buf[80];
	const char *why = NULL;

	if (!r->flags)
		return;
	if (i == PCI_ROM_RESOURCE)
		snprintf(buf, sizeof(buf), "ROM ");
	else if (i < PCI_BRIDGE_RESOURCES)
		snprintf(buf, sizeof(buf), "BAR %d ", i);
	else
		snprintf(buf, sizeof(buf), "bridge window ");
	pci_format_resource(buf + strlen(buf), sizeof(buf) - strlen(buf), r);
	if (r->flags & IORESOURCE_UNSET) {
		pci_warn(dev, "%s: not assigned by the firmware; left unclaimed\n", buf);
		return;
	}
	conflict = __request_resource(root, r);
	if (conflict) {
		pci_warn(dev, "%s: can't claim; address conflict with %s [%s 0x%llx-0x%llx]\n", buf,
			 conflict->name ? conflict->name : "?", (r->flags & IORESOURCE_IO) ? "io" : "mem",
			 (unsigned long long)conflict->start, (unsigned long long)conflict->end);
		return;
	}
	if (!inside_window(r)) {
		why = r->parent && r->parent->name && !strcmp(r->parent->name, "System RAM") ?
			"overlaps System RAM" : "no compatible bridge window";
		pci_warn(dev, "%s: can't claim; %s%s%s\n", buf, why,
			 r->parent != root ? ", inside " : "",
			 r->parent != root && r->parent->name ? r->parent->name : "");
		release_resource(r);
		r->parent = NULL;
	}
}

/* After pci_scan: windows first, then every bridge window and BAR, in scan
 * order, so each nests under the bridge window or host window holding it. */
void __init pci_claim_resources(void)
{
	struct pci_dev *d = NULL;

	if (pci_conf1_ok)       /* Linux's "0cf8-0cff : PCI conf1" */
		__request_resource(&ioport_resource, &pci_conf1_res);
	add_window(&ioport_resource, 0x0000, 0x0cf7, IORESOURCE_IO);
	add_window(&ioport_resource, 0x0d00, 0xffff, IORESOURCE_IO);
	add_window(&iomem_resource, 0xa0000, 0xbffff, IORESOURCE_MEM);
	add_low_windows();
	add_high_window();
	for_each_pci_dev(d) {
		for (int i = PCI_BRIDGE_RESOURCES; i <= PCI_BRIDGE_RESOURCE_END; i++)
			pci_claim_one(d, i);
		for (int i = 0; i <= PCI_ROM_RESOURCE; i++)
			pci_claim_one(d, i);
	}
}
