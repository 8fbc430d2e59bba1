/* User page tables (mm/memory.h). */
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/tlb.h"
#include "mm/pagewalk.h"
#include "mm/pgalloc.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/page_ref.h"
#include "kernel/lab.h"
#include "kernel/errno.h"
#include "kernel/fs.h"
#include "kernel/lab.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/x86.h"

pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	uint64_t v = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

	if (vm_flags & VM_WRITE)
		v |= _PAGE_RW | _PAGE_DIRTY;
	if (!(vm_flags & VM_EXEC))
		v |= _PAGE_NX;
	return __pgprot(v);
}

/* The PTE for addr in mm; with alloc, missing tables are made on the way
 * (user table entries, counted in mm->nr_pgtables). NULL if there is no
 * PTE table for addr and none could be made. */
static pte_t *user_pte(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	struct pgtable_alloc user_tables = { _PAGE_TABLE, &mm->nr_pgtables };
	struct pxd e = pgtable_walk(mm->pgd, addr, PG_LEVEL_4K, alloc ? &user_tables : 0);

	return e.level == PG_LEVEL_4K ? e.pte : 0;
}

pte_t *user_pte_lookup(struct mm_struct *mm, unsigned long addr)
{
	return user_pte(mm, addr, false);
}

/* Without PCID a user TLB entry is cached only while this mm's PGD is in
 * CR3 (a CR3 write flushes the non-global ones, SDM Vol. 3A 4.10.4.1);
 * with PCID it may outlive the switch, tagged: mm/tlb.c handles both. */
static void flush_user_page(struct mm_struct *mm, unsigned long addr)
{
	flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
}

int install_page(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	pte_t *pte = user_pte(vma->vm_mm, addr, true);

	if (!pte)
		return -ENOMEM;
	if (pte_present(*pte))
		return -EBUSY;
	set_pte(pte, pfn_pte(page_to_pfn(page), vma->vm_page_prot));
	vma->vm_mm->rss++;
	nr_user_pages++;
	return 0;
}

struct fault_zero_stat fault_zero_stat;

/* The fault's page, zeroed here rather than by __GFP_ZERO so that the
 * zeroing alone can be timed (make bench reports it apart from the rest
 * of the fault, as Linux's figures split clear_page out). The two RDTSCs
 * cost a few cycles; under -icount they are two instructions. */
static struct page *alloc_zeroed_user_page(void)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	uint64_t t0;

	if (!page)
		return NULL;
	t0 = rdtsc();
	memset(page_address(page), 0, PAGE_SIZE);
	fault_zero_stat.cycles += rdtsc() - t0;
	fault_zero_stat.pages++;
	return page;
}

int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr)
{
	struct page *page;
	int ret;

	if (vma->vm_flags & VM_PFNMAP)
		return VM_FAULT_SIGBUS;         /* the driver mapped all it had */
	/* LAB usersplit BEGIN: demand zero: a zeroed page, mapped at the faulting page */
	page = alloc_zeroed_user_page();
	if (!page)
		return VM_FAULT_OOM;
	ret = install_page(vma, addr & PAGE_MASK, page);
	if (ret == -EBUSY)
		ret = 0;        /* present after all: nothing to do */
	if (ret)
		__free_pages(page, 0);
	return ret ? VM_FAULT_OOM : 0;
	/* LAB usersplit STUB
	lab_not_implemented("usersplit", __func__);
	(void)addr, (void)page, (void)ret, (void)alloc_zeroed_user_page;    // the solution uses them
	return VM_FAULT_SIGBUS;
	   LAB usersplit END */
}

struct zap_details {
	struct mm_struct *mm;
	bool pfnmap;            /* the frames are not the mm's: do not free them */
};

static int zap_pte(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	const struct zap_details *z = private;

	(void)next;
	if (e.level != PG_LEVEL_4K || !pxd_present(e))
		return 0;       /* a hole: no table, or no page */
	if (!z->pfnmap) {
		put_page(pfn_to_page(pte_pfn(*e.pte)));        /* COW: maybe not the last user */
		z->mm->rss--;
		nr_user_pages--;
	}
	set_pte(e.pte, __pte(0));
	flush_user_page(z->mm, addr);
	return 0;
}

static const struct mm_walk_ops zap_ops = { .entry = zap_pte };

/* Clears the present PTEs in [start, end); the walk skips absent tables
 * whole. Owned pages go back to the allocator unless pfnmap. */
static void zap_range(struct mm_struct *mm, unsigned long start, unsigned long end, bool pfnmap)
{
	struct zap_details z = { mm, pfnmap };

	walk_page_range(mm->pgd, start, end, &zap_ops, &z);
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	zap_range(vma->vm_mm, start, end, vma->vm_flags & VM_PFNMAP);
}

int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		    unsigned long size, pgprot_t prot)
{
	if (!size || (addr | size) & ~PAGE_MASK || addr < vma->vm_start ||
	    size > vma->vm_end - addr) {
		pr_err("remap_pfn_range: 0x%lx+0x%lx is not page-aligned inside the VMA 0x%lx-0x%lx\n",
		       addr, size, vma->vm_start, vma->vm_end);
		return -EINVAL;
	}
	vma->vm_flags |= VM_IO | VM_PFNMAP;
	if (!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return 0;       /* PROT_NONE: no PTE at all, so every access faults */
	/* LAB usersplit BEGIN: one PTE per page, pfn upward; undo what was done if a table is missing */
	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		pte_t *pte = user_pte(vma->vm_mm, addr + off, true);

		if (!pte) {
			zap_range(vma->vm_mm, addr, addr + off, true);
			return -ENOMEM;
		}
		set_pte(pte, pfn_pte(pfn + (off >> PAGE_SHIFT), prot));
		flush_user_page(vma->vm_mm, addr + off);
	}
	return 0;
	/* LAB usersplit STUB
	lab_not_implemented("usersplit", __func__);
	(void)pfn, (void)prot;
	return -ENOSYS;
	   LAB usersplit END */
}

int vm_iomap_memory(struct vm_area_struct *vma, uint64_t start, unsigned long len)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	unsigned long pages = (len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	const char *who = vma->vm_file ? vma->vm_file->path : "vm_iomap_memory";

	if (start & ~PAGE_MASK) {       /* the driver's mistake, not the caller's */
		pr_err("%s: vm_iomap_memory(0x%llx): not page-aligned\n", who,
		       (unsigned long long)start);
		return -EINVAL;
	}
	/* pgoff and size are the caller's (mmap's offset and length): checked
	 * against the device's size before anything is mapped. */
	if (vma->vm_pgoff > pages || size >> PAGE_SHIFT > pages - vma->vm_pgoff) {
		pr_err("%s: mmap of 0x%lx bytes at offset 0x%lx: past the end (0x%lx bytes)\n",
		       who, size, vma->vm_pgoff << PAGE_SHIFT, pages << PAGE_SHIFT);
		return -EINVAL;
	}
	return io_remap_pfn_range(vma, vma->vm_start, (start >> PAGE_SHIFT) + vma->vm_pgoff,
				  size, vma->vm_page_prot);
}

/* free_pgtables: once through a table, give its page back. */
static int free_pgtable(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	struct mm_struct *mm = private;

	phys_addr_t pa = pxd_table_phys(e);

	(void)addr, (void)next;
	set_pxd(e, 0);          /* unlinked before it is freed */
	pgtable_free_page(pa);
	mm->nr_pgtables--;
	return 0;
}

static const struct mm_walk_ops free_pgtables_ops = { .post_table = free_pgtable };

void free_pgtables(struct mm_struct *mm)
{
	walk_page_range(mm->pgd, 0, USER_PGTABLES_END, &free_pgtables_ops, mm);
}

struct pgtables_count {
	unsigned long tables, leaves;
};

static int count_leaf(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	struct pgtables_count *c = private;

	(void)addr, (void)next;
	c->leaves += e.level == PG_LEVEL_4K && pxd_present(e);
	return 0;
}

static int count_table(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	struct pgtables_count *c = private;

	(void)e, (void)addr, (void)next;
	c->tables++;
	return 0;
}

static const struct mm_walk_ops count_ops = { .entry = count_leaf, .post_table = count_table };

unsigned long mm_walk_pgtables(struct mm_struct *mm, unsigned long *leaves)
{
	struct pgtables_count c = { 0, 0 };

	walk_page_range(mm->pgd, 0, USER_PGTABLES_END, &count_ops, &c);
	*leaves = c.leaves;
	return c.tables;
}

/* ---- copy-on-write (fork) --------------------------------------------- */

struct copy_details {
	struct mm_struct *dst, *src;
	struct vm_area_struct *dst_vma;
	bool cow;               /* a private writable VMA: write-protect both sides */
	bool pfnmap;            /* frames the mm does not own: share, count nothing */
};

static int copy_one_pte(struct pxd e, unsigned long addr, unsigned long next, void *private)
{
	struct copy_details *c = private;
	pte_t *dst_pte, pte;

	(void)next;
	if (e.level != PG_LEVEL_4K || !pxd_present(e))
		return 0;
	dst_pte = user_pte(c->dst, addr, true);
	if (!dst_pte)
		return -ENOMEM;
	pte = *e.pte;
	/* LAB cow BEGIN: share the page; a private writable one read-only on both sides */
	if (!c->pfnmap) {
		if (c->cow) {
			pte = __pte(pte_val(pte) & ~_PAGE_RW);
			set_pte(e.pte, pte);    /* the parent's TLB may still say RW: see below */
		}
		get_page(pfn_to_page(pte_pfn(pte)));
		c->dst->rss++;
		nr_user_pages++;
	}
	set_pte(dst_pte, pte);
	return 0;
	/* LAB cow STUB
	(void)dst_pte, (void)pte;
	lab_not_implemented("cow", __func__);
	return -ENOSYS;
	   LAB cow END */
}

static const struct mm_walk_ops copy_ops = { .entry = copy_one_pte };

int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct copy_details c = {
		.dst = dst_vma->vm_mm, .src = src_vma->vm_mm, .dst_vma = dst_vma,
		.cow = (src_vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE,
		.pfnmap = src_vma->vm_flags & VM_PFNMAP,
	};
	int ret = walk_page_range(c.src->pgd, src_vma->vm_start, src_vma->vm_end, &copy_ops, &c);

	/* The parent is current and its PGD in CR3: its TLB may hold the
	 * pages just write-protected as writable (SDM Vol. 3A 4.10.2: a TLB
	 * entry keeps the rights it was filled with), and a write through
	 * one would land in the page the child now shares, unseen by any
	 * fault. Reloading CR3 drops every non-global entry (4.10.4.1) of
	 * the current PCID; user PTEs are never global. */
	/* LAB cow BEGIN: flush the parent's TLB after write-protecting its pages */
	if (c.cow)
		flush_tlb_mm(c.src);
	/* LAB cow STUB
	(void)c.cow;
	   LAB cow END */
	return ret;
}

int do_wp_page(struct vm_area_struct *vma, unsigned long addr)
{
	pte_t *pte = user_pte_lookup(vma->vm_mm, addr);
	struct page *old, *new;

	if (!pte || !pte_present(*pte))
		return handle_mm_fault(vma, addr);      /* gone meanwhile: demand-zero */
	if (pte_val(*pte) & _PAGE_RW)
		return 0;       /* another path made it writable: a stale TLB entry */
	if (vma->vm_flags & VM_PFNMAP)
		return VM_FAULT_SIGBUS;
	/* LAB cow BEGIN: reuse the page if it is the last reference, else copy it */
	old = pfn_to_page(pte_pfn(*pte));
	if (page_ref_count(old) == 1) {
		/* Linux's wp_page_reuse: nobody else maps it any more */
		set_pte(pte, __pte(pte_val(*pte) | _PAGE_RW | _PAGE_DIRTY));
	} else {
		new = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
		if (!new)
			return VM_FAULT_OOM;
		memcpy(page_address(new), page_address(old), PAGE_SIZE);
		set_pte(pte, pfn_pte(page_to_pfn(new), vma->vm_page_prot));
		put_page(old);
	}
	/* The read-only entry may be cached (it caused this fault only if
	 * not, but a prefetch could have filled it since): SDM 3A 4.10.4.3. */
	flush_user_page(vma->vm_mm, addr & PAGE_MASK);
	return 0;
	/* LAB cow STUB
	(void)old, (void)new;
	lab_not_implemented("cow", __func__);
	return VM_FAULT_SIGBUS;
	   LAB cow END */
}
