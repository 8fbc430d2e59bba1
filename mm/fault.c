/* Page faults (Linux's arch/x86/mm/fault.c, in small). A fault on a user
 * address, from user mode or from a kernel user-access instruction, is
 * served if a VMA covers it with the right permission (demand-zero);
 * otherwise a user program dies with Linux's segfault line, a user access
 * from the kernel resumes at its exception-table fixup (-EFAULT), and
 * anything else is a kernel bug: Linux's oops with the table walk, which
 * kills the task (kernel/panic.c says when it panics instead). */
#include "mm/fault.h"
#include "mm/pgtable.h"
#include "kernel/traps.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
#include "kernel/extable.h"
#include "kernel/sched.h"
#include "kernel/uapi/wait.h"
#include "mm/memory.h"
#include "mm/vma.h"
#include "kernel/uaccess.h"

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

/* Linux's access_error: does the VMA allow this access? */
static bool access_error(unsigned long ec, const struct vm_area_struct *vma)
{
	if (ec & X86_PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (ec & X86_PF_INSTR)
		return !(vma->vm_flags & VM_EXEC);
	if (ec & X86_PF_PROT)
		return true;    /* a read of a present page faulted: not readable */
	return !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
}

/* 0 if served; else VM_FAULT_* or -1 (no VMA, or no permission). */
static int do_user_addr_fault(struct pt_regs *regs, unsigned long ec, unsigned long address)
{
	struct vm_area_struct *vma;

	/* Supervisor access to a user page outside STAC is an SMAP
	 * violation (SDM Vol. 3A 4.6.1): a kernel bug, never served. */
	if (uaccess_smap && !(ec & X86_PF_USER) && (ec & X86_PF_PROT) &&
	    !(regs->flags & X86_EFLAGS_AC))
		return -1;
	if (ec & X86_PF_RSVD)
		return -1;
	vma = find_vma(current->mm, address);
	if (!vma || vma->vm_start > address || access_error(ec, vma))
		return -1;
	/* A write to a present page the VMA allows writing: copy-on-write */
	if ((ec & (X86_PF_WRITE | X86_PF_PROT)) == (X86_PF_WRITE | X86_PF_PROT))
		return do_wp_page(vma, address);
	return handle_mm_fault(vma, address);
}

/* Linux's show_signal_msg line, then the process dies. */
static void __attribute__((noreturn)) bad_area(struct pt_regs *regs, unsigned long ec,
					      unsigned long address, int fault)
{
	struct vm_area_struct *vma = current->mm ? find_vma(current->mm, regs->ip) : 0;

	if (fault > 0 && (fault & VM_FAULT_OOM)) {
		pr_err("Out of memory: Killed process %d (%s)\n", current->pid, current->comm);
		do_exit(__W_EXITCODE(0, SIGKILL));
	}
	if (vma && vma->vm_start <= regs->ip && vma->vm_name)
		pr_info("%s[%d]: segfault at %lx ip %016lx sp %016lx error %lx in %s[%lx+%lx]\n",
			current->comm, current->pid, address, regs->ip, regs->sp, ec, vma->vm_name,
			vma->vm_start, vma->vm_end - vma->vm_start);
	else
		pr_info("%s[%d]: segfault at %lx ip %016lx sp %016lx error %lx\n", current->comm,
			current->pid, address, regs->ip, regs->sp, ec);
	do_exit(__W_EXITCODE(0, fault > 0 && (fault & VM_FAULT_SIGBUS) ? SIGBUS : SIGSEGV));
}

void do_page_fault(struct pt_regs *regs, unsigned long error_code)
{
	unsigned long address = read_cr2();    /* SDM 3A 4.7: CR2 holds the linear address */
	int n, fault = -1;

	if (address < TASK_SIZE_MAX && current->mm &&
	    (user_mode(regs) || search_exception_tables(regs->ip))) {
		fault = do_user_addr_fault(regs, error_code, address);
		if (!fault)
			return;
	}
	if (user_mode(regs))
		bad_area(regs, error_code, address, fault);
	if (fixup_exception(regs))
		return;

	n = oops_begin();
	show_fault_oops(regs, error_code, address);
	pr_emerg("Oops: %04lx [#%d] %s\n", error_code, n, oops_flags());
	oops_end(regs, SIGKILL);        /* Linux's page_fault_oops: SIGKILL */
}
