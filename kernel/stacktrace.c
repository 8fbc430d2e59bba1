/* Frame-pointer backtraces (kernel/stacktrace.h). */
#include "kernel/stacktrace.h"
#include "kernel/kallsyms.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

#define MAX_STACKS 16
#define MAX_FRAMES 32

struct stack_range {
	unsigned long lo, hi;
};

static struct stack_range stacks[MAX_STACKS];
static int nr_stacks;

void stacktrace_add_stack(unsigned long lo, unsigned long hi)
{
	if (nr_stacks < MAX_STACKS)
		stacks[nr_stacks++] = (struct stack_range){ lo, hi };
}

bool on_kernel_stack(unsigned long addr, unsigned long len)
{
	unsigned long lo = (unsigned long)current->stack;

	if (addr >= lo && addr + len <= lo + THREAD_SIZE && addr + len > addr)
		return true;
	for (int i = 0; i < nr_stacks; i++)
		if (addr >= stacks[i].lo && addr + len <= stacks[i].hi && addr + len > addr)
			return true;
	return false;
}

/* A return address is looked up as addr - 1, which lies inside the call
 * instruction, so a call that ends a function still names its caller. */
static void print_frame(unsigned long addr, bool is_return)
{
	char sym[KSYM_NAME_LEN + 32];

	if (is_return)
		sprint_backtrace(sym, sizeof(sym), addr);
	else
		sprint_symbol(sym, sizeof(sym), addr);
	printk(KERN_EMERG " %s\n", sym);
}

void show_trace(unsigned long ip, unsigned long bp)
{
	printk(KERN_EMERG "Call Trace:\n");
	printk(KERN_EMERG " <TASK>\n");
	print_frame(ip, false);
	for (int n = 0; n < MAX_FRAMES && bp && !(bp & 7); n++) {
		unsigned long *frame = (unsigned long *)bp;
		unsigned long next, ret;

		if (!on_kernel_stack(bp, 16))
			break;
		next = frame[0];
		ret = frame[1];
		if (!ret)
			break;
		print_frame(ret, true);
		if (next <= bp)     /* frames move up the stack; anything else is corrupt */
			break;
		bp = next;
	}
	printk(KERN_EMERG " </TASK>\n");
}

void dump_stack(void)
{
	unsigned long ip, bp;

	asm volatile("lea 0(%%rip), %0; mov %%rbp, %1" : "=r"(ip), "=r"(bp));
	show_trace(ip, bp);
}
