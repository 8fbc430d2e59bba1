/* TLB flushing (SDM Vol. 3A 4.10.4). After changing or removing a
 * translation, the old one may still be cached, on this CPU, until
 * flushed. A kernel range of up to tlb_single_page_flush_ceiling pages is
 * flushed page by page with INVLPG; a larger one with a full flush, which
 * for global pages (all kernel mappings) means toggling CR4.PGE (4.10.4.1).
 *
 * With PCID (mm/asid.h) a process's entries survive switches away from it,
 * tagged with its PCID: a flush of an mm that is not loaded cannot reach
 * them with INVLPG (which acts on the current PCID and on global entries
 * only, SDM Vol. 2A INVLPG), so it bumps the mm's generation instead and
 * the next switch to it flushes. */
#ifndef MM_TLB_H
#define MM_TLB_H

#include <stdbool.h>
#include "mm/asid.h"

#define TLB_SINGLE_PAGE_FLUSH_CEILING 33   /* Linux's tlb_single_page_flush_ceiling */

struct tlb_stats {
	unsigned long one;      /* INVLPGs issued */
	unsigned long ranges;   /* flush_tlb_kernel_range calls done by INVLPG */
	unsigned long full;     /* full flushes (CR4.PGE toggled, or INVPCID all) */
	unsigned long mm_local; /* flushes of the loaded mm's whole PCID */
	unsigned long mm_deferred;      /* flushes of an mm not loaded: at its next switch */
	unsigned long user_invpcid;     /* PTI with PCID: INVPCIDs of a user PCID */
};
extern struct tlb_stats tlb_stats;
extern struct tlb_state cpu_tlbstate;

struct mm_struct;

void flush_tlb_one_kernel(unsigned long va);
void flush_tlb_kernel_range(unsigned long start, unsigned long end);   /* [start, end) */
void __flush_tlb_all(void);
/* Kernel-half table pages were unlinked and are about to be freed. */
void flush_tlb_kernel_pgtables(void);
/* A user range of mm changed: flushed now if mm is loaded, else at its
 * next switch. flush_tlb_mm: the whole of mm (fork's write-protect). */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end);
void flush_tlb_mm(struct mm_struct *mm);

/* Is mm's PGD in CR3 now (whatever PCID)? */
bool mm_is_loaded(const struct mm_struct *mm);
/* Loads next's PGD (process switch, Linux's switch_mm_irqs_off); true if
 * CR3 was written. Interrupts off. */
bool switch_mm_irqs_off(struct mm_struct *next);
/* CR3 to swapper_pg_dir, PCID 0 (Linux's leave_mm / switch to init_mm):
 * before the loaded mm is freed, or for a kernel thread that wants it. */
void leave_mm(void);

void pcid_init(void);           /* boot: CR4.PCIDE unless nopcid or no CPUID bit */
bool pcid_enabled(void);
/* Set when kernel mappings are not global (PTI): a kernel flush must then
 * reach every PCID. */
extern bool tlb_kernel_nonglobal;
void tlbstat_show(void);

#endif
