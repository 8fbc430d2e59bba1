/* User page tables (mm/memory.h). */
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
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

/* The table an entry points to; with alloc, a new one (counted) if the
 * entry is empty. NULL if none and none could be made. */
static uint64_t *table_below(struct mm_struct *mm, uint64_t *entry, bool alloc)
{
	phys_addr_t pa;

	if (!(*entry & _PAGE_PRESENT)) {
		if (!alloc || !(pa = pgtable_alloc_page()))
			return 0;
		*(volatile uint64_t *)entry = pa | _PAGE_TABLE;
		mm->nr_pgtables++;
	}
	return pgtable_phys_to_virt(*entry & PHYSICAL_PAGE_MASK);
}

static pte_t *walk(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	static const unsigned int shift[] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT };
	uint64_t *table = &mm->pgd->pgd;

	for (int level = 0; level < 3; level++) {
		table = table_below(mm, &table[(addr >> shift[level]) & 511], alloc);
		if (!table)
			return 0;
	}
	return (pte_t *)&table[pte_index(addr)];
}

pte_t *user_pte_lookup(struct mm_struct *mm, unsigned long addr)
{
	return walk(mm, addr, false);
}

/* A user TLB entry is cached only while this mm's PGD is in CR3 (a CR3
 * write flushes the non-global ones, SDM Vol. 3A 4.10.4.1). */
static void flush_user_page(struct mm_struct *mm, unsigned long addr)
{
	if (read_cr3() == virt_to_phys(mm->pgd))
		__flush_tlb_one(addr);
}

int install_page(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	pte_t *pte = walk(vma->vm_mm, addr, true);

	if (!pte)
		return -ENOMEM;
	if (pte_present(*pte))
		return -EBUSY;
	set_pte(pte, pfn_pte(page_to_pfn(page), vma->vm_page_prot));
	vma->vm_mm->rss++;
	nr_user_pages++;
	return 0;
}

int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr)
{
	struct page *page;
	int ret;

	if (vma->vm_flags & VM_PFNMAP)
		return VM_FAULT_SIGBUS;         /* the driver mapped all it had */
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, 0);
	if (!page)
		return VM_FAULT_OOM;
	ret = install_page(vma, addr & PAGE_MASK, page);
	if (ret == -EBUSY)
		ret = 0;        /* present after all: nothing to do */
	if (ret)
		__free_pages(page, 0);
	return ret ? VM_FAULT_OOM : 0;
}

/* Clears the present PTEs in [start, end), skipping absent tables whole;
 * owned pages go back to the allocator unless pfnmap. */
static void zap_range(struct mm_struct *mm, unsigned long start, unsigned long end, bool pfnmap)
{
	unsigned long addr = start;

	while (addr < end) {
		pte_t *pte = walk(mm, addr, false);

		if (!pte) {     /* no PTE table here: go to the next 2 MiB */
			addr = (addr & PMD_MASK) + PMD_SIZE;
			continue;
		}
		if (pte_present(*pte)) {
			if (!pfnmap) {
				__free_pages(pfn_to_page(pte_pfn(*pte)), 0);
				mm->rss--;
				nr_user_pages--;
			}
			set_pte(pte, __pte(0));
			flush_user_page(mm, addr);
		}
		addr += PAGE_SIZE;
	}
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
	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		pte_t *pte = walk(vma->vm_mm, addr + off, true);

		if (!pte) {
			zap_range(vma->vm_mm, addr, addr + off, true);
			return -ENOMEM;
		}
		set_pte(pte, pfn_pte(pfn + (off >> PAGE_SHIFT), prot));
		flush_user_page(vma->vm_mm, addr + off);
	}
	return 0;
}

/* Frees the table at `table` (level 1 PUD .. 3 PTE) and all below it. */
static void free_table(struct mm_struct *mm, uint64_t *table, int level)
{
	for (int i = 0; level < 3 && i < 512; i++)
		if (table[i] & _PAGE_PRESENT)
			free_table(mm, pgtable_phys_to_virt(table[i] & PHYSICAL_PAGE_MASK), level + 1);
	pgtable_free_page(virt_to_phys(table));
	mm->nr_pgtables--;
}

void free_pgtables(struct mm_struct *mm)
{
	for (int i = 0; i < KERNEL_PGD_BOUNDARY; i++)
		if (pgd_present(mm->pgd[i])) {
			free_table(mm, pgtable_phys_to_virt(pgd_table_phys(mm->pgd[i])), 1);
			set_pgd(&mm->pgd[i], __pgd(0));
		}
}

static unsigned long count_tables(uint64_t *table, int level, unsigned long *leaves)
{
	unsigned long n = 1;

	for (int i = 0; i < 512; i++) {
		if (!(table[i] & _PAGE_PRESENT))
			continue;
		if (level == 3)
			(*leaves)++;
		else
			n += count_tables(pgtable_phys_to_virt(table[i] & PHYSICAL_PAGE_MASK),
					  level + 1, leaves);
	}
	return n;
}

unsigned long mm_walk_pgtables(struct mm_struct *mm, unsigned long *leaves)
{
	unsigned long n = 0;

	*leaves = 0;
	for (int i = 0; i < KERNEL_PGD_BOUNDARY; i++)
		if (pgd_present(mm->pgd[i]))
			n += count_tables(pgtable_phys_to_virt(pgd_table_phys(mm->pgd[i])), 1, leaves);
	return n;
}
