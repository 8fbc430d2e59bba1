/* PCI selftests (drivers/pci*.c), on whatever machine booted: ECAM and
 * the ports read the same config space, a missing function reads all
 * ones, and the driver API refuses what it must (a second claim of a
 * BAR, a BAR that does not exist, an I/O BAR to iomap) and undoes what it
 * did (COMMAND after enable/disable, the tree after release, binding). */
#include "tests/kernel/ktest.h"
#include "drivers/pci.h"
#include "drivers/pci_internal.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "mm/ioremap.h"

/* A device with no driver and a claimed BAR of `flags`' kind that nobody
 * uses (no child: under UEFI efifb holds the std VGA's BAR0); *bar set. */
static struct pci_dev *free_dev_with_bar(unsigned long flags, int *bar)
{
	struct pci_dev *d = NULL;

	for_each_pci_dev(d) {
		if (d->driver)
			continue;
		for (int i = 0; i <= PCI_STD_RESOURCE_END; i++)
			if ((d->resource[i].flags & flags) && d->resource[i].parent && !d->region[i] &&
			    !d->resource[i].child) {
				*bar = i;
				return d;
			}
	}
	return NULL;
}

KTEST(pci, ecam_and_ports_read_the_same_config_space)
{
	struct pci_dev *d = NULL;
	int compared = 0;

	for_each_pci_dev(d) {
		if (!pci_ecam_bus_map(d->bus) || !pci_conf1_ok)
			continue;
		for (int where = 0; where < 256; where += 4) {
			uint32_t via_ecam, via_ports;

			KUNIT_EXPECT_EQ(test, pci_read_config_dword(d, where, &via_ecam), 0);
			KUNIT_EXPECT_EQ(test, pci_conf1_read(d->bus, d->devfn, where, 4, &via_ports), 0);
			if (via_ecam != via_ports)
				kunit_fail(test, __FILE__, __LINE__, "%s offset 0x%02x: ECAM %08x, ports %08x",
					   d->name, where, via_ecam, via_ports);
			compared++;
		}
	}
	/* on q35 every function is compared; on pc there is no ECAM */
	KUNIT_EXPECT_TRUE(test, compared > 0 || !pci_using_ecam());
}

KTEST(pci, absent_function_reads_all_ones_and_is_not_listed)
{
	for (int slot = 31; slot > 0; slot--) {
		unsigned int devfn = PCI_DEVFN(slot, 0);
		uint32_t v;

		if (pci_get_slot(0, devfn))
			continue;
		KUNIT_EXPECT_EQ(test, pci_bus_read_config(0, devfn, PCI_VENDOR_ID, 2, &v), 0);
		KUNIT_EXPECT_EQ(test, v, 0xffff);
		KUNIT_EXPECT_EQ(test, pci_bus_read_config(0, devfn, PCI_VENDOR_ID, 4, &v), 0);
		KUNIT_EXPECT_EQ(test, v, 0xffffffff);
		return;
	}
	kunit_fail(test, __FILE__, __LINE__, "every slot of bus 0 has a device");
}

KTEST(pci, config_access_refuses_bad_offsets)
{
	uint32_t v;

	KUNIT_EXPECT_EQ(test, pci_bus_read_config(0, 0, 1, 2, &v), -EINVAL);   /* unaligned */
	KUNIT_EXPECT_EQ(test, pci_bus_read_config(0, 0, 4096, 4, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, pci_bus_read_config(0, 0, 0, 3, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, pci_bus_write_config(256, 0, 0, 4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, v, 0xffffffff);
}

KTEST(pci, second_claim_of_a_bar_is_refused)
{
	int bar;
	struct pci_dev *d = free_dev_with_bar(IORESOURCE_MEM, &bar);
	struct resource *r;

	KUNIT_EXPECT_TRUE(test, d != NULL);
	if (!d)
		return;
	r = &d->resource[bar];
	KUNIT_EXPECT_EQ(test, pci_request_region(d, bar, "ktest-a"), 0);
	KUNIT_EXPECT_TRUE(test, d->region[bar] && d->region[bar]->parent == r);   /* nested */
	KUNIT_EXPECT_EQ(test, pci_request_region(d, bar, "ktest-b"), -EBUSY);
	KUNIT_EXPECT_TRUE(test, request_mem_region(r->start, r->end - r->start + 1, "ktest-c") == NULL);
	KUNIT_EXPECT_STREQ(test, r->child ? r->child->name : NULL, "ktest-a");
	KUNIT_EXPECT_TRUE(test, r->child && !r->child->sibling);
	pci_release_region(d, bar);
	KUNIT_EXPECT_TRUE(test, r->child == NULL && d->region[bar] == NULL);
	KUNIT_EXPECT_EQ(test, pci_request_region(d, bar, "ktest-b"), 0);
	pci_release_region(d, bar);
	KUNIT_EXPECT_TRUE(test, r->child == NULL);
}

KTEST(pci, bad_bars_are_refused)
{
	int bar;
	struct pci_dev *d = free_dev_with_bar(IORESOURCE_MEM | IORESOURCE_IO, &bar);

	KUNIT_EXPECT_TRUE(test, d != NULL);
	if (!d)
		return;
	KUNIT_EXPECT_EQ(test, pci_request_region(d, -1, "ktest"), -EINVAL);
	KUNIT_EXPECT_EQ(test, pci_request_region(d, PCI_NUM_RESOURCES, "ktest"), -EINVAL);
	for (int i = 0; i <= PCI_STD_RESOURCE_END; i++)
		if (!d->resource[i].flags) {
			KUNIT_EXPECT_EQ(test, pci_request_region(d, i, "ktest"), -EINVAL);
			KUNIT_EXPECT_TRUE(test, pci_iomap(d, i, 0) == NULL);
			break;
		}
	d = free_dev_with_bar(IORESOURCE_IO, &bar);
	if (d)
		KUNIT_EXPECT_TRUE(test, pci_iomap(d, bar, 0) == NULL);
}

KTEST(pci, iomap_maps_the_bar_and_enable_disable_restores_command)
{
	int bar;
	struct pci_dev *d = free_dev_with_bar(IORESOURCE_MEM, &bar);
	uint16_t before, during, after;
	void *p;

	KUNIT_EXPECT_TRUE(test, d != NULL);
	if (!d)
		return;
	pci_read_config_word(d, PCI_COMMAND, &before);
	KUNIT_EXPECT_EQ(test, pci_enable_device(d), 0);
	pci_read_config_word(d, PCI_COMMAND, &during);
	KUNIT_EXPECT_TRUE(test, during & PCI_COMMAND_MEMORY);
	p = pci_iomap(d, bar, 4096);
	KUNIT_EXPECT_TRUE(test, p != NULL);
	if (p)
		pci_iounmap(d, p);
	pci_disable_device(d);
	pci_read_config_word(d, PCI_COMMAND, &after);
	KUNIT_EXPECT_EQ(test, after, before);
}

static int ktest_probed, ktest_removed;

static int ktest_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	(void)pdev, (void)id;
	ktest_probed++;
	return 0;
}

static void ktest_remove(struct pci_dev *pdev)
{
	(void)pdev;
	ktest_removed++;
}

KTEST(pci, driver_binds_by_class_and_unbinds)
{
	static const struct pci_device_id ids[] = {
		{ PCI_DEVICE_CLASS(PCI_CLASS_BRIDGE_HOST << 8, 0xffff00) },
		{ 0 }
	};
	static struct pci_driver drv = { .name = "ktest-host", .id_table = ids,
					 .probe = ktest_probe, .remove = ktest_remove };
	struct pci_dev *host = pci_get_slot(0, 0);

	KUNIT_EXPECT_TRUE(test, host && (host->class >> 8) == PCI_CLASS_BRIDGE_HOST);
	ktest_probed = ktest_removed = 0;
	KUNIT_EXPECT_EQ(test, pci_register_driver(&drv), 0);
	KUNIT_EXPECT_EQ(test, ktest_probed, 1);
	KUNIT_EXPECT_TRUE(test, host && host->driver == &drv);
	KUNIT_EXPECT_EQ(test, pci_register_driver(&drv), -EBUSY);
	pci_unregister_driver(&drv);
	KUNIT_EXPECT_EQ(test, ktest_removed, 1);
	KUNIT_EXPECT_TRUE(test, host && host->driver == NULL);
}

/* A made-up function whose BARs the firmware got wrong: each is one line,
 * stays out of the tree, and is refused to a driver. */
KTEST(pci, bad_bars_stay_unclaimed_and_are_refused)
{
	static struct pci_dev fake = { .bus = 0xff, .devfn = PCI_DEVFN(31, 7), .name = "0000:ff:1f.7" };
	int bar;
	struct pci_dev *real = free_dev_with_bar(IORESOURCE_MEM, &bar);
	struct resource *r = fake.resource;

	KUNIT_EXPECT_TRUE(test, real != NULL);
	if (!real)
		return;
	/* 0: inside System RAM (the kernel image's 2 MiB); 1: half over a real
	 * BAR; 2: never assigned; 3: a clean one above 4 GiB with no window */
	r[0] = (struct resource){ .start = 0x200000, .end = 0x20ffff, .flags = IORESOURCE_MEM };
	r[1] = (struct resource){ .start = real->resource[bar].start - 0x800,
				  .end = real->resource[bar].start + 0x7ff, .flags = IORESOURCE_MEM };
	r[2] = (struct resource){ .start = 0, .end = 0xfff, .flags = IORESOURCE_MEM | IORESOURCE_UNSET };
	r[3] = (struct resource){ .start = 0x7f00000000ULL, .end = 0x7f00000fffULL,
				  .flags = IORESOURCE_MEM | IORESOURCE_MEM_64 };
	for (int i = 0; i < 4; i++) {
		r[i].name = fake.name;
		pci_claim_one(&fake, i);
		KUNIT_EXPECT_TRUE(test, r[i].parent == NULL);
		KUNIT_EXPECT_EQ(test, pci_request_region(&fake, i, "ktest"), -EINVAL);
		KUNIT_EXPECT_TRUE(test, pci_iomap(&fake, i, 0) == NULL);
		KUNIT_EXPECT_TRUE(test, fake.region[i] == NULL);
	}
	KUNIT_EXPECT_TRUE(test, real->resource[bar].parent != NULL);   /* untouched */
}
