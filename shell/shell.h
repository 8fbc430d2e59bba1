/* The serial shell: the line editor, the dispatcher and every command
 * (shell/). The layers below never include this header: they export plain
 * print functions (`*_show`, `*_print`) and the commands here call them,
 * so the dependencies point one way, kernel/mm/drivers -> shell.
 *
 * A command is declared once, with DEFINE_SHELL_CMD, which puts a struct
 * shell_cmd in the .shell_cmds section (linker.ld collects them): its
 * name, its topic for `help`, how many arguments it takes, its usage and
 * a one-line help. The dispatcher checks the argument count, so a command
 * never does; it returns 0 on success, a negative errno on failure, and
 * -1 for arguments it cannot parse: the shell then prints "usage: ...". */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

/* `help` lists commands by topic, in this order. */
enum shell_topic {
	SHELL_TOPIC_BOOT,       /* boot and CPU */
	SHELL_TOPIC_PHYSMEM,    /* physical memory */
	SHELL_TOPIC_PGTABLE,    /* page tables */
	SHELL_TOPIC_VMALLOC,    /* vmalloc and ioremap */
	SHELL_TOPIC_PROC,       /* processes */
	SHELL_TOPIC_DEBUG,      /* debugging */
	NR_SHELL_TOPICS
};

struct shell_cmd {
	const char *name;
	const char *usage;
	const char *help;
	enum shell_topic topic;
	unsigned char min_args, max_args;       /* words after the name */
	int (*fn)(int argc, char **argv);       /* argv[0] is the name */
};

#define SHELL_PROMPT   "carta> "
#define SHELL_LINE_MAX 256
#define SHELL_ARGS_MAX 16       /* words on a line, the name included */

#define DEFINE_SHELL_CMD(cname, topic_, min_, max_, usage_, help_, fn_)       \
	_Static_assert((min_) <= (max_) && (max_) < SHELL_ARGS_MAX, #cname); \
	static const struct shell_cmd __shell_cmd_##cname                   \
	__attribute__((used, section(".shell_cmds"), aligned(8))) =          \
		{ #cname, usage_, help_, topic_, min_, max_, fn_ }

/* The commonest command: no arguments, and it prints what `show` (a
 * statement, usually one *_show() call) prints. */
#define DEFINE_SHELL_SHOW(cname, topic_, help_, show)                       \
	static int cmd_##cname(int argc, char **argv)                       \
	{                                                                   \
		(void)argc, (void)argv;                                     \
		show;                                                       \
		return 0;                                                   \
	}                                                                   \
	DEFINE_SHELL_CMD(cname, topic_, 0, 0, #cname, help_, cmd_##cname)

/* Argument parsers (shell/args.c): 0, or -EINVAL / -ERANGE. An address is
 * hex, "0x" optional ("[0x]ADDR" in a usage line); a size is decimal or 0x
 * hex with an optional K, M or G suffix ("SIZE[K|M|G]"). */
int shell_parse_addr(const char *s, unsigned long long *addr);
int shell_parse_size(const char *s, unsigned long long *size);

void shell_run(void) __attribute__((noreturn));
/* Runs one command line (also used by selftests); returns the command's
 * result, or -1 for an unknown command or a wrong argument count. */
int  shell_exec(char *line);
/* Reaps the shell's exited children, a line each (shell/proc_cmds.c). */
void reap_jobs(void);
/* The mm of the process whose pid is the string arg; NULL (with a line) if
 * none or a kernel thread (shell/proc_cmds.c). */
struct mm_struct;
struct mm_struct *shell_find_mm(const char *arg);

#endif
