/* spawner: process creation and reaping, over and over. Each run spawns
 * PROG, waits for it, and counts a clean exit (status 0). Run many times,
 * it shows that a process's memory, page tables, kernel stack and pid all
 * come back when it is reaped: the kernel's free-page count after the runs
 * should equal the count before.
 *
 * usage: spawner COUNT PROG [ARGS...]   the child gets argv {PROG, ARGS...} */
#include "user/lib/ulib.h"

int main(int argc, char *argv[])
{
	unsigned long count = 0, clean = 0;

	if (argc < 3 || kstrtoul(argv[1], 10, &count) < 0) {
		printf("usage: spawner COUNT PROG [ARGS...]\n");
		return 2;
	}
	for (unsigned long run = 1; run <= count; run++) {
		int status;
		/* argv + 2 is {PROG, ARGS..., NULL}: the child's argv as it is */
		int ret = spawn_wait(argv[2], argv + 2, &status);

		if (ret < 0)
			printf("spawner: run %lu: spawn failed: %d\n", run, ret);
		else if (WIFSIGNALED(status))
			printf("spawner: run %lu: killed by signal %d\n", run, WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			printf("spawner: run %lu: exit status %d\n", run, WEXITSTATUS(status));
		else
			clean++;
	}
	printf("spawner: %lu runs, %lu clean exits, %lu failures\n", count, clean, count - clean);
	return clean == count ? 0 : 1;
}
