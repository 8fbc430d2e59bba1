/* forkstress N: N fork/exit/wait cycles; each child writes a page of
 * its own (a copy) and a page the parent never touches again (reused
 * after the parent's side is gone is impossible: the parent lives, so
 * each write copies). `meminfo` before and after must agree: every
 * copy, table page and reference is given back.
 * Prints "forkstress: N cycles OK" or "forkstress: FAIL: why". */
#include "user/lib/ulib.h"

static char page[4096] __attribute__((aligned(4096)));

int main(int argc, char *argv[])
{
	unsigned long n = 1000;

	if (argc > 1 && kstrtoul(argv[1], 10, &n) < 0) {
		printf("usage: forkstress [N]\n");
		return 2;
	}
	page[0] = 1;
	for (unsigned long i = 0; i < n; i++) {
		long pid = syscall0(__NR_fork);
		int status;

		if (pid < 0)
			die("forkstress", "fork", pid);
		if (pid == 0) {
			page[0] = 2;    /* a copy-on-write fault in the child */
			exit(page[0] == 2 ? 0 : 1);
		}
		if (waitpid(pid, &status, 0) != pid || status != 0 || page[0] != 1) {
			printf("forkstress: FAIL: cycle %lu: status 0x%x, parent sees %d\n", i, status,
			       page[0]);
			return 1;
		}
	}
	printf("forkstress: %lu cycles OK\n", n);
	return 0;
}
