/* Shared by the resource-tree host tests (test_resource.c,
 * test_resource_random.c): kzalloc/kfree over malloc with every live
 * object remembered, a printk that keeps each message and counts lines,
 * resource_print captured into a buffer, and small builders. Static and
 * inline, so a program that does not use a helper gets no
 * -Wunused-function. Include after tests/unit/unit.h. */
#ifndef TESTS_UNIT_RESOURCE_HARNESS_H
#define TESTS_UNIT_RESOURCE_HARNESS_H

#ifndef TESTS_UNIT_UNIT_H
#error "include tests/unit/unit.h before tests/unit/resource_harness.h"
#endif

#include <stdarg.h>
#include <stdint.h>
#include "tests/unit/unit.h"
#include "kernel/resource.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm/slab.h"

/* ---- kzalloc/kfree over malloc/free, every live object remembered ------ */

#define MAX_LIVE 1024
static void *live[MAX_LIVE];
static int nr_live;

void *kzalloc(size_t size, gfp_t gfp)
{
	void *p;

	(void)gfp;
	if (nr_live == MAX_LIVE)
		return NULL;
	p = calloc(1, size);
	if (p)
		live[nr_live++] = p;
	return p;
}

static inline int live_index(const void *p)
{
	for (int i = 0; i < nr_live; i++)
		if (live[i] == p)
			return i;
	return -1;
}

void kfree(const void *obj)
{
	int i;

	if (!obj)
		return;
	i = live_index(obj);
	EXPECT_TRUE(i >= 0);                    /* freeing what kzalloc gave */
	if (i < 0)
		return;
	live[i] = live[--nr_live];
	free((void *)obj);
}

/* ---- printk: messages kept without their level, lines counted ----------- */

#define PRINTK_CAPTURE_PARTIAL_LINES
#include "tests/unit/printk_capture.h"

/* ---- resource_print into a buffer --------------------------------------- */

static inline const char *printed(const struct resource *root, int digits)
{
	out_reset();
	resource_print(root, digits, out_capture);
	return out_buf;
}

/* ---- helpers ------------------------------------------------------------- */

#define MEM_ROOT(r) struct resource r = { 0, ~0ULL, "PCI mem", IORESOURCE_MEM, NULL, NULL, NULL }
#define IO_ROOT(r)  struct resource r = { 0, 0xffff, "PCI IO", IORESOURCE_IO, NULL, NULL, NULL }

static inline struct resource res(resource_size_t start, resource_size_t end, const char *name,
			   unsigned long flags)
{
	return (struct resource){ .start = start, .end = end, .name = name, .flags = flags };
}

/* The global roots empty and nothing live, whatever a failed test before
 * left behind (its resources may have been on its stack). */
static inline void reset_globals(void)
{
	iomem_resource.child = ioport_resource.child = NULL;
	while (nr_live)
		free(live[--nr_live]);
	clear_msgs();
}

/* Empties the tree under root the way its owners would: leaves first,
 * release_region for what kzalloc made, release_resource for the rest.
 * Every call must take exactly one resource out. */
static inline void release_all(struct resource *root)
{
	while (root->child) {
		struct resource *r = root->child;

		while (r->child)
			r = r->child;
		if (live_index(r) >= 0) {
			int before = nr_live;

			__release_region(root, r->start, r->end - r->start + 1);
			EXPECT_EQ(nr_live, before - 1);
			if (nr_live != before - 1)
				return;
		} else if (release_resource(r) != 0) {
			EXPECT_TRUE(false);
			return;
		}
	}
}

#endif
