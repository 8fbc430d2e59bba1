/* /dev/kbuf: a kernel buffer a process can map (drivers/kbuf.h).
 *
 * The buffer is two pages from alloc_pages, so the kernel reaches it
 * through the direct map (PAGE_OFFSET + phys). Its mmap installs PTEs in
 * the process for the same frames with remap_pfn_range: one physical
 * page, two virtual addresses, two page tables. The kernel writes a line
 * at offset 0 (`kbuf write`), a process writes at offset 2048 (kbufdemo),
 * and `kbuf` shows both, with who maps it where. */
#include "drivers/kbuf.h"
#include "kernel/errno.h"
#include "kernel/fs.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "mm/memory.h"
#include "mm/page.h"
#include "mm/page_alloc.h"

#define KBUF_ORDER  1
#define KBUF_SIZE   (PAGE_SIZE << KBUF_ORDER)
#define KBUF_USER_OFFSET 2048   /* where kbufdemo writes */

static struct page *kbuf_page;

static char *kbuf_addr(void)
{
	return page_address(kbuf_page);
}

/* Only the driver's own frames: [offset, offset + size) inside the buffer. */
static int kbuf_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start, off = vma->vm_pgoff << PAGE_SHIFT;

	(void)file;
	if (off >= KBUF_SIZE || size > KBUF_SIZE - off) {
		pr_err("kbuf: mmap of 0x%lx bytes at offset 0x%lx: the buffer is 0x%lx bytes\n",
		       size, off, KBUF_SIZE);
		return -EINVAL;
	}
	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(kbuf_page) + vma->vm_pgoff, size,
			       vma->vm_page_prot);
}

static const struct file_operations kbuf_fops = { .mmap = kbuf_mmap };

void __init kbuf_init(void)
{
	kbuf_page = alloc_pages(GFP_KERNEL | __GFP_ZERO, KBUF_ORDER);
	if (!kbuf_page || register_device_node("/dev/kbuf", &kbuf_fops)) {
		pr_err("kbuf: no memory; /dev/kbuf not available\n");
		return;
	}
	snprintf(kbuf_addr(), KBUF_USER_OFFSET, "hello from the kernel, through the direct map at 0x%lx",
		 (unsigned long)kbuf_addr());
}

unsigned long kbuf_phys(void)
{
	return kbuf_page ? page_to_pfn(kbuf_page) << PAGE_SHIFT : 0;
}

static void show_string(unsigned long off)
{
	char line[120];

	snprintf(line, sizeof(line), "%s", kbuf_addr() + off);
	for (char *p = line; *p; p++)
		if (*p < ' ' || *p > '~')
			*p = '.';
	console_printf("kbuf[%lu]: \"%s\"\n", off, line);
}

int kbuf_write(const char *text)
{
	if (!kbuf_page)
		return -ENODEV;
	snprintf(kbuf_addr(), KBUF_USER_OFFSET, "%s", text);
	return 0;
}

int kbuf_show(void)
{
	if (!kbuf_page)
		return -ENODEV;
	console_printf("kbuf: %lu pages at phys 0x%lx, kernel address 0x%lx (direct map)\n",
		       1UL << KBUF_ORDER, kbuf_phys(), (unsigned long)kbuf_addr());
	for_each_task(t) {
		if (!t->mm)
			continue;
		for (struct vm_area_struct *v = t->mm->mmap; v; v = v->vm_next)
			if (v->vm_file && v->vm_file->f_op == &kbuf_fops)
				console_printf("kbuf: mapped by %s[%d] at 0x%lx-0x%lx (pfn 0x%lx)\n",
					       t->comm, t->pid, v->vm_start, v->vm_end,
					       page_to_pfn(kbuf_page) + v->vm_pgoff);
	}
	show_string(0);
	show_string(KBUF_USER_OFFSET);
	return 0;
}
