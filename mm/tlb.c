/* TLB flushing and process switches (mm/tlb.h), and the `tlbstat` command. */
#include "mm/tlb.h"
#include "mm/memlayout.h"
#include "mm/mm_types.h"
#include "mm/direct_map.h"
#include "mm/page.h"
#include "mm/pti.h"
#include "kernel/cmdline.h"
#include "kernel/cpufeature.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

struct tlb_stats tlb_stats;
struct tlb_state cpu_tlbstate;
/* SWITCH_TO_USER_CR3 (kernel/calling.inc) reads the mask at offset 0, one
 * bit per kernel PCID */
_Static_assert(offsetof(struct tlb_state, user_pcid_flush_mask) == 0, "TLBSTATE_USER_PCID_FLUSH_MASK");
_Static_assert(TLB_NR_DYN_ASIDS < 63, "kern_pcid bits fit the mask");
bool tlb_kernel_nonglobal;
static bool pcid_on, invpcid_on;

#define X86_CR4_PCIDE (1UL << 17)      /* SDM Vol. 3A 2.5: process-context identifiers */

/* INVPCID types, SDM Vol. 2A INVPCID: 0 = one page in one PCID, 1 = one
 * PCID's non-global entries, 2 = everything, global entries included. */
#define INVPCID_TYPE_INDIV_ADDR  0
#define INVPCID_TYPE_SINGLE_CTXT 1
#define INVPCID_TYPE_ALL_INCL_GLOBAL 2

static inline void __invpcid(unsigned long pcid, unsigned long addr, unsigned long type)
{
	struct { uint64_t d[2]; } desc = { { pcid, addr } };

	asm volatile("invpcid %0, %1" : : "m"(desc), "r"(type) : "memory");
}

bool pcid_enabled(void)
{
	return pcid_on;
}

void __init pcid_init(void)
{
	if (!boot_cpu_has(X86_FEATURE_PCID)) {
		pr_info("x86/tlb: no PCID in CPUID: every process switch flushes the TLB\n");
		return;
	}
	if (kernel_nopcid()) {
		pr_info("x86/tlb: PCID disabled by nopcid: every process switch flushes the TLB\n");
		return;
	}
	/* SDM 4.10.1: setting CR4.PCIDE faults unless CR3[11:0] = 0; the
	 * kernel's table is loaded as PCID 0 */
	write_cr3(read_cr3() & PHYSICAL_PAGE_MASK);
	write_cr4(read_cr4() | X86_CR4_PCIDE);
	pcid_on = true;
	cpu_entry_data.pcid = 1;        /* PTI's entry and exit code: PCIDs in CR3 */
	invpcid_on = boot_cpu_has(X86_FEATURE_INVPCID);
	pr_info("x86/tlb: PCID enabled, %d dynamic ASIDs; INVPCID %s\n", TLB_NR_DYN_ASIDS,
		invpcid_on ? "used" : "not supported: CR3 reload instead");
}

void flush_tlb_one_kernel(unsigned long va)
{
	__flush_tlb_one(va);    /* INVLPG drops this page's entry, global or not */
	tlb_stats.one++;
	/* ...but a non-global one only in the current PCID (SDM 2A INVLPG):
	 * with pti=on every kernel entry is (CR4.PGE off), Linux's case too */
	if (tlb_kernel_nonglobal && pcid_on)
		invalidate_other_asid(&cpu_tlbstate);
}

/* Table pages of the kernel half were freed: INVLPG cleared the current
 * PCID's paging-structure caches (all of them, SDM Vol. 3A 4.10.4.1), but
 * another PCID's may still lead through the freed pages, global or not
 * (4.10.3.1: those caches hold no global entries to spare) until it is
 * flushed. Without PCID, the CR3 write of the next switch does that. */
void flush_tlb_kernel_pgtables(void)
{
	if (pcid_on)
		invalidate_other_asid(&cpu_tlbstate);
}

/* Any change of CR4.PGE flushes every TLB entry, global ones included, in
 * every PCID (SDM Vol. 3A 4.10.4.1); a CR3 write alone would keep them.
 * So flip it and flip it back: with pti=on PGE is off and must stay off
 * (mm/pti.c). INVPCID type 2 does the same in one instruction. */
void __flush_tlb_all(void)
{
	unsigned long flags = local_irq_save();

	if (invpcid_on) {
		__invpcid(0, 0, INVPCID_TYPE_ALL_INCL_GLOBAL);
	} else {
		unsigned long cr4 = read_cr4();

		write_cr4(cr4 ^ X86_CR4_PGE);
		write_cr4(cr4);
	}
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

bool mm_is_loaded(const struct mm_struct *mm)
{
	return (read_cr3() & PHYSICAL_PAGE_MASK) == virt_to_phys(mm->pgd);
}

/* PTI with PCID: the user PCID of the loaded ASID holds user entries
 * that INVLPG and a CR3 write in the kernel do not reach. INVPCID drops
 * them now; without it the exit to user mode flushes that PCID. */
static void flush_user_pcid(unsigned long va, unsigned long type)
{
	uint16_t asid = cpu_tlbstate.loaded_asid;

	if (!pcid_on || !pti_enabled())
		return;
	if (invpcid_on) {
		__invpcid(user_pcid(asid), va, type);
		tlb_stats.user_invpcid++;
	} else {
		invalidate_user_asid(&cpu_tlbstate, asid);
	}
}

/* The loaded PCID's non-global entries: INVPCID single-context, or a CR3
 * write without bit 63, which flushes the PCID it loads (4.10.4.1). */
static void flush_tlb_local(void)
{
	if (invpcid_on)
		__invpcid(read_cr3() & CR3_PCID_MASK, 0, INVPCID_TYPE_SINGLE_CTXT);
	else
		write_cr3(read_cr3());
	flush_user_pcid(0, INVPCID_TYPE_SINGLE_CTXT);
	tlb_stats.mm_local++;
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long flags = local_irq_save();

	if (!asid_flush_mm(&cpu_tlbstate, &mm->context) || !mm_is_loaded(mm)) {
		tlb_stats.mm_deferred++;
	} else {
		if (end - start > TLB_SINGLE_PAGE_FLUSH_CEILING * PAGE_SIZE) {
			flush_tlb_local();
		} else {
			for (unsigned long va = start & PAGE_MASK; va < end; va += PAGE_SIZE) {
				__flush_tlb_one(va);   /* the current PCID's entry */
				if (invpcid_on)
					flush_user_pcid(va, INVPCID_TYPE_INDIV_ADDR);
			}
			if (!invpcid_on)
				flush_user_pcid(0, 0);  /* the whole user PCID, at the exit */
			tlb_stats.one += (end - start + PAGE_SIZE - 1) >> PAGE_SHIFT;
		}
		asid_flushed_local(&cpu_tlbstate, &mm->context);
	}
	local_irq_restore(flags);
}

void flush_tlb_mm(struct mm_struct *mm)
{
	flush_tlb_mm_range(mm, 0, ~0UL);
}

bool switch_mm_irqs_off(struct mm_struct *next)
{
	struct tlb_state *ts = &cpu_tlbstate;
	unsigned long cr3 = virt_to_phys(next->pgd);
	uint16_t asid;

	if (ts->loaded_ctx_id == next->context.ctx_id && mm_is_loaded(next))
		return false;
	if (asid_switch(ts, &next->context, pcid_on, &asid)) {
		write_cr3(pcid_on ? cr3 | kern_pcid(asid) : cr3);
	} else {
		write_cr3(cr3 | kern_pcid(asid) | CR3_NOFLUSH);
	}
	return true;
}

void leave_mm(void)
{
	unsigned long flags = local_irq_save();

	/* PCID 0 (no bit 63): flushes only PCID 0, which never holds a
	 * process's entries when PCID is on */
	write_cr3(__pa_symbol(swapper_pg_dir));
	asid_unload(&cpu_tlbstate);
	local_irq_restore(flags);
}

void tlbstat_show(void)
{
	const struct tlb_state *ts = &cpu_tlbstate;

	console_printf("invlpg %lu  range flushes %lu  full flushes %lu  (ceiling %d pages)\n",
		       tlb_stats.one, tlb_stats.ranges, tlb_stats.full,
		       TLB_SINGLE_PAGE_FLUSH_CEILING);
	console_printf("pcid %s  invpcid %s  mm flushes: local %lu  deferred %lu\n",
		       pcid_on ? "on" : "off", invpcid_on ? "on" : "off",
		       tlb_stats.mm_local, tlb_stats.mm_deferred);
	console_printf("switches: flush %lu  no-flush %lu  asid allocations %lu  asid wraps %lu\n",
		       ts->switch_flush, ts->switch_noflush, ts->asid_allocs, ts->asid_wraps);
	if (!pcid_on)
		return;
	console_printf("loaded asid %u (pcid %u)  next asid %u\n", ts->loaded_asid,
		       ts->loaded_ctx_id ? kern_pcid(ts->loaded_asid) : 0, ts->next_asid);
	console_printf("other asids invalidated %lu times\n", ts->other_invalidations);
	if (pti_enabled())
		console_printf("pti: user pcid = kernel pcid | 0x%x  user pcid invalidations %lu  invpcid %lu  pending 0x%llx\n",
			       PTI_USER_PCID_MASK, ts->user_invalidations, tlb_stats.user_invpcid,
			       (unsigned long long)ts->user_pcid_flush_mask);
	for (int a = 0; a < TLB_NR_DYN_ASIDS; a++)
		console_printf("  asid %d pcid %d: ctx_id %llu tlb_gen %llu\n", a, kern_pcid(a),
			       (unsigned long long)ts->ctxs[a].ctx_id,
			       (unsigned long long)ts->ctxs[a].tlb_gen);
}
