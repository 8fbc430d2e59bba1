/* How tasks end: exit, death by fault, kill or oops, and waitpid
 * (kernel/exit.h). A dead process frees everything at once, in its own
 * context (files, then the whole mm, CR3 back on the kernel's table)
 * and stays a zombie, holding only its task_struct and kernel stack,
 * until its parent collects the status. A kernel thread (the shell) has
 * no parent: the next task to run frees its stack and task_struct
 * (kernel/sched.c), since nothing can free the stack it runs on. */
#include "kernel/exit.h"
#include "kernel/errno.h"
#include "kernel/fs.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/wait.h"
#include "kernel/x86.h"
#include "mm/mmap.h"

/* The end of every exit, interrupts off: children to the reaper, then
 * the state the parent's waitpid looks for (a kernel thread has no
 * parent: it goes off the task list, for finish_task_switch to free),
 * and the last switch. */
static void __attribute__((noreturn)) exit_notify(struct task_struct *tsk, int status)
{
	local_irq_disable();
	for_each_task(t)
		if (t->parent == tsk)
			t->parent = child_reaper;       /* it reaps them at its prompt */
	tsk->exit_code = status;
	if (!tsk->threadfn) {
		tsk->state = EXIT_ZOMBIE;
		if (tsk->parent)
			wake_up(tsk->parent);
	} else {
		tsk->state = EXIT_DEAD;
		sched_remove_task(tsk);
	}
	schedule();
	panic("do_exit: dead task %s[%d] ran again", tsk->comm, tsk->pid);
}

void do_exit(int status)
{
	struct task_struct *tsk = current;
	struct mm_struct *mm = tsk->mm;

	if (tsk == &init_task)
		panic("Attempted to kill the idle task!");
	if (tsk == child_reaper)
		panic("Attempted to kill init! exitcode=0x%08x", status);
	tsk->flags |= PF_EXITING;
	exit_files();
	if (mm) {
		tsk->mm = 0;
		mmput(mm);      /* CR3 back on the kernel's table first */
	}
	exit_notify(tsk, status);
}

/* The shell dies: a new one (a new pid) becomes the child reaper before
 * the old one exits, so its children (background jobs: it runs only
 * when no foreground job does) are the new shell's to reap. */
static void respawn_child_reaper(struct task_struct *tsk, int status)
{
	struct task_struct *t = kernel_thread(tsk->comm, tsk->threadfn);

	if (!t)
		panic("Attempted to kill init! exitcode=0x%08x (no memory for a new %s)",
		      status, tsk->comm);
	pr_notice("note: %s[%d] killed by oops; starting %s[%d]\n", tsk->comm, tsk->pid, t->comm,
		  t->pid);
	child_reaper = t;
}

void make_task_dead(int signr)
{
	struct task_struct *tsk = current;

	if (tsk == &init_task)
		panic("Attempted to kill the idle task!");
	/* An oops while the task was already dying: its exit is half done
	 * and cannot be trusted to finish. Leave what it holds (Linux's
	 * answer too); it only goes off the CPU. */
	if (tsk->flags & PF_EXITING) {
		pr_alert("Fixing recursive fault but reboot is needed!\n");
		exit_notify(tsk, signr);
	}
	tsk->flags |= PF_EXITING;
	local_irq_enable();     /* oops_begin turned them off; the fault had them on */
	if (tsk == child_reaper)
		respawn_child_reaper(tsk, signr);
	do_exit(signr);         /* Linux's status for an oops: killed by signr */
}

long kernel_waitpid(int pid, int *status, int options)
{
	if (options & ~WNOHANG)
		return -EINVAL;
	for (;;) {
		struct task_struct *zombie = 0;
		bool children = false;

		local_irq_disable();
		for_each_task(t) {
			if (t->parent != current || (pid > 0 && t->pid != pid))
				continue;
			children = true;
			if (t->state == EXIT_ZOMBIE) {
				zombie = t;
				break;
			}
		}
		local_irq_enable();
		if (zombie) {
			int found = zombie->pid;

			if (status)
				*status = zombie->exit_code;
			release_task(zombie);
			return found;
		}
		if (!children)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (current->killed)
			return -EINTR;
		local_irq_disable();
		sleep_on(current);      /* a child's do_exit wakes its parent */
		local_irq_enable();
	}
}

long sys_waitpid(int pid, int __user *ustatus, int options)
{
	int status;
	long ret;

	if (ustatus && !access_ok(ustatus, sizeof(*ustatus)))
		return -EFAULT;         /* before reaping: the child stays collectable */
	if (pid < -1 || pid == 0)
		return -EINVAL;         /* no process groups */
	ret = kernel_waitpid(pid, &status, options);
	if (ret > 0 && ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	return ret;
}

int kill_task(int pid)
{
	struct task_struct *t = find_task_by_pid(pid);
	unsigned long flags;

	if (!t)
		return -ESRCH;
	if (!t->mm && t->state != EXIT_ZOMBIE)
		return -EPERM;          /* kernel threads are not killable */
	flags = local_irq_save();       /* also called from the serial interrupt */
	t->killed = true;
	t->woken = true;        /* runs next, to die, even behind CPU hogs */
	if (t->state == TASK_INTERRUPTIBLE) {
		t->state = TASK_RUNNING;
		t->wake_at = 0;
	}
	local_irq_restore(flags);
	return 0;
}
