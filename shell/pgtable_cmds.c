/* Shell commands about page tables: ptdump and translate, the fixmap and
 * early_ioremap slots, every PGD's kernel half, and the TLB. */
#include "shell/shell.h"
#include "kernel/kstrtox.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/early_ioremap.h"
#include "mm/fixmap.h"
#include "mm/mm_types.h"
#include "mm/pgd.h"
#include "mm/physaddr.h"
#include "mm/pgtable.h"
#include "mm/tlb.h"

DEFINE_SHELL_SHOW(earlyioremap, SHELL_TOPIC_PGTABLE,
		  "early_ioremap slots: address, state, phys, size, caller",
		  early_ioremap_show());

DEFINE_SHELL_SHOW(tlbstat, SHELL_TOPIC_PGTABLE,
		  "TLB flushes done: single pages, ranges, full",
		  console_printf("invlpg %lu  range flushes %lu  full flushes %lu  (ceiling %d pages)\n",
				 tlb_stats.one, tlb_stats.ranges, tlb_stats.full,
				 TLB_SINGLE_PAGE_FLUSH_CEILING));

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

static int cmd_translate(int argc, char **argv)
{
	unsigned long long va;

	(void)argc;
	if (shell_parse_addr(argv[1], &va))
		return -1;
	ptdump_translate(va);
	return 0;
}
DEFINE_SHELL_CMD(translate, SHELL_TOPIC_PGTABLE, 1, 1, "translate [0x]VADDR",
		 "walk the page tables for one address", cmd_translate);

DEFINE_SHELL_SHOW(checkpgd, SHELL_TOPIC_PGTABLE,
		  "every PGD's kernel half (slots 256-511) equals the kernel's?",
		  checkpgd_show());

static int cmd_pa(int argc, char **argv)
{
	unsigned long long va;

	(void)argc;
	if (shell_parse_addr(argv[1], &va))
		return -1;
	pa_show(va);
	return 0;
}
DEFINE_SHELL_CMD(pa, SHELL_TOPIC_PGTABLE, 1, 1, "pa [0x]VADDR",
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
