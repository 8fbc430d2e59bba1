/* Tasks: what runs on a kernel stack. Only the fields memory management
 * needs so far; the scheduler (the user-split issue) adds the rest.
 * Single CPU: `current` is a plain pointer (Linux reads it per CPU). */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#define THREAD_SIZE   (16 * 1024)       /* Linux x86-64's, without KASAN */
#define TASK_COMM_LEN 16

struct task_struct {
	int pid;
	char comm[TASK_COMM_LEN];
	void *stack;            /* lowest byte of the THREAD_SIZE kernel stack */
};

/* PID 0, "swapper/0": start_kernel on the boot stack (boot/head.asm). */
extern struct task_struct init_task;
extern struct task_struct *current;

/* A THREAD_SIZE stack from the vmalloc range with an unmapped guard page
 * right below it (and one above): an overflow faults on the guard page
 * and the double-fault handler reports it (kernel/traps.c). NULL if out
 * of memory. free_thread_stack takes what alloc_thread_stack returned. */
void *alloc_thread_stack(void);
void free_thread_stack(void *stack);

/* Makes a task `comm` with a new stack, switches to that stack and runs
 * fn there; the boot stack is left for good. Panics without memory. */
void start_first_task(const char *comm, void (*fn)(void)) __attribute__((noreturn));

#endif
