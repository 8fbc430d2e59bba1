/* hello: the smallest user program. It shows that a process starts at
 * _start with argc/argv on its stack (user/lib/crt0.asm), makes system calls
 * (getpid, write) and hands an exit code to its parent through waitpid.
 *
 * usage: hello [CODE [MORE...]]
 * Prints "hello from pid N", then "args: ..." if there are arguments, and
 * exits with CODE if the first argument is a decimal number (else 0). */
#include "user/lib/ulib.h"

/* Room for "args:", every argument spawn can pass (each with a space
 * before it), "\n" and the NUL. Static, not on the stack: the stack is
 * small and argv already uses it. */
static char line[sizeof("args:\n") + SPAWN_ARGS_MAX * SPAWN_ARG_LEN];

int main(int argc, char *argv[])
{
	unsigned long code = 0;
	size_t n;

	printf("hello from pid %d\n", getpid());
	if (argc < 2)
		return 0;

	/* Built first and written once, so the line arrives whole. */
	n = snprintf(line, sizeof(line), "args:");
	for (int i = 1; i < argc && n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %s", argv[i]);
	if (n > sizeof(line) - 2)       /* more than spawn passes: cut */
		n = sizeof(line) - 2;
	line[n++] = '\n';
	write(1, line, n);

	if (kstrtoul(argv[1], 10, &code) < 0)
		code = 0;
	return (int)code;
}
