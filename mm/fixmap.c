/* Writing fixmap PTEs (mm/fixmap.h) and the `fixmap` shell command. The
 * index/address logic above the HOST_TEST line is also host-tested. */
#include "mm/fixmap.h"
#include "mm/pagewalk.h"
#include "kernel/errno.h"
#include "kernel/lab.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "kernel/x86.h"

static const char *const permanent_names[__end_of_permanent_fixed_addresses] = {
	[FIX_HOLE] = "FIX_HOLE",
	[FIX_VGA_TEXT] = "FIX_VGA_TEXT",
	[FIX_APIC_BASE] = "FIX_APIC_BASE",
	[FIX_IO_APIC_BASE_0] = "FIX_IO_APIC_BASE_0",
};

const char *fixmap_name(unsigned long idx, char *buf, unsigned int len)
{
	if (idx < __end_of_permanent_fixed_addresses && permanent_names[idx])
		return permanent_names[idx];
	if (idx > FIX_IO_APIC_BASE_0 && idx <= FIX_IO_APIC_BASE_END)
		snprintf(buf, len, "FIX_IO_APIC_BASE_%lu", idx - FIX_IO_APIC_BASE_0);
	else if (idx >= FIX_BTMAP_END && idx <= FIX_BTMAP_BEGIN)
		/* slot 0 starts at FIX_BTMAP_BEGIN (early_ioremap.c) */
		snprintf(buf, len, "FIX_BTMAP slot %lu page %lu",
			 (FIX_BTMAP_BEGIN - idx) / NR_FIX_BTMAPS,
			 (FIX_BTMAP_BEGIN - idx) % NR_FIX_BTMAPS);
	else
		snprintf(buf, len, "(unused %lu)", idx);
	return buf;
}

long virt_to_fix(unsigned long vaddr)
{
	/* LAB fixmap BEGIN: the index of a fixmap address, -EINVAL outside the fixmap */
	/* FIXADDR_TOT_START is one page below the last index's page (Linux's
	 * definition); index 0's page ends at FIXADDR_TOP + PAGE_SIZE. */
	unsigned long lowest = __fix_to_virt(__end_of_fixed_addresses - 1);

	if (vaddr < lowest || vaddr >= FIXADDR_TOP + PAGE_SIZE) {
		pr_err("virt_to_fix(%#lx): outside the fixmap [%#lx-%#lx]\n", vaddr,
		       lowest, FIXADDR_TOP + PAGE_SIZE - 1);
		return -EINVAL;
	}
	return (long)__virt_to_fix(vaddr);
	/* LAB fixmap STUB
	(void)vaddr;
	lab_not_implemented("fixmap", __func__);
	return -ENOSYS;
	   LAB fixmap END */
}

#ifndef HOST_TEST     /* what follows touches the live page tables */
pte_t *fixmap_pte(unsigned long idx)
{
	pgd_t *pgd = current_pgd();
	struct pxd e;

	if (!pgd)
		return 0;
	e = pgtable_walk(pgd, __fix_to_virt(idx), PG_LEVEL_4K, 0);
	return e.level == PG_LEVEL_4K ? e.pte : 0;     /* the PTE, present or not */
}

int __set_fixmap(enum fixed_addresses idx, uint64_t phys, pgprot_t prot)
{
	unsigned long va = __fix_to_virt(idx);
	pte_t *ptep;

	if ((unsigned int)idx >= __end_of_fixed_addresses || idx == FIX_HOLE) {
		pr_err("__set_fixmap(%d, %#llx): index out of range (1..%d)\n", (int)idx,
		       (unsigned long long)phys, __end_of_fixed_addresses - 1);
		return -EINVAL;
	}
	/* LAB fixmap BEGIN: write (or clear, prot 0) the index's PTE and flush what the TLB may hold */
	ptep = fixmap_pte(idx);
	if (!ptep) {
		pr_err("__set_fixmap(%d, %#llx): no PTE page for %#lx yet\n", (int)idx,
		       (unsigned long long)phys, va);
		return -EINVAL;
	}
	set_pte(ptep, pgprot_val(prot) ? pfn_pte(phys >> PAGE_SHIFT, prot) : __pte(0));
	/* The TLB may still hold this page's previous translation (it caches
	 * present ones, global ones across CR3 loads): invalidate exactly this
	 * address (SDM Vol. 3A 4.10.4.1, INVLPG). Other fixmap pages keep theirs. */
	__flush_tlb_one(va);
	return 0;
	/* LAB fixmap STUB
	(void)va, (void)ptep, (void)phys, (void)prot;
	lab_not_implemented("fixmap", __func__);
	return -ENOSYS;
	   LAB fixmap END */
}

unsigned long __set_fixmap_offset(enum fixed_addresses idx, uint64_t phys, pgprot_t prot)
{
	if (__set_fixmap(idx, phys, prot))
		return 0;
	return __fix_to_virt(idx) + (phys & ~PAGE_MASK);
}

static void print_fixmap_entry(unsigned long idx)
{
	char name[40], flags[48];
	pte_t *ptep = fixmap_pte(idx);
	uint64_t v = ptep ? pte_val(*ptep) : 0;

	console_printf("%4lu  %-28s 0x%016lx  ", idx, fixmap_name(idx, name, sizeof(name)),
		       __fix_to_virt(idx));
	if (!ptep)
		console_printf("(no PTE page)\n");
	else if (!(v & _PAGE_PRESENT))
		console_printf("not present\n");
	else
		console_printf("pte 0x%016llx  phys 0x%09llx  %s\n", (unsigned long long)v,
			       (unsigned long long)(v & PHYSICAL_PAGE_MASK),
			       pgprot_str(v, false, flags, sizeof(flags)));
}

void fixmap_show(bool all)
{
	unsigned long absent = 0;

	console_printf("FIXADDR_TOP 0x%016lx  FIXADDR_START 0x%016lx  FIXADDR_TOT_START 0x%016lx\n",
		       FIXADDR_TOP, FIXADDR_START, FIXADDR_TOT_START);
	for (unsigned long i = 0; i < __end_of_permanent_fixed_addresses; i++)
		print_fixmap_entry(i);
	for (unsigned long i = FIX_BTMAP_END; i <= FIX_BTMAP_BEGIN; i++) {
		pte_t *ptep = fixmap_pte(i);
		if (all || (ptep && pte_present(*ptep)))
			print_fixmap_entry(i);
		else
			absent++;
	}
	if (absent)
		console_printf("%lu boot-time entries (%d-%d) not present\n", absent,
			       FIX_BTMAP_END, FIX_BTMAP_BEGIN);
}

#endif
