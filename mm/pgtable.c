/* Table-page access and the walk printer (mm/pgtable.h). */
#include "mm/pgtable.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
#include "kernel/vsprintf.h"

extern char _text[], _end[];

void *pgtable_phys_to_virt(uint64_t pa)
{
	if (pa >= __pa_symbol(_text) && pa < __pa_symbol(_end))
		return __va_symbol(pa);
	return 0;
}

pgd_t *current_pgd(void)
{
	return pgtable_phys_to_virt(read_cr3() & PHYSICAL_PAGE_MASK);
}

void dump_pagetable(unsigned long address)
{
	pgd_t *pgd = current_pgd();
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pte;

	if (!pgd) {
		printk(KERN_ALERT "PGD at CR3 %lx is not mapped\n", read_cr3());
		return;
	}
	pgd = pgd_offset_pgd(pgd, address);
	printk(KERN_ALERT "PGD %lx ", pgd_val(*pgd));
	p4d = p4d_offset(pgd, address);
	pr_cont("P4D %lx ", p4d_val(*p4d));
	if (!p4d_present(*p4d) || !(pud = pud_offset(p4d, address)))
		goto out;
	pr_cont("PUD %lx ", pud_val(*pud));
	if (!pud_present(*pud) || pud_leaf(*pud) || !(pmd = pmd_offset(pud, address)))
		goto out;
	pr_cont("PMD %lx ", pmd_val(*pmd));
	if (!pmd_present(*pmd) || pmd_leaf(*pmd) || !(pte = pte_offset_kernel(pmd, address)))
		goto out;
	pr_cont("PTE %lx", pte_val(*pte));
out:
	pr_cont("\n");
}

/* Linux ptdump's attribute words: USR, ro/RW, PWT, PCD, PSE, GLB, NX/x. */
const char *pgprot_str(uint64_t v, bool leaf_large, char *buf, unsigned int len)
{
	snprintf(buf, len, "%s %s %s %s %s %s %s",
		 v & _PAGE_USER ? "USR" : "   ", v & _PAGE_RW ? "RW" : "ro",
		 v & _PAGE_PWT ? "PWT" : "   ", v & _PAGE_PCD ? "PCD" : "   ",
		 leaf_large ? "PSE" : "   ", v & _PAGE_GLOBAL ? "GLB" : "   ",
		 v & _PAGE_NX ? "NX" : "x ");
	return buf;
}
