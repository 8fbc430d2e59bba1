/* The system call table and entry set-up (kernel/uapi/unistd.h for the
 * numbers and ABI). Each sys_ function validates its own arguments; user
 * pointers only ever go to kernel/uaccess.h. */
#include "kernel/syscall.h"
#include "kernel/errno.h"
#include "kernel/exec.h"
#include "kernel/exit.h"
#include "kernel/fs.h"
#include "kernel/gdt.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/traps.h"
#include "kernel/types.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/unistd.h"
#include "kernel/uapi/wait.h"
#include "kernel/x86.h"
#include "drivers/serial.h"
#include "mm/mmap.h"

#define MSR_STAR   0xc0000081   /* SDM Vol. 4 Table 2-2 */
#define MSR_LSTAR  0xc0000082
#define MSR_SYSCALL_MASK 0xc0000084
/* RFLAGS bits SYSCALL clears: TF, IF, DF, NT, AC (Linux's mask). */
#define SYSCALL_MASK (0x100 | 0x200 | 0x400 | 0x4000 | 0x40000)
#define IO_CHUNK 256

unsigned long syscall_count[NR_syscalls];

static long sys_read(unsigned long fd, unsigned long ubuf, unsigned long count)
{
	char buf[IO_CHUNK];
	int n;

	if (fd != 0)
		return fget(fd) ? -EINVAL : -EBADF;     /* devices are for mmap only */
	if (!access_ok((void *)ubuf, count))
		return -EFAULT;
	n = serial_read(buf, min_t(unsigned long, count, IO_CHUNK));
	if (n > 0 && copy_to_user((void *)ubuf, buf, n))
		return -EFAULT;
	return n;
}

static long sys_write(unsigned long fd, unsigned long ubuf, unsigned long count)
{
	char buf[IO_CHUNK];
	unsigned long done = 0;

	if (fd != 1 && fd != 2)
		return fget(fd) ? -EINVAL : -EBADF;
	if (!access_ok((void *)ubuf, count))
		return -EFAULT;
	while (done < count) {
		unsigned long n = min_t(unsigned long, count - done, IO_CHUNK);

		if (copy_from_user(buf, (void *)(ubuf + done), n))
			return done ? (long)done : -EFAULT;
		console_write(buf, n);
		done += n;
	}
	return done;
}

static long sys_nanosleep(unsigned long ureq, unsigned long urem)
{
	struct timespec req, rem;
	uint64_t ticks, left;

	if (copy_from_user(&req, (void *)ureq, sizeof(req)))
		return -EFAULT;
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000L)
		return -EINVAL;
	if (req.tv_sec > (1L << 40))
		req.tv_sec = 1L << 40;  /* 35,000 years: no overflow in ticks or jiffies */
	ticks = (uint64_t)req.tv_sec * HZ + ((uint64_t)req.tv_nsec * HZ + 999999999) / 1000000000;
	left = ticks ? schedule_timeout(ticks) : 0;
	if (!left && !current->killed)
		return 0;
	rem.tv_sec = left / HZ;
	rem.tv_nsec = (long)(left % HZ) * (1000000000L / HZ);
	if (urem && copy_to_user((void *)urem, &rem, sizeof(rem)))
		return -EFAULT;
	return -EINTR;
}

typedef long (*syscall_fn)(unsigned long, unsigned long, unsigned long, unsigned long,
			   unsigned long, unsigned long);

static long sys_exit(unsigned long code) { do_exit(__W_EXITCODE(code, 0)); }
static long sys_getpid(void) { return current->pid; }
static long sys_sched_yield(void) { schedule(); return 0; }
static long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
		     unsigned long flags, unsigned long fd, unsigned long off)
{
	return do_mmap(addr, len, prot, flags, (int)fd, off);
}
static long sys_munmap(unsigned long addr, unsigned long len)
{
	return do_munmap(current->mm, addr, len);
}

#define SYSCALL(nr, fn) [nr] = { (syscall_fn)(void *)(fn), #fn }
const struct syscall_entry sys_call_table[NR_syscalls] = {
	SYSCALL(__NR_read, sys_read),
	SYSCALL(__NR_write, sys_write),
	SYSCALL(__NR_open, sys_open),
	SYSCALL(__NR_close, sys_close),
	SYSCALL(__NR_mmap, sys_mmap),
	SYSCALL(__NR_munmap, sys_munmap),
	SYSCALL(__NR_brk, sys_brk),
	SYSCALL(__NR_sched_yield, sys_sched_yield),
	SYSCALL(__NR_nanosleep, sys_nanosleep),
	SYSCALL(__NR_getpid, sys_getpid),
	SYSCALL(__NR_exit, sys_exit),
	SYSCALL(__NR_waitpid, sys_waitpid),
	SYSCALL(__NR_spawn, sys_spawn),
	SYSCALL(__NR_fork, sys_fork),
	SYSCALL(__NR_pgaccess, sys_pgaccess),
};

/* Called by entry_SYSCALL_64 with the user's registers as a pt_regs;
 * returns true if SYSRET may return: only to a canonical user RIP, since
 * SYSRET with a non-canonical RCX faults in ring 0 on Intel CPUs (SDM
 * Vol. 2B SYSRET), and with RF and TF clear (SYSRET loads RFLAGS from R11
 * as it is). Otherwise the IRETQ path restores the frame. */
bool do_syscall_64(struct pt_regs *regs)
{
	unsigned long nr = regs->ax;

	local_irq_enable();
	if (nr < NR_syscalls && sys_call_table[nr].fn) {
		syscall_count[nr]++;
		regs->ax = sys_call_table[nr].fn(regs->di, regs->si, regs->dx, regs->r10, regs->r8,
						 regs->r9);
	} else {
		regs->ax = -ENOSYS;
	}
	local_irq_disable();
	exit_to_user_mode(regs);
	return regs->ip < TASK_SIZE_MAX && regs->cs == __USER_CS && regs->ss == __USER_DS &&
	       !(regs->flags & (0x100 | 0x10000));
}

void __init syscall_init(void)
{
	/* SDM Vol. 3A 5.8.8: STAR[47:32] is the kernel CS (SS = +8);
	 * STAR[63:48] + 16 the user CS and + 8 the user SS for 64-bit SYSRET,
	 * which is why kernel/gdt.h orders the user selectors as it does. */
	wrmsr(MSR_STAR, (uint64_t)__USER32_CS << 48 | (uint64_t)__KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (uint64_t)entry_SYSCALL_64);
	wrmsr(MSR_SYSCALL_MASK, SYSCALL_MASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	int n = 0;

	for (int i = 0; i < NR_syscalls; i++)
		n += sys_call_table[i].fn != 0;
	pr_info("syscall: entry_SYSCALL_64 at 0x%lx, %d system calls\n",
		(unsigned long)entry_SYSCALL_64, n);
}
