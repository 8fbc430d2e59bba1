/* register_framebuffer and /dev/fbN (drivers/fb.h), Linux's fbmem.c.
 *
 * mmap of /dev/fbN maps the framebuffer's frames into the process with
 * io_remap_pfn_range and pgprot_writecombine, as Linux's fb_mmap does
 * (fb_pgprotect): the kernel's own mapping (the driver's ioremap_wc) is
 * WC too, and two mappings of one frame must agree on the memory type
 * (SDM Vol. 3A 11.12.4). Why WC: pixels are only written, in long runs,
 * and nobody needs them in order or at once; the CPU gathers them in its
 * write-combining buffers and sends whole lines over the bus, where UC
 * would send each store on its own and WB would keep them in the cache
 * the device does not see. */
#include "drivers/fb.h"
#include "kernel/errno.h"
#include "kernel/fs.h"
#include "kernel/printk.h"
#include "mm/memory.h"
#include "mm/memlayout.h"
#include "mm/pat.h"

static struct fb_info *registered_fbs[FB_MAX];
static const char *const fb_paths[FB_MAX] = { "/dev/fb0", "/dev/fb1" };

struct fb_info *registered_fb(int n)
{
	return n >= 0 && n < FB_MAX ? registered_fbs[n] : 0;
}

static int fb_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct fb_info *info = 0;
	int err;

	for (int i = 0; i < FB_MAX; i++)
		if (file->path == fb_paths[i])
			info = registered_fbs[i];
	if (!info) {    /* unregistered since open: the device is gone */
		pr_err("%s: no framebuffer registered\n", file->path);
		return -ENODEV;
	}
	vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	err = vm_iomap_memory(vma, info->fix.smem_start, info->fix.smem_len);
	if (!err)
		fbcon_graphics(info);
	return err;
}

static const struct file_operations fb_fops = { .mmap = fb_mmap };

int register_framebuffer(struct fb_info *info)
{
	const struct fb_fix_screeninfo *fix = &info->fix;
	const struct fb_var_screeninfo *var = &info->var;
	int n = -1, err;

	/* The driver's values, checked once here so that mmap and fbcon can
	 * trust them: the visible lines fit in smem_len, which mmap uses. */
	if (!info->screen_base || fix->smem_start & ~PAGE_MASK || fix->smem_len & ~PAGE_MASK ||
	    !var->xres || !var->yres || !var->bits_per_pixel ||
	    fix->line_length < var->xres * (var->bits_per_pixel / 8) ||
	    (uint64_t)fix->line_length * var->yres > fix->smem_len) {
		pr_err("register_framebuffer(%s): bad geometry: %ux%u-%u, line %u, smem 0x%lx+0x%x\n",
		       fix->id, var->xres, var->yres, var->bits_per_pixel, fix->line_length,
		       fix->smem_start, fix->smem_len);
		return -EINVAL;
	}
	for (int i = FB_MAX - 1; i >= 0; i--) {
		if (registered_fbs[i] == info) {
			pr_err("register_framebuffer(%s): registered already as fb%d\n", fix->id, i);
			return -EBUSY;
		}
		if (!registered_fbs[i])
			n = i;
	}
	if (n < 0) {
		pr_err("register_framebuffer(%s): all %d /dev/fbN taken\n", fix->id, FB_MAX);
		return -ENOSPC;
	}
	/* The node stays once made (kernel/fs.h has no unregister): mmap then
	 * finds no framebuffer and says so. */
	err = register_device_node(fb_paths[n], &fb_fops);
	if (err && err != -EEXIST) {
		pr_err("register_framebuffer(%s): %s: error %d\n", fix->id, fb_paths[n], err);
		return err;
	}
	info->node = n;
	registered_fbs[n] = info;
	pr_info("fb%d: %s frame buffer device, %ux%u-%u at 0x%lx (0x%x bytes)\n", n, fix->id,
		var->xres, var->yres, var->bits_per_pixel, fix->smem_start, fix->smem_len);
	return 0;
}

void unregister_framebuffer(struct fb_info *info)
{
	int n = info->node;

	if (n < 0 || n >= FB_MAX || registered_fbs[n] != info) {
		pr_err("unregister_framebuffer(%s): not registered\n", info->fix.id);
		return;
	}
	if (fbcon_info() == info)
		fbcon_release();
	registered_fbs[n] = 0;
	info->node = -1;
}

void fb_print_info(int (*out)(const char *fmt, ...))
{
	for (int i = 0; i < FB_MAX; i++) {
		const struct fb_info *info = registered_fbs[i];

		if (info)
			out("fb%d: %-10s %ux%u-%u line %u smem 0x%lx-0x%lx screen_base %p%s\n", i,
			    info->fix.id, info->var.xres, info->var.yres, info->var.bits_per_pixel,
			    info->fix.line_length, info->fix.smem_start,
			    info->fix.smem_start + info->fix.smem_len - 1, info->screen_base,
			    fbcon_info() == info ? " (fbcon)" : "");
	}
}
