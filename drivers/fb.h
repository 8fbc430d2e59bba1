/* The framebuffer layer (Linux's drivers/video/fbdev/core, include/linux/fb.h):
 * a driver that owns a linear framebuffer describes it in a struct fb_info
 * and calls register_framebuffer; the layer gives it /dev/fb0, whose mmap
 * maps the pixels into a process write-combining (drivers/fbmem.c), and
 * fbcon can draw the console on it (drivers/fbcon.c).
 *
 *   drivers/fbmem.c     register_framebuffer, /dev/fb0 and its mmap
 *   drivers/fbcon.c     the text console drawn with drivers/font_8x16.h
 *   drivers/bochs.c     QEMU's standard VGA (bochs-drm), one such driver
 *
 * Pixels: 32 bits per pixel, XRGB8888 (blue in the low byte), the format
 * of QEMU's std VGA at 32 bpp and of every UEFI GOP framebuffer Carta
 * meets; fbcon refuses any other depth with one line. */
#ifndef DRIVERS_FB_H
#define DRIVERS_FB_H

#include <stdint.h>

#define FB_MAX 2                        /* /dev/fb0 and /dev/fb1 */

struct fb_fix_screeninfo {
	char id[16];                    /* "bochs-drm", "EFI VGA" */
	unsigned long smem_start;       /* physical address of the pixels */
	uint32_t smem_len;              /* bytes mmap may map: page multiple */
	uint32_t line_length;           /* bytes from one line to the next */
};

struct fb_var_screeninfo {
	uint32_t xres, yres;            /* visible pixels */
	uint32_t bits_per_pixel;
};

struct fb_info {
	int node;                       /* N of /dev/fbN, set by register_framebuffer */
	struct fb_fix_screeninfo fix;
	struct fb_var_screeninfo var;
	char *screen_base;              /* the kernel's mapping of smem_start (WC) */
};

/* Gives info the first free /dev/fbN: 0, or -ENOSPC / -EINVAL (a field
 * that makes no sense: one line, nothing registered). */
int register_framebuffer(struct fb_info *info);
/* Takes it away again (fbcon lets go of it first); mmaps made before stay
 * valid, as in Linux: the frames still belong to the device. */
void unregister_framebuffer(struct fb_info *info);
/* The framebuffer at /dev/fbN, or NULL. */
struct fb_info *registered_fb(int n);

/* fbcon (drivers/fbcon.c). The console is registered once, by the first
 * fbcon_take_over; until then, and after fbcon_release, it draws nothing.
 * take_over clears the screen and draws the tail of the log; -EINVAL
 * (one line) for a framebuffer it cannot draw on. */
int fbcon_take_over(struct fb_info *info);
void fbcon_release(void);
/* A process mapped info (fb_mmap): if fbcon draws on it, it stops, so that
 * the picture stays; the next fbcon_take_over starts it again. */
void fbcon_graphics(struct fb_info *info);
struct fb_info *fbcon_info(void);       /* the framebuffer fbcon draws on, or NULL */
/* Pixel colours of the console (XRGB8888) */
#define FBCON_FG 0x00c0c0c0             /* light grey, VGA's attribute 7 */
#define FBCON_BG 0x00000000

/* `fbinfo`: one line per registered framebuffer. */
void fb_print_info(int (*out)(const char *fmt, ...));

#endif
