/* efifb: the UEFI framebuffer as a Linux fb device (drivers/efifb.h),
 * Linux's drivers/video/fbdev/efifb.c at its smallest.
 *
 * Under UEFI there is no VGA text mode. The firmware's Graphics Output
 * Protocol (UEFI 2.10 12.9) has set a graphics mode, and GRUB passes that
 * mode's linear framebuffer in the multiboot2 framebuffer tag (type 8,
 * spec 3.6.12; kernel/multiboot2.c): base, pitch, size, bits per pixel and
 * where red, green and blue sit in a pixel. After ExitBootServices nobody
 * else draws on it, and it stays the mode the firmware set: the kernel only
 * writes pixels. So this driver programs nothing. It claims the range as
 * "efifb" (nested, as on Linux, under the PCI BAR it lies in: under OVMF,
 * the std VGA's BAR0), maps it write-combining like every framebuffer
 * (drivers/fbmem.c says why), and hands it to the fb layer: /dev/fb0 and
 * fbcon, the same code that draws on bochs-drm's mode.
 *
 * Everything in the tag is outside input, checked before use: a refusal is
 * one line and leaves nothing claimed or mapped. Linux's efifb lets a VGA
 * driver take the device over later (aperture_remove_conflicting_devices);
 * Carta has no such handover, so bochs-drm finds BAR0 claimed and stays
 * off under UEFI (docs/uefi.md). */
#include "drivers/efifb.h"
#include "drivers/fb.h"
#include "kernel/boot_info.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/resource.h"
#include "kernel/string.h"
#include "mm/ioremap.h"
#include "mm/memlayout.h"

#define EFIFB_MAX_PHYS (1ULL << 52)     /* the architectural limit of a physical address */

static struct fb_info efifb_info;

/* The pixel format the fb layer and fbcon draw (drivers/fb.h): 32 bits,
 * XRGB8888, as OVMF's GOP gives it (PixelBlueGreenRedReserved8BitPerColor,
 * UEFI 2.10 12.9.1: blue in the lowest byte). */
static bool efifb_is_xrgb8888(const struct boot_framebuffer *fb)
{
	return fb->bpp == 32 && fb->red_pos == 16 && fb->red_size == 8 &&
	       fb->green_pos == 8 && fb->green_size == 8 && fb->blue_pos == 0 &&
	       fb->blue_size == 8;
}

/* The geometry, before anything is claimed: 0, or -EINVAL with one line. */
static int efifb_check(const struct boot_framebuffer *fb, uint64_t *len)
{
	uint64_t bytes = (uint64_t)fb->pitch * fb->height;

	if (!efifb_is_xrgb8888(fb)) {
		pr_err("efifb: %u bpp, red %u:%u green %u:%u blue %u:%u: only XRGB8888 is supported\n",
		       fb->bpp, fb->red_pos, fb->red_size, fb->green_pos, fb->green_size,
		       fb->blue_pos, fb->blue_size);
		return -EINVAL;
	}
	if (!fb->width || !fb->height || fb->pitch < (uint64_t)fb->width * 4) {
		pr_err("efifb: mode %ux%u with linelength %u makes no sense\n",
		       fb->width, fb->height, fb->pitch);
		return -EINVAL;
	}
	*len = PAGE_ALIGN(bytes);
	if (!fb->addr || fb->addr & ~PAGE_MASK || *len > 0xffffffffULL ||
	    fb->addr >= EFIFB_MAX_PHYS || *len > EFIFB_MAX_PHYS - fb->addr) {
		pr_err("efifb: invalid framebuffer address 0x%llx (0x%llx bytes)\n",
		       (unsigned long long)fb->addr, (unsigned long long)*len);
		return -EINVAL;
	}
	return 0;
}

void efifb_init(void)
{
	const struct boot_framebuffer *fb = &boot_info.fb;
	struct fb_info *info = &efifb_info;
	uint64_t len;
	char *base;
	int err;

	if (!boot_info.has_framebuffer || fb->type != BOOT_FB_TYPE_RGB)
		return;         /* BIOS: VGA text (drivers/vga.c); PVH: no screen from the loader */
	if (efifb_check(fb, &len))
		return;
	if (!request_mem_region(fb->addr, len, "efifb")) {
		pr_err("efifb: cannot reserve video memory at 0x%llx\n", (unsigned long long)fb->addr);
		return;
	}
	base = ioremap_wc(fb->addr, len);      /* refuses RAM: a tag pointing at RAM stops here */
	if (!base) {
		pr_err("efifb: abort, cannot remap video memory 0x%llx @ 0x%llx\n",
		       (unsigned long long)len, (unsigned long long)fb->addr);
		goto release;
	}
	memset(info, 0, sizeof(*info));
	memcpy(info->fix.id, "EFI VGA", sizeof("EFI VGA"));
	info->fix.smem_start = fb->addr;
	info->fix.smem_len = len;
	info->fix.line_length = fb->pitch;
	info->var.xres = fb->width;
	info->var.yres = fb->height;
	info->var.bits_per_pixel = fb->bpp;
	info->screen_base = base;
	pr_info("efifb: framebuffer at 0x%llx, using %lluk, total %lluk\n",
		(unsigned long long)fb->addr, (unsigned long long)len >> 10,
		(unsigned long long)len >> 10);
	pr_info("efifb: mode is %ux%ux%u, linelength=%u, pages=1\n", fb->width, fb->height,
		fb->bpp, fb->pitch);
	pr_info("efifb: Truecolor: size=8:8:8:8, shift=24:16:8:0\n");
	err = register_framebuffer(info);
	if (err)
		goto unmap;
	fbcon_take_over(info);  /* the console's screen from here; the log so far replayed */
	return;
unmap:
	iounmap(base);
release:
	release_mem_region(fb->addr, len);
}
