/* QEMU's ivshmem-plain (PCI 1af4:1110), drivers/ivshmem.c: BAR2 is memory
 * the host also maps (a file, through -object memory-backend-file), and
 * /dev/ivshmem maps it into a process. Linux has no in-tree driver for
 * it (user space uses uio_pci_generic or vfio); the name is the device's. */
#ifndef DRIVERS_IVSHMEM_H
#define DRIVERS_IVSHMEM_H

/* Registers the PCI driver (boot, after pci_init). */
void ivshmem_init(void);

#endif
