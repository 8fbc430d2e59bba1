/* panic and the oops path (kernel/panic.h). In test mode (cmdline `test` or
 * `testmode`) the end of an oops or panic exits QEMU with QEMU_EXIT_PANIC,
 * so a test harness sees a crash as a result instead of a hang. */
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
#include "kernel/x86.h"

static int die_counter;
static int in_panic;

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
	machine_halt();
}

int oops_begin(void)
{
	local_irq_disable();
	if (die_counter > 2)    /* an oops inside the oops printer */
		machine_halt();
	return ++die_counter;
}

void oops_end(const struct pt_regs *regs)
{
	show_regs(regs);
	pr_emerg("---[ end trace %016x ]---\n", 0);
	panic("Fatal exception");
}

void die(const char *str, struct pt_regs *regs, unsigned long err)
{
	int n = oops_begin();

	pr_emerg("%s: %04lx [#%d] NOPTI\n", str, err, n);
	oops_end(regs);
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

void __bug(const char *file, int line, const char *cond)
{
	local_irq_disable();
	pr_emerg("kernel BUG at %s:%d! (%s)\n", file, line, cond);
	oops_begin();
	pr_emerg("invalid opcode: 0000 [#%d] NOPTI\n", die_counter);
	dump_stack();
	panic("BUG");
}
