/* /dev/vga: the VGA text buffer mapped into a process (remap_pfn_range).
 * The kernel's console reaches the same page through FIX_VGA_TEXT,
 * uncached; the user mapping gets the same memory type, since two
 * mappings of one frame with different types are undefined (SDM Vol. 3A
 * 11.12.4, "memory type aliasing"). A process draws on the screen the
 * kernel writes to, at its own address. */
#include "drivers/vga.h"
#include "kernel/errno.h"
#include "kernel/fs.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "mm/memory.h"
#include "mm/pat.h"

static int vga_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	(void)file;
	if (vma->vm_pgoff || size > PAGE_SIZE) {
		pr_err("vga: mmap of 0x%lx bytes at page offset %lu: the text buffer is one page\n",
		       size, vma->vm_pgoff);
		return -EINVAL;
	}
	vma->vm_page_prot = __pgprot((pgprot_val(vma->vm_page_prot) & ~_PAGE_CACHE_MASK) |
				     cachemode2protval(_PAGE_CACHE_MODE_UC));
	return remap_pfn_range(vma, vma->vm_start, VGA_TEXT_PHYS >> PAGE_SHIFT, PAGE_SIZE,
			       vma->vm_page_prot);
}

static const struct file_operations vga_fops = { .mmap = vga_mmap };

void __init vga_mmap_init(void)
{
	register_device_node("/dev/vga", &vga_fops);
}
