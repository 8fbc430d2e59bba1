/* The ASID allocator (mm/asid.c) against a model CPU TLB.
 *
 * QEMU's TCG flushes its whole TLB on every CR3 write (and 7.2 offers no
 * PCID at all), so a missing flush never shows there: these tests must
 * catch it. The model follows SDM Vol. 3A 4.10: an entry is tagged with
 * the PCID in CR3 when it was filled and used only under that PCID; a CR3
 * write without bit 63 drops the new PCID's entries, with it keeps them;
 * INVLPG drops the current PCID's entry for one page. Each model mm has a
 * page table (page number -> frame); every access goes through the model
 * TLB, and a hit that disagrees with the mm's current table is a stale
 * translation: the bug the allocator must never allow. The harness drives
 * the allocator the way mm/tlb.c does (switch_mm_irqs_off,
 * flush_tlb_mm_range).
 *
 * With PTI (pti=on) a process runs in ring 3 under its user PCID, the
 * kernel PCID | 0x800, and the model's exit and entry are what
 * SWITCH_TO_USER_CR3 / SWITCH_TO_KERNEL_CR3 (kernel/calling.inc) write:
 * entry keeps the kernel PCID's entries; exit keeps the user PCID's unless
 * its bit in user_pcid_flush_mask is set, which it then clears. INVLPG in
 * the kernel reaches the kernel PCID only, so a user entry goes stale
 * unless the kernel invalidated the user PCID (or INVPCID dropped it). */
#include "tests/unit/unit.h"
#include "mm/asid.h"

#define NPAGES   8
#define NMM      16
#define TLB_SIZE 256

struct model_mm {
	bool live;
	struct mm_context ctx;
	int pt[NPAGES];                 /* frame per page, 0 = unmapped */
};

struct tlb_entry {
	bool valid;
	uint16_t pcid;
	int page, frame;
};

static struct tlb_state ts;
static bool invpcid;                    /* PTI tests: INVPCID present */
static struct model_mm mms[NMM];
static struct tlb_entry tlb[TLB_SIZE];
static int cur = -1;                    /* mm loaded, -1: kernel table */
static uint16_t cur_pcid;
static unsigned long stale_hits, cr3_flushes, cr3_noflush;
static unsigned long exit_flushes;      /* PTI: exits that flushed the user PCID */
static int next_frame = 1;

static void reset(void)
{
	memset(&ts, 0, sizeof(ts));
	invpcid = false;
	exit_flushes = 0;
	memset(mms, 0, sizeof(mms));
	memset(tlb, 0, sizeof(tlb));
	cur = -1;
	cur_pcid = 0;
	stale_hits = cr3_flushes = cr3_noflush = 0;
}

/* MOV to CR3 (SDM 4.10.4.1) */
static void model_write_cr3(uint16_t pcid, bool noflush)
{
	if (!noflush) {
		for (int i = 0; i < TLB_SIZE; i++)
			if (tlb[i].valid && tlb[i].pcid == pcid)
				tlb[i].valid = false;
		cr3_flushes++;
	} else {
		cr3_noflush++;
	}
	cur_pcid = pcid;
}

static void model_invpcid_addr(uint16_t pcid, int page)
{
	for (int i = 0; i < TLB_SIZE; i++)
		if (tlb[i].valid && tlb[i].pcid == pcid && tlb[i].page == page)
			tlb[i].valid = false;
}

static void model_invlpg(int page)
{
	model_invpcid_addr(cur_pcid, page);
}

/* A load by the running process: the TLB, else a walk that fills it. */
static int model_access(int page)
{
	int want = mms[cur].pt[page];

	for (int i = 0; i < TLB_SIZE; i++)
		if (tlb[i].valid && tlb[i].pcid == cur_pcid && tlb[i].page == page) {
			if (tlb[i].frame != want)
				stale_hits++;
			return tlb[i].frame;
		}
	if (!want)
		return 0;       /* a fault: nothing cached (4.10.2.3) */
	for (int i = 0; i < TLB_SIZE; i++)
		if (!tlb[i].valid) {
			tlb[i] = (struct tlb_entry){ true, cur_pcid, page, want };
			break;
		}
	return want;
}

static void touch_all(void)
{
	for (int p = 0; p < NPAGES; p++)
		model_access(p);
}

/* as mm/tlb.c's switch_mm_irqs_off */
static bool switch_to(int m)
{
	uint16_t asid;
	bool flush;

	if (cur == m)
		return false;
	flush = asid_switch(&ts, &mms[m].ctx, true, &asid);
	model_write_cr3(kern_pcid(asid), !flush);
	cur = m;
	return flush;
}

/* as mm/tlb.c's leave_mm (mmput of the loaded mm) */
static void leave(void)
{
	model_write_cr3(0, false);
	asid_unload(&ts);
	cur = -1;
}

static int new_mm(void)
{
	for (int m = 0; m < NMM; m++)
		if (!mms[m].live) {
			memset(&mms[m], 0, sizeof(mms[m]));
			mms[m].live = true;
			init_new_context(&mms[m].ctx);
			for (int p = 0; p < NPAGES; p++)
				mms[m].pt[p] = next_frame++;
			return m;
		}
	return -1;
}

static void free_mm(int m)
{
	if (cur == m)
		leave();
	mms[m].live = false;
}

/* as flush_tlb_mm_range after a PTE of mm m changed */
static void remap(int m, int page)
{
	mms[m].pt[page] = next_frame++;
	if (asid_flush_mm(&ts, &mms[m].ctx) && cur == m) {
		model_invlpg(page);
		if (ts.pti && invpcid)
			model_invpcid_addr(user_pcid(ts.loaded_asid), page);
		else
			invalidate_user_asid(&ts, ts.loaded_asid);      /* no-op without PTI */
		asid_flushed_local(&ts, &mms[m].ctx);
	}
}

/* PTI: SWITCH_TO_USER_CR3, the loaded mm's pages touched in ring 3 under
 * its user PCID, then SWITCH_TO_KERNEL_CR3 on the next entry */

static void user_run(void)
{
	uint16_t kern = cur_pcid;
	uint64_t bit = 1ULL << kern;
	bool flush = ts.user_pcid_flush_mask & bit;

	ts.user_pcid_flush_mask &= ~bit;
	exit_flushes += flush;
	model_write_cr3(kern | PTI_USER_PCID_MASK, !flush);
	touch_all();
	model_write_cr3(kern, true);
}

/* Which slot holds m's ctx_id, or -1. */
static int slot_of(int m)
{
	for (int a = 0; a < TLB_NR_DYN_ASIDS; a++)
		if (ts.ctxs[a].ctx_id == mms[m].ctx.ctx_id)
			return a;
	return -1;
}

static bool tags_unique(void)
{
	for (int a = 0; a < TLB_NR_DYN_ASIDS; a++)
		for (int b = a + 1; b < TLB_NR_DYN_ASIDS; b++)
			if (ts.ctxs[a].ctx_id && ts.ctxs[a].ctx_id == ts.ctxs[b].ctx_id)
				return false;
	return true;
}

TEST(two_processes_ping_pong_without_flushing_after_the_first_switch_each)
{
	int a, b;

	reset();
	a = new_mm();
	b = new_mm();
	EXPECT_TRUE(switch_to(a));
	touch_all();
	EXPECT_TRUE(switch_to(b));
	touch_all();
	for (int i = 0; i < 10; i++) {
		EXPECT_TRUE(!switch_to(a));
		touch_all();
		EXPECT_TRUE(!switch_to(b));
		touch_all();
	}
	EXPECT_EQ(ts.switch_flush, 2);
	EXPECT_EQ(ts.switch_noflush, 20);
	EXPECT_EQ(ts.asid_allocs, 2);
	EXPECT_TRUE(slot_of(a) != slot_of(b));
	EXPECT_EQ(stale_hits, 0);
}

TEST(recycling_a_seventh_mm_takes_the_oldest_slot_and_flushes_it)
{
	int m[TLB_NR_DYN_ASIDS + 1];

	reset();
	for (int i = 0; i <= TLB_NR_DYN_ASIDS; i++) {
		m[i] = new_mm();
		EXPECT_TRUE(switch_to(m[i]));
		touch_all();
	}
	/* round-robin: the seventh went to slot 0, m[0] lost it */
	EXPECT_EQ(slot_of(m[TLB_NR_DYN_ASIDS]), 0);
	EXPECT_EQ(slot_of(m[0]), -1);
	EXPECT_EQ(ts.asid_wraps, 1);
	/* m[0] comes back: it needs a slot again, and a flush */
	EXPECT_TRUE(switch_to(m[0]));
	EXPECT_EQ(slot_of(m[0]), 1);
	touch_all();
	/* m[2]..m[5] still hold theirs: no flush */
	for (int i = 2; i < TLB_NR_DYN_ASIDS; i++)
		EXPECT_TRUE(!switch_to(m[i]));
	touch_all();
	EXPECT_EQ(stale_hits, 0);
	EXPECT_TRUE(tags_unique());
}

TEST(generation_wrap_many_laps_of_the_slots_every_reuse_flushes)
{
	int m[TLB_NR_DYN_ASIDS + 3];
	unsigned long reuses = 0;

	reset();
	for (int i = 0; i < TLB_NR_DYN_ASIDS + 3; i++)
		m[i] = new_mm();
	/* 9 mms through 6 slots, 50 laps: every slot changes hands again and
	 * again; each time it does, the switch must flush */
	for (int lap = 0; lap < 50; lap++)
		for (int i = 0; i < TLB_NR_DYN_ASIDS + 3; i++) {
			uint64_t before[TLB_NR_DYN_ASIDS];
			bool flushed;

			for (int a = 0; a < TLB_NR_DYN_ASIDS; a++)
				before[a] = ts.ctxs[a].ctx_id;
			flushed = switch_to(m[i]);
			if (before[ts.loaded_asid] != mms[m[i]].ctx.ctx_id) {
				reuses++;
				EXPECT_TRUE(flushed);
			}
			touch_all();
			remap(m[(i + 4) % (TLB_NR_DYN_ASIDS + 3)], lap % NPAGES);
			EXPECT_TRUE(tags_unique());
		}
	EXPECT_TRUE(reuses > 0);
	EXPECT_TRUE(ts.asid_wraps >= 50);
	EXPECT_EQ(stale_hits, 0);
}

TEST(a_freed_mm_slot_is_never_reused_by_a_new_mm_without_a_flush)
{
	int a, b, c;

	reset();
	a = new_mm();
	b = new_mm();
	switch_to(a);
	touch_all();
	switch_to(b);
	touch_all();
	free_mm(a);     /* not loaded: its slot keeps a's entries */
	c = new_mm();   /* may sit in a's struct (same model slot), new ctx_id */
	EXPECT_TRUE(mms[c].ctx.ctx_id != 0);
	EXPECT_TRUE(switch_to(c));
	touch_all();
	EXPECT_TRUE(!switch_to(b));
	free_mm(b);     /* loaded: CR3 goes to the kernel's table first */
	EXPECT_EQ(ts.loaded_ctx_id, 0);
	c = new_mm();
	EXPECT_TRUE(switch_to(c));
	touch_all();
	EXPECT_EQ(stale_hits, 0);
}

TEST(a_flush_of_a_non_current_mm_reaches_its_slot_at_the_next_switch)
{
	int a, b;

	reset();
	a = new_mm();
	b = new_mm();
	switch_to(a);
	touch_all();
	switch_to(b);
	touch_all();
	remap(a, 3);    /* fork's COW write-protect, munmap, ... of a, b loaded */
	EXPECT_TRUE(switch_to(a));      /* a's slot is stale: flush */
	touch_all();
	EXPECT_TRUE(!switch_to(b));     /* b untouched */
	remap(b, 1);    /* b loaded: flushed at once, no flush on the way back */
	touch_all();
	EXPECT_TRUE(!switch_to(a));
	EXPECT_TRUE(!switch_to(b));
	touch_all();
	EXPECT_EQ(stale_hits, 0);
}

TEST(back_from_the_kernel_table_the_same_mm_keeps_its_entries)
{
	int a;

	reset();
	a = new_mm();
	switch_to(a);
	touch_all();
	leave();        /* init_mm_demo's CR3 = swapper_pg_dir */
	EXPECT_TRUE(!switch_to(a));
	remap(a, 0);
	leave();
	remap(a, 2);    /* changed while not loaded */
	EXPECT_TRUE(switch_to(a));
	touch_all();
	EXPECT_EQ(stale_hits, 0);
}

TEST(invalidate_other_asid_makes_every_other_slot_flush)
{
	int a, b, c;

	reset();
	a = new_mm();
	b = new_mm();
	c = new_mm();
	switch_to(a);
	switch_to(b);
	switch_to(c);
	invalidate_other_asid(&ts);     /* a non-global kernel entry changed */
	EXPECT_TRUE(switch_to(a));
	EXPECT_TRUE(switch_to(b));
	EXPECT_TRUE(!switch_to(c));     /* c was loaded: flushed where it changed */
}

TEST(no_pcid_every_switch_flushes_with_pcid_0)
{
	struct mm_context x, y;
	uint16_t asid = 9;

	reset();
	init_new_context(&x);
	init_new_context(&y);
	for (int i = 0; i < 4; i++) {
		EXPECT_TRUE(asid_switch(&ts, i & 1 ? &y : &x, false, &asid));
		EXPECT_EQ(asid, 0);
	}
	EXPECT_EQ(ts.switch_noflush, 0);
	EXPECT_EQ(ts.asid_allocs, 0);
}

/* Random switches, remaps, frees and new mms: never a stale hit, never two
 * slots with one tag, every switch hands the loaded slot to its mm. With
 * `pti` each switched-to process runs in ring 3 (user_run), under its user
 * PCID, and now and then again without a switch. */
static void random_steps(unsigned int seed, int steps, bool pti)
{
	for (int i = 0; i < 4; i++)
		new_mm();
	for (int step = 0; step < steps; step++) {
		int op, m;

		seed = seed * 1103515245u + 12345u;
		op = (seed >> 16) % 10;
		m = (seed >> 8) % NMM;
		if (op < 5 && mms[m].live) {
			switch_to(m);
			EXPECT_TRUE(ts.ctxs[ts.loaded_asid].ctx_id == mms[m].ctx.ctx_id);
			if (pti)
				user_run();
			else
				touch_all();
		} else if (op < 8 && mms[m].live) {
			remap(m, (seed >> 4) % NPAGES);
		} else if (op == 8 && mms[m].live) {
			free_mm(m);
		} else {
			new_mm();
		}
		if (!tags_unique()) {
			EXPECT_TRUE(tags_unique());
			break;
		}
		if (cur >= 0 && pti && op == 9)
			user_run();
		else if (cur >= 0)
			model_access((seed >> 12) % NPAGES);
	}
	EXPECT_EQ(stale_hits, 0);
	EXPECT_TRUE(cr3_noflush > 1000);        /* the test did exercise no-flush switches */
}

TEST(random_sequences_never_see_a_stale_translation)
{
	reset();
	random_steps(12345, 200000, false);
}

/* PTI with PCID (pti=on): the user PCIDs must never serve a stale entry. */
static void reset_pti(bool with_invpcid)
{
	reset();
	ts.pti = true;
	invpcid = with_invpcid;
}

TEST(pti_ping_pong_keeps_both_pcids_of_each_process)
{
	int a, b;

	reset_pti(true);
	a = new_mm();
	b = new_mm();
	switch_to(a);
	user_run();
	switch_to(b);
	user_run();
	EXPECT_EQ(exit_flushes, 2);     /* each new slot: its user PCID once */
	for (int i = 0; i < 10; i++) {
		EXPECT_TRUE(!switch_to(a));
		user_run();
		EXPECT_TRUE(!switch_to(b));
		user_run();
	}
	EXPECT_EQ(exit_flushes, 2);
	EXPECT_EQ(stale_hits, 0);
}

/* fork's write-protect, munmap, mprotect of the loaded mm: INVLPG in the
 * kernel leaves the user PCID's entry; INVPCID or the exit must drop it */
static void check_loaded_remap_reaches_user_pcid(bool with_invpcid)
{
	int a;

	reset_pti(with_invpcid);
	a = new_mm();
	switch_to(a);
	user_run();
	for (int p = 0; p < NPAGES; p++) {
		remap(a, p);
		user_run();
	}
	EXPECT_EQ(stale_hits, 0);
	EXPECT_EQ(exit_flushes, with_invpcid ? 1 : 1 + NPAGES);
}

TEST(pti_remap_of_the_loaded_mm_reaches_its_user_pcid_with_invpcid)
{
	check_loaded_remap_reaches_user_pcid(true);
}

TEST(pti_remap_of_the_loaded_mm_reaches_its_user_pcid_without_invpcid)
{
	check_loaded_remap_reaches_user_pcid(false);
}

TEST(pti_a_slot_changing_hands_flushes_its_user_pcid_too)
{
	int m[TLB_NR_DYN_ASIDS + 1];

	reset_pti(true);
	for (int i = 0; i <= TLB_NR_DYN_ASIDS; i++) {
		m[i] = new_mm();
		switch_to(m[i]);
		user_run();
	}
	/* m[0] lost slot 0 to m[6]; it comes back into slot 1, whose user
	 * PCID holds m[1]'s entries for the same page numbers */
	EXPECT_TRUE(switch_to(m[0]));
	user_run();
	remap(m[1], 0);         /* and a stale generation, not loaded */
	EXPECT_TRUE(switch_to(m[1]));
	user_run();
	EXPECT_EQ(stale_hits, 0);
}

static void random_pti(bool with_invpcid)
{
	reset_pti(with_invpcid);
	random_steps(777, 100000, true);
}

TEST(pti_random_sequences_never_see_a_stale_translation_with_invpcid)
{
	random_pti(true);
}

TEST(pti_random_sequences_never_see_a_stale_translation_without_invpcid)
{
	random_pti(false);
}

/* A kernel page under PTI: CR4.PGE is off, so its entries are tagged with
 * the PCID that filled them, like a user page's, but every address space
 * maps it. As mm/tlb.c's flush_tlb_one_kernel with tlb_kernel_nonglobal:
 * INVLPG for the current PCID, and invalidate_other_asid for the rest. */
#define KPAGE NPAGES                    /* a page number no model mm uses */
static int kernel_frame;

static void kernel_access(void)
{
	for (int i = 0; i < TLB_SIZE; i++)
		if (tlb[i].valid && tlb[i].pcid == cur_pcid && tlb[i].page == KPAGE) {
			if (tlb[i].frame != kernel_frame)
				stale_hits++;
			return;
		}
	for (int i = 0; i < TLB_SIZE; i++)
		if (!tlb[i].valid) {
			tlb[i] = (struct tlb_entry){ true, cur_pcid, KPAGE, kernel_frame };
			return;
		}
}

TEST(pti_a_kernel_flush_reaches_every_other_asid)
{
	int m[3];

	reset_pti(true);
	kernel_frame = next_frame++;
	for (int i = 0; i < 3; i++) {
		m[i] = new_mm();
		switch_to(m[i]);
		kernel_access();        /* each PCID caches the kernel page */
	}
	kernel_frame = next_frame++;    /* vfree, then the page reused */
	model_invlpg(KPAGE);
	invalidate_other_asid(&ts);
	kernel_access();
	for (int i = 0; i < 3; i++) {
		switch_to(m[i]);
		kernel_access();
	}
	EXPECT_EQ(stale_hits, 0);
}
