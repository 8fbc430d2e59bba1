/* Page faults. Nothing is demand-paged yet, so every fault is a kernel bug:
 * print Linux's oops (arch/x86/mm/fault.c show_fault_oops's lines) with
 * the table walk, then die. */
#include "mm/fault.h"
#include "mm/pgtable.h"
#include "kernel/traps.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

static const char *fault_access(unsigned long ec)
{
	if (ec & X86_PF_INSTR)
		return "instruction fetch";
	return ec & X86_PF_WRITE ? "write access" : "read access";
}

static const char *fault_reason(unsigned long ec)
{
	if (!(ec & X86_PF_PROT))
		return "not-present page";
	if (ec & X86_PF_RSVD)
		return "reserved bit violation";
	if (ec & X86_PF_PK)
		return "protection keys violation";
	return "permissions violation";
}

static void show_fault_oops(struct pt_regs *regs, unsigned long ec, unsigned long address)
{
	if (address < PAGE_SIZE && !user_mode(regs))
		pr_alert("BUG: kernel NULL pointer dereference, address: %016lx\n", address);
	else if ((ec & (X86_PF_INSTR | X86_PF_PROT)) == (X86_PF_INSTR | X86_PF_PROT))
		pr_crit("kernel tried to execute NX-protected page - exploit attempt? (uid: 0)\n");
	if (!(address < PAGE_SIZE && !user_mode(regs)))
		pr_alert("BUG: unable to handle page fault for address: %016lx\n", address);
	pr_alert("#PF: %s %s in %s mode\n", ec & X86_PF_USER ? "user" : "supervisor",
		 fault_access(ec), user_mode(regs) ? "user" : "kernel");
	pr_alert("#PF: error_code(0x%04lx) - %s\n", ec, fault_reason(ec));
	dump_pagetable(address);
}

void do_page_fault(struct pt_regs *regs, unsigned long error_code)
{
	unsigned long address = read_cr2();    /* SDM 3A 4.7: CR2 holds the linear address */
	int n;

	n = oops_begin();
	show_fault_oops(regs, error_code, address);
	pr_emerg("Oops: %04lx [#%d] NOPTI\n", error_code, n);
	oops_end(regs);
}
