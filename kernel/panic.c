/* panic and the oops path (kernel/panic.h), Linux's policy: an oops
 * kills the task that caused it and the kernel carries on, unless it
 * happened where no single task can be blamed (an interrupt handler, the
 * double-fault or NMI stack), in swapper/0, or with interrupts off, or
 * unless `panic_on_oops` asks for a panic. In test mode (cmdline `test`
 * or `testmode`, which set panic_on_oops) the end of an oops or panic
 * exits QEMU with QEMU_EXIT_PANIC, so a test harness sees a crash as a
 * result instead of a hang. */
#include <stdarg.h>
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/vsprintf.h"
#include "kernel/stacktrace.h"
#include "kernel/traps.h"
#include "kernel/kallsyms.h"
#include "kernel/cmdline.h"
#include "kernel/power.h"
#include "kernel/sched.h"
#include "kernel/uapi/wait.h"
#include "kernel/x86.h"
#include "mm/pti.h"

/* The end of Linux's oops line: whether page-table isolation is on. */
const char *oops_flags(void)
{
	return pti_enabled() ? "PTI" : "NOPTI";
}

/* Linux's kernel.oops_limit default: past it an oops panics, so a
 * crash loop (a shell that oopses as it starts) ends instead of spinning. */
#define OOPS_LIMIT 10000

int panic_on_oops;
static int die_counter;         /* oopses so far: the [#N] */
static int die_nest_count;      /* oops reports under way: > 1 is an oops inside one */
static int in_panic;

/* entry.asm: RSP to the top of current's stack, then make_task_dead */
void rewind_stack_and_make_dead(int signr) __attribute__((noreturn));

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	local_irq_disable();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (in_panic++)         /* a panic while panicking: just stop */
		machine_halt();
	pr_emerg("Kernel panic - not syncing: %s\n", buf);
	dump_stack();
	pr_emerg("---[ end Kernel panic - not syncing: %s ]---\n", buf);
	if (kernel_test_mode())
		qemu_exit(QEMU_EXIT_PANIC);
	/* Nothing on the serial line reaches the kernel now (interrupts are
	 * off for good): say how to get out, for make run's -serial mon:stdio,
	 * where Ctrl-A is QEMU's escape key. */
	pr_emerg("Machine halted. In QEMU: Ctrl-A X quits, or Ctrl-A C opens the monitor, "
		 "where 'system_reset' reboots.\n");
	machine_halt();
}

int oops_begin(void)
{
	local_irq_disable();
	if (die_nest_count++ > 1) {     /* an oops inside the report of an oops inside one */
		if (kernel_test_mode())
			qemu_exit(QEMU_EXIT_PANIC);
		machine_halt();
	}
	return ++die_counter;
}

/* The end of every report, then the verdict. The fault's frames are
 * dead, and the stack may be nearly used up (or the oops nested inside
 * a report): the task is killed from a fresh start at the top of its
 * stack, as Linux's rewind_stack_and_make_dead does. */
static void __attribute__((noreturn)) oops_exit(bool irqs_were_on, int signr)
{
	pr_emerg("---[ end trace %016x ]---\n", 0);
	if (--die_nest_count)
		panic("Fatal exception");       /* the first report never ended */
	if (in_interrupt())
		panic("Fatal exception in interrupt");
	if (panic_on_oops)
		panic("Fatal exception");
	/* On one CPU, interrupts off is the kernel's only lock: it guards
	 * what interrupt handlers share (the task list, sleepers, the serial
	 * ring), likely half updated now, and the scheduler that would
	 * switch away from the dead task needs the task list whole. */
	if (!irqs_were_on)
		panic("Fatal exception with interrupts disabled");
	if (die_counter >= OOPS_LIMIT)
		panic("Oopsed too often (kernel.oops_limit is %d)", OOPS_LIMIT);
	rewind_stack_and_make_dead(signr);
}

void oops_end(const struct pt_regs *regs, int signr)
{
	show_regs(regs);
	oops_exit(regs->flags & X86_EFLAGS_IF, signr);
}

/* Linux's die: a fault the kernel cannot handle kills with SIGSEGV. */
void die(const char *str, struct pt_regs *regs, unsigned long err)
{
	int n = oops_begin();

	pr_emerg("%s: %04lx [#%d] %s\n", str, err, n, oops_flags());
	oops_end(regs, SIGSEGV);
}

void show_regs(const struct pt_regs *r)
{
	char sym[KSYM_NAME_LEN + 32];

	sprint_symbol(sym, sizeof(sym), r->ip);
	pr_emerg("CPU: 0 PID: %d Comm: %s\n", current->pid, current->comm);
	pr_emerg("RIP: %04lx:%s\n", r->cs, sym);
	pr_emerg("RSP: %04lx:%016lx EFLAGS: %08lx\n", r->ss, r->sp, r->flags);
	pr_emerg("RAX: %016lx RBX: %016lx RCX: %016lx\n", r->ax, r->bx, r->cx);
	pr_emerg("RDX: %016lx RSI: %016lx RDI: %016lx\n", r->dx, r->si, r->di);
	pr_emerg("RBP: %016lx R08: %016lx R09: %016lx\n", r->bp, r->r8, r->r9);
	pr_emerg("R10: %016lx R11: %016lx R12: %016lx\n", r->r10, r->r11, r->r12);
	pr_emerg("R13: %016lx R14: %016lx R15: %016lx\n", r->r13, r->r14, r->r15);
	pr_emerg("CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n",
		 read_cr0(), read_cr2(), read_cr3(), read_cr4());
	show_trace(r->ip, r->bp);
}

void __warn(const char *file, int line, const char *cond)
{
	pr_warn("WARNING: at %s:%d: %s\n", file, line, cond);
	dump_stack();
}

/* Linux's BUG is a ud2 that ends in die(); here the same report and
 * verdict from C, with the caller's interrupt state. */
void __bug(const char *file, int line, const char *cond)
{
	unsigned long flags = local_irq_save();
	int n;

	pr_emerg("kernel BUG at %s:%d! (%s)\n", file, line, cond);
	n = oops_begin();
	pr_emerg("invalid opcode: 0000 [#%d] %s\n", n, oops_flags());
	pr_emerg("CPU: 0 PID: %d Comm: %s\n", current->pid, current->comm);
	dump_stack();
	oops_exit(flags & X86_EFLAGS_IF, SIGSEGV);
}
