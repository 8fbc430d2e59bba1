/* Tasks: kernel stacks, the first task, new tasks (kernel/sched.h).
 * Stacks live in the vmalloc range, as with Linux's CONFIG_VMAP_STACK:
 * pages need not be contiguous, and the unmapped guard page below turns
 * an overflow into a fault instead of silent corruption of whatever lies
 * below. */
#include <stddef.h>
#include "kernel/sched.h"
#include "kernel/gdt.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sections.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"
#include "kernel/x86.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

_Static_assert(offsetof(struct task_struct, thread.sp) == 40,
	       "TASK_THREAD_SP in kernel/switch.asm");

struct task_struct init_task = { .pid = 0, .comm = "swapper/0", .stack = boot_stack_bottom };
struct task_struct *current = &init_task;
struct task_struct *child_reaper;
static int last_pid;

void *alloc_thread_stack(void)
{
	return __vmalloc_node_range(THREAD_SIZE, PAGE_SIZE, PAGE_KERNEL, VM_GUARD_BELOW,
				    __builtin_return_address(0));
}

/* The area starts at the guard page below the stack. */
void free_thread_stack(void *stack)
{
	if (stack)
		vfree((char *)stack - PAGE_SIZE);
}

struct task_struct *alloc_task(const char *comm)
{
	struct task_struct *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return 0;
	t->stack = alloc_thread_stack();
	if (!t->stack) {
		kfree(t);
		return 0;
	}
	t->pid = ++last_pid;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	return t;
}

void release_task(struct task_struct *t)
{
	sched_remove_task(t);
	free_thread_stack(t->stack);
	kfree(t);
}

/* Its first switch pops six zeroed callee-saved registers but RBX = fn
 * (RBP 0 ends every backtrace) and returns to ret_from_kernel_thread,
 * with RSP 16-byte aligned for the call there (SysV ABI). */
struct task_struct *kernel_thread(const char *comm, void (*fn)(void))
{
	struct task_struct *t = alloc_task(comm);
	unsigned long *frame;

	if (!t)
		return 0;
	t->threadfn = fn;
	frame = (unsigned long *)(task_stack_top(t) - 16) - 7;
	memset(frame, 0, 6 * sizeof(*frame));   /* r15 r14 r13 r12 rbx rbp */
	frame[4] = (unsigned long)fn;
	frame[6] = (unsigned long)ret_from_kernel_thread;
	t->thread.sp = (unsigned long)frame;
	sched_add_task(t);
	return t;
}

void start_first_task(const char *comm, void (*fn)(void))
{
	struct task_struct *first = alloc_task(comm);
	unsigned long top;

	if (!first)
		panic("start_first_task: no memory for a task");
	first->threadfn = fn;
	child_reaper = first;
	top = task_stack_top(first);
	pr_info("%s[%d]: kernel stack 0x%lx-0x%lx, guard page 0x%lx\n", first->comm, first->pid,
		(unsigned long)first->stack, top - 1, (unsigned long)first->stack - PAGE_SIZE);
	local_irq_disable();
	sched_add_task(first);
	sched_remove_task(&init_task);  /* its boot stack is left for good */
	cpu_tss.rsp[0] = cpu_current_top_of_stack = top;
	current = first;
	/* RBP 0 ends every backtrace here; the new stack is 16-byte aligned
	 * at the call, as the SysV ABI wants. */
	asm volatile("sti\n\tmov %0, %%rsp\n\txor %%ebp, %%ebp\n\tcall *%1\n\tud2"
		     : : "r"(top), "r"(fn) : "memory");
	__builtin_unreachable();
}
