/* Kernel TLB flushing (SDM Vol. 3A 4.10.4). After changing or removing a
 * kernel translation, the old one may still be cached, on this CPU, until
 * flushed. A range of up to tlb_single_page_flush_ceiling pages is flushed
 * page by page with INVLPG; a larger one with a full flush, which for
 * global pages (all kernel mappings) means toggling CR4.PGE (4.10.4.1). */
#ifndef MM_TLB_H
#define MM_TLB_H

#define TLB_SINGLE_PAGE_FLUSH_CEILING 33   /* Linux's tlb_single_page_flush_ceiling */

struct tlb_stats {
	unsigned long one;      /* INVLPGs issued */
	unsigned long ranges;   /* flush_tlb_kernel_range calls done by INVLPG */
	unsigned long full;     /* full flushes (CR4.PGE toggled) */
};
extern struct tlb_stats tlb_stats;

void flush_tlb_one_kernel(unsigned long va);
void flush_tlb_kernel_range(unsigned long start, unsigned long end);   /* [start, end) */
void __flush_tlb_all(void);

#endif
