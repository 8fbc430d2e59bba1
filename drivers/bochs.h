/* QEMU's standard VGA (PCI 1234:1111), Linux's bochs-drm (drivers/bochs.c):
 * BAR0 is the framebuffer (VRAM), BAR2 the registers. Probed at boot; the
 * framebuffer is registered as /dev/fb0 straight away, but the screen
 * stays in VGA text mode until `fb on`. */
#ifndef DRIVERS_BOCHS_H
#define DRIVERS_BOCHS_H

#include <stdbool.h>

#define BOCHS_XRES 800
#define BOCHS_YRES 600
#define BOCHS_BPP  32

/* Registers the PCI driver (boot, after pci_init). */
void bochs_init(void);
/* `fb on`: the graphics mode through the Bochs VBE registers, fbcon on
 * it; `fb off`: VBE off, the VGA registers the mode changed put back, the
 * text console again. 0, or -ENODEV (no device) / -EIO (the device did
 * not take the mode), one line each. */
int bochs_fb_on(void);
int bochs_fb_off(void);
bool bochs_fb_is_on(void);

#endif
