/* ubench: micro-benchmarks timed from user mode with RDTSC, for make bench.
 * CR4.TSD is clear, so ring 3 may read the TSC (SDM Vol. 2B RDTSC). Under
 * QEMU -icount shift=0 the TSC advances by one per guest instruction, so a
 * figure is a count of instructions, the same on every run; without
 * -icount it is host time and varies.
 *
 * Each figure is the median over BATCHES batches of the mean ticks per
 * operation within a batch: a timer interrupt landing in one batch raises
 * that batch only, and the median ignores it. The loop and the RDTSCs are
 * counted too (a few ticks per operation).
 *
 * usage: ubench getpid|fault|spawn|pingpong
 *        prints one line "NAME: N ticks per OP" */
#include "user/lib/ulib.h"

#define BATCHES       11
#define GETPID_CALLS  100       /* per batch */
#define FAULT_PAGES   64        /* per batch */
#define SPAWN_RUNS    1         /* per batch: each spawn is long enough */
#define PINGPONG_ROUNDS 50      /* per batch */
#define PAGE_SIZE     4096UL

static inline unsigned long rdtsc(void)
{
	unsigned int lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long)hi << 32) | lo;
}

/* The median of n values (n odd, small): sorts them in place. */
static unsigned long median(unsigned long *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			unsigned long t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* A system call that does nearly nothing: the cost of the entry and exit. */
static unsigned long batch_getpid(void *unused)
{
	unsigned long t0 = rdtsc();

	(void)unused;
	for (int i = 0; i < GETPID_CALLS; i++)
		getpid();
	return (rdtsc() - t0) / GETPID_CALLS;
}

/* First writes to FAULT_PAGES fresh anonymous pages: each is one
 * demand-zero fault (a page allocated, zeroed and mapped). *next walks
 * through one mapping made in main, so that every batch meets pages that
 * were never touched; a new PTE table page now and then (one per 512
 * pages) is part of the cost, as it is on Linux. */
static unsigned long batch_fault(void *next)
{
	char **p = next;
	unsigned long t0 = rdtsc();

	for (int i = 0; i < FAULT_PAGES; i++, *p += PAGE_SIZE)
		**p = 1;
	return (rdtsc() - t0) / FAULT_PAGES;
}

/* spawn + the child's whole life (crt0, main, exit) + waitpid. */
static unsigned long batch_spawn(void *unused)
{
	char *argv[] = { "true", NULL };
	unsigned long t0 = rdtsc();
	int status;

	(void)unused;
	for (int i = 0; i < SPAWN_RUNS; i++)
		if (spawn_wait("true", argv, &status) < 0 || status != 0)
			die("ubench", "spawn true", -ECHILD);
	return (rdtsc() - t0) / SPAWN_RUNS;
}

static unsigned long run(unsigned long (*batch)(void *), void *arg);

static long fork(void)
{
	return syscall0(__NR_fork);
}

/* One round trip between two processes: this one yields, the other runs
 * and yields back. Two process switches, each a CR3 write (with PCID, one
 * that may keep the TLB: docs/address-spaces.md). */
static unsigned long batch_pingpong(void *unused)
{
	unsigned long t0 = rdtsc();

	(void)unused;
	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		sched_yield();
	return (rdtsc() - t0) / PINGPONG_ROUNDS;
}

/* The partner yields as often as the measuring side will, then exits; its
 * extra yields, once the parent sleeps in waitpid, return at once. */
static unsigned long pingpong(void)
{
	long pid = fork();
	unsigned long r;
	int status;

	if (pid < 0)
		die("ubench", "fork", pid);
	if (pid == 0) {
		for (int i = 0; i < (BATCHES + 2) * PINGPONG_ROUNDS; i++)
			sched_yield();
		exit(0);
	}
	r = run(batch_pingpong, NULL);
	if (waitpid(pid, &status, 0) != pid || status != 0)
		die("ubench", "waitpid", -ECHILD);
	return r;
}

static unsigned long run(unsigned long (*batch)(void *), void *arg)
{
	unsigned long v[BATCHES];

	batch(arg);                     /* warm up: not counted */
	for (int b = 0; b < BATCHES; b++)
		v[b] = batch(arg);
	return median(v, BATCHES);
}

int main(int argc, char *argv[])
{
	if (argc == 2 && !strcmp(argv[1], "getpid")) {
		printf("getpid: %lu ticks per call\n", run(batch_getpid, NULL));
	} else if (argc == 2 && !strcmp(argv[1], "fault")) {
		size_t len = (BATCHES + 1) * FAULT_PAGES * PAGE_SIZE;
		char *area = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (IS_ERR(area))
			die("ubench", "mmap", PTR_ERR(area));
		printf("fault: %lu ticks per demand-zero fault\n", run(batch_fault, &area));
	} else if (argc == 2 && !strcmp(argv[1], "spawn")) {
		printf("spawn: %lu ticks per spawn+exit+wait\n", run(batch_spawn, NULL));
	} else if (argc == 2 && !strcmp(argv[1], "pingpong")) {
		printf("pingpong: %lu ticks per round trip\n", pingpong());
	} else {
		printf("usage: ubench getpid|fault|spawn|pingpong\n");
		return 2;
	}
	return 0;
}
