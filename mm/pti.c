/* Page-table isolation (mm/pti.h).
 *
 * Linux turns PTI on by itself when the CPU has X86_BUG_CPU_MELTDOWN: an
 * Intel CPU whose IA32_ARCH_CAPABILITIES MSR lacks RDCL_NO (bit 0); AMD
 * and later Intel parts do not speculate past the U/S check. Under QEMU's
 * TCG nothing speculates and the MSR says what QEMU chooses, so this kernel
 * has nothing to detect: PTI is off unless `pti=on` (Linux's option too).
 */
#include "mm/pti.h"
#include "mm/tlb.h"
#include "mm/pgd.h"
#include "mm/pgalloc.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/sections.h"
#include "kernel/string.h"
#include "kernel/x86.h"

extern char __entry_text_start[], __entry_text_end[];

/* The user tables' kernel half: a table page of its own whose kernel-half
 * entries every user table copies (Linux builds it in the user half of
 * swapper_pg_dir's order-1 block). */
static pgd_t *pti_kernel_half;

void __init pti_parse_cmdline(const char *v)
{
	if (!strcmp(v, "on"))
		cpu_entry_data.pti = 1;
	else if (strcmp(v, "off"))
		pr_warn("pti=%s: not on or off; PTI stays off\n", v);
}

/* A user-half entry of an order-1 PGD from pgd_alloc: the same value into
 * the user table (Linux's __pti_set_user_pgtbl). Table pages below the top
 * are order 0, and the image's top-level tables are no direct-map pages, so
 * only pgd_alloc's blocks pass the checks. */
void pti_set_user_pgtbl(pgd_t *pgdp, pgd_t pgd)
{
	unsigned long va = (unsigned long)pgdp;
	struct page *page;

	if (!pti_enabled() || (va & ~PAGE_MASK) >= KERNEL_PGD_BOUNDARY * sizeof(pgd_t) ||
	    va < PAGE_OFFSET || va - PAGE_OFFSET >= direct_map_end || (va & PTI_USER_PGTABLE_MASK))
		return;
	page = virt_to_page(pgdp);
	if ((page->flags & (PG_pgtable | PG_head)) != (PG_pgtable | PG_head) || page->order != 1)
		return;
	*(volatile uint64_t *)&kernel_to_user_pgdp(pgdp)->pgd = pgd_val(pgd);
}

void pti_clone_kernel_half(pgd_t *user_pgd)
{
	clone_pgd_range(user_pgd + KERNEL_PGD_BOUNDARY, pti_kernel_half + KERNEL_PGD_BOUNDARY,
			PTRS_PER_PGD - KERNEL_PGD_BOUNDARY);
}

int pti_check_user_pgd(const pgd_t *pgd, int (*out)(const char *fmt, ...))
{
	const pgd_t *user = kernel_to_user_pgdp((pgd_t *)pgd);

	for (int i = 0; i < PTRS_PER_PGD; i++) {
		const pgd_t *want = i < KERNEL_PGD_BOUNDARY ? pgd : pti_kernel_half;

		if (pgd_val(user[i]) != pgd_val(want[i])) {
			if (out)
				out("checkpgd: user PGD at %#llx: slot %d is %#llx, should be %#llx (%s)\n",
				    (unsigned long long)__pa(user), i,
				    (unsigned long long)pgd_val(user[i]),
				    (unsigned long long)pgd_val(want[i]),
				    i < KERNEL_PGD_BOUNDARY ? "the kernel table's" : "the entry mappings'");
			return 1;
		}
	}
	return 0;
}

/* Maps size bytes at va, physical pa, into the user tables' kernel half,
 * as the kernel table has them: an entry or exit runs on across the CR3
 * switch. */
static int __init pti_map(const char *what, unsigned long va, phys_addr_t pa, unsigned long size,
			  pgprot_t prot)
{
	int ret = map_kernel_range(pti_kernel_half, va, pa, size, prot, false);

	if (ret)
		pr_err("pti: cannot map the %s into the user tables (%d)\n", what, ret);
	return ret;
}

static int __init pti_map_image(const char *what, void *start, void *end, pgprot_t prot)
{
	return pti_map(what, (unsigned long)start, __pa_symbol(start),
		       (unsigned long)end - (unsigned long)start, prot);
}

/* No _PAGE_GLOBAL: with PTI the kernel's TLB entries must not outlive the
 * switch to the user table, so CR4.PGE goes off below (Linux clears the
 * bit from the kernel's mappings instead, keeping it for the entry text). */
void __init pti_init(void)
{
	phys_addr_t pa;

	if (!pti_enabled()) {
		pr_info("Kernel/User page tables isolation: disabled\n");
		return;
	}
	pa = pgtable_alloc_page();
	if (!pa)
		goto fail;
	pti_kernel_half = __va(pa);
	if (pti_map_image("entry text", __entry_text_start, __entry_text_end,
			  __pgprot(pgprot_val(PAGE_KERNEL_RX) & ~_PAGE_GLOBAL)) ||
	    pti_map_image("entry data", &cpu_entry_data, &cpu_entry_data + 1,
			  __pgprot(__PAGE_KERNEL & ~_PAGE_GLOBAL)) ||
	    pti_map("cpu entry area", CPU_ENTRY_AREA_BASE, __pa_symbol(&cpu_entry_area_storage),
		    sizeof(cpu_entry_area_storage), __pgprot(__PAGE_KERNEL & ~_PAGE_GLOBAL)))
		goto fail;
	cea_load_pti_tables();
	cpu_tlbstate.pti = true;        /* flushes mark user PCIDs too (mm/asid.c) */
	tlb_kernel_nonglobal = true;    /* a kernel flush must reach every PCID */
	write_cr4(read_cr4() & ~X86_CR4_PGE);   /* SDM Vol. 3A 4.10.4.1: flushes globals too */
	pr_info("Kernel/User page tables isolation: enabled\n");
	if (pcid_enabled())
		pr_info("x86/tlb: pti=on: user tables run under PCID | 0x%x\n", PTI_USER_PCID_MASK);
	return;
fail:
	/* no process exists yet: PTI off leaves everything as without pti=on */
	cpu_entry_data.pti = 0;
	pr_err("pti: no memory for the user tables' kernel half; PTI off\n");
}
