/* The resource tree (kernel/resource.c): who owns which range of physical
 * address space (iomem_resource) and of I/O ports (ioport_resource), as a
 * tree of non-overlapping siblings with children nested inside their
 * parent's range, Linux's struct resource and names. `iomem` and
 * `ioports` print it like /proc/iomem and /proc/ioports. */
#ifndef KERNEL_RESOURCE_H
#define KERNEL_RESOURCE_H

#include <stdint.h>
#include "kernel/types.h"

#define IORESOURCE_IO    0x00000100UL
#define IORESOURCE_MEM   0x00000200UL
#define IORESOURCE_BUSY  0x80000000UL   /* claimed by a driver (request_region) */
/* What a PCI BAR is (Linux's include/linux/ioport.h values): */
#define IORESOURCE_PREFETCH 0x00002000UL /* no side effects on reads */
#define IORESOURCE_READONLY 0x00004000UL /* an expansion ROM */
#define IORESOURCE_MEM_64   0x00100000UL /* a 64-bit memory BAR */
#define IORESOURCE_WINDOW   0x00200000UL /* a bridge's forwarding window */
#define IORESOURCE_DISABLED 0x10000000UL /* decoding off (a ROM not enabled) */
#define IORESOURCE_UNSET    0x20000000UL /* no address assigned */
#define IORESOURCE_ROM_ENABLE 0x00000001UL /* ROM BAR's enable bit was set */

struct resource {
	resource_size_t start, end;     /* inclusive */
	const char *name;
	unsigned long flags;
	struct resource *parent, *sibling, *child;
};

extern struct resource iomem_resource;  /* 0 - 2^64-1 */
extern struct resource ioport_resource; /* 0 - 0xffff */

/* Inserts `new` as a child of `root` (or deeper: inside whichever child
 * wholly contains it). 0, -EINVAL (empty/inverted or outside root) or
 * -EBUSY (overlaps a resource it does not nest in: one line naming it). */
int request_resource(struct resource *root, struct resource *new);
/* The same, returning the resource in the way (NULL on success). */
struct resource *request_resource_conflict(struct resource *root, struct resource *new);
/* request_resource_conflict without its line. */
struct resource *__request_resource(struct resource *root, struct resource *new);
/* Removes `old` (which must have no children); 0 or -EINVAL. */
int release_resource(struct resource *old);

/* Allocates and inserts a busy resource [start, start+n); NULL (one line
 * naming the existing resource it collides with) on conflict. */
struct resource *__request_region(struct resource *parent, resource_size_t start,
				  resource_size_t n, const char *name, unsigned long flags);
/* Releases the busy region [start, start+n) requested before; one line if
 * there is none exactly there. */
void __release_region(struct resource *parent, resource_size_t start, resource_size_t n);

#define request_region(start, n, name)     __request_region(&ioport_resource, (start), (n), (name), IORESOURCE_IO)
#define request_mem_region(start, n, name) __request_region(&iomem_resource, (start), (n), (name), IORESOURCE_MEM)
#define release_region(start, n)           __release_region(&ioport_resource, (start), (n))
#define release_mem_region(start, n)       __release_region(&iomem_resource, (start), (n))

/* /proc/iomem, /proc/ioports format: two spaces of indent per level, at
 * least `digits` hex digits ("%0*llx-%0*llx : name"); 8 for iomem, 4 for
 * ioports. */
void resource_print(const struct resource *root, int digits, int (*out)(const char *fmt, ...));

#endif
