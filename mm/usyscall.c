/* The [vvar] pages (mm/usyscall.h, kernel/uapi/usyscall.h).
 *
 * Why two pages: the pid differs per process, so its page must too; the
 * tick count is the same for everyone and changes HZ times a second, so
 * it lives in one page that the timer writes once per tick and every
 * process maps (writing a page per process each tick would cost a walk of
 * the task list in the interrupt). Linux splits its vvar the same way:
 * one shared vdso_data, per-process data elsewhere.
 *
 * Both pages are ordinary buddy pages mapped with get_page semantics
 * (mm/page_ref.h): the per-process page is the mm's (refcount 1, freed by
 * the unmap at exit), the shared page holds one reference for the kernel,
 * which is never dropped, plus one per process mapping it. The VMA is
 * VM_READ only: vm_get_page_prot gives present|user|NX without RW, so a
 * user write is a protection fault and access_error refuses it (SIGSEGV),
 * and nothing in it ever executes. It is VM_DONTCOPY: fork gives the
 * child its own page (its own pid) instead of a copy of the parent's. */
#include "mm/usyscall.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/page_alloc.h"
#include "mm/page_ref.h"
#include "kernel/errno.h"
#include "kernel/lab.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/uapi/usyscall.h"

static struct page *vvar_page;         /* the shared page (vvar_init) */

/* A boot step: the shared page, allocated once and never freed (this
 * allocation is the kernel's reference), so that the first process does
 * not change the free-page count that leak checks compare. */
void vvar_init(void)
{
	vvar_page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, 0);
	if (!vvar_page) {
		pr_err("vvar_init: no page: processes will not start\n");
		return;
	}
	vvar_update(jiffies);
}

/* The timer's every tick reaches the shared page (given in the lab). */
void vvar_update(uint64_t j)
{
	struct vvar_data *v = vvar_page ? page_address(vvar_page) : 0;

	if (v)
		v->jiffies = j;         /* through the direct map: the user PTE is read-only */
}

int usyscall_map(struct mm_struct *mm)
{
	/* LAB usyscall BEGIN: map the per-process page and the shared page read-only */
	struct vm_area_struct *vma;
	struct page *page;

	if (!vvar_page)
		return -ENOMEM;         /* vvar_init found no page */
	vma = mmap_region(mm, USYSCALL, USYSCALL_END - USYSCALL, VM_READ | VM_DONTCOPY, "[vvar]");
	if (IS_ERR(vma))
		return PTR_ERR(vma);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, 0);
	if (!page)
		return -ENOMEM;
	if (install_page(vma, USYSCALL, page)) {
		__free_pages(page, 0);
		return -ENOMEM;
	}
	get_page(vvar_page);            /* this mapping's reference; the unmap drops it */
	if (install_page(vma, USYSCALL_VVAR, vvar_page)) {
		put_page(vvar_page);
		return -ENOMEM;
	}
	return 0;
	/* LAB usyscall STUB
	(void)mm;
	lab_not_implemented("usyscall", __func__);
	return 0;
	   LAB usyscall END */
}

void usyscall_set_pid(struct mm_struct *mm, int pid)
{
	pte_t *pte = user_pte_lookup(mm, USYSCALL);
	struct usyscall *u;

	if (!pte || !pte_present(*pte))
		return;                 /* not mapped (the usyscall lab's handout) */
	u = page_address(pfn_to_page(pte_pfn(*pte)));
	u->pid = pid;
}
