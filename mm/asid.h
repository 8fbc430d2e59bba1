/* Per-CPU dynamic ASIDs for PCID-tagged TLBs (Linux's arch/x86/mm/tlb.c).
 *
 * With CR4.PCIDE=1 every TLB entry carries the 12-bit PCID that was in
 * CR3[11:0] when it was filled, and is used only while CR3 holds that
 * PCID (SDM Vol. 3A 4.10.1); global entries match every PCID (4.10.2.4).
 * A CR3 write with bit 63 set keeps the new PCID's entries (4.10.4.1), so
 * a process switch need not flush if that PCID still holds this mm's
 * entries and nothing of them has gone stale.
 *
 * As Linux: a CPU has TLB_NR_DYN_ASIDS slots (ASIDs); slot n runs as PCID
 * n + 1 (kern_pcid; PCID 0 stays for the kernel's own table and for
 * no-PCID). Each slot remembers which address space (ctx_id, never reused:
 * a freed mm's slot can then never match a new mm) and which of its flush
 * generations (tlb_gen) it holds. An mm's tlb_gen grows on every flush
 * asked of it; a slot older than its mm's generation must flush on the next
 * switch. Slots are handed out round-robin (choose_new_asid), and a slot
 * given to a new mm is always flushed. Pure logic: the host tests compile
 * this file with a model TLB (tests/unit/test_asid.c). */
#ifndef MM_ASID_H
#define MM_ASID_H

#include <stdbool.h>
#include <stdint.h>

#define TLB_NR_DYN_ASIDS 6
#define CR3_NOFLUSH      (1ULL << 63)   /* SDM 4.10.4.1: keep the new PCID's entries */
#define CR3_PCID_MASK    0xfffULL
/* PTI with PCID: the user table runs under its own PCID, the kernel one
 * with bit 11 set (Linux's X86_CR3_PTI_PCID_USER_BIT), so user-mode fills
 * never serve the kernel table and the other way round. */
#define PTI_USER_PCID_BIT  11
#define PTI_USER_PCID_MASK (1U << PTI_USER_PCID_BIT)

struct mm_context {             /* Linux's mm_context_t, the TLB part */
	uint64_t ctx_id;        /* unique for the boot, never 0 */
	uint64_t tlb_gen;       /* bumped by every flush asked of this mm */
};

struct tlb_context {
	uint64_t ctx_id;        /* 0: slot holds nothing usable */
	uint64_t tlb_gen;       /* the mm's generation these entries are up to */
};

struct tlb_state {              /* Linux's cpu_tlbstate */
	/* PTI with PCID: bit kern_pcid(asid) set = that ASID's user PCID may
	 * hold stale entries; the exit to user mode (SWITCH_TO_USER_CR3,
	 * kernel/calling.inc) then writes CR3 without bit 63 and clears the
	 * bit. First, at offset 0: the entry code reads it. */
	uint64_t user_pcid_flush_mask;
	bool pti;               /* user tables exist: keep user PCIDs right too */
	uint64_t loaded_ctx_id; /* 0: the kernel's table (swapper_pg_dir) */
	uint16_t loaded_asid;
	uint16_t next_asid;
	bool invalidate_other;  /* a non-global kernel entry changed: other slots stale */
	struct tlb_context ctxs[TLB_NR_DYN_ASIDS];
	/* tlbstat */
	unsigned long switch_flush, switch_noflush, asid_allocs, asid_wraps;
	unsigned long user_invalidations, other_invalidations;
};

static inline uint16_t kern_pcid(uint16_t asid)
{
	return asid + 1;        /* PCID 0 is never a dynamic ASID */
}

static inline uint16_t user_pcid(uint16_t asid)
{
	return kern_pcid(asid) | PTI_USER_PCID_MASK;
}

void init_new_context(struct mm_context *ctx);
void choose_new_asid(struct tlb_state *ts, const struct mm_context *next,
		     uint16_t *new_asid, bool *need_flush);
/* Picks next's ASID, records it as loaded; returns whether the CR3 write
 * must flush. pcid false: ASID 0 and always a flush (plain CR3 write).
 * With PTI, a flush of the kernel PCID also marks the user PCID. */
bool asid_switch(struct tlb_state *ts, const struct mm_context *next, bool pcid,
		 uint16_t *asid);
/* A flush of mm was asked for (its PTEs changed): bumps its generation.
 * True if mm is loaded on this CPU: the caller flushes locally now, then
 * calls asid_flushed_local. Otherwise its slot, if any, is now stale and
 * the next switch to it flushes. */
bool asid_flush_mm(struct tlb_state *ts, struct mm_context *mm);
void asid_flushed_local(struct tlb_state *ts, const struct mm_context *mm);
/* Linux's invalidate_user_asid: the next exit to user mode under this
 * ASID flushes its user PCID (PTI with PCID; a no-op otherwise). For
 * what INVLPG cannot reach: it drops entries of the current PCID only. */
void invalidate_user_asid(struct tlb_state *ts, uint16_t asid);
/* CR3 moved to the kernel's table (PCID 0). */
void asid_unload(struct tlb_state *ts);
/* Linux's invalidate_other_asid: every slot but the loaded one forgets
 * its mm, so the next use of it flushes. */
void invalidate_other_asid(struct tlb_state *ts);

#endif
