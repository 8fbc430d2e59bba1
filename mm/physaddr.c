/* pa and va (mm/physaddr.h). __pa and __va are one subtraction and one
 * addition (mm/page.h): the CPU is not asked. The page-table walk is what
 * the MMU does on a TLB miss (SDM Vol. 3A 4.5); printing both side by side
 * shows they agree exactly where the formula is meant to be used, and
 * where it is not (a vmalloc or user address) the formula gives a number
 * that means nothing. */
#include "mm/physaddr.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

bool walk_virt_to_phys(unsigned long va, uint64_t *phys)
{
	enum pg_level level;
	pte_t *leaf = lookup_address_in_pgd(current_pgd(), va, &level);
	unsigned long mask;

	if (!leaf || !pte_present(*leaf))
		return false;
	mask = page_level_mask(level);  /* a large leaf's PAT bit 12 is cleared by it too */
	*phys = (pte_val(*leaf) & PHYSICAL_PAGE_MASK & mask) | (va & ~mask);
	return true;
}

static void show_walk(unsigned long va, uint64_t formula, bool have_formula)
{
	uint64_t phys;

	if (!walk_virt_to_phys(va, &phys)) {
		console_printf("page-table walk (CR3 0x%lx): not mapped\n", read_cr3());
		return;
	}
	console_printf("page-table walk (CR3 0x%lx): 0x%llx%s\n", read_cr3(),
		       (unsigned long long)phys,
		       !have_formula ? "" : phys == formula ? "  (the same)" : "  (differs!)");
}

static void show_page(uint64_t phys)
{
	unsigned long pfn = PFN_DOWN(phys);

	if (pfn < max_pfn)
		console_printf("pfn 0x%lx  pfn_to_page = %p  (mem_map + 0x%lx * sizeof(struct page))  flags 0x%lx\n",
			       pfn, pfn_to_page(pfn), pfn, pfn_to_page(pfn)->flags);
	else
		console_printf("pfn 0x%lx  past max_pfn 0x%lx: no struct page\n", pfn, max_pfn);
}

void pa_show(unsigned long va)
{
	if (va >= PAGE_OFFSET && va - PAGE_OFFSET < direct_map_end) {
		uint64_t pa = __pa(va);

		console_printf("0x%016lx is in the direct map: __pa(x) = x - PAGE_OFFSET (0x%lx) = 0x%llx\n",
			       va, PAGE_OFFSET, (unsigned long long)pa);
		show_page(pa);
		show_walk(va, pa, true);
	} else if (va >= __START_KERNEL_map && va < __START_KERNEL_map + KERNEL_IMAGE_SIZE) {
		uint64_t pa = __pa_symbol(va);

		console_printf("0x%016lx is in the kernel image: __pa_symbol(x) = x - __START_KERNEL_map (0x%lx) = 0x%llx\n",
			       va, __START_KERNEL_map, (unsigned long long)pa);
		console_printf("(__pa(x) = x - PAGE_OFFSET would give 0x%llx: meaningless here)\n",
			       (unsigned long long)__pa(va));
		show_page(pa);
		show_walk(va, pa, true);
	} else {
		console_printf("0x%016lx is neither direct map nor kernel image: no formula, only the walk\n",
			       va);
		show_walk(va, 0, false);
	}
}

void va_show(uint64_t phys)
{
	unsigned long va = (unsigned long)__va(phys);

	console_printf("__va(0x%llx) = PAGE_OFFSET + phys = 0x%016lx\n", (unsigned long long)phys, va);
	show_page(phys);
	if (phys >= direct_map_end) {
		console_printf("past the direct map's end (0x%llx): __va gives an address nothing maps\n",
			       (unsigned long long)direct_map_end);
		return;
	}
	show_walk(va, phys, true);
	if (phys >= LOAD_PHYSICAL_ADDR && phys < LOAD_PHYSICAL_ADDR + KERNEL_IMAGE_SIZE &&
	    walk_virt_to_phys((unsigned long)__va_symbol(phys), &phys))
		console_printf("also mapped by the kernel image at 0x%016lx (__START_KERNEL_map + phys)\n",
			       (unsigned long)__va_symbol(phys));
}
