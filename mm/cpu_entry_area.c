/* The entry area at Linux's fixed address (kernel/gdt.h; Linux's
 * arch/x86/mm/cpu_entry_area.c). */
#include "kernel/gdt.h"
#include "kernel/init.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/stacktrace.h"
#include "mm/memlayout.h"
#include "mm/pgalloc.h"
#include "mm/pgtable.h"

static bool cea_mapped;

struct cpu_entry_area *get_cpu_entry_area(void)
{
	return cea_mapped ? (struct cpu_entry_area *)CPU_ENTRY_AREA_BASE : &cpu_entry_area_storage;
}

/* Maps the storage's pages at CPU_ENTRY_AREA_BASE in the kernel table,
 * before any process copies the kernel half (so that its new top-level
 * entry is in every PGD), and moves the IST stacks there. Global: the
 * same translation in every address space, PTI's user tables included
 * (with pti=on CR4.PGE is off anyway). */
void __init setup_cpu_entry_areas(void)
{
	int ret = map_kernel_range(kernel_pgd(), CPU_ENTRY_AREA_BASE,
				   __pa_symbol(&cpu_entry_area_storage),
				   sizeof(cpu_entry_area_storage), PAGE_KERNEL, false);

	if (ret)
		panic("setup_cpu_entry_areas: cannot map the entry area (%d)", ret);
	cea_mapped = true;
	cea_set_ist_stacks();
	for (int ist = 1; ist <= NR_IST_STACKS; ist++) {      /* backtraces may walk them */
		unsigned long lo, hi;

		ist_stack_bounds(ist, &lo, &hi);
		stacktrace_add_stack(lo, hi);
	}
	pr_info("cpu_entry_area: %#lx-%#lx: GDT, TSS, IDT copy, entry stack, %d IST stacks\n",
		CPU_ENTRY_AREA_BASE, CPU_ENTRY_AREA_BASE + sizeof(cpu_entry_area_storage) - 1,
		NR_IST_STACKS);
}
