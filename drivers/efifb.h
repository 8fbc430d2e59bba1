/* efifb: the framebuffer the loader left (drivers/efifb.c). */
#ifndef DRIVERS_EFIFB_H
#define DRIVERS_EFIFB_H

/* Under UEFI (boot_info's framebuffer is RGB): claims it in iomem as
 * "efifb", maps it write-combining, registers it as /dev/fbN and makes it
 * fbcon's screen. Without one, or with one that makes no sense, nothing
 * (one line). Boot, after pci_init (so the claim nests under the BAR it
 * lies in) and before the PCI display drivers. */
void efifb_init(void);

#endif
