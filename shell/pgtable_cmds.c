/* Shell commands about page tables: ptdump and translate, the fixmap and
 * early_ioremap slots, every PGD's kernel half, and the TLB. */
#include "shell/shell.h"
#include "kernel/kallsyms.h"
#include "kernel/kstrtox.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/early_ioremap.h"
#include "mm/fixmap.h"
#include "mm/mm_types.h"
#include "mm/pgd.h"
#include "mm/physaddr.h"
#include "mm/tlb_demo.h"
#include "kernel/errno.h"
#include "mm/pgtable.h"
#include "mm/tlb.h"

DEFINE_SHELL_SHOW(earlyioremap, SHELL_TOPIC_PGTABLE,
		  "early_ioremap slots: address, state, phys, size, caller",
		  early_ioremap_show());

DEFINE_SHELL_SHOW(tlbstat, SHELL_TOPIC_PGTABLE,
		  "TLB flushes done, process switches that flushed or not, the ASID slots",
		  tlbstat_show());

static int cmd_fixmap(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "all"))
		return -1;
	fixmap_show(argc == 2);
	return 0;
}
DEFINE_SHELL_CMD(fixmap, SHELL_TOPIC_PGTABLE, 0, 1, "fixmap [all]",
		 "fixmap indices: name, virtual address, PTE", cmd_fixmap);

static int cmd_ptdump(int argc, char **argv)
{
	struct mm_struct *mm;

	if (argc == 3 && !strcmp(argv[1], "user")) {
		mm = shell_find_mm(argv[2]);
		if (mm)
			ptdump_walk_user(mm->pgd);
		return 0;
	}
	if (argc == 3 || (argc == 2 && strcmp(argv[1], "kernel")))
		return -1;
	ptdump_walk_pgd(current_pgd(), argc == 2 ? KERNEL_HALF_START : 0);
	return 0;
}
DEFINE_SHELL_CMD(ptdump, SHELL_TOPIC_PGTABLE, 0, 2, "ptdump [kernel | user PID]",
		 "page tables as ranges (Linux dump_pagetables format)", cmd_ptdump);

/* A kernel virtual address: [0x]hex, or else a kernel function's name
 * (`pa start_kernel`; kallsyms holds functions only), so a command line in the docs names what it
 * means and stays right when the layout moves. */
static int parse_vaddr(const char *s, unsigned long long *va)
{
	if (!shell_parse_addr(s, va))
		return 0;
	*va = kallsyms_lookup_name(s);
	return *va ? 0 : -1;
}

/* translate and pa: one address (or function) in, one report out. */
static int show_vaddr(const char *arg, void (*show)(unsigned long va))
{
	unsigned long long va;

	if (parse_vaddr(arg, &va))
		return -1;
	show(va);
	return 0;
}

static int cmd_translate(int argc, char **argv)
{
	(void)argc;
	return show_vaddr(argv[1], ptdump_translate);
}
DEFINE_SHELL_CMD(translate, SHELL_TOPIC_PGTABLE, 1, 1, "translate [0x]VADDR|FUNCTION",
		 "walk the page tables for one address", cmd_translate);

DEFINE_SHELL_SHOW(checkpgd, SHELL_TOPIC_PGTABLE,
		  "every PGD's kernel half (slots 256-511) equals the kernel's?",
		  checkpgd_show());

static int cmd_pa(int argc, char **argv)
{
	(void)argc;
	return show_vaddr(argv[1], pa_show);
}
DEFINE_SHELL_CMD(pa, SHELL_TOPIC_PGTABLE, 1, 1, "pa [0x]VADDR|FUNCTION",
		 "__pa / __pa_symbol of an address, its struct page, and the walk's answer", cmd_pa);

static int cmd_va(int argc, char **argv)
{
	unsigned long long phys;

	(void)argc;
	if (shell_parse_addr(argv[1], &phys) || phys >= (1ULL << 52))
		return -1;
	va_show(phys);
	return 0;
}
DEFINE_SHELL_CMD(va, SHELL_TOPIC_PGTABLE, 1, 1, "va [0x]PHYS",
		 "__va of a physical address, pfn_to_page, and the walk back", cmd_va);

static int cmd_tlbdemo(int argc, char **argv)
{
	uint64_t a, b, before, stale, after;

	(void)argc, (void)argv;
	return tlb_stale_demo(&a, &b, &before, &stale, &after);
}
DEFINE_SHELL_CMD(tlbdemo, SHELL_TOPIC_PGTABLE, 0, 0, "tlbdemo",
		 "change a PTE without invlpg and read through the stale TLB entry", cmd_tlbdemo);

/* initmm_pte [0x]UADDR: a user PTE in swapper_pg_dir; `initmm_pte clear`. */
static int cmd_initmm_pte(int argc, char **argv)
{
	unsigned long long uaddr;
	uint64_t marker;
	int err;

	(void)argc;
	if (!strcmp(argv[1], "clear")) {
		err = init_mm_user_pte_clear();
		if (err)
			console_printf("initmm_pte: nothing mapped\n");
		return err;
	}
	if (shell_parse_addr(argv[1], &uaddr))
		return -1;
	err = init_mm_user_pte_map(uaddr, &marker);
	if (err == -EINVAL)
		console_printf("initmm_pte: 0x%llx: not a user address, or swapper_pg_dir's slot for it is in use\n",
			       uaddr);
	else if (err == -EBUSY)
		console_printf("initmm_pte: one is mapped already (initmm_pte clear)\n");
	return err;
}
DEFINE_SHELL_CMD(initmm_pte, SHELL_TOPIC_PGTABLE, 1, 1, "initmm_pte [0x]UADDR | clear",
		 "write a user PTE into the kernel's own PGD (no process will see it)",
		 cmd_initmm_pte);
