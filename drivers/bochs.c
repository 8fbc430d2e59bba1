/* bochs-drm: QEMU's standard VGA (drivers/bochs.h), written as Linux's
 * drivers/gpu/drm/tiny/bochs.c is: enable the device, claim its BARs, map
 * each with the memory type it needs, undo all of it in reverse order on
 * any failure (the goto ladder) and in remove.
 *
 * BAR0: the VRAM, mapped write-combining (pci_iomap_wc): pixel stores
 *       are gathered into whole lines, and no store needs to reach the
 *       screen at once or in order (docs/device-memory.md).
 * BAR2: the registers, mapped uncached (pci_iomap, UC-): each store is a
 *       command the device must see at once and in program order; QEMU's
 *       docs/specs/standard-vga.rst: 0x400-0x41f are the VGA ports
 *       0x3c0-0x3df, 0x500-0x515 the Bochs VBE "dispi" registers, 16 bits
 *       each at 0x500 + 2 * index.
 *
 * The mode: 800x600, 32 bpp, linear framebuffer. The visible picture
 * starts at a Y offset (VBE_DISPI_INDEX_Y_OFFSET) that puts it past the
 * first 256 KiB of VRAM, where the VGA text mode keeps its planes (the
 * characters, and the font in plane 2); with VBE_DISPI_NOCLEARMEM the
 * text screen is still there after `fb off`. */
#include "drivers/bochs.h"
#include "drivers/fb.h"
#include "drivers/pci.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/memlayout.h"

#define BOCHS_VENDOR 0x1234
#define BOCHS_DEVICE 0x1111

#define VGA_MMIO_OFFSET   0x400         /* VGA port p at 0x400 + (p - 0x3c0) */
#define VBE_MMIO_OFFSET   0x500
#define BOCHS_MMIO_SIZE   0x1000

/* Bochs VBE "dispi" register indexes and values (QEMU's include/hw/display/bochs-vbe.h) */
#define VBE_DISPI_INDEX_ID          0x0
#define VBE_DISPI_INDEX_XRES        0x1
#define VBE_DISPI_INDEX_YRES        0x2
#define VBE_DISPI_INDEX_BPP         0x3
#define VBE_DISPI_INDEX_ENABLE      0x4
#define VBE_DISPI_INDEX_BANK        0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH  0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT 0x7
#define VBE_DISPI_INDEX_X_OFFSET    0x8
#define VBE_DISPI_INDEX_Y_OFFSET    0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_ID0               0xb0c0
#define VBE_DISPI_ID5               0xb0c5
#define VBE_DISPI_DISABLED          0x00
#define VBE_DISPI_ENABLED           0x01
#define VBE_DISPI_LFB_ENABLED       0x40
#define VBE_DISPI_NOCLEARMEM        0x80

/* VGA ports, and the registers QEMU's vbe_update_vgaregs changes when the
 * mode is enabled and does not put back when it is disabled (the graphics
 * controller's memory map and mode, the CRTC's timing and scan lines). */
#define VGA_GFX_I   0x3ce
#define VGA_GFX_D   0x3cf
#define VGA_CRT_IC  0x3d4               /* colour: MISC bit 0 is set in text mode 3 */
#define VGA_CRT_DC  0x3d5
#define VGA_CRTC_V_SYNC_END 0x11        /* bit 7 locks CRTC 0-7 */
static const unsigned char saved_gfx_regs[] = { 0x05, 0x06 };
static const unsigned char saved_crtc_regs[] = { 0x01, 0x07, 0x09, 0x12, 0x13, 0x17, 0x18 };

#define VGA_PLANES_SIZE 0x40000         /* 4 planes of 64 KiB */

struct bochs_device {
	struct pci_dev *pdev;
	volatile unsigned char *mmio;   /* BAR2, UC- */
	char *vram;                     /* BAR0 up to the end of the picture, WC */
	unsigned int y_offset;          /* lines above the picture (VBE Y_OFFSET) */
	bool on;
	unsigned char gfx[sizeof(saved_gfx_regs)], crtc[sizeof(saved_crtc_regs)];
	struct fb_info info;
};

static struct bochs_device bochs;       /* one std VGA per machine */

static uint16_t bochs_dispi_read(unsigned int reg)
{
	return *(volatile uint16_t *)(bochs.mmio + VBE_MMIO_OFFSET + reg * 2);
}

static void bochs_dispi_write(unsigned int reg, uint16_t val)
{
	*(volatile uint16_t *)(bochs.mmio + VBE_MMIO_OFFSET + reg * 2) = val;
}

static unsigned char vga_read(unsigned int index_port, unsigned int reg)
{
	bochs.mmio[VGA_MMIO_OFFSET + index_port - 0x3c0] = reg;
	return bochs.mmio[VGA_MMIO_OFFSET + index_port + 1 - 0x3c0];
}

static void vga_write(unsigned int index_port, unsigned int reg, unsigned char val)
{
	bochs.mmio[VGA_MMIO_OFFSET + index_port - 0x3c0] = reg;
	bochs.mmio[VGA_MMIO_OFFSET + index_port + 1 - 0x3c0] = val;
}

bool bochs_fb_is_on(void)
{
	return bochs.on;
}

/* The mode info->var describes, through the VBE registers (Linux's
 * bochs_hw_setmode and bochs_hw_setbase); fb_set_par for the fb layer. */
static int bochs_set_par(struct fb_info *info)
{
	if (bochs.on)
		return 0;
	for (unsigned int i = 0; i < sizeof(saved_gfx_regs); i++)
		bochs.gfx[i] = vga_read(VGA_GFX_I, saved_gfx_regs[i]);
	for (unsigned int i = 0; i < sizeof(saved_crtc_regs); i++)
		bochs.crtc[i] = vga_read(VGA_CRT_IC, saved_crtc_regs[i]);
	/* Linux's bochs_hw_setmode order: off, geometry, on. */
	bochs_dispi_write(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_DISABLED);
	bochs_dispi_write(VBE_DISPI_INDEX_BPP, info->var.bits_per_pixel);
	bochs_dispi_write(VBE_DISPI_INDEX_XRES, info->var.xres);
	bochs_dispi_write(VBE_DISPI_INDEX_YRES, info->var.yres);
	bochs_dispi_write(VBE_DISPI_INDEX_BANK, 0);
	bochs_dispi_write(VBE_DISPI_INDEX_ENABLE,
			  VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED | VBE_DISPI_NOCLEARMEM);
	/* after ENABLE, which resets them (Linux's bochs_hw_setbase) */
	bochs_dispi_write(VBE_DISPI_INDEX_VIRT_WIDTH, info->var.xres);
	bochs_dispi_write(VBE_DISPI_INDEX_X_OFFSET, 0);
	bochs_dispi_write(VBE_DISPI_INDEX_Y_OFFSET, bochs.y_offset);
	bochs.on = true;
	/* The device clamps what it cannot show (QEMU's vbe_fixup_regs):
	 * read back, and refuse a mode that is not the one asked for. */
	if (bochs_dispi_read(VBE_DISPI_INDEX_XRES) != info->var.xres ||
	    bochs_dispi_read(VBE_DISPI_INDEX_YRES) != info->var.yres ||
	    bochs_dispi_read(VBE_DISPI_INDEX_BPP) != info->var.bits_per_pixel ||
	    bochs_dispi_read(VBE_DISPI_INDEX_Y_OFFSET) != bochs.y_offset) {
		pr_err("bochs-drm %s: mode %ux%u-%u at Y offset %u not taken (got %ux%u-%u at %u)\n",
		       pci_name(bochs.pdev), info->var.xres, info->var.yres,
		       info->var.bits_per_pixel, bochs.y_offset,
		       bochs_dispi_read(VBE_DISPI_INDEX_XRES), bochs_dispi_read(VBE_DISPI_INDEX_YRES),
		       bochs_dispi_read(VBE_DISPI_INDEX_BPP), bochs_dispi_read(VBE_DISPI_INDEX_Y_OFFSET));
		bochs_fb_off();
		return -EIO;
	}
	pr_info("bochs-drm %s: %ux%u-%u, fb0 at 0x%lx\n", pci_name(bochs.pdev), info->var.xres,
		info->var.yres, info->var.bits_per_pixel, info->fix.smem_start);
	return 0;
}

static const struct fb_ops bochs_fb_ops = { .fb_set_par = bochs_set_par };

/* fb on/off need the device bound; if not, one line saying why. */
static bool bochs_bound(void)
{
	if (bochs.pdev)
		return true;
	/* under UEFI efifb holds BAR0, and there is no handover (docs/uefi.md) */
	if (fbcon_info())
		pr_err("fb: bochs-drm is not bound; the console is already on fb%d (%s)\n",
		       fbcon_info()->node, fbcon_info()->fix.id);
	else
		pr_err("fb: no bochs-drm device (QEMU -vga std, PCI %04x:%04x)\n", BOCHS_VENDOR,
		       BOCHS_DEVICE);
	return false;
}

int bochs_fb_on(void)
{
	int err;

	if (!bochs_bound())
		return -ENODEV;
	/* on already: the console back on the screen a program drew on */
	err = bochs_set_par(&bochs.info);
	return err ? err : fbcon_take_over(&bochs.info);
}

int bochs_fb_off(void)
{
	unsigned char lock;

	if (!bochs_bound())
		return -ENODEV;
	if (!bochs.on)
		return 0;
	if (fbcon_info() == &bochs.info)
		fbcon_release();
	bochs_dispi_write(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_DISABLED);
	for (unsigned int i = 0; i < sizeof(saved_gfx_regs); i++)
		vga_write(VGA_GFX_I, saved_gfx_regs[i], bochs.gfx[i]);
	lock = vga_read(VGA_CRT_IC, VGA_CRTC_V_SYNC_END);
	vga_write(VGA_CRT_IC, VGA_CRTC_V_SYNC_END, lock & 0x7f);        /* unlock CRTC 0-7 */
	for (unsigned int i = 0; i < sizeof(saved_crtc_regs); i++)
		vga_write(VGA_CRT_IC, saved_crtc_regs[i], bochs.crtc[i]);
	vga_write(VGA_CRT_IC, VGA_CRTC_V_SYNC_END, lock);
	bochs.on = false;
	pr_info("bochs-drm %s: back to VGA text mode\n", pci_name(bochs.pdev));
	return 0;
}

/* The first line at or past the text planes whose start is page-aligned,
 * so that smem_start is too (mmap maps whole pages). */
static unsigned int bochs_y_offset(unsigned int line_length)
{
	unsigned int y = (VGA_PLANES_SIZE + line_length - 1) / line_length;

	while ((unsigned long)y * line_length % PAGE_SIZE)
		y++;
	return y;
}

static int bochs_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct fb_info *info = &bochs.info;
	unsigned long offset, vram_len = pci_resource_len(pdev, 0);
	uint16_t dispi_id;
	int err;

	(void)id;
	if (bochs.pdev) {
		pr_err("bochs-drm %s: a second std VGA is not supported\n", pci_name(pdev));
		return -EBUSY;
	}
	err = pci_enable_device(pdev);
	if (err)
		return err;
	err = pci_request_region(pdev, 0, "bochs-drm");
	if (err)
		goto disable;
	err = pci_request_region(pdev, 2, "bochs-drm");
	if (err)
		goto release_vram;
	if (pci_resource_len(pdev, 2) < BOCHS_MMIO_SIZE) {
		pr_err("bochs-drm %s: BAR 2 is 0x%lx bytes, the registers need 0x%x\n",
		       pci_name(pdev), (unsigned long)pci_resource_len(pdev, 2), BOCHS_MMIO_SIZE);
		err = -ENODEV;
		goto release_mmio;
	}
	bochs.mmio = pci_iomap(pdev, 2, BOCHS_MMIO_SIZE);
	if (!bochs.mmio) {
		err = -ENOMEM;
		goto release_mmio;
	}
	dispi_id = bochs_dispi_read(VBE_DISPI_INDEX_ID);
	if (dispi_id < VBE_DISPI_ID0 || dispi_id > VBE_DISPI_ID5) {
		pr_err("bochs-drm %s: VBE id 0x%04x is not a Bochs dispi interface\n",
		       pci_name(pdev), dispi_id);
		err = -ENODEV;
		goto unmap_mmio;
	}
	memset(info, 0, sizeof(*info));
	info->fbops = &bochs_fb_ops;
	memcpy(info->fix.id, "bochs-drm", sizeof("bochs-drm"));
	info->var.xres = BOCHS_XRES;
	info->var.yres = BOCHS_YRES;
	info->var.bits_per_pixel = BOCHS_BPP;
	info->fix.line_length = BOCHS_XRES * BOCHS_BPP / 8;
	info->fix.smem_len = PAGE_ALIGN(info->fix.line_length * BOCHS_YRES);
	bochs.y_offset = bochs_y_offset(info->fix.line_length);
	offset = (unsigned long)bochs.y_offset * info->fix.line_length;
	if (offset + info->fix.smem_len > vram_len) {
		pr_err("bochs-drm %s: %ux%u-%u needs 0x%lx bytes of VRAM, BAR 0 has 0x%lx\n",
		       pci_name(pdev), BOCHS_XRES, BOCHS_YRES, BOCHS_BPP,
		       offset + info->fix.smem_len, vram_len);
		err = -ENOSPC;
		goto unmap_mmio;
	}
	bochs.vram = pci_iomap_wc(pdev, 0, offset + info->fix.smem_len);
	if (!bochs.vram) {
		err = -ENOMEM;
		goto unmap_mmio;
	}
	info->fix.smem_start = pci_resource_start(pdev, 0) + offset;
	info->screen_base = bochs.vram + offset;
	err = register_framebuffer(info);
	if (err)
		goto unmap_vram;
	bochs.pdev = pdev;
	pci_set_drvdata(pdev, &bochs);
	return 0;

unmap_vram:
	pci_iounmap(pdev, bochs.vram);
unmap_mmio:
	pci_iounmap(pdev, (void *)bochs.mmio);
release_mmio:
	pci_release_region(pdev, 2);
release_vram:
	pci_release_region(pdev, 0);
disable:
	pci_disable_device(pdev);
	bochs.mmio = 0;
	bochs.vram = 0;
	return err;
}

static void bochs_remove(struct pci_dev *pdev)
{
	bochs_fb_off();
	unregister_framebuffer(&bochs.info);
	pci_iounmap(pdev, bochs.vram);
	pci_iounmap(pdev, (void *)bochs.mmio);
	pci_release_region(pdev, 2);
	pci_release_region(pdev, 0);
	pci_disable_device(pdev);
	memset(&bochs, 0, sizeof(bochs));
}

static const struct pci_device_id bochs_pci_tbl[] = {
	{ PCI_DEVICE(BOCHS_VENDOR, BOCHS_DEVICE) },
	{ 0 }
};

static struct pci_driver bochs_pci_driver = {
	.name = "bochs-drm",
	.id_table = bochs_pci_tbl,
	.probe = bochs_probe,
	.remove = bochs_remove,
};

void bochs_init(void)
{
	pci_register_driver(&bochs_pci_driver);
}
