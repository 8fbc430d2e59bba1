/* forktest: fork (copy-on-write) seen from user space.
 *
 * usage: forktest        parent and child both write to the same addresses
 *                        (data, bss, stack, an mmap page) after the fork;
 *                        each must read back its own values, and the
 *                        child's exit status says what the child saw
 *        forktest kbuf   /dev/kbuf mapped shared (remap_pfn_range) before
 *                        the fork: the child's write must reach the parent
 *        forktest hold   for the QEMU monitor (user/lib/hold.h): two pages A and
 *                        B written, fork; the parent writes A, prints the
 *                        addresses and waits for the child, which holds
 *                        until /dev/kbuf says "child"; then the parent
 *                        says "parent holding" and holds until "parent"
 * Prints "forktest: OK ..." or "forktest: FAIL: why". */
#include "user/lib/ulib.h"
#include "user/lib/hold.h"

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

static int wait_child(long pid, int want)
{
	int status = 0;

	if (waitpid(pid, &status, 0) != pid) {
		printf("forktest: FAIL: waitpid\n");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != want) {
		printf("forktest: FAIL: child status 0x%x, not exit(%d)\n", status, want);
		return 1;
	}
	return 0;
}

static int kbuf_shared(void)
{
	int fd;
	volatile char *buf = map_device("forktest", "/dev/kbuf", 4096, &fd);
	long pid;

	buf[100] = 'P';
	pid = fork();
	if (pid < 0)
		die("forktest", "fork", pid);
	if (pid == 0) {
		buf[100] = 'C';         /* the same frame: no copy for VM_PFNMAP */
		exit(0);
	}
	if (wait_child(pid, 0))
		return 1;
	if (buf[100] != 'C') {
		printf("forktest: FAIL: the child's write to /dev/kbuf did not reach the parent\n");
		return 1;
	}
	unmap_device("forktest", (void *)buf, 4096, fd);
	printf("forktest: OK /dev/kbuf shared between parent and child\n");
	return 0;
}

static int hold(void)
{
	volatile char *p = mmap(0, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	long pid;

	if (IS_ERR((void *)p))
		die("forktest", "mmap", PTR_ERR((void *)p));
	p[0] = 'a';
	p[4096] = 'b';
	pid = fork();
	if (pid < 0)
		die("forktest", "fork", pid);
	if (pid == 0) {
		/* the only task that wakes: the monitor sees the child's tables */
		hold_until("forktest", "child");
		exit(p[0] == 'a' && p[4096] == 'b' ? 0 : 1);
	}
	p[0] = 'A';             /* a copy-on-write fault: the parent gets a copy */
	printf("forktest: parent %d child %ld, A 0x%lx B 0x%lx\n", getpid(), pid,
	       (unsigned long)p, (unsigned long)p + 4096);
	if (wait_child(pid, 0))
		return 1;
	printf("forktest: parent holding\n");
	hold_until("forktest", "parent");
	printf("forktest: parent released\n");
	return 0;
}

int main(int argc, char *argv[])
{
	volatile int *heap;
	int stack_word = 0;
	long pid;

	if (argc > 1 && !strcmp(argv[1], "kbuf"))
		return kbuf_shared();
	if (argc > 1 && !strcmp(argv[1], "hold"))
		return hold();
	heap = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR((void *)heap))
		die("forktest", "mmap", PTR_ERR((void *)heap));
	/* present and in the TLB before the fork: shared, then copied */
	data_word = 10, bss_word = 11, *heap = 12, stack_word = 13;
	pid = fork();
	if (pid < 0)
		die("forktest", "fork", pid);
	if (pid == 0) {
		/* The parent ran first and wrote: had its TLB kept the writable
		 * entries, its writes would be here too. */
		if (check("child before writing", heap, stack_word, 10))
			exit(1);
		data_word = 100, bss_word = 101, *heap = 102, stack_word = 103;
		sched_yield();  /* let the parent write too */
		exit(check("child", heap, stack_word, 100) ? 1 : 42);
	}
	data_word = 200, bss_word = 201, *heap = 202, stack_word = 203;
	sched_yield();
	if (wait_child(pid, 42) || check("parent", heap, stack_word, 200))
		return 1;
	printf("forktest: OK parent %d child %ld each saw its own data\n", getpid(), pid);
	return 0;
}
