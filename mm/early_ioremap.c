/* early_ioremap (mm/early_ioremap.h): eight slots of NR_FIX_BTMAPS pages
 * in the fixmap's boot-time block.
 *
 * Slot s covers fixmap indices FIX_BTMAP_BEGIN - s*64 down to
 * FIX_BTMAP_BEGIN - s*64 - 63; since a higher index is a lower address,
 * slot_virt[s] (the slot's lowest address) is the fixmap address of its
 * first index, and page p of the slot is index FIX_BTMAP_BEGIN - s*64 - p.
 *
 *   prev_map[s]   the pointer handed out (slot_virt + offset), NULL if free
 *   prev_size[s]  the size asked for; the unmap must give the same
 */
#include <stdbool.h>
#include "mm/early_ioremap.h"
#include "kernel/init.h"
#include "mm/fixmap.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/lab.h"

enum early_kind { EARLY_IO, EARLY_MEM, EARLY_MEM_RO };

static const char *const kind_fn[] = {
	[EARLY_IO] = "early_ioremap", [EARLY_MEM] = "early_memremap",
	[EARLY_MEM_RO] = "early_memremap_ro",
};

static unsigned long slot_virt[FIX_BTMAPS_SLOTS];
static void *prev_map[FIX_BTMAPS_SLOTS];
static unsigned long prev_size[FIX_BTMAPS_SLOTS];
/* What the `earlyioremap` command shows: the live or last mapping of each slot. */
static uint64_t prev_phys[FIX_BTMAPS_SLOTS];
static enum early_kind prev_kind[FIX_BTMAPS_SLOTS];
static void *prev_caller[FIX_BTMAPS_SLOTS];
static bool early_ioremap_done;

/* One past the highest physical address a PTE may hold: 2^MAXPHYADDR
 * (CPUID 80000008H:EAX[7:0], SDM Vol. 3A 4.1.4); above it the PTE's
 * address bits are reserved and the first access faults with RSVD set. */
#ifdef HOST_TEST
static uint64_t max_phys_addr(void) { return 1ULL << 52; }
#else
#include "kernel/cpufeature.h"
static uint64_t max_phys_addr(void) { return 1ULL << boot_cpu_data.phys_bits; }
#endif

void early_ioremap_setup(void)
{
	for (int s = 0; s < FIX_BTMAPS_SLOTS; s++)
		slot_virt[s] = __fix_to_virt(FIX_BTMAP_BEGIN - NR_FIX_BTMAPS * s);
}

static unsigned long slot_index(int slot, unsigned long page)
{
	return FIX_BTMAP_BEGIN - NR_FIX_BTMAPS * slot - page;
}

static unsigned long pages_spanned(uint64_t phys, unsigned long size)
{
	return ((phys + size - 1) >> PAGE_SHIFT) - (phys >> PAGE_SHIFT) + 1;
}

/* Checks a request; returns its page count, or 0 after printing why not. */
static unsigned long early_check(const char *fn, uint64_t phys, unsigned long size)
{
	uint64_t last = phys + size - 1;
	unsigned long nrpages;

	if (early_ioremap_done) {
		pr_err("%s(%#llx, %#lx): early boot is over; use ioremap()\n", fn,
		       (unsigned long long)phys, size);
		return 0;
	}
	if (!size) {
		pr_err("%s(%#llx, %#lx): size is zero\n", fn, (unsigned long long)phys, size);
		return 0;
	}
	if (last < phys || last >= max_phys_addr()) {
		pr_err("%s(%#llx, %#lx): range wraps or passes the CPU's physical address limit\n",
		       fn, (unsigned long long)phys, size);
		return 0;
	}
	nrpages = pages_spanned(phys, size);
	if (nrpages > NR_FIX_BTMAPS) {
		pr_err("%s(%#llx, %#lx): size over %d pages (%lu)\n", fn,
		       (unsigned long long)phys, size, NR_FIX_BTMAPS, nrpages);
		return 0;
	}
	return nrpages;
}

static int free_slot(void)
{
	/* LAB fixmap BEGIN: the first free slot, -1 if all are in use */
	for (int s = 0; s < FIX_BTMAPS_SLOTS; s++)
		if (!prev_map[s])
			return s;
	return -1;
	/* LAB fixmap STUB
	lab_not_implemented("fixmap", __func__);
	return -1;
	   LAB fixmap END */
}

static void clear_slot_pages(int slot, unsigned long nrpages)
{
	for (unsigned long p = 0; p < nrpages; p++)
		clear_fixmap(slot_index(slot, p));
}

/* The one mapping path: checks, takes the first free slot, writes one PTE
 * per page. The physical range is widened to whole pages; the pointer
 * returned keeps phys's offset into its first page. noinline: one stable
 * place to break in gdb (docs/fixmap-and-early-ioremap.md). */
static __attribute__((noinline))
void *__early_ioremap(uint64_t phys, unsigned long size, pgprot_t prot,
		      enum early_kind kind, void *caller)
{
	const char *fn = kind_fn[kind];
	unsigned long nrpages = early_check(fn, phys, size);
	uint64_t base = phys & PAGE_MASK;
	int slot;

	if (!nrpages)
		return 0;
	slot = free_slot();
	if (slot < 0) {
		pr_err("%s(%#llx, %#lx): no free slot (all %d in use)\n", fn,
		       (unsigned long long)phys, size, FIX_BTMAPS_SLOTS);
		return 0;
	}
	for (unsigned long p = 0; p < nrpages; p++) {
		if (__set_fixmap(slot_index(slot, p), base + p * PAGE_SIZE, prot)) {
			clear_slot_pages(slot, p);
			return 0;
		}
	}
	prev_map[slot] = (void *)(slot_virt[slot] + (phys & ~PAGE_MASK));
	prev_size[slot] = size;
	prev_phys[slot] = phys;
	prev_kind[slot] = kind;
	prev_caller[slot] = caller;
	return prev_map[slot];
}

void *early_ioremap(uint64_t phys, unsigned long size)
{
	return __early_ioremap(phys, size, PAGE_KERNEL_IO, EARLY_IO, __builtin_return_address(0));
}

void *early_memremap(uint64_t phys, unsigned long size)
{
	return __early_ioremap(phys, size, PAGE_KERNEL, EARLY_MEM, __builtin_return_address(0));
}

void *early_memremap_ro(uint64_t phys, unsigned long size)
{
	return __early_ioremap(phys, size, PAGE_KERNEL_RO, EARLY_MEM_RO,
			       __builtin_return_address(0));
}

static void __early_iounmap(const char *fn, void *addr, unsigned long size)
{
	/* LAB fixmap BEGIN: find addr's live slot, check the size, clear its pages and free it */
	int slot = -1;

	for (int s = 0; s < FIX_BTMAPS_SLOTS; s++)
		if (addr && prev_map[s] == addr)
			slot = s;
	if (slot < 0) {
		pr_err("%s(%p, %#lx): not a live early_ioremap slot\n", fn, addr, size);
		return;
	}
	if (prev_size[slot] != size) {
		pr_err("%s(%p, %#lx): size differs from the mapping's %#lx\n", fn, addr, size,
		       prev_size[slot]);
		return;
	}
	clear_slot_pages(slot, pages_spanned(prev_phys[slot], size));
	prev_map[slot] = 0;
	/* LAB fixmap STUB
	(void)fn, (void)addr, (void)size;
	lab_not_implemented("fixmap", __func__);
	   LAB fixmap END */
}

void early_iounmap(void *addr, unsigned long size)
{
	__early_iounmap("early_iounmap", addr, size);
}

void early_memunmap(void *addr, unsigned long size)
{
	__early_iounmap("early_memunmap", addr, size);
}

int check_early_ioremap_leak(void)
{
	int count = 0;

	for (int s = 0; s < FIX_BTMAPS_SLOTS; s++)
		count += prev_map[s] != 0;
	if (count)
		pr_warn("Debug warning: early ioremap leak of %d areas detected.\n", count);
	return count;
}

void early_ioremap_finish(void)
{
	early_ioremap_done = true;
}

#ifndef HOST_TEST
#include "kernel/kallsyms.h"
#include "kernel/string.h"

/* The boot-time block's PTE page. level2_fixmap_pgt holds only the
 * permanent entries' PTE page (boot/early_pgt.asm); this one joins it here.
 * Static: it must exist before any allocator does. */
static pte_t bm_pte[PTRS_PER_PTE] __attribute__((aligned(PAGE_SIZE)));
extern pmd_t level2_fixmap_pgt[PTRS_PER_PMD];

void __init early_ioremap_init(void)
{
	unsigned long va = __fix_to_virt(FIX_BTMAP_BEGIN);
	pmd_t *pmd = &level2_fixmap_pgt[pmd_index(va)];

	if (pmd_present(*pmd))
		panic("early_ioremap_init: PMD for %#lx already in use", va);
	set_pmd(pmd, __pmd(__pa_symbol(bm_pte) | _KERNPG_TABLE));
	/* No flush: the PMD was not present, and the CPU caches no translation
	 * through a non-present entry (SDM Vol. 3A 4.10.2.3, 4.10.3.1). */
	early_ioremap_setup();
}

void early_ioremap_show(void)
{
	static const char *const kind_name[] = { "io", "mem", "mem ro" };
	char sym[KSYM_NAME_LEN + 32];

	console_printf("early boot %s; %d slots of %d pages\n",
		       early_ioremap_done ? "over (new maps refused)" : "in progress",
		       FIX_BTMAPS_SLOTS, NR_FIX_BTMAPS);
	console_printf("slot virtual             state  phys                size       kind    caller\n");
	for (int s = 0; s < FIX_BTMAPS_SLOTS; s++) {
		console_printf("%4d 0x%016lx  %-5s  ", s, slot_virt[s], prev_map[s] ? "live" : "free");
		if (!prev_caller[s]) {
			console_printf("(never used)\n");
			continue;
		}
		sprint_symbol(sym, sizeof(sym), (unsigned long)prev_caller[s]);
		console_printf("0x%016llx  0x%-8lx %-7s %s%s\n", (unsigned long long)prev_phys[s],
			       prev_size[s], kind_name[prev_kind[s]], sym,
			       prev_map[s] ? "" : " (last)");
	}
}
#endif
