/* The PCI driver API (drivers/pci.h), Linux's names: enabling decode,
 * claiming and mapping BARs, and binding drivers to devices, plus the
 * boot step that brings PCI up (pci_init).
 *
 * Every argument is checked: a BAR index out of range, a BAR the device
 * does not have, one the firmware did not assign or that could not be
 * claimed at boot, a claim of a claimed BAR, an I/O BAR given to iomap.
 * Each is one line and an error, with nothing changed. */
#include "drivers/pci.h"
#include "drivers/pci_internal.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "mm/ioremap.h"

static struct pci_driver *pci_drivers;

static bool bar_index_ok(struct pci_dev *pdev, int bar, const char *fn)
{
	if (bar < 0 || bar > PCI_ROM_RESOURCE) {
		pci_warn(pdev, "%s: BAR %d: no such BAR (0-5, %d for the ROM)\n", fn, bar,
			 PCI_ROM_RESOURCE);
		return false;
	}
	return true;
}

/* The BAR as a resource a driver may use: present, assigned, in the tree. */
static struct resource *usable_bar(struct pci_dev *pdev, int bar, const char *fn)
{
	struct resource *r;

	if (!pdev || !bar_index_ok(pdev, bar, fn))
		return NULL;
	r = &pdev->resource[bar];
	if (!r->flags) {
		pci_warn(pdev, "%s: BAR %d: the device has no such BAR\n", fn, bar);
		return NULL;
	}
	if (r->flags & IORESOURCE_UNSET) {
		pci_warn(pdev, "%s: BAR %d: not assigned an address\n", fn, bar);
		return NULL;
	}
	if (!r->parent) {
		pci_warn(pdev, "%s: BAR %d: was not claimed at boot (see the boot log); refused\n",
			 fn, bar);
		return NULL;
	}
	return r;
}

/* ---- decoding ----------------------------------------------------------------- */

int pci_enable_device(struct pci_dev *pdev)
{
	uint16_t cmd, want = 0;

	for (int i = 0; i <= PCI_STD_RESOURCE_END; i++) {
		if (pdev->resource[i].flags & IORESOURCE_IO)
			want |= PCI_COMMAND_IO;
		else if (pdev->resource[i].flags & IORESOURCE_MEM)
			want |= PCI_COMMAND_MEMORY;
	}
	if (pci_read_config_word(pdev, PCI_COMMAND, &cmd))
		return -EIO;
	if (pdev->enable_cnt++ == 0)
		pdev->saved_command = cmd;
	if ((cmd & want) != want)
		pci_write_config_word(pdev, PCI_COMMAND, cmd | want);
	return 0;
}

void pci_disable_device(struct pci_dev *pdev)
{
	if (pdev->enable_cnt <= 0) {
		pci_warn(pdev, "pci_disable_device: not enabled\n");
		return;
	}
	if (--pdev->enable_cnt == 0)
		pci_write_config_word(pdev, PCI_COMMAND, pdev->saved_command);
}

void pci_set_master(struct pci_dev *pdev)
{
	uint16_t cmd;

	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MASTER))
		pci_write_config_word(pdev, PCI_COMMAND, cmd | PCI_COMMAND_MASTER);
}

/* ---- claims ------------------------------------------------------------------- */

int pci_request_region(struct pci_dev *pdev, int bar, const char *name)
{
	struct resource *r = usable_bar(pdev, bar, "pci_request_region");
	struct resource *root;

	if (!r)
		return -EINVAL;
	if (pdev->region[bar]) {
		pci_warn(pdev, "BAR %d [0x%llx-0x%llx]: can't reserve for %s; claimed by %s\n", bar,
			 (unsigned long long)r->start, (unsigned long long)r->end, name,
			 pdev->region[bar]->name);
		return -EBUSY;
	}
	root = (r->flags & IORESOURCE_IO) ? &ioport_resource : &iomem_resource;
	/* descends through the window to the BAR's line and nests under it */
	pdev->region[bar] = __request_region(root, r->start, r->end - r->start + 1, name,
					     r->flags & (IORESOURCE_IO | IORESOURCE_MEM));
	return pdev->region[bar] ? 0 : -EBUSY;
}

void pci_release_region(struct pci_dev *pdev, int bar)
{
	struct resource *r;

	if (!bar_index_ok(pdev, bar, "pci_release_region"))
		return;
	if (!pdev->region[bar]) {
		pci_warn(pdev, "pci_release_region: BAR %d is not claimed\n", bar);
		return;
	}
	r = &pdev->resource[bar];
	__release_region((r->flags & IORESOURCE_IO) ? &ioport_resource : &iomem_resource,
			 r->start, r->end - r->start + 1);
	pdev->region[bar] = NULL;
}

int pci_request_regions(struct pci_dev *pdev, const char *name)
{
	for (int i = 0; i <= PCI_STD_RESOURCE_END; i++) {
		if (!pdev->resource[i].flags)
			continue;
		int err = pci_request_region(pdev, i, name);
		if (err) {
			while (--i >= 0)
				if (pdev->region[i])
					pci_release_region(pdev, i);
			return err;
		}
	}
	return 0;
}

void pci_release_regions(struct pci_dev *pdev)
{
	for (int i = 0; i <= PCI_STD_RESOURCE_END; i++)
		if (pdev->region[i])
			pci_release_region(pdev, i);
}

/* ---- mapping ------------------------------------------------------------------ */

static void *pci_iomap_type(struct pci_dev *pdev, int bar, unsigned long maxlen, bool wc)
{
	const char *fn = wc ? "pci_iomap_wc" : "pci_iomap";
	struct resource *r = usable_bar(pdev, bar, fn);
	unsigned long len;

	if (!r)
		return NULL;
	if (!(r->flags & IORESOURCE_MEM)) {
		pci_warn(pdev, "%s: BAR %d is I/O ports: use inb/outb, not a mapping\n", fn, bar);
		return NULL;
	}
	len = r->end - r->start + 1;
	if (maxlen && maxlen < len)
		len = maxlen;
	return wc ? ioremap_wc(r->start, len) : ioremap(r->start, len);
}

void *pci_iomap(struct pci_dev *pdev, int bar, unsigned long maxlen)
{
	return pci_iomap_type(pdev, bar, maxlen, false);
}

void *pci_iomap_wc(struct pci_dev *pdev, int bar, unsigned long maxlen)
{
	return pci_iomap_type(pdev, bar, maxlen, true);
}

void pci_iounmap(struct pci_dev *pdev, void *addr)
{
	(void)pdev;
	iounmap(addr);
}

/* ---- drivers ------------------------------------------------------------------- */

static bool id_table_end(const struct pci_device_id *id)
{
	return !id->vendor && !id->subvendor && !id->class_mask;
}

static const struct pci_device_id *pci_match_id(const struct pci_device_id *id,
						const struct pci_dev *dev)
{
	for (; !id_table_end(id); id++) {
		if ((id->vendor == PCI_ANY_ID || id->vendor == dev->vendor) &&
		    (id->device == PCI_ANY_ID || id->device == dev->device) &&
		    (id->subvendor == PCI_ANY_ID || id->subvendor == dev->subsystem_vendor) &&
		    (id->subdevice == PCI_ANY_ID || id->subdevice == dev->subsystem_device) &&
		    !((id->class ^ dev->class) & id->class_mask))
			return id;
	}
	return NULL;
}

int pci_register_driver(struct pci_driver *drv)
{
	struct pci_dev *d = NULL;

	if (!drv || !drv->name || !drv->probe || !drv->id_table) {
		pr_warn("pci_register_driver: a driver needs a name, a probe and an id_table\n");
		return -EINVAL;
	}
	for (struct pci_driver *p = pci_drivers; p; p = p->next)
		if (p == drv) {
			pr_warn("pci_register_driver: %s is registered already\n", drv->name);
			return -EBUSY;
		}
	drv->next = pci_drivers;
	pci_drivers = drv;
	for_each_pci_dev(d) {
		const struct pci_device_id *id;
		int err;

		if (d->driver || !(id = pci_match_id(drv->id_table, d)))
			continue;
		d->driver = drv;        /* during probe, as Linux's dev->driver */
		err = drv->probe(d, id);
		if (err) {
			d->driver = NULL;
			pr_warn("%s: probe of %s failed with error %d\n", drv->name, d->name, err);
		}
	}
	return 0;
}

void pci_unregister_driver(struct pci_driver *drv)
{
	struct pci_driver **link = &pci_drivers;
	struct pci_dev *d = NULL;

	while (*link && *link != drv)
		link = &(*link)->next;
	if (!*link) {
		pr_warn("pci_unregister_driver: %s is not registered\n", drv ? drv->name : "(null)");
		return;
	}
	*link = drv->next;
	for_each_pci_dev(d) {
		if (d->driver != drv)
			continue;
		if (drv->remove)
			drv->remove(d);
		d->driver = NULL;
	}
}

/* ---- boot ---------------------------------------------------------------------- */

void __init pci_init(void)
{
	int n = 0;
	struct pci_dev *d = NULL;

	pci_conf_init();
	if (!pci_conf1_ok && !pci_using_ecam()) {
		pr_warn("PCI: neither configuration ports nor ECAM; no PCI\n");
		return;
	}
	pci_scan();
	pci_claim_resources();
	for_each_pci_dev(d)
		n++;
	pr_info("PCI: %d functions found\n", n);
}
