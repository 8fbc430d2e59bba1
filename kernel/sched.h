/* Tasks and the scheduler (kernel/sched.c, kernel/fork.c, kernel/exit.c).
 *
 * A task is a kernel stack plus, for a process, an address space (mm).
 * The shell is task 1, a kernel thread (mm NULL: it runs on whatever user
 * half the last process left in CR3, and never touches it), and the
 * child reaper: orphans become its children. An oops kills it like any
 * task, and a new shell (a new pid) takes its place (kernel/exit.c).
 * Processes run in ring 3 and enter the kernel by syscall, interrupt or
 * fault, on their own kernel stack (TSS.RSP0).
 *
 * Scheduling is round robin: the LAPIC timer (HZ ticks a second) asks for
 * a switch every timeslice, and the switch happens when the interrupted
 * code was in user mode, or when a task blocks. A task woken from a sleep
 * goes before those that used their slice, so the shell stays responsive
 * under CPU-bound load. Kernel code is never
 * preempted (Linux's CONFIG_PREEMPT_NONE), so the allocators need no
 * locks on one CPU. Single CPU: `current` is a plain pointer. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/list.h"

#define THREAD_SIZE   (16 * 1024)       /* Linux x86-64's, without KASAN */
#define TASK_COMM_LEN 16
#define HZ            100
#define TIMESLICE_TICKS 5               /* 50 ms, then the next runnable task */
#define NR_OPEN_FILES 8

/* Linux's state names; the letter is what ps prints. */
enum task_state {
	TASK_RUNNING,           /* R: running or runnable */
	TASK_INTERRUPTIBLE,     /* S: asleep on a channel or a timeout */
	EXIT_ZOMBIE,            /* Z: exited, waiting for its parent's waitpid */
	EXIT_DEAD,              /* a kernel thread that ended: off the task list, its
				   stack freed by the next task to run (finish_task_switch) */
};

/* task_struct.flags (Linux's PF_ names) */
#define PF_EXITING 0x4          /* in do_exit or make_task_dead: an oops now is recursive */

struct mm_struct;
struct file;
struct pt_regs;

struct thread_struct {
	unsigned long sp;       /* kernel RSP saved by __switch_to_asm */
};

struct task_struct {
	int pid;
	char comm[TASK_COMM_LEN];
	void *stack;            /* lowest byte of the THREAD_SIZE kernel stack */
	enum task_state state;
	unsigned int flags;     /* PF_* */
	struct thread_struct thread;
	struct mm_struct *mm;   /* NULL for kernel threads */
	struct task_struct *parent;
	struct list_head tasks;         /* on task_list, in pid order */
	const void *wchan;      /* what it sleeps on (sleep_on) */
	uint64_t wake_at;       /* jiffies to wake a timed sleep at; 0: none */
	unsigned int slice;     /* ticks left of its timeslice */
	bool woken;             /* woken from a sleep since it last ran: runs first */
	bool killed;            /* `kill`: exits on its next way back to user mode */
	int exit_code;          /* waitpid status word (kernel/uapi/wait.h) */
	struct file *files[NR_OPEN_FILES];      /* fds 3.. (0-2 are the console) */
	void (*threadfn)(void); /* a kernel thread's function; NULL for a process */
};

/* PID 0, "swapper/0": start_kernel on the boot stack (boot/head.asm). */
extern struct task_struct init_task;
extern struct task_struct *current;
/* Who adopts orphans: the shell (kernel/fork.c) */
extern struct task_struct *child_reaper;
extern volatile uint64_t jiffies;

/* A THREAD_SIZE stack from the vmalloc range with an unmapped guard page
 * right below it (and one above): an overflow faults on the guard page
 * and the double-fault handler reports it (kernel/traps.c). NULL if out
 * of memory. free_thread_stack takes what alloc_thread_stack returned. */
void *alloc_thread_stack(void);
void free_thread_stack(void *stack);

/* Makes a task `comm` with a new stack, switches to that stack and runs
 * fn there; the boot stack is left for good. Panics without memory. The
 * task is the child reaper. */
void start_first_task(const char *comm, void (*fn)(void)) __attribute__((noreturn));

/* A runnable kernel thread `comm` that runs fn with interrupts on, from
 * its first switch; if fn returns, the thread exits (do_exit(0)). NULL
 * without memory. */
struct task_struct *kernel_thread(const char *comm, void (*fn)(void));

/* A task named comm with a stack and the next pid, not yet runnable;
 * NULL without memory. release_task takes it off the list and frees it. */
struct task_struct *alloc_task(const char *comm);
void release_task(struct task_struct *t);

/* --- kernel/sched.c --- */
void sched_init(void);         /* boot: swapper/0 becomes schedulable */
/* Enters a new task into the task list, runnable. */
void sched_add_task(struct task_struct *t);
void sched_remove_task(struct task_struct *t);
struct task_struct *find_task_by_pid(int pid);
/* Every task, through task_struct.tasks (Linux's for_each_process walks
 * init_task.tasks; swapper/0 leaves the list here, so it has its own head). */
extern struct list_head task_list;
/* Declares t and walks every task in pid order; the body must not remove t. */
#define for_each_task(t)							\
	for (struct task_struct *t = list_first_entry(&task_list, struct task_struct, tasks); \
	     !list_entry_is_head(t, &task_list, tasks); t = list_next_entry(t, tasks))
/* Runs the next runnable task (or idles until one is); returns when
 * current runs again. Interrupts may be on or off; they are as before. */
void schedule(void);
/* Sleeps until wake_up(chan); the caller rechecks its condition, with
 * interrupts off between the check and the call (no lost wake-up). */
void sleep_on(const void *chan);
void wake_up(const void *chan);
/* Sleeps for ticks jiffies, or until woken; the jiffies left. */
uint64_t schedule_timeout(uint64_t ticks);
/* The timer interrupt's part: time, sleepers, timeslices. */
void scheduler_tick(void);
/* What a task does first after a switch brings it in, with prev the task
 * switched from: frees prev if it was a kernel thread that ended. */
void schedule_tail(struct task_struct *prev);
/* On the way back to user mode: switch if the timeslice ran out, exit if
 * killed. */
void exit_to_user_mode(struct pt_regs *regs);
/* Kernel-entry stack top for a task: TSS.RSP0 and the syscall entry. */
static inline unsigned long task_stack_top(const struct task_struct *t)
{
	return (unsigned long)t->stack + THREAD_SIZE;
}
/* The stack the syscall entry switches to (kernel/entry.asm). */
extern unsigned long cpu_current_top_of_stack;

/* --- kernel/exit.c --- */
/* Ends current: frees its address space and files, leaves a zombie with
 * status (kernel/uapi/wait.h) for the parent, wakes the parent. A kernel
 * thread leaves no zombie: it is freed by the next task to run. Panics
 * for swapper/0 and for the child reaper. */
void do_exit(int status) __attribute__((noreturn));
/* After an oops that kills current (kernel/panic.c), on a fresh stack:
 * do_exit with the signal's status; the shell is replaced by a new one
 * first. Panics where Linux's make_task_dead does. */
void make_task_dead(int signr) __attribute__((noreturn));

/* --- kernel/switch.asm --- */
/* Saves prev's callee-saved registers and RSP, loads next's. */
struct task_struct *__switch_to_asm(struct task_struct *prev, struct task_struct *next);
/* Where a new process's first switch lands: pops its user frame (a
 * struct pt_regs at the top of its stack) with IRETQ. */
void ret_from_fork(void);
/* Where a new kernel thread's first switch lands: calls its function. */
void ret_from_kernel_thread(void);

#endif
