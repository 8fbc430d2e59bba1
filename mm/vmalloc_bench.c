/* `bench vmalloc`: what a vmalloc+vfree costs as the number of live areas
 * grows (make bench runs it). With the area allocator's O(log n) trees the
 * cost should stay nearly flat; a list walk would grow linearly. */
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/string.h"
#include "kernel/x86.h"
#include "mm/vmalloc.h"

#define BENCH_ROUNDS 500

static const unsigned long live_counts[] = { 10, 1000, 10000 };
static const unsigned long sizes[] = { 1, 16 };        /* pages */

/* Mean TSC cycles of one vmalloc(pages) + vfree, 0 if out of memory. */
static unsigned long measure(unsigned long pages)
{
	uint64_t t0 = rdtsc();

	for (int i = 0; i < BENCH_ROUNDS; i++) {
		void *p = vmalloc(pages * PAGE_SIZE);

		if (!p)
			return 0;
		vfree(p);
	}
	return (rdtsc() - t0) / BENCH_ROUNDS;
}

static int bench_vmalloc(void)
{
	unsigned long max = live_counts[sizeof(live_counts) / sizeof(live_counts[0]) - 1], n = 0;
	void **live = vmalloc(max * sizeof(void *));
	int ret = 0;

	if (!live)
		return -ENOMEM;
	console_printf("bench vmalloc: TSC cycles per vmalloc+vfree, mean of %d rounds\n",
		       BENCH_ROUNDS);
	console_printf("%12s %10s %10s\n", "live areas", "1 page", "16 pages");
	measure(1);             /* warm-up: the first round pays for cold caches (and TCG translation) */
	for (unsigned int c = 0; c < sizeof(live_counts) / sizeof(live_counts[0]); c++) {
		unsigned long cycles[2];

		while (n < live_counts[c] && (live[n] = vmalloc(PAGE_SIZE)))
			n++;
		if (n < live_counts[c]) {
			console_printf("out of memory at %lu live areas\n", n);
			ret = -ENOMEM;
			break;
		}
		for (int s = 0; s < 2; s++)
			cycles[s] = measure(sizes[s]);
		console_printf("%12lu %10lu %10lu\n", n, cycles[0], cycles[1]);
	}
	while (n)
		vfree(live[--n]);
	vfree(live);
	return ret;
}

static int cmd_bench(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "vmalloc"))
		return -1;
	return bench_vmalloc();
}
DEFINE_SHELL_CMD(bench, "bench vmalloc", "cycles per vmalloc+vfree against live areas", cmd_bench);
