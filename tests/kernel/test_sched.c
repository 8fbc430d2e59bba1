/* Kernel threads end cleanly: one runs with interrupts on, returns, and
 * is gone, task_struct and stack, freed by the task that ran after it
 * (finish_task_switch) -- the path a shell killed by an oops takes. */
#include "tests/kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/x86.h"
#include "mm/page_alloc.h"
#include "mm/vmalloc.h"

static int kthread_ran_as;
static unsigned long kthread_flags;

static void record_and_return(void)
{
	kthread_ran_as = current->pid;
	kthread_flags = read_rflags();
}

KTEST(sched, kernel_thread_runs_returns_and_is_freed)
{
	unsigned long free0 = nr_free_pages(), areas0 = vmap_nr_areas();
	struct task_struct *reaper = child_reaper, *t;
	int pid;

	t = kernel_thread("ktest", record_and_return);
	KUNIT_EXPECT_TRUE(test, t != 0);
	if (!t)
		return;
	pid = t->pid;
	KUNIT_EXPECT_EQ(test, vmap_nr_areas(), areas0 + 1);    /* its stack */
	/* current stays runnable, so each schedule() lets the others run */
	for (int i = 0; i < 100 && find_task_by_pid(pid); i++)
		schedule();
	KUNIT_EXPECT_EQ(test, kthread_ran_as, pid);
	KUNIT_EXPECT_TRUE(test, kthread_flags & X86_EFLAGS_IF);
	KUNIT_EXPECT_TRUE(test, !find_task_by_pid(pid));
	KUNIT_EXPECT_EQ(test, vmap_nr_areas(), areas0);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free0);
	KUNIT_EXPECT_TRUE(test, child_reaper == reaper);       /* only the shell's death moves it */
}
