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
#include "kernel/vsprintf.h"
#include "kernel/x86.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

_Static_assert(offsetof(struct task_struct, thread.sp) == 40,
	       "TASK_THREAD_SP in kernel/switch.asm");

struct task_struct init_task = { .pid = 0, .comm = "swapper/0", .stack = boot_stack_bottom };
struct task_struct *current = &init_task;
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

void start_first_task(const char *comm, void (*fn)(void))
{
	struct task_struct *first = alloc_task(comm);
	unsigned long top;

	if (!first)
		panic("start_first_task: no memory for a task");
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
