/* The round-robin scheduler (kernel/sched.h). */
#include "kernel/sched.h"
#include "mm/usyscall.h"
#include "kernel/gdt.h"
#include "kernel/init.h"
#include "kernel/traps.h"
#include "kernel/x86.h"
#include "kernel/uapi/wait.h"
#include "mm/mm_types.h"
#include "mm/page.h"
#include "mm/tlb.h"

volatile uint64_t jiffies;
unsigned long cpu_current_top_of_stack;
LIST_HEAD(task_list);                   /* in pid order */
static volatile bool need_resched;
unsigned long nr_context_switches, nr_cr3_loads;

/* swapper/0 is a task like any other until start_first_task leaves it:
 * boot code (the selftests) may spawn processes and wait for them. */
void __init sched_init(void)
{
	sched_add_task(&init_task);
	cpu_current_top_of_stack = task_stack_top(&init_task);
	cpu_tss.rsp[0] = cpu_current_top_of_stack;
}

/* At the tail: pids only grow, so the list stays in pid order. */
void sched_add_task(struct task_struct *t)
{
	unsigned long flags = local_irq_save();

	t->state = TASK_RUNNING;
	list_add_tail(&t->tasks, &task_list);
	local_irq_restore(flags);
}

/* Does nothing if t is not on the list. */
void sched_remove_task(struct task_struct *t)
{
	unsigned long flags = local_irq_save();

	for_each_task(p)
		if (p == t) {
			list_del(&t->tasks);
			break;
		}
	local_irq_restore(flags);
}

struct task_struct *find_task_by_pid(int pid)
{
	for_each_task(t)
		if (t->pid == pid)
			return t;
	return 0;
}

/* The first runnable task after current in list order, wrapping round,
 * current itself last, preferring a task woken since it last ran (one
 * that slept on input, a child or a timer) to one that used its slice:
 * an interactive task then answers at once however many CPU-bound tasks
 * there are, as a just-woken task preempts CPU hogs under Linux's CFS.
 * NULL if none is runnable. The list is a circle through its head, so
 * one lap from the entry after current (from the head if current is on
 * no list, as swapper/0) visits every task once, current last. */
static struct task_struct *pick_next_task(void)
{
	struct list_head *start = &task_list, *l;
	struct task_struct *first = 0;

	for_each_task(t)
		if (t == current)
			start = t->tasks.next;
	l = start;
	do {
		if (l != &task_list) {
			struct task_struct *t = list_entry(l, struct task_struct, tasks);

			if (t->state == TASK_RUNNING && (t->woken || !first)) {
				if (t->woken)
					return t;
				first = t;
			}
		}
		l = l->next;
	} while (l != start);
	return first;
}

/* Kernel threads keep whatever user half is loaded (they never touch it:
 * Linux's lazy TLB); a process gets its own PGD. Without PCID only a CR3
 * write flushes the user half's TLB entries: the kernel's are global
 * (CR4.PGE, SDM Vol. 3A 4.10.2.4) and survive it. With PCID the switch
 * keeps them when the process's ASID still holds them (mm/tlb.c). */
static struct task_struct *context_switch(struct task_struct *prev, struct task_struct *next)
{
	if (next->mm && switch_mm_irqs_off(next->mm))
		nr_cr3_loads++;
	cpu_tss.rsp[0] = task_stack_top(next);
	cpu_current_top_of_stack = task_stack_top(next);
	current = next;
	nr_context_switches++;
	/* returns, much later, when a switch brings prev back: with the task
	 * that switch came from */
	return __switch_to_asm(prev, next);
}

/* A kernel thread that ended (do_exit) switched away for the last time:
 * its stack can go now that nothing runs on it (Linux's
 * finish_task_switch). Interrupts are off. */
static void finish_task_switch(struct task_struct *prev)
{
	if (prev->state == EXIT_DEAD)
		release_task(prev);
}

void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
}

void schedule(void)
{
	unsigned long flags = local_irq_save();
	struct task_struct *next;

	while (!(next = pick_next_task())) {
		safe_halt();    /* nothing runnable: wait for an interrupt to wake one */
		local_irq_disable();
	}
	need_resched = false;
	next->slice = TIMESLICE_TICKS;
	next->woken = false;
	if (next != current)
		finish_task_switch(context_switch(current, next));
	local_irq_restore(flags);
}

void sleep_on(const void *chan)
{
	unsigned long flags = local_irq_save();

	current->wchan = chan;
	current->state = TASK_INTERRUPTIBLE;
	schedule();
	current->wchan = 0;
	local_irq_restore(flags);
}

static void wake_task(struct task_struct *t)
{
	t->state = TASK_RUNNING;
	t->woken = true;
	t->wake_at = 0;
	need_resched = true;
}

void wake_up(const void *chan)
{
	unsigned long flags = local_irq_save();

	for_each_task(t)
		if (t->state == TASK_INTERRUPTIBLE && t->wchan == chan)
			wake_task(t);
	local_irq_restore(flags);
}

uint64_t schedule_timeout(uint64_t ticks)
{
	unsigned long flags = local_irq_save();
	uint64_t end = jiffies + ticks;

	current->wake_at = end;
	current->state = TASK_INTERRUPTIBLE;
	schedule();
	current->wake_at = 0;
	local_irq_restore(flags);
	return jiffies < end ? end - jiffies : 0;
}

void scheduler_tick(void)
{
	jiffies++;
	vvar_update(jiffies);   /* the [vvar] page user programs read (mm/usyscall.c) */
	for_each_task(t)
		if (t->state == TASK_INTERRUPTIBLE && t->wake_at && jiffies >= t->wake_at)
			wake_task(t);
	if (current->slice && !--current->slice)
		need_resched = true;
}

void exit_to_user_mode(struct pt_regs *regs)
{
	(void)regs;
	for (;;) {
		if (current->killed)
			do_exit(__W_EXITCODE(0, SIGKILL));
		if (!need_resched)
			return;
		schedule();
	}
}
