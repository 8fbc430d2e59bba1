/* tlbdemo (mm/tlb_demo.h): a stale TLB entry made on purpose. After a
 * PTE changes, the CPU may go on using the translation it cached until
 * INVLPG or a CR3 write removes it (SDM Vol. 3A 4.10.4.2: "the processor
 * may use the old translation"); a global entry (every kernel mapping has
 * G) survives even the CR3 write (4.10.2.4). QEMU's TCG keeps a software
 * TLB and honours INVLPG the same way, so the stale read is real there. */
#include "mm/tlb_demo.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/physaddr.h"
#include "mm/pgtable.h"
#include "mm/vmalloc.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

#define MARK_A 0xaaaaaaaa00000000ULL
#define MARK_B 0xbbbbbbbb00000000ULL

static void step(const char *what, uint64_t got, uint64_t phys)
{
	console_printf("%-34s read 0x%016llx   page tables say phys 0x%llx\n", what,
		       (unsigned long long)got, (unsigned long long)phys);
}

int tlb_stale_demo(uint64_t *a, uint64_t *b, uint64_t *before, uint64_t *stale,
		   uint64_t *after)
{
	struct page *pa = alloc_pages(GFP_KERNEL, 0), *pb = alloc_pages(GFP_KERNEL, 0);
	volatile uint64_t *p = 0;
	unsigned long flags;
	enum pg_level level;
	pte_t *pte;
	uint64_t walk[3] = { 0 };
	int err = -ENOMEM;

	if (!pa || !pb)
		goto out;
	*a = MARK_A | page_to_pfn(pa);
	*b = MARK_B | page_to_pfn(pb);
	*(uint64_t *)page_address(pa) = *a;
	*(uint64_t *)page_address(pb) = *b;
	p = vmap(&pa, 1, VM_MAP, PAGE_KERNEL);
	if (!p)
		goto out;
	pte = lookup_address((unsigned long)p, &level);
	console_printf("page A: phys 0x%llx holds 0x%016llx\npage B: phys 0x%llx holds 0x%016llx\n",
		       (unsigned long long)PFN_PHYS(page_to_pfn(pa)), (unsigned long long)*a,
		       (unsigned long long)PFN_PHYS(page_to_pfn(pb)), (unsigned long long)*b);
	console_printf("vmap(A) at %p, PTE at %p\n", (void *)p, pte);
	/* no interrupt between the steps: nothing else may flush in between */
	flags = local_irq_save();
	*before = *p;                   /* the walk fills the TLB entry */
	walk_virt_to_phys((unsigned long)p, &walk[0]);
	set_pte(pte, pfn_pte(page_to_pfn(pb), PAGE_KERNEL));     /* no INVLPG */
	*stale = *p;
	walk_virt_to_phys((unsigned long)p, &walk[1]);
	__flush_tlb_one((unsigned long)p);
	*after = *p;
	walk_virt_to_phys((unsigned long)p, &walk[2]);
	local_irq_restore(flags);
	step("1. read (PTE -> A)", *before, walk[0]);
	console_printf("2. PTE changed to B, no invlpg\n");
	step("   read again", *stale, walk[1]);
	console_printf("3. invlpg\n");
	step("   read again", *after, walk[2]);
	console_printf("%s\n", *stale == *a ? "the second read still saw A: a stale TLB entry" :
		       "the second read saw B: this CPU re-walked without being told");
	set_pte(pte, pfn_pte(page_to_pfn(pa), PAGE_KERNEL));     /* vunmap what vmap made */
	vunmap((const void *)p);
	err = 0;
out:
	if (pa)
		__free_pages(pa, 0);
	if (pb)
		__free_pages(pb, 0);
	return err;
}
