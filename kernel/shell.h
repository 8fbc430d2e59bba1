/* The serial shell. Each subsystem adds its own commands with
 * DEFINE_SHELL_CMD, which puts a struct shell_cmd in the .shell_cmds
 * section (linker.ld collects them), so no central list needs editing.
 *
 * A command returns 0 on success, a negative errno on failure, and -1 for
 * bad arguments: the shell then prints "usage: <usage>". */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

struct shell_cmd {
	const char *name;
	const char *usage;
	const char *help;
	int (*fn)(int argc, char **argv);
};

#define DEFINE_SHELL_CMD(cname, usage_, help_, fn_)                          \
	static const struct shell_cmd __shell_cmd_##cname                   \
	__attribute__((used, section(".shell_cmds"), aligned(8))) =          \
		{ #cname, usage_, help_, fn_ }

#define SHELL_PROMPT   "carta> "
#define SHELL_LINE_MAX 256
#define SHELL_ARGS_MAX 16

void shell_run(void) __attribute__((noreturn));
/* Runs one command line (also used by selftests); returns the command's result. */
int  shell_exec(char *line);
/* Reaps the shell's exited children, a line each (kernel/proc_cmds.c). */
void reap_jobs(void);
/* The mm of the process whose pid is the string arg; NULL (with a line) if
 * none or a kernel thread. */
struct mm_struct;
struct mm_struct *shell_find_mm(const char *arg);

#endif
