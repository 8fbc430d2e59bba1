/* `bench vmalloc`: what a vmalloc+vfree costs as the number of live areas
 * grows (make bench runs it), and what the area allocator alone costs.
 * With its O(log n) trees that should stay nearly flat; a list walk would
 * grow linearly. The rest of a vmalloc is the buddy allocator (one page
 * at a time), kmalloc and the page-table writes and INVLPGs. */
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/types.h"
#include "kernel/x86.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

#define BENCH_ROUNDS  100
#define BENCH_BATCHES 7

static const unsigned long live_counts[] = { 10, 1000, 10000 };
static const unsigned long sizes[] = { 1, 16, 0 };     /* pages; 0: the area alone */
#define NR_SIZES ARRAY_SIZE(sizes)

/* One round: vmalloc+vfree of `pages`, or (0) just take and give back a
 * one-page area, no pages, no mapping: the area allocator's own cost. */
static bool round_trip(unsigned long pages)
{
	struct vm_struct *vm;
	void *p;

	if (pages) {
		p = vmalloc(pages * PAGE_SIZE);
		vfree(p);
		return p;
	}
	vm = __get_vm_area_caller(PAGE_SIZE, PAGE_SIZE, VM_MAP, 0);
	if (vm)
		kfree(remove_vm_area(vm->addr));
	return vm;
}

/* TSC cycles of one round_trip: the mean over a batch of
 * rounds, the lowest of several batches (the least disturbed, under TCG,
 * by code translation); 0 if out of memory. Interrupts are off during a
 * batch: a timer tick inside one would add its handler's cycles, and
 * under -icount whether one lands there depends on when the host typed
 * the command, so the figure would not repeat. */
static unsigned long measure(unsigned long pages)
{
	unsigned long best = ~0UL;

	for (int b = 0; b < BENCH_BATCHES; b++) {
		unsigned long flags = local_irq_save();
		uint64_t t0 = rdtsc();
		bool ok = true;

		for (int i = 0; i < BENCH_ROUNDS && ok; i++)
			ok = round_trip(pages);
		t0 = (rdtsc() - t0) / BENCH_ROUNDS;
		local_irq_restore(flags);
		if (!ok)
			return 0;
		if (t0 < best)
			best = t0;
	}
	return best;
}

int bench_vmalloc(void)
{
	unsigned long max = live_counts[ARRAY_SIZE(live_counts) - 1], n = 0;
	void **live = vmalloc(max * sizeof(void *));
	int ret = 0;

	if (!live)
		return -ENOMEM;
	console_printf("bench vmalloc: TSC cycles per vmalloc+vfree, best of %d batches of %d\n",
		       BENCH_BATCHES, BENCH_ROUNDS);
	console_printf("%12s %10s %10s %10s\n", "live areas", "1 page", "16 pages", "area only");
	for (unsigned int c = 0; c < ARRAY_SIZE(live_counts); c++) {
		unsigned long cycles[NR_SIZES];

		while (n < live_counts[c] && (live[n] = vmalloc(PAGE_SIZE)))
			n++;
		if (n < live_counts[c]) {
			console_printf("out of memory at %lu live areas\n", n);
			ret = -ENOMEM;
			break;
		}
		for (unsigned int s = 0; s < NR_SIZES; s++)
			cycles[s] = measure(sizes[s]);
		console_printf("%12lu %10lu %10lu %10lu\n", n, cycles[0], cycles[1], cycles[2]);
	}
	while (n)
		vfree(live[--n]);
	vfree(live);
	return ret;
}
