/* Page Attribute Table and memory-type records (mm/pat.h). */
#include "mm/pat.h"
#include "mm/slab.h"
#include "kernel/cpufeature.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
#include "mm/tlb.h"
#include "mm/fixmap.h"
#include "mm/page.h"
#include "kernel/e820.h"

#define MSR_IA32_CR_PAT 0x277
#define X86_CR0_NW      (1UL << 29)
#define X86_CR0_CD      (1UL << 30)

/* The memory-type encodings the PAT MSR holds, SDM Vol. 3A Table 11-10. */
static const uint8_t pat_type[_PAGE_CACHE_MODE_NUM] = {
	[_PAGE_CACHE_MODE_WB] = 6, [_PAGE_CACHE_MODE_WC] = 1,
	[_PAGE_CACHE_MODE_UC_MINUS] = 7, [_PAGE_CACHE_MODE_UC] = 0,
	[_PAGE_CACHE_MODE_WT] = 4, [_PAGE_CACHE_MODE_WP] = 5,
};

#define WB  _PAGE_CACHE_MODE_WB
#define WC  _PAGE_CACHE_MODE_WC
#define UCM _PAGE_CACHE_MODE_UC_MINUS
#define UC  _PAGE_CACHE_MODE_UC
#define WT  _PAGE_CACHE_MODE_WT
#define WP  _PAGE_CACHE_MODE_WP
static const uint8_t linux_layout[8]   = { WB, WC, UCM, UC, WB, WP, UCM, WT };
static const uint8_t poweron_layout[8] = { WB, WT, UCM, UC, WB, WT, UCM, UC };  /* SDM 11.12.4 */

static uint8_t pte2cachemode_tbl[8];                    /* PAT index -> mode */
static uint16_t cachemode2pte_tbl[_PAGE_CACHE_MODE_NUM]; /* mode -> PTE bits */
static bool pat_on;

static uint64_t index_bits(unsigned int i)
{
	return (i & 1 ? _PAGE_PWT : 0) | (i & 2 ? _PAGE_PCD : 0) | (i & 4 ? _PAGE_PAT : 0);
}

/* Fills both tables from a layout: each mode takes the first index that
 * has it; a mode the layout lacks takes UC-'s (Linux's fallback). */
static void init_cache_modes(const uint8_t layout[8])
{
	for (int m = 0; m < _PAGE_CACHE_MODE_NUM; m++)
		cachemode2pte_tbl[m] = 0xffff;
	for (int i = 7; i >= 0; i--) {
		pte2cachemode_tbl[i] = layout[i];
		cachemode2pte_tbl[layout[i]] = index_bits(i);
	}
	for (int m = 0; m < _PAGE_CACHE_MODE_NUM; m++)
		if (cachemode2pte_tbl[m] == 0xffff)
			cachemode2pte_tbl[m] = cachemode2pte_tbl[_PAGE_CACHE_MODE_UC_MINUS];
}

/* SDM Vol. 3A 11.12.4: a PAT change must not meet cached lines or TLB
 * entries made under the old types, so caches off (CR0.CD), write back
 * and invalidate, flush the TLB, write the MSR, flush again, caches on. */
static void pat_write(uint64_t val)
{
	unsigned long cr0 = read_cr0(), flags = local_irq_save();

	write_cr0((cr0 | X86_CR0_CD) & ~X86_CR0_NW);
	asm volatile("wbinvd" ::: "memory");
	__flush_tlb_all();
	wrmsr(MSR_IA32_CR_PAT, val);
	asm volatile("wbinvd" ::: "memory");
	__flush_tlb_all();
	write_cr0(cr0);
	local_irq_restore(flags);
}

void pat_init(void)
{
	uint64_t val = 0;

	pat_on = boot_cpu_has(X86_FEATURE_PAT);
	init_cache_modes(pat_on ? linux_layout : poweron_layout);
	if (!pat_on) {
		pr_info("x86/PAT: not supported by the CPU; WC falls back to UC-\n");
		return;
	}
	for (int i = 0; i < 8; i++)
		val |= (uint64_t)pat_type[linux_layout[i]] << (8 * i);
	pat_write(val);
	pr_info("x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT  (MSR %#llx)\n",
		(unsigned long long)val);
}

bool pat_enabled(void)
{
	return pat_on;
}

uint64_t cachemode2protval(enum page_cache_mode pcm)
{
	return cachemode2pte_tbl[(unsigned int)pcm % _PAGE_CACHE_MODE_NUM];
}

enum page_cache_mode pgprot2cachemode(pgprot_t prot)
{
	uint64_t v = pgprot_val(prot);

	return pte2cachemode_tbl[(v & _PAGE_PAT ? 4 : 0) | (v & _PAGE_PCD ? 2 : 0) |
				 (v & _PAGE_PWT ? 1 : 0)];
}

const char *cattr_name(enum page_cache_mode pcm)
{
	switch (pcm) {
	case _PAGE_CACHE_MODE_UC:       return "uncached";
	case _PAGE_CACHE_MODE_UC_MINUS: return "uncached-minus";
	case _PAGE_CACHE_MODE_WB:       return "write-back";
	case _PAGE_CACHE_MODE_WC:       return "write-combining";
	case _PAGE_CACHE_MODE_WT:       return "write-through";
	case _PAGE_CACHE_MODE_WP:       return "write-protected";
	default:                        return "broken";
	}
}

struct memtype {
	uint64_t start, end;            /* [start, end) */
	enum page_cache_mode type;
	struct memtype *next;
};

static struct memtype *memtypes;
static unsigned long nr_memtypes;

int memtype_reserve(uint64_t start, uint64_t end, enum page_cache_mode pcm, const char *who)
{
	struct memtype *m;

	for (m = memtypes; m; m = m->next)
		if (m->start < end && start < m->end && m->type != pcm) {
			pr_err("x86/PAT: %s conflicting memory types %llx-%llx %s<->%s\n", who,
			       (unsigned long long)start, (unsigned long long)end,
			       cattr_name(pcm), cattr_name(m->type));
			return -EBUSY;
		}
	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	*m = (struct memtype){ start, end, pcm, memtypes };
	memtypes = m;
	nr_memtypes++;
	return 0;
}

int memtype_free(uint64_t start, uint64_t end)
{
	for (struct memtype **p = &memtypes; *p; p = &(*p)->next) {
		struct memtype *m = *p;

		if (m->start == start && m->end == end) {
			*p = m->next;
			kfree(m);
			nr_memtypes--;
			return 0;
		}
	}
	pr_err("x86/PAT: memtype_free(%llx-%llx): no such record\n", (unsigned long long)start,
	       (unsigned long long)end);
	return -EINVAL;
}

/* What already maps physical memory with a type before any ioremap: the
 * fixmap's device pages (the LAPIC and IO-APIC registers, VGA: uncached)
 * and the direct map's firmware ranges (ACPI data and NVS: write-back).
 * Recorded, so an ioremap with another type is refused instead of making
 * a second mapping whose type disagrees (undefined: SDM Vol. 3A 11.12.4).
 * System RAM needs no record: ioremap refuses it outright. */
void memtype_reserve_boot_mappings(void)
{
	phys_addr_t start, end;
	uint32_t i;

	for (unsigned long idx = 1; idx < __end_of_permanent_fixed_addresses; idx++) {
		pte_t *pte = fixmap_pte(idx);

		if (pte && pte_present(*pte))
			memtype_reserve(PFN_PHYS(pte_pfn(*pte)), PFN_PHYS(pte_pfn(*pte)) + PAGE_SIZE,
					pgprot2cachemode(__pgprot(pte_val(*pte))), "fixmap");
	}
	for_each_e820_range(i, E820_TYPE_MASK(E820_TYPE_ACPI) | E820_TYPE_MASK(E820_TYPE_NVS),
			    &start, &end)
		memtype_reserve(start, end, _PAGE_CACHE_MODE_WB, "direct map");
}

unsigned long memtype_count(void)
{
	return nr_memtypes;
}
