/* What the PCI files share among themselves (drivers/pci_*.c); drivers
 * use drivers/pci.h only. */
#ifndef DRIVERS_PCI_INTERNAL_H
#define DRIVERS_PCI_INTERNAL_H

#include <stdbool.h>
#include "drivers/pci.h"

/* Linux's pci_info/pci_warn: "pci 0000:00:03.0: ..." */
#define pci_info(pdev, fmt, ...) pr_info("pci %s: " fmt, (pdev)->name, ##__VA_ARGS__)
#define pci_warn(pdev, fmt, ...) pr_warn("pci %s: " fmt, (pdev)->name, ##__VA_ARGS__)

/* pci_conf.c */
extern bool pci_conf1_ok;
void pci_conf_init(void);
bool pci_mmcfg_map_bus(unsigned int bus);
bool pci_using_ecam(void);
void *pci_ecam_bus_map(unsigned int bus);          /* NULL: the bus uses ports */
int pci_conf1_read(unsigned int bus, unsigned int devfn, int where, int size, uint32_t *val);

/* pci_probe.c */
extern struct pci_dev *pci_devices;                /* every device, in scan order */
void pci_scan(void);
/* "[mem 0xfeb80000-0xfeb9ffff 64bit pref]" / "[io  0xc000-0xc03f]", Linux's %pR */
int pci_format_resource(char *buf, int size, const struct resource *r);

/* pci_resource.c */
void pci_claim_resources(void);

#endif
