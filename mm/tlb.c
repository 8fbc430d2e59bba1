/* Kernel TLB flushing (mm/tlb.h) and the `tlbstat` command. */
#include "mm/tlb.h"
#include "mm/memlayout.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

struct tlb_stats tlb_stats;

void flush_tlb_one_kernel(unsigned long va)
{
	__flush_tlb_one(va);    /* INVLPG drops this page's entry, global or not */
	tlb_stats.one++;
}

/* Toggling CR4.PGE off and on flushes every TLB entry, global ones
 * included (SDM Vol. 3A 4.10.4.1); a CR3 write alone would keep them. */
void __flush_tlb_all(void)
{
	unsigned long flags = local_irq_save();
	unsigned long cr4 = read_cr4();

	write_cr4(cr4 & ~X86_CR4_PGE);
	write_cr4(cr4 | X86_CR4_PGE);
	local_irq_restore(flags);
	tlb_stats.full++;
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	unsigned long pages = (end - start + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if (end <= start)
		return;
	/* Past the ceiling one full flush is cheaper than many INVLPGs
	 * (Linux's measured trade-off); refilling the TLB costs the same. */
	if (pages > TLB_SINGLE_PAGE_FLUSH_CEILING) {
		__flush_tlb_all();
		return;
	}
	for (unsigned long va = start & PAGE_MASK; va < end; va += PAGE_SIZE)
		flush_tlb_one_kernel(va);
	tlb_stats.ranges++;
}
