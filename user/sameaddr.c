/* sameaddr: two processes, one user address, two physical pages. Each
 * copy maps one anonymous page at the same fixed address, writes its own
 * tag there, sleeps while another copy does the same, then reads its tag
 * back: each user half has its own page tables below the top level.
 *
 * usage: sameaddr TAG [TENTHS]   (sleeps TENTHS x 100 ms, default 20) */
#include "user/lib/ulib.h"

#define ADDR 0x600000000UL

int main(int argc, char *argv[])
{
	unsigned long tenths = 20;
	struct timespec ts = { 0, 100000000L };
	char *p;

	if (argc < 2 || (argc > 2 && kstrtoul(argv[2], 10, &tenths))) {
		printf("usage: sameaddr TAG [TENTHS]\n");
		return 2;
	}
	p = mmap((void *)ADDR, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	if (IS_ERR(p)) {
		printf("sameaddr: mmap failed: %ld\n", PTR_ERR(p));
		return 1;
	}
	snprintf(p, 4096, "%s from pid %d", argv[1], getpid());
	printf("sameaddr: pid %d wrote \"%s\" at 0x%lx\n", getpid(), p, (unsigned long)p);
	while (tenths--)
		nanosleep(&ts, 0);
	if (strncmp(p, argv[1], strlen(argv[1]))) {
		printf("sameaddr: pid %d read back \"%s\": WRONG\n", getpid(), p);
		return 1;
	}
	printf("sameaddr: pid %d read back \"%s\": ok\n", getpid(), p);
	return 0;
}
