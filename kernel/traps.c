/* The IDT and exception dispatch (kernel/traps.h). */
#include "kernel/traps.h"
#include "kernel/init.h"
#include "kernel/gdt.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/x86.h"
#include "mm/memlayout.h"
#include "kernel/errno.h"
#include "drivers/pic.h"
#include "mm/fault.h"
#include "kernel/extable.h"
#include "kernel/uapi/wait.h"
#include "drivers/apic.h"

#define NR_VECTORS 256

_Static_assert(sizeof(struct pt_regs) == 22 * 8, "PTREGS_SIZE in kernel/calling.inc");

/* SDM Vol. 3A Figure 6-8: 64-bit interrupt gate. */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t  ist;
	uint8_t  type_attr;     /* P, DPL, type 0xe = 64-bit interrupt gate */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

#define GATE_INTERRUPT 0x8e     /* P=1, DPL=0, interrupt gate (IF cleared) */

extern const uint64_t idt_stubs[NR_VECTORS];
static struct idt_gate idt_table[256] __attribute__((aligned(16)));
static irq_handler_t irq_handlers[NR_PIC_IRQS];
unsigned long int3_count;
unsigned int irq_count;

static const char *const exception_names[NR_EXCEPTION_VECTORS] = {
	"divide error", "debug", "nmi", "int3", "overflow", "bounds",
	"invalid opcode", "device not available", "double fault",
	"coprocessor segment overrun", "invalid TSS", "segment not present",
	"stack segment", "general protection fault", "page fault",
	"spurious interrupt bug", "coprocessor error", "alignment check",
	"machine check", "SIMD exception", "virtualization exception",
	"control protection fault",
};

static void set_gate(int vec, uint64_t addr, int ist)
{
	struct idt_gate *g = &idt_table[vec];

	g->offset_low = addr & 0xffff;
	g->selector = __KERNEL_CS;
	g->ist = ist;
	g->type_attr = GATE_INTERRUPT;
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_high = addr >> 32;
	g->reserved = 0;
}

void __init idt_init(void)
{
	struct {
		uint16_t size;
		uint64_t address;
	} __attribute__((packed)) p = { sizeof(idt_table) - 1, (uint64_t)idt_table };

	for (int v = 0; v < NR_VECTORS; v++)
		set_gate(v, idt_stubs[v], 0);
	/* int3 from ring 3 is allowed (DPL 3); any other gate an INT n from
	 * user mode names raises #GP instead (SDM Vol. 3A 6.12.1.1). */
	idt_table[X86_TRAP_BP].type_attr |= 3 << 5;
	/* A double fault often means the stack is gone (an overflow into a
	 * guard page): run its handler on a stack of its own (SDM 3A 6.14.5). */
	set_gate(X86_TRAP_DF, idt_stubs[X86_TRAP_DF], IST_DOUBLE_FAULT);
	/* An NMI, #DB or #MC can come anywhere, even in ring 0 between the
	 * SYSRET path's `pop rsp` and SYSRET, where RSP is the user's: each
	 * gets a known stack too (6.14.5; Linux's IST_INDEX_NMI, _DB, _MCE). */
	set_gate(X86_TRAP_NMI, idt_stubs[X86_TRAP_NMI], IST_NMI);
	set_gate(X86_TRAP_DB, idt_stubs[X86_TRAP_DB], IST_DEBUG);
	set_gate(X86_TRAP_MC, idt_stubs[X86_TRAP_MC], IST_MCE);
	asm volatile("lidt %0" : : "m"(p));
}

int request_irq(unsigned int irq, irq_handler_t handler)
{
	if (irq >= NR_PIC_IRQS || !handler) {
		pr_err("request_irq(%u): bad irq or handler\n", irq);
		return -EINVAL;
	}
	if (irq_handlers[irq]) {
		pr_err("request_irq(%u): already taken\n", irq);
		return -EBUSY;
	}
	irq_handlers[irq] = handler;
	pic_unmask(irq);
	return 0;
}

static void do_irq(struct pt_regs *regs)
{
	unsigned int irq = regs->vector - IRQ0_VECTOR;

	if (pic_is_spurious(irq))
		return;
	if (irq_handlers[irq])
		irq_handlers[irq](regs);
	pic_eoi(irq);
}

/* A double fault with CR2 or the stack pointer in the guard page below
 * the current task's stack: the stack overflowed, the #PF for the guard
 * page could not push its frame, and the CPU escalated to #DF, which runs
 * on its own IST stack (SDM Vol. 3A 6.15, interrupt 8). Says so, as Linux
 * does, naming the task and the guard page. */
static void handle_stack_overflow(struct pt_regs *regs)
{
	unsigned long lo = (unsigned long)current->stack, guard = lo - PAGE_SIZE;
	unsigned long cr2 = read_cr2(), hit;
	int n;

	/* a big frame may skip the guard page into the page below it: the
	 * guard after the area below, or free space, never mapped either */
	if (cr2 >= guard - PAGE_SIZE && cr2 < lo)
		hit = cr2;
	else if (regs->sp >= guard - PAGE_SIZE && regs->sp < lo + 256)
		hit = regs->sp;
	else
		return;
	n = oops_begin();
	pr_emerg("BUG: stack guard page was hit at 0x%lx (stack is 0x%lx..0x%lx)\n", hit, lo,
		 lo + THREAD_SIZE - 1);
	pr_emerg("kernel stack overflow (double-fault): %04lx [#%d] %s\n", regs->error_code, n,
		 oops_flags());
	pr_emerg("task: %s[%d], guard page 0x%lx-0x%lx\n", current->comm, current->pid, guard,
		 guard + PAGE_SIZE - 1);
	oops_end(regs, SIGSEGV);
}

/* Linux's signal for each exception a user program can cause. */
static int trap_signal(unsigned long v)
{
	switch (v) {
	case X86_TRAP_DE: case X86_TRAP_MF: case X86_TRAP_XF: return 8;   /* SIGFPE */
	case X86_TRAP_UD: return 4;                                       /* SIGILL */
	case X86_TRAP_BP: case X86_TRAP_DB: return 5;                     /* SIGTRAP */
	case X86_TRAP_AC: return 7;                                       /* SIGBUS */
	default: return SIGSEGV;
	}
}

/* A user program's exception kills it with Linux's "traps:" line; the
 * kernel carries on. */
static void do_user_trap(struct pt_regs *regs, unsigned long v)
{
	const char *name = v < NR_EXCEPTION_VECTORS && exception_names[v] ? exception_names[v]
			   : "reserved exception";

	if (v == X86_TRAP_GP)
		pr_info("traps: %s[%d] general protection fault ip:%lx sp:%lx error:%lx\n",
			current->comm, current->pid, regs->ip, regs->sp, regs->error_code);
	else
		pr_info("traps: %s[%d] trap %s ip:%lx sp:%lx error:%lx\n", current->comm,
			current->pid, name, regs->ip, regs->sp, regs->error_code);
	do_exit(__W_EXITCODE(0, trap_signal(v)));
}

static void dispatch(struct pt_regs *regs)
{
	unsigned long v = regs->vector;

	if (v >= IRQ0_VECTOR && v < IRQ0_VECTOR + NR_PIC_IRQS) {
		irq_enter();
		do_irq(regs);
		irq_exit();
		return;
	}
	if (v == LOCAL_TIMER_VECTOR) {
		irq_enter();
		apic_timer_interrupt();
		irq_exit();
		return;
	}
	if (v == SPURIOUS_APIC_VECTOR)
		return;         /* no EOI for a spurious interrupt (SDM Vol. 3A 11.9) */
	switch (v) {
	case X86_TRAP_PF:
		do_page_fault(regs, regs->error_code);
		return;
	case X86_TRAP_BP:
		if (!user_mode(regs)) {
			int3_count++;   /* a breakpoint trap returns after the int3 */
			return;
		}
		break;
	case X86_TRAP_DF:
		/* An abort: the interrupted program cannot be resumed (SDM
		 * Vol. 3A 6.15, interrupt 8), and the #DF may have struck
		 * while an interrupt was being delivered, whose handler and
		 * EOI never come. Like Linux (NMI context) it panics. */
		nmi_enter();
		handle_stack_overflow(regs);
		die("double fault", regs, regs->error_code);
	case X86_TRAP_GP:
		if (!user_mode(regs) && fixup_exception(regs))
			return;
		break;
	}
	if (user_mode(regs))
		do_user_trap(regs, v);
	if (v == X86_TRAP_NMI || v == X86_TRAP_MC)
		nmi_enter();    /* they strike anywhere: no task to blame (Linux's NMI context) */
	die(v < NR_EXCEPTION_VECTORS && exception_names[v] ? exception_names[v]
	    : "reserved exception", regs, regs->error_code);
}

void do_trap(struct pt_regs *regs)
{
	dispatch(regs);
	if (user_mode(regs))
		exit_to_user_mode(regs);
}
