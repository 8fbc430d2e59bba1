/* Exceptions and interrupts: the IDT, the saved register frame, IRQ
 * dispatch, and the oops path ("die") for a fault the kernel cannot handle. */
#ifndef KERNEL_TRAPS_H
#define KERNEL_TRAPS_H

#include <stdint.h>

/* The frame kernel/entry.asm builds; field order is its push order reversed. */
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di;
	unsigned long vector;
	unsigned long error_code;
	/* pushed by the CPU (SDM Vol. 3A Figure 6-9) */
	unsigned long ip, cs, flags, sp, ss;
};

/* SDM Vol. 3A Table 6-1 */
enum {
	X86_TRAP_DE = 0, X86_TRAP_DB, X86_TRAP_NMI, X86_TRAP_BP, X86_TRAP_OF,
	X86_TRAP_BR, X86_TRAP_UD, X86_TRAP_NM, X86_TRAP_DF, X86_TRAP_OLD_MF,
	X86_TRAP_TS, X86_TRAP_NP, X86_TRAP_SS, X86_TRAP_GP, X86_TRAP_PF,
	X86_TRAP_SPURIOUS, X86_TRAP_MF, X86_TRAP_AC, X86_TRAP_MC, X86_TRAP_XF,
	X86_TRAP_VE, X86_TRAP_CP,
	NR_EXCEPTION_VECTORS = 32,
};

typedef void (*irq_handler_t)(struct pt_regs *regs);

void idt_init(void);
int  request_irq(unsigned int irq, irq_handler_t handler);
void do_trap(struct pt_regs *regs);

/* Prints the oops for an unhandled exception; then kernel/panic.h's
 * oops_end with SIGSEGV (never returns). */
void die(const char *str, struct pt_regs *regs, unsigned long err) __attribute__((noreturn));

/* Interrupt context, Linux's in_interrupt(): the depth of hardware
 * interrupt handlers (irq_enter) and NMI-like exceptions on an IST stack
 * (nmi_enter: NMI, #DF, #MC) running now. Code there is no task's: an
 * oops in it cannot be ended by killing current. */
extern unsigned int irq_count;
static inline void irq_enter(void) { irq_count++; }
static inline void irq_exit(void)  { irq_count--; }
static inline void nmi_enter(void) { irq_count++; }
static inline int in_interrupt(void) { return irq_count != 0; }
void show_regs(const struct pt_regs *regs);

/* Counted #BP traps (int3) that returned: the selftests check the IDT
 * round trip with it. */
extern unsigned long int3_count;

static inline int user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}

#endif
