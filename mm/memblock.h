/* memblock: the boot-time physical memory manager (Linux's name and
 * model). Two sorted lists of non-overlapping, non-adjacent regions:
 * `memory` (usable RAM, trimmed to whole pages) and `reserved` (what must
 * not be handed out: the first 1 MiB, the kernel image, boot modules,
 * firmware tables, early allocations). A page is free iff it is in memory
 * and not in reserved. Used until the buddy allocator takes over.
 *
 * `memory` comes from the firmware map: kernel/e820.c judges the map and
 * fills it (e820__memblock_setup). */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/types.h"

#define INIT_MEMBLOCK_REGIONS 128
#define MEMBLOCK_ALLOC_LIMIT  (1ULL << 52)   /* no region ends past MAXPHYADDR */

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};

struct memblock_type {
	unsigned long cnt;
	phys_addr_t total_size;
	const char *name;
	struct memblock_region regions[INIT_MEMBLOCK_REGIONS];
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
	bool frozen;            /* memblock_alloc refuses (the buddy allocator owns memory) */
	bool bottom_up;         /* lowest fit first, from bottom_up_start */
	phys_addr_t bottom_up_start;
};

extern struct memblock memblock;

/* Empties both lists; top-down again. */
void memblock_reset(void);

/* Bottom-up mode (Linux's memblock_set_bottom_up, with the start that its
 * memblock_find_in_range_node took from the kernel image's end): with
 * enable, allocations take the lowest fit at or above start, and fall back
 * to top-down anywhere in their range when nothing fits there. */
void memblock_set_bottom_up(bool enable, phys_addr_t start);

/* Adds [base, base+size) to memory / reserved, merging with neighbours.
 * 0, or -EINVAL (zero size, wrap, past MEMBLOCK_ALLOC_LIMIT) or -ENOSPC
 * (list full), each with one line. */
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
/* Removes [base, base+size) from memory (splitting a region if needed). */
int memblock_remove(phys_addr_t base, phys_addr_t size);
/* Removes a range from reserved (memblock_free in Linux). */
int memblock_phys_free(phys_addr_t base, phys_addr_t size);

/* The same on either list without the checks and the line: for callers
 * that validated the range and report a full list themselves (e820).
 * The range must be non-empty and end at or below MEMBLOCK_ALLOC_LIMIT.
 * 0, or -ENOSPC with the list unchanged. */
int memblock_add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size);
int memblock_remove_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size);

/* Every region of memory, lowest first (Linux's iterator). */
#define for_each_mem_region(region)					\
	for (region = memblock.memory.regions;				\
	     region < memblock.memory.regions + memblock.memory.cnt; region++)

/* Finds and reserves `size` bytes aligned to `align` (a power of two,
 * >= 1) in [start, limit) (limit 0: no limit): the highest free address
 * first, as Linux does top-down; in bottom-up mode the lowest at or above
 * bottom_up_start first. Returns the physical address, or 0 with one
 * line (no room, bad align, frozen). memblock_phys_alloc: any address. */
phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t limit);
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align);

/* The same, zeroed, returned as its direct-map address; NULL (one line)
 * before the direct map exists or when nothing fits inside it. */
void *memblock_alloc(phys_addr_t size, phys_addr_t align);
/* The same, not zeroed (Linux's name), for a caller that writes every
 * byte itself: mem_map, each of whose struct pages mem_init writes once,
 * would otherwise be written twice. */
void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align);

bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_reserved(phys_addr_t addr);
/* Free bytes: memory minus reserved. */
phys_addr_t memblock_free_bytes(void);

/* Prints both lists like Linux's memblock=debug ("memory.cnt = 0x3",
 * " memory[0x0]	[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes"). */
void memblock_dump_all(int (*out)(const char *fmt, ...));
/* memblock_dump_all on the console, then the totals (`memblock`). */
void memblock_show(void);

#endif
