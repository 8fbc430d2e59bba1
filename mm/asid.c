/* The ASID allocator (mm/asid.h); Linux's choose_new_asid and the
 * bookkeeping of switch_mm_irqs_off, without the hardware: mm/tlb.c
 * writes CR3 with what these return. */
#include "mm/asid.h"

static uint64_t last_ctx_id;    /* Linux's last_mm_ctx_id: only grows */

void init_new_context(struct mm_context *ctx)
{
	ctx->ctx_id = ++last_ctx_id;    /* 2^64 mms: never wraps in practice */
	ctx->tlb_gen = 1;
}

/* Linux's clear_asid_other: done at a switch, the loaded slot was flushed
 * where the change happened. */
static void clear_asid_other(struct tlb_state *ts)
{
	for (uint16_t a = 0; a < TLB_NR_DYN_ASIDS; a++)
		if (a != ts->loaded_asid || !ts->loaded_ctx_id)
			ts->ctxs[a].ctx_id = 0;
	ts->invalidate_other = false;
}

void choose_new_asid(struct tlb_state *ts, const struct mm_context *next,
		     uint16_t *new_asid, bool *need_flush)
{
	if (ts->invalidate_other)
		clear_asid_other(ts);
	for (uint16_t a = 0; a < TLB_NR_DYN_ASIDS; a++) {
		if (ts->ctxs[a].ctx_id != next->ctx_id)
			continue;
		*new_asid = a;
		/* entries older than the mm's last flush request may be stale */
		*need_flush = ts->ctxs[a].tlb_gen < next->tlb_gen;
		return;
	}
	/* none holds next: the next slot round-robin, whatever it held is
	 * another mm's (or a freed one's) and must go */
	*new_asid = ts->next_asid++;
	if (ts->next_asid >= TLB_NR_DYN_ASIDS) {
		ts->next_asid = 0;
		ts->asid_wraps++;
	}
	ts->asid_allocs++;
	*need_flush = true;
}

bool asid_switch(struct tlb_state *ts, const struct mm_context *next, bool pcid,
		 uint16_t *asid)
{
	bool flush = true;

	if (pcid) {
		choose_new_asid(ts, next, asid, &flush);
		ts->ctxs[*asid].ctx_id = next->ctx_id;
		ts->ctxs[*asid].tlb_gen = next->tlb_gen;
	} else {
		*asid = 0;
	}
	ts->loaded_ctx_id = next->ctx_id;
	ts->loaded_asid = *asid;
	/* the user PCID of a slot handed over or gone stale holds as much of
	 * the old entries as the kernel PCID the caller flushes now */
	if (flush && pcid)
		invalidate_user_asid(ts, *asid);
	if (flush)
		ts->switch_flush++;
	else
		ts->switch_noflush++;
	return flush;
}

bool asid_flush_mm(struct tlb_state *ts, struct mm_context *mm)
{
	mm->tlb_gen++;
	return ts->loaded_ctx_id == mm->ctx_id;
}

void asid_flushed_local(struct tlb_state *ts, const struct mm_context *mm)
{
	if (ts->loaded_ctx_id == mm->ctx_id && ts->ctxs[ts->loaded_asid].ctx_id == mm->ctx_id)
		ts->ctxs[ts->loaded_asid].tlb_gen = mm->tlb_gen;
}

void invalidate_user_asid(struct tlb_state *ts, uint16_t asid)
{
	if (!ts->pti)
		return;
	ts->user_pcid_flush_mask |= 1ULL << kern_pcid(asid);
	ts->user_invalidations++;
}

void asid_unload(struct tlb_state *ts)
{
	ts->loaded_ctx_id = 0;
	ts->loaded_asid = 0;
}

void invalidate_other_asid(struct tlb_state *ts)
{
	ts->invalidate_other = true;
	ts->other_invalidations++;
}
