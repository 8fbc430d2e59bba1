/* ivshmem: a guest and the host sharing a known physical range
 * (drivers/ivshmem.h; QEMU's docs/specs/ivshmem-spec.rst).
 *
 * BAR0: four 32-bit registers (interrupt mask and status, IVPosition,
 *       doorbell), used only by ivshmem-doorbell; not needed here.
 * BAR2: the shared memory, 64-bit prefetchable, as big as the host's
 *       memory backend (-object memory-backend-file,size=1M).
 *
 * /dev/ivshmem maps BAR2 write-back, not UC or WC, unlike a device's
 * registers or a framebuffer: behind the BAR is ordinary host RAM, the
 * file QEMU mapped, with no side effects on reads or writes. Caching it is
 * what the host does on its side, and reads as fast as RAM are the point
 * of sharing memory; the host's CPUs and the guest's share one coherent
 * view of that RAM (under KVM the same caches, under TCG the same host
 * memory). A prefetchable BAR (PCI Local Bus 3.0 6.2.5.1) says as much:
 * reads have no side effects. The kernel itself does not map BAR2, so no
 * second mapping with another type exists (SDM Vol. 3A 11.12.4). */
#include "drivers/ivshmem.h"
#include "drivers/pci.h"
#include "kernel/errno.h"
#include "kernel/fs.h"
#include "kernel/printk.h"
#include "mm/memlayout.h"
#include "mm/memory.h"

#define IVSHMEM_VENDOR 0x1af4
#define IVSHMEM_DEVICE 0x1110
#define IVSHMEM_BAR    2

static struct pci_dev *ivshmem_pdev;    /* bound device, or NULL */

static int ivshmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	(void)file;
	if (!ivshmem_pdev) {    /* removed since open */
		pr_err("/dev/ivshmem: no ivshmem device bound\n");
		return -ENODEV;
	}
	/* vm_page_prot is write-back already (no PWT/PCD/PAT bits): kept. */
	return vm_iomap_memory(vma, pci_resource_start(ivshmem_pdev, IVSHMEM_BAR),
			       pci_resource_len(ivshmem_pdev, IVSHMEM_BAR));
}

static const struct file_operations ivshmem_fops = { .mmap = ivshmem_mmap };

static int ivshmem_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	uint64_t start = pci_resource_start(pdev, IVSHMEM_BAR);
	uint64_t len = pci_resource_len(pdev, IVSHMEM_BAR);
	int err;

	(void)id;
	if (ivshmem_pdev) {
		pr_err("ivshmem %s: only one ivshmem device is supported\n", pci_name(pdev));
		return -EBUSY;
	}
	if (!(pci_resource_flags(pdev, IVSHMEM_BAR) & IORESOURCE_MEM) ||
	    start & ~PAGE_MASK || len & ~PAGE_MASK) {
		pr_err("ivshmem %s: BAR %d is not page-aligned memory (0x%llx+0x%llx)\n",
		       pci_name(pdev), IVSHMEM_BAR, (unsigned long long)start,
		       (unsigned long long)len);
		return -ENODEV;
	}
	err = pci_enable_device(pdev);
	if (err)
		return err;
	err = pci_request_region(pdev, IVSHMEM_BAR, "ivshmem");
	if (err)
		goto disable;
	/* The node outlives a remove (kernel/fs.h cannot take one back):
	 * -EEXIST from a second probe is fine, mmap checks ivshmem_pdev. */
	err = register_device_node("/dev/ivshmem", &ivshmem_fops);
	if (err && err != -EEXIST) {
		pr_err("ivshmem %s: /dev/ivshmem: error %d\n", pci_name(pdev), err);
		goto release;
	}
	ivshmem_pdev = pdev;
	pr_info("ivshmem %s: /dev/ivshmem: %llu KiB of shared memory at 0x%llx (BAR %d)\n",
		pci_name(pdev), (unsigned long long)len >> 10, (unsigned long long)start,
		IVSHMEM_BAR);
	return 0;

release:
	pci_release_region(pdev, IVSHMEM_BAR);
disable:
	pci_disable_device(pdev);
	return err;
}

static void ivshmem_remove(struct pci_dev *pdev)
{
	ivshmem_pdev = 0;
	pci_release_region(pdev, IVSHMEM_BAR);
	pci_disable_device(pdev);
}

static const struct pci_device_id ivshmem_pci_tbl[] = {
	{ PCI_DEVICE(IVSHMEM_VENDOR, IVSHMEM_DEVICE) },
	{ 0 }
};

static struct pci_driver ivshmem_pci_driver = {
	.name = "ivshmem",
	.id_table = ivshmem_pci_tbl,
	.probe = ivshmem_probe,
	.remove = ivshmem_remove,
};

void ivshmem_init(void)
{
	pci_register_driver(&ivshmem_pci_driver);
}
