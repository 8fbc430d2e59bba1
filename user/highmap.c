/* highmap: where mmap puts a page with and without a hint above 47 bits.
 * With 5-level paging (`la57`) user space stays 47-bit unless a hint asks
 * for more (Linux's rule, mm/mmap.c): the hinted page lands above 2^47,
 * is touched (a write, so a page fault maps it) and read back. With 4
 * levels the hint cannot be honoured and the page lands below 2^47.
 *
 * usage: highmap [TENTHS]   (sleeps TENTHS x 100 ms before unmapping,
 *                            so its tables can be looked at; default 0) */
#include "user/lib/ulib.h"

#define HINT     0x00ab000000000000UL   /* bits 55..48 set: a 5-level address */
#define WINDOW47 0x0000800000000000UL   /* 2^47: the 4-level user half's end */

static char *map(unsigned long hint)
{
	char *p = mmap((void *)hint, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (IS_ERR(p)) {
		printf("highmap: mmap(hint 0x%lx) failed: %ld\n", hint, PTR_ERR(p));
		exit(1);
	}
	return p;
}

int main(int argc, char *argv[])
{
	unsigned long tenths = 0;
	struct timespec ts = { 0, 100000000L };
	char *low, *high;

	if (argc > 2 || (argc == 2 && kstrtoul(argv[1], 10, &tenths))) {
		printf("usage: highmap [TENTHS]\n");
		return 2;
	}
	low = map(0);
	high = map(HINT);
	printf("highmap: no hint -> 0x%lx (%s 2^47)\n", (unsigned long)low,
	       (unsigned long)low < WINDOW47 ? "below" : "ABOVE");
	printf("highmap: hint 0x%lx -> 0x%lx (%s 2^47)\n", HINT, (unsigned long)high,
	       (unsigned long)high < WINDOW47 ? "below" : "above");
	snprintf(high, 4096, "tag %d", getpid());
	printf("highmap: pid %d wrote \"%s\" at 0x%lx\n", getpid(), high, (unsigned long)high);
	while (tenths--)
		nanosleep(&ts, 0);
	if (strncmp(high, "tag ", 4) || munmap(high, 4096) || munmap(low, 4096)) {
		printf("highmap: read back or munmap failed\n");
		return 1;
	}
	printf("highmap: read back and unmapped: ok\n");
	return 0;
}
