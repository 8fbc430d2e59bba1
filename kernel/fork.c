/* Kernel stacks and the first task (kernel/sched.h). Stacks live in the
 * vmalloc range, as with Linux's CONFIG_VMAP_STACK: pages need not be
 * contiguous, and the unmapped guard page below turns an overflow into a
 * fault instead of silent corruption of whatever lies below. */
#include "kernel/sched.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sections.h"
#include "kernel/vsprintf.h"
#include "mm/vmalloc.h"

struct task_struct init_task = { .pid = 0, .comm = "swapper/0", .stack = boot_stack_bottom };
struct task_struct *current = &init_task;

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

void start_first_task(const char *comm, void (*fn)(void))
{
	static struct task_struct first = { .pid = 1 };
	unsigned long top;

	first.stack = alloc_thread_stack();
	if (!first.stack)
		panic("start_first_task: no memory for a stack");
	snprintf(first.comm, sizeof(first.comm), "%s", comm);
	top = (unsigned long)first.stack + THREAD_SIZE;
	pr_info("%s[%d]: kernel stack 0x%lx-0x%lx, guard page 0x%lx\n", first.comm, first.pid,
		(unsigned long)first.stack, top - 1, (unsigned long)first.stack - PAGE_SIZE);
	current = &first;
	/* RBP 0 ends every backtrace here; the new stack is 16-byte aligned
	 * at the call, as the SysV ABI wants. */
	asm volatile("mov %0, %%rsp\n\txor %%ebp, %%ebp\n\tcall *%1\n\tud2"
		     : : "r"(top), "r"(fn) : "memory");
	__builtin_unreachable();
}
