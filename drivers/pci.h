/* PCI: configuration space, the devices found at boot, their BARs as
 * resources, and the driver API, with Linux's names (include/linux/pci.h).
 *
 *   drivers/pci_conf.c      config space: mechanism #1 ports or ECAM (MCFG)
 *   drivers/pci_probe.c     enumeration: buses, devices, BAR sizing
 *   drivers/pci_resource.c  host-bridge windows, BARs in iomem/ioports
 *   drivers/pci_driver.c    enable, request_region, iomap, driver binding
 *   drivers/pci_print.c     lspci, lspci -v
 *
 * A driver:
 *
 *   static const struct pci_device_id ids[] = {
 *           { PCI_DEVICE(0x1234, 0x1111) },
 *           { 0 }
 *   };
 *   static int probe(struct pci_dev *pdev, const struct pci_device_id *id)
 *   {
 *           int err = pci_enable_device(pdev);             decode on
 *           if (err) return err;
 *           err = pci_request_region(pdev, 0, "bochs-drm"); iomem claim
 *           if (err) goto disable;
 *           void *fb = pci_iomap_wc(pdev, 0, 0);           mapped WC
 *           ...
 *   }
 *   static struct pci_driver drv = { .name = "bochs-drm", .id_table = ids,
 *                                    .probe = probe, .remove = remove };
 *   pci_register_driver(&drv);         after pci_init (boot)
 *
 * Every function checks what it is given (a BAR index, a BAR that was not
 * assigned, a claim of a claimed BAR) and refuses with one line and an
 * error, changing nothing. */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/resource.h"
#include "kernel/types.h"

/* ---- configuration space registers (PCI Local Bus 3.0 6.1) -------------- */

#define PCI_VENDOR_ID           0x00    /* 16 bits; 0xffff: no device */
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define  PCI_COMMAND_IO         0x0001  /* decode I/O BARs */
#define  PCI_COMMAND_MEMORY     0x0002  /* decode memory BARs */
#define  PCI_COMMAND_MASTER     0x0004  /* may initiate (DMA) */
#define PCI_STATUS              0x06
#define  PCI_STATUS_CAP_LIST    0x0010
#define PCI_CLASS_REVISION      0x08    /* class << 8 | revision */
#define PCI_REVISION_ID         0x08
#define PCI_CLASS_PROG          0x09
#define PCI_CLASS_DEVICE        0x0a    /* class << 8 | subclass */
#define PCI_HEADER_TYPE         0x0e
#define  PCI_HEADER_TYPE_MASK   0x7f
#define  PCI_HEADER_TYPE_NORMAL 0
#define  PCI_HEADER_TYPE_BRIDGE 1
#define  PCI_HEADER_TYPE_MFD    0x80    /* multi-function device */
#define PCI_BASE_ADDRESS_0      0x10    /* type 0: six, type 1: two */
#define  PCI_BASE_ADDRESS_SPACE_IO     0x01
#define  PCI_BASE_ADDRESS_MEM_TYPE_64  0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define  PCI_BASE_ADDRESS_MEM_MASK     (~0x0fUL)
#define  PCI_BASE_ADDRESS_IO_MASK      (~0x03UL)
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_ROM_ADDRESS         0x30    /* type 0 */
#define  PCI_ROM_ADDRESS_ENABLE 0x01
#define  PCI_ROM_ADDRESS_MASK   (~0x7ffUL)
#define PCI_CAPABILITY_LIST     0x34
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d    /* 1-4: INTA#-INTD#, 0: none */
/* type 1 (PCI-to-PCI Bridge Architecture 1.2, 3.2) */
#define PCI_PRIMARY_BUS         0x18
#define PCI_SECONDARY_BUS       0x19
#define PCI_SUBORDINATE_BUS     0x1a
#define PCI_IO_BASE             0x1c
#define PCI_IO_LIMIT            0x1d
#define PCI_MEMORY_BASE         0x20
#define PCI_MEMORY_LIMIT        0x22
#define PCI_PREF_MEMORY_BASE    0x24
#define PCI_PREF_MEMORY_LIMIT   0x26
#define PCI_PREF_BASE_UPPER32   0x28
#define PCI_PREF_LIMIT_UPPER32  0x2c
#define PCI_IO_BASE_UPPER16     0x30
#define PCI_IO_LIMIT_UPPER16    0x32
#define PCI_ROM_ADDRESS1        0x38    /* type 1 */

#define PCI_CLASS_BRIDGE_HOST   0x0600
#define PCI_CLASS_BRIDGE_PCI    0x0604

/* devfn: device (5 bits) and function (3 bits), as in Linux */
#define PCI_DEVFN(slot, func)   ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 0x07)

/* ---- resources ---------------------------------------------------------- */

enum {
	PCI_STD_RESOURCES = 0,          /* BARs 0-5 */
	PCI_STD_RESOURCE_END = 5,
	PCI_ROM_RESOURCE = 6,           /* expansion ROM */
	PCI_BRIDGE_RESOURCES = 7,       /* a bridge's windows: I/O, memory, prefetchable */
	PCI_BRIDGE_RESOURCE_END = 9,
	PCI_NUM_RESOURCES = 10,
};

/* ---- devices -------------------------------------------------------------- */

struct pci_driver;

struct pci_dev {
	struct pci_dev *next;           /* the list of all devices, in bus order */
	uint8_t bus;                    /* bus number */
	uint8_t devfn;                  /* PCI_DEVFN(slot, function) */
	uint16_t vendor, device;
	uint16_t subsystem_vendor, subsystem_device;
	uint32_t class;                 /* class << 16 | subclass << 8 | prog-if */
	uint8_t revision;
	uint8_t hdr_type;               /* PCI_HEADER_TYPE_NORMAL or _BRIDGE */
	bool multifunction;
	uint8_t pin;                    /* interrupt pin: 1-4 = INTA#-INTD#, 0 none */
	unsigned int irq;               /* interrupt line the firmware routed (0 none) */
	uint8_t secondary, subordinate; /* bridges: the buses behind it */
	struct resource resource[PCI_NUM_RESOURCES];  /* start/end/flags; 0 flags: none */
	char name[13];                  /* "0000:BB:DD.F": pci_name() */
	struct pci_driver *driver;      /* bound driver, NULL if none */
	void *driver_data;              /* pci_set_drvdata */
	int enable_cnt;                 /* pci_enable_device calls not undone */
	uint16_t saved_command;         /* COMMAND before the first enable */
	struct resource *region[PCI_NUM_RESOURCES];   /* pci_request_region's claims */
};

static inline const char *pci_name(const struct pci_dev *pdev) { return pdev->name; }

/* The next device after `from` (NULL: the first) matching vendor and
 * device (PCI_ANY_ID matches any); NULL at the end. Linux counts a
 * reference here; Carta's devices live forever, so there is nothing to put. */
#define PCI_ANY_ID (~0U)
struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device, struct pci_dev *from);
struct pci_dev *pci_get_slot(unsigned int bus, unsigned int devfn);
#define for_each_pci_dev(d) while (((d) = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, (d))) != NULL)
static inline void pci_dev_put(struct pci_dev *pdev) { (void)pdev; }

/* BAR n's bus address, length and IORESOURCE_* flags (0 if none) */
#define pci_resource_start(dev, bar)  ((dev)->resource[(bar)].start)
#define pci_resource_end(dev, bar)    ((dev)->resource[(bar)].end)
#define pci_resource_flags(dev, bar)  ((dev)->resource[(bar)].flags)
#define pci_resource_len(dev, bar)					\
	((dev)->resource[(bar)].flags ?					\
	 (dev)->resource[(bar)].end - (dev)->resource[(bar)].start + 1 : 0)

/* ---- configuration space access (drivers/pci_conf.c) ---------------------- */

/* The one way to the config space, whichever mechanism is in use:
 * 0 (PCIBIOS_SUCCESSFUL) or -EINVAL (offset past 4095 (ECAM) / 255
 * (ports), or not aligned to the width). A missing device reads all ones. */
int pci_bus_read_config(unsigned int bus, unsigned int devfn, int where, int size, uint32_t *val);
int pci_bus_write_config(unsigned int bus, unsigned int devfn, int where, int size, uint32_t val);
int pci_read_config_byte(const struct pci_dev *dev, int where, uint8_t *val);
int pci_read_config_word(const struct pci_dev *dev, int where, uint16_t *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, uint32_t *val);
int pci_write_config_byte(const struct pci_dev *dev, int where, uint8_t val);
int pci_write_config_word(const struct pci_dev *dev, int where, uint16_t val);
int pci_write_config_dword(const struct pci_dev *dev, int where, uint32_t val);

/* ---- the driver API (drivers/pci_driver.c) -------------------------------- */

/* Sets COMMAND's memory and I/O decode bits for the BARs the device has;
 * counted: the last pci_disable_device puts COMMAND back as it was. */
int pci_enable_device(struct pci_dev *pdev);
void pci_disable_device(struct pci_dev *pdev);
void pci_set_master(struct pci_dev *pdev);

/* Claims BAR `bar` for `name` (a string that outlives the claim): a busy
 * resource nested under the BAR's line in iomem/ioports, as Linux's.
 * -EINVAL: no such BAR, not assigned, or not claimed at boot (conflict);
 * -EBUSY: claimed already. One line each. */
int pci_request_region(struct pci_dev *pdev, int bar, const char *name);
void pci_release_region(struct pci_dev *pdev, int bar);
int pci_request_regions(struct pci_dev *pdev, const char *name);   /* every BAR */
void pci_release_regions(struct pci_dev *pdev);

/* Maps memory BAR `bar` (at most maxlen bytes of it, 0: all): pci_iomap
 * uncached-minus (ioremap), pci_iomap_wc write-combining (ioremap_wc).
 * NULL with one line for an I/O BAR, a BAR that does not exist or is not
 * assigned. pci_iounmap undoes either. */
void *pci_iomap(struct pci_dev *pdev, int bar, unsigned long maxlen);
void *pci_iomap_wc(struct pci_dev *pdev, int bar, unsigned long maxlen);
void pci_iounmap(struct pci_dev *pdev, void *addr);

/* ---- drivers -------------------------------------------------------------- */

struct pci_device_id {
	uint32_t vendor, device;        /* PCI_ANY_ID: any */
	uint32_t subvendor, subdevice;  /* PCI_ANY_ID: any */
	uint32_t class, class_mask;     /* (dev->class & class_mask) == class */
	unsigned long driver_data;
};

#define PCI_DEVICE(vend, dev)						\
	.vendor = (vend), .device = (dev),				\
	.subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID

#define PCI_DEVICE_CLASS(dev_class, dev_class_mask)			\
	.vendor = PCI_ANY_ID, .device = PCI_ANY_ID,			\
	.subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID,		\
	.class = (dev_class), .class_mask = (dev_class_mask)

struct pci_driver {
	const char *name;               /* "Kernel driver in use: NAME" */
	const struct pci_device_id *id_table;   /* ends with an all-zero entry */
	/* 0: bound. An error: not bound, and probe must have undone all it did. */
	int (*probe)(struct pci_dev *pdev, const struct pci_device_id *id);
	void (*remove)(struct pci_dev *pdev);
	struct pci_driver *next;        /* registered drivers */
};

/* Binds `drv` to every device without a driver that its id_table matches
 * (probe returning 0); returns 0, or -EINVAL (no name/probe/id_table). */
int pci_register_driver(struct pci_driver *drv);
/* Calls remove for each bound device and forgets the driver. */
void pci_unregister_driver(struct pci_driver *drv);

static inline void pci_set_drvdata(struct pci_dev *pdev, void *data) { pdev->driver_data = data; }
static inline void *pci_get_drvdata(struct pci_dev *pdev) { return pdev->driver_data; }

/* ---- boot and shell -------------------------------------------------------- */

/* Boot, after request_resources and ioremap work: picks ports or ECAM,
 * scans the buses, sizes the BARs, puts windows and BARs in the resource
 * tree. Prints Linux-like lines ("pci 0000:00:03.0: [8086:100e] type 00
 * class 0x020000", "pci 0000:00:03.0: BAR 0 [mem 0xfeb80000-0xfeb9ffff]"). */
void pci_init(void);

/* `lspci` (one line per device), `lspci -v` (flags, regions, driver),
 * with hex > 0 also that many bytes of config space in hex (-x: 64,
 * -xxx: 256, -xxxx: 4096, which needs ECAM: 256 without it). */
void pci_print_device(const struct pci_dev *pdev, bool verbose, int hex,
		      int (*out)(const char *fmt, ...));
void pci_print_devices(bool verbose, int hex, int (*out)(const char *fmt, ...));

#endif
