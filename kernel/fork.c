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
#include "kernel/syscall.h"
#include "kernel/vsprintf.h"
#include "kernel/x86.h"
#include "kernel/err.h"
#include "kernel/errno.h"
#include "kernel/fs.h"
#include "kernel/lab.h"
#include "kernel/traps.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/slab.h"
#include "mm/usyscall.h"
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

/* ---- fork: a copy of the calling process (Linux's kernel/fork.c) -------- */

/* Linux's dup_mmap: every VMA but the VM_DONTCOPY ones ([vvar]: the
 * child has its own, mapped by sys_fork), charged again as mmap would, and
 * its pages shared by copy_page_range. */
static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	/* LAB cow BEGIN: copy each VMA (not VM_DONTCOPY) and share its pages */
	for (struct vm_area_struct *v = oldmm->mmap; v; v = v->vm_next) {
		struct vm_area_struct *n;
		int err;

		if (v->vm_flags & VM_DONTCOPY)
			continue;
		n = mmap_region(mm, v->vm_start, v->vm_end - v->vm_start, v->vm_flags, v->vm_name);
		if (IS_ERR(n))
			return PTR_ERR(n);
		n->vm_page_prot = v->vm_page_prot;      /* a device's may be uncached */
		n->vm_pgoff = v->vm_pgoff;
		n->vm_file = get_file(v->vm_file);
		err = copy_page_range(n, v);
		if (err)
			return err;
	}
	mm->start_code = oldmm->start_code;
	mm->end_code = oldmm->end_code;
	mm->start_data = oldmm->start_data;
	mm->end_data = oldmm->end_data;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->mmap_base = oldmm->mmap_base;
	return 0;
	/* LAB cow STUB
	(void)mm, (void)oldmm;
	lab_not_implemented("cow", __func__);
	return -ENOSYS;
	   LAB cow END */
}

/* The child's first switch lands in ret_from_fork with the parent's
 * user registers (the pt_regs at the top of the parent's stack, saved by
 * the syscall entry) but RAX = 0: fork returns 0 in the child. */
static void copy_thread(struct task_struct *p)
{
	struct pt_regs *regs = (struct pt_regs *)(task_stack_top(p) - sizeof(*regs));
	unsigned long *frame = (unsigned long *)regs - 7;

	*regs = *(struct pt_regs *)(task_stack_top(current) - sizeof(*regs));
	regs->ax = 0;
	memset(frame, 0, 6 * sizeof(*frame));   /* r15 r14 r13 r12 rbx rbp */
	frame[6] = (unsigned long)ret_from_fork;
	p->thread.sp = (unsigned long)frame;
}

/* Not on the task list yet: no sched_remove_task. */
static void free_unstarted_task(struct task_struct *p)
{
	free_thread_stack(p->stack);
	kfree(p);
}

long sys_fork(void)
{
	struct task_struct *p;
	struct mm_struct *mm;
	int err;

	if (!current->mm)
		return -EINVAL;         /* a kernel thread has no user half to copy */
	p = alloc_task(current->comm);
	if (!p)
		return -ENOMEM;
	mm = mm_alloc();
	if (!mm) {
		free_unstarted_task(p);
		return -ENOMEM;
	}
	err = usyscall_map(mm);         /* the child's own [vvar] pages */
	if (!err)
		err = dup_mmap(mm, current->mm);
	if (err) {
		mmput(mm);              /* frees what was copied, drops the references */
		free_unstarted_task(p);
		return err;
	}
	usyscall_set_pid(mm, p->pid);
	p->mm = mm;
	for (int fd = 0; fd < NR_OPEN_FILES; fd++)
		p->files[fd] = get_file(current->files[fd]);
	copy_thread(p);
	p->parent = current;
	sched_add_task(p);
	return p->pid;
}
