/* Processes from the shell: run, ps, kill, vmas (like /proc/PID/maps),
 * and the /dev/kbuf buffer they can map.
 * The shell is task 1; what it runs are its children. A foreground run
 * waits (Ctrl-C kills the child, even a Ctrl-C typed before the child
 * existed: drivers/serial.h); `&` leaves it running and the prompt
 * reports it when it ends. */
#include "kernel/errno.h"
#include "kernel/exec.h"
#include "kernel/exit.h"
#include "kernel/fs.h"
#include "kernel/kstrtox.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/uapi/wait.h"
#include "kernel/vsprintf.h"
#include "kernel/uapi/unistd.h"
#include "drivers/kbuf.h"
#include "drivers/serial.h"
#include "shell/shell.h"
#include "mm/memory.h"

static const char *errname(long err)
{
	switch (-err) {
	case ENOENT: return "no such program";
	case ENOEXEC: return "exec format error";
	case ENOMEM: return "out of memory";
	case E2BIG: return "argument list too long";
	case ESRCH: return "no such process";
	case EPERM: return "operation not permitted";
	default: return "error";
	}
}

/* One line for a status that is not a clean exit (the shell's "Segmentation fault"). */
static void report(const char *what, int pid, int status)
{
	if (WIFSIGNALED(status))
		console_printf("%s[%d]: killed by signal %d (%s)\n", what, pid, WTERMSIG(status),
			       WTERMSIG(status) == SIGSEGV ? "SIGSEGV" :
			       WTERMSIG(status) == SIGKILL ? "SIGKILL" : "signal");
	else if (WEXITSTATUS(status))
		console_printf("%s[%d]: exited with status %d\n", what, pid, WEXITSTATUS(status));
}

void reap_jobs(void)
{
	int status;
	long pid;

	while ((pid = kernel_waitpid(-1, &status, WNOHANG)) > 0) {
		console_printf("[%ld] done, status 0x%x\n", pid, status);
		report("job", pid, status);
	}
}

static int cmd_run(int argc, char **argv)
{
	bool bg = argc > 2 && !strcmp(argv[argc - 1], "&");
	int status;
	long pid;

	if ((bg && argc < 3) || argc - 1 - bg > SPAWN_ARGS_MAX)
		return -1;
	pid = do_spawn(argv[1], argc - 1 - bg, argv + 1);
	if (pid < 0) {
		console_printf("run: %s: %s (%ld)\n", argv[1], errname(pid), pid);
		return 0;
	}
	if (bg) {
		console_printf("[%ld] %s\n", pid, argv[1]);
		return 0;
	}
	serial_set_fg(pid);
	pid = kernel_waitpid(pid, &status, 0);
	serial_set_fg(0);
	if (pid > 0)
		report(argv[1], pid, status);
	return 0;
}
DEFINE_SHELL_CMD(run, SHELL_TOPIC_PROC, 1, SHELL_ARGS_MAX - 1, "run PROG [ARGS...] [&]",
		 "start a user program (from the initramfs)", cmd_run);

static int cmd_ps(int argc, char **argv)
{
	static const char state[] = { 'R', 'S', 'Z' };

	(void)argc, (void)argv;
	console_printf("  PID  PPID S COMM               VSZ    RSS  PGTBL  VMAS\n");
	for_each_task(t) {
		unsigned long vsz = 0;

		if (t->mm)
			for (struct vm_area_struct *v = t->mm->mmap; v; v = v->vm_next)
				vsz += v->vm_end - v->vm_start;
		console_printf("%5d %5d %c %-15s %6luK %5luK %5lu %5d\n", t->pid,
			       t->parent ? t->parent->pid : 0, state[t->state], t->comm, vsz >> 10,
			       t->mm ? t->mm->rss * 4 : 0, t->mm ? t->mm->nr_pgtables : 0,
			       t->mm ? t->mm->map_count : 0);
	}
	return 0;
}
DEFINE_SHELL_CMD(ps, SHELL_TOPIC_PROC, 0, 0, "ps", "tasks: state, memory (KiB), user page-table pages", cmd_ps);

static int cmd_kill(int argc, char **argv)
{
	unsigned long long pid;
	int err;

	(void)argc;
	if (kstrtoull(argv[1], 10, &pid) || pid > 0x7fffffff)
		return -1;
	err = kill_task(pid);
	if (err)
		console_printf("kill: (%llu) - %s\n", pid, errname(err));
	return 0;
}
DEFINE_SHELL_CMD(kill, SHELL_TOPIC_PROC, 1, 1, "kill PID", "end a process (SIGKILL's status)", cmd_kill);

/* The process PID's mm, or NULL with a line saying why. */
struct mm_struct *shell_find_mm(const char *arg)
{
	unsigned long long pid;
	struct task_struct *t;

	if (kstrtoull(arg, 10, &pid) || pid > 0x7fffffff) {
		console_printf("%s: not a pid\n", arg);
		return 0;
	}
	t = find_task_by_pid(pid);
	if (!t || !t->mm) {
		console_printf("%llu: %s\n", pid, t ? "a kernel thread: no user half" : "no such process");
		return 0;
	}
	return t->mm;
}

/* /proc/PID/maps (Documentation/filesystems/proc.rst): range, rights
 * (p private / s shared), offset, device, inode, name. */
static int cmd_vmas(int argc, char **argv)
{
	struct mm_struct *mm = shell_find_mm(argv[1]);

	(void)argc;
	if (!mm)
		return 0;
	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next) {
		unsigned long f = v->vm_flags;
		int n = console_printf("%08lx-%08lx %c%c%c%c %08lx 00:00 0", v->vm_start, v->vm_end,
				       f & VM_READ ? 'r' : '-', f & VM_WRITE ? 'w' : '-',
				       f & VM_EXEC ? 'x' : '-', f & VM_SHARED ? 's' : 'p',
				       v->vm_pgoff << PAGE_SHIFT);
		console_printf("%*s%s\n", v->vm_name && n < 73 ? 73 - n : 1, "",
			       v->vm_name ? v->vm_name : "");
	}
	return 0;
}
DEFINE_SHELL_CMD(vmas, SHELL_TOPIC_PROC, 1, 1, "vmas PID", "a process's VMAs, like /proc/PID/maps", cmd_vmas);

/* `kbuf write TEXT...` joins the words with spaces, as a shell's echo. */
static int cmd_kbuf(int argc, char **argv)
{
	char text[SHELL_LINE_MAX];
	size_t n = 0;

	if (argc == 1)
		return kbuf_show();
	if (argc < 3 || strcmp(argv[1], "write"))
		return -1;
	text[0] = 0;
	for (int i = 2; i < argc; i++)
		n += snprintf(text + n, sizeof(text) - n, "%s%s", i > 2 ? " " : "", argv[i]);
	return kbuf_write(text);
}
DEFINE_SHELL_CMD(kbuf, SHELL_TOPIC_PROC, 0, SHELL_ARGS_MAX - 1, "kbuf [write TEXT...]",
		 "the /dev/kbuf buffer: where it is, who maps it, what both sides wrote", cmd_kbuf);

/* `sleep SECONDS`: the shell waits, so a background program gets to run
 * before the next command looks at it (`run kbufdemo hi 600 &`, `sleep 1`,
 * `ptdump user PID`). */
static int cmd_sleep(int argc, char **argv)
{
	unsigned long long s;

	(void)argc;
	if (kstrtoull(argv[1], 10, &s) || s > 3600)
		return -1;
	schedule_timeout(s * HZ);
	return 0;
}
DEFINE_SHELL_CMD(sleep, SHELL_TOPIC_PROC, 1, 1, "sleep SECONDS",
		 "wait (at most an hour), letting background programs run", cmd_sleep);
