/* The serial shell: a line editor and the command dispatcher
 * (shell/shell.h, docs/console.md). Input is untrusted bytes: anything
 * that is not printable ASCII or a known editing key is dropped. An
 * over-long line is refused whole rather than run truncated. The editor
 * counts every character typed, keeps the first SHELL_LINE_MAX - 1 and
 * echoes them all, so the screen shows the line it judges: Backspace
 * erases from the end of it, and once it fits again it runs. Up and Down
 * walk a fixed ring of the last SHELL_HISTORY lines run. */
#include <limits.h>
#include <stdbool.h>
#include "shell/shell.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "drivers/serial.h"

extern const struct shell_cmd __start_shell_cmds[], __stop_shell_cmds[];

#define KEY_CTRL_C  0x03
#define KEY_BS      0x08
#define KEY_CTRL_U  0x15
#define KEY_ESC     0x1b
#define KEY_DEL     0x7f

enum esc_state { ESC_NONE, ESC_SEEN, ESC_CSI, ESC_SS3 };

struct line_editor {
	char buf[SHELL_LINE_MAX];
	int len;                /* characters on the line as echoed; only the
				 * first SHELL_LINE_MAX - 1 are kept in buf */
	enum esc_state esc;     /* inside an escape sequence (arrow keys, Delete...) */
	bool esc_params;        /* the CSI sequence had parameter bytes */
	char last;
	int hist_pos;           /* 0: a new line; k: showing the k-th newest */
};

/* The lines run, newest last, in a fixed ring: no allocation per line or
 * keystroke, and it outlives the line editor (a new shell after an oops
 * keeps the dead one's history, as a terminal keeps its scrollback). */
#define SHELL_HISTORY 16
static struct {
	char line[SHELL_HISTORY][SHELL_LINE_MAX];
	unsigned int count;     /* lines ever added; the ring holds the last ones */
} history;

static void history_add(const char *line)
{
	unsigned int newest = (history.count - 1) % SHELL_HISTORY;

	if (!line[0] || (history.count && !strcmp(history.line[newest], line)))
		return;         /* no empty lines, no repeats in a row (bash's ignoredups) */
	memcpy(history.line[history.count % SHELL_HISTORY], line, strlen(line) + 1);
	history.count++;
}

/* The k-th newest line (1: the last one run); NULL past the oldest kept. */
static const char *history_get(int k)
{
	unsigned int kept = history.count < SHELL_HISTORY ? history.count : SHELL_HISTORY;

	if (k < 1 || (unsigned int)k > kept)
		return 0;
	return history.line[(history.count - k) % SHELL_HISTORY];
}

static const struct shell_cmd *find_cmd(const char *name)
{
	for (const struct shell_cmd *c = __start_shell_cmds; c < __stop_shell_cmds; c++)
		if (!strcmp(c->name, name))
			return c;
	return 0;
}

/* Splits line in place on spaces; returns argc (at most max). */
static int split_args(char *line, char **argv, int max)
{
	int argc = 0;

	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == max)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

int shell_exec(char *line)
{
	char *argv[SHELL_ARGS_MAX + 1];
	int argc = split_args(line, argv, SHELL_ARGS_MAX);
	const struct shell_cmd *cmd;
	int ret;

	if (argc < 0) {
		console_printf("too many arguments (max %d)\n", SHELL_ARGS_MAX);
		return -1;
	}
	if (argc == 0)
		return 0;
	argv[argc] = 0;
	cmd = find_cmd(argv[0]);
	if (!cmd) {
		console_printf("unknown command: %s (try help)\n", argv[0]);
		return -1;
	}
	ret = argc - 1 < cmd->min_args || argc - 1 > cmd->max_args ? -1 : cmd->fn(argc, argv);
	if (ret == -1)
		console_printf("usage: %s\n", cmd->usage);
	return ret;
}

static void echo(const char *s)
{
	console_write(s, strlen(s));
}

/* Escape sequences from terminals (ECMA-48): ESC [ params final, where
 * the parameter and intermediate bytes are 0x20-0x3f and the final byte
 * 0x40-0x7e (arrows: ESC [ A; Delete: ESC [ 3 ~), or ESC O x. None edits
 * the line; all are swallowed whole. A control character (Enter, Tab,
 * Backspace...) or a non-ASCII byte cannot be part of one: it ends the
 * sequence and counts as itself, so ESC [ Enter still runs the line. (A
 * VT100 executes such a control and carries on with the sequence; ending
 * it keeps a cut-short one from eating the next line's first letter.)
 * Another ESC starts a new sequence. Returns true if c was consumed; an
 * arrow key's letter (ESC [ A, or ESC O A in a terminal's application
 * mode) is left in le->last for editor_feed. */
static bool editor_escape(struct line_editor *le, char c)
{
	unsigned char u = (unsigned char)c;

	if (c == KEY_ESC) {
		le->esc = ESC_SEEN;
		return true;
	}
	if (le->esc == ESC_NONE)
		return false;
	if (u < 0x20 || u > 0x7e) {
		le->esc = ESC_NONE;     /* cut short: c is an ordinary key */
		return false;
	}
	switch (le->esc) {
	case ESC_SEEN:
		le->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		le->esc_params = false;
		return le->esc != ESC_NONE;     /* ESC then a plain key: the key counts */
	case ESC_CSI:
		if (u >= 0x40) {
			le->esc = ESC_NONE;     /* the final byte */
			le->last = le->esc_params ? 0 : c;
		} else {
			le->esc_params = true;
		}
		return true;
	default:                        /* ESC_SS3: one byte ends it */
		le->esc = ESC_NONE;
		le->last = c;
		return true;
	}
}

static void editor_insert(struct line_editor *le, char c)
{
	if (c == '\t')
		c = ' ';                /* a separator, like the argument splitter's */
	if (c < 0x20 || c > 0x7e)
		return;                 /* not printable ASCII: dropped */
	if (le->len == INT_MAX)
		return;                 /* not even counted: not echoed either */
	if (le->len < SHELL_LINE_MAX - 1)
		le->buf[le->len] = c;
	le->len++;
	console_write(&c, 1);
}

/* Up (k + 1) or Down (k - 1): erases the line as echoed and puts the
 * k-th newest history line in its place; Down past the newest leaves an
 * empty line. A key with nowhere to go changes nothing. */
static void editor_recall(struct line_editor *le, int k)
{
	const char *line = k ? history_get(k) : "";

	if (k < 0 || !line)
		return;
	le->hist_pos = k;
	for (; le->len > 0; le->len--)
		echo("\b \b");
	for (; *line; line++)
		editor_insert(le, *line);
}

/* Feeds one input byte; returns true when a full line is ready in le->buf. */
static bool editor_feed(struct line_editor *le, char c)
{
	char last = le->last;

	le->last = c;
	if (editor_escape(le, c)) {
		if (le->esc == ESC_NONE && (le->last == 'A' || le->last == 'B'))
			editor_recall(le, le->hist_pos + (le->last == 'A' ? 1 : -1));
		return false;
	}
	switch (c) {
	case '\r':
	case '\n':
		if (c == '\n' && last == '\r')
			return false;   /* the second half of a CR LF */
		echo("\n");
		return true;
	case KEY_BS:
	case KEY_DEL:
		if (le->len > 0) {
			le->len--;
			echo("\b \b");
		}
		return false;
	case KEY_CTRL_C:
	case KEY_CTRL_U:
		le->len = 0;
		le->hist_pos = 0;
		echo("^C\n" SHELL_PROMPT);
		return false;
	}
	editor_insert(le, c);
	return false;
}

void shell_run(void)
{
	static struct line_editor le;

	le = (struct line_editor){ 0 };  /* a new shell after an oops: not the dead one's line */
	echo(SHELL_PROMPT);
	for (;;) {
		if (!editor_feed(&le, (char)serial_getc()))
			continue;
		serial_set_isig(true);  /* Ctrl-C now interrupts what the line starts */
		if (le.len > SHELL_LINE_MAX - 1) {
			console_printf("line too long (max %d characters), ignored\n",
				       SHELL_LINE_MAX - 1);
		} else {
			le.buf[le.len] = '\0';
			history_add(le.buf);    /* before shell_exec splits it in place */
			shell_exec(le.buf);
		}
		le.len = 0;
		le.hist_pos = 0;
		reap_jobs();    /* background processes that ended: one line each */
		serial_set_isig(false); /* Ctrl-C edits the line again */
		serial_report_dropped();
		echo(SHELL_PROMPT);
	}
}

DEFINE_INIT_PROCESS("shell", shell_run);       /* task 1 (kernel/main.c) */

static const char *const topic_names[NR_SHELL_TOPICS] = {
	[SHELL_TOPIC_BOOT] = "Boot and CPU",
	[SHELL_TOPIC_PHYSMEM] = "Physical memory",
	[SHELL_TOPIC_PGTABLE] = "Page tables",
	[SHELL_TOPIC_VMALLOC] = "vmalloc and ioremap",
	[SHELL_TOPIC_PROC] = "Processes",
	[SHELL_TOPIC_DEBUG] = "Debugging",
};

/* The command of `topic` that sorts first after `prev` by name (NULL:
 * from the start); NULL when there is none. The table is small and its
 * order is the linker's: a selection sort on the fly needs no copy. */
static const struct shell_cmd *next_in_topic(enum shell_topic topic, const struct shell_cmd *prev)
{
	const struct shell_cmd *best = 0;

	for (const struct shell_cmd *c = __start_shell_cmds; c < __stop_shell_cmds; c++)
		if (c->topic == topic && (!prev || strcmp(c->name, prev->name) > 0) &&
		    (!best || strcmp(c->name, best->name) < 0))
			best = c;
	return best;
}

static int cmd_help(int argc, char **argv)
{
	const struct shell_cmd *c;

	if (argc == 2) {
		c = find_cmd(argv[1]);
		if (!c) {
			console_printf("help: no command %s\n", argv[1]);
			return -ENOENT;
		}
		console_printf("usage: %s\n%s\n", c->usage, c->help);
		return 0;
	}
	for (int t = 0; t < NR_SHELL_TOPICS; t++) {
		console_printf("%s%s:\n", t ? "\n" : "", topic_names[t]);
		for (c = next_in_topic(t, 0); c; c = next_in_topic(t, c))
			console_printf("  %-28s %s\n", c->usage, c->help);
	}
	return 0;
}
DEFINE_SHELL_CMD(help, SHELL_TOPIC_DEBUG, 0, 1, "help [CMD]", "list the commands, or say how to use one",
		 cmd_help);
