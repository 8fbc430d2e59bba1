/* memhog: demand for memory until the kernel says no. Each round maps 1 MiB
 * of anonymous memory and touches every 4 KiB page of it, so every page
 * needs a real frame. When memory runs out mmap must fail with -ENOMEM and
 * the process must still be able to exit cleanly; exit then gives every
 * frame and page-table page back (the tests compare free pages before and
 * after, so memhog never unmaps anything itself).
 *
 * usage: memhog [MIB]   stop after MIB MiB (default: until mmap fails) */
#include "user/lib/ulib.h"

#define MIB         (1UL << 20)
#define PAGE_SIZE   4096UL
#define PAGES_PER_MIB (MIB / PAGE_SIZE)

/* The first word of page i of the chunk. */
static unsigned long *page(void *chunk, unsigned long i)
{
	return (unsigned long *)((char *)chunk + i * PAGE_SIZE);
}

/* Writes its own number into every page of the chunk, then reads them all
 * back: two pages sharing one frame would show up here. */
static void touch(void *chunk, unsigned long mib)
{
	for (unsigned long i = 0; i < PAGES_PER_MIB; i++)
		*page(chunk, i) = mib * PAGES_PER_MIB + i;
	for (unsigned long i = 0; i < PAGES_PER_MIB; i++) {
		unsigned long want = mib * PAGES_PER_MIB + i;
		unsigned long got = *page(chunk, i);

		if (got != want) {
			printf("memhog: page %lu of MiB %lu reads %lu, wrote %lu\n", i, mib, got, want);
			exit(2);
		}
	}
}

int main(int argc, char *argv[])
{
	unsigned long limit = ~0UL, mib;

	if (argc > 2 || (argc == 2 && kstrtoul(argv[1], 10, &limit) < 0)) {
		printf("usage: memhog [MIB]\n");
		return 2;
	}
	for (mib = 0; mib < limit; mib++) {
		void *p = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (IS_ERR(p)) {
			long err = PTR_ERR(p);

			if (err == -ENOMEM) {
				printf("memhog: mmap failed with -ENOMEM after %lu MiB\n", mib);
				return 0;
			}
			printf("memhog: mmap failed with %ld after %lu MiB\n", err, mib);
			return 1;
		}
		touch(p, mib);
	}
	printf("memhog: mapped and touched %lu MiB\n", mib);
	return 0;
}
