/* pgaccess_test: maps 32 pages, touches known subsets and checks that
 * pgaccess (kernel/uapi/unistd.h) reports exactly them, twice: the
 * second round only works if the first call cleared the Accessed bits
 * (and flushed the TLB, or the CPU would never set them again). Then
 * the bad arguments. Prints "pgaccess_test: OK" or "... FAIL: why".
 *
 * usage: pgaccess_test        the checks
 *        pgaccess_test hold   touch pages 2 and 5 after a clear, print the
 *                             buffer's address, hold until /dev/kbuf says
 *                             "release PID" (user/lib/hold.h; for the monitor)
 *        pgaccess_test args   only the bad arguments: an unaligned start and
 *                             no pages (-EINVAL), a kernel bitmap (-EFAULT) */
#include "user/lib/ulib.h"
#include "user/lib/hold.h"

#define NPAGES 32

static long pgaccess(void *start, unsigned long npages, void *bitmap)
{
	return syscall3(__NR_pgaccess, start, npages, bitmap);
}

static int round_check(volatile char *buf, const int *touch, int n, const char *what)
{
	unsigned int want = 0, got = 0;
	long ret;

	for (int i = 0; i < n; i++) {
		buf[touch[i] * 4096] += 1;
		want |= 1U << touch[i];
	}
	ret = pgaccess((void *)buf, NPAGES, &got);
	if (ret) {
		printf("pgaccess_test: FAIL: %s: pgaccess returned %ld\n", what, ret);
		return 1;
	}
	if (got != want) {
		printf("pgaccess_test: FAIL: %s: bitmap 0x%08x, touched 0x%08x\n", what, got, want);
		return 1;
	}
	printf("pgaccess_test: %s: bitmap 0x%08x as touched\n", what, got);
	return 0;
}

int main(int argc, char *argv[])
{
	static const int first[] = { 1, 3, 8, 31 }, second[] = { 0, 5, 20 };
	volatile char *buf = mmap(0, NPAGES * 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned int bits;
	long r1, r2, r3;

	if (IS_ERR((void *)buf))
		die("pgaccess_test", "mmap", PTR_ERR((void *)buf));
	for (int i = 0; i < NPAGES; i++)
		buf[i * 4096] = 1;              /* every page present */
	if (argc > 1 && !strcmp(argv[1], "args"))
		goto args;
	r1 = pgaccess((void *)buf, NPAGES, &bits);     /* clears the lot */
	if (r1) {
		printf("pgaccess_test: FAIL: the first pgaccess returned %ld\n", r1);
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "hold")) {
		char token[32];

		snprintf(token, sizeof(token), "release %d", getpid());
		buf[2 * 4096] = 2;
		buf[5 * 4096] = 5;
		printf("pgaccess_test: buffer at 0x%lx, touched pages 2 and 5\n", (unsigned long)buf);
		hold_until("pgaccess_test", token);
		printf("pgaccess_test: released\n");
		return 0;
	}
	if (round_check(buf, first, 4, "round 1") || round_check(buf, second, 3, "round 2"))
		return 1;
	printf("pgaccess_test: OK\n");
	return 0;
args:
	r1 = pgaccess((void *)(buf + 1), NPAGES, &bits);
	r2 = pgaccess((void *)buf, 0, &bits);
	r3 = pgaccess((void *)buf, NPAGES, (void *)0xffff888000000000UL);
	if (r1 != -EINVAL || r2 != -EINVAL || r3 != -EFAULT) {
		printf("pgaccess_test: FAIL: bad arguments gave %ld %ld %ld, not -22 -22 -14\n",
		       r1, r2, r3);
		return 1;
	}
	printf("pgaccess_test: bad arguments OK\n");
	return 0;
}
