/* forktest: fork (copy-on-write) seen from user space. Parent and child
 * both write to the same addresses (data, bss, stack, a heap page from
 * mmap) after the fork; each must read back its own values, and the
 * child's exit status tells the parent what the child saw.
 * Prints "forktest: OK" or "forktest: FAIL: why". */
#include "user/lib/ulib.h"

static int data_word = 7;       /* .data */
static int bss_word;            /* .bss */

static long fork(void)
{
	return syscall0(__NR_fork);
}

static int check(const char *who, volatile int *heap, int stack_word, int want)
{
	if (data_word != want || bss_word != want + 1 || *heap != want + 2 ||
	    stack_word != want + 3) {
		printf("forktest: FAIL: %s sees %d %d %d %d, wrote %d %d %d %d\n", who, data_word,
		       bss_word, *heap, stack_word, want, want + 1, want + 2, want + 3);
		return 1;
	}
	return 0;
}

int main(void)
{
	volatile int *heap = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
	int stack_word = 0, status = 0;
	long pid;

	if (IS_ERR((void *)heap))
		die("forktest", "mmap", PTR_ERR((void *)heap));
	*heap = 1;      /* present before the fork: shared, then copied */
	bss_word = 1;
	pid = fork();
	if (pid < 0)
		die("forktest", "fork", pid);
	if (pid == 0) {
		data_word = 100, bss_word = 101, *heap = 102, stack_word = 103;
		sched_yield();  /* let the parent write too */
		exit(check("child", heap, stack_word, 100) ? 1 : 42);
	}
	data_word = 200, bss_word = 201, *heap = 202, stack_word = 203;
	sched_yield();
	if (waitpid(pid, &status, 0) != pid) {
		printf("forktest: FAIL: waitpid\n");
		return 1;
	}
	if (check("parent", heap, stack_word, 200))
		return 1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 42) {
		printf("forktest: FAIL: child status 0x%x (42: it saw its own data)\n", status);
		return 1;
	}
	printf("forktest: OK parent %d child %ld each saw its own data\n", getpid(), pid);
	return 0;
}
