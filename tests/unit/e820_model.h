/* The e820 part of the memblock reference model (tests/unit/test_e820.c):
 * what kernel/e820.c should leave in memblock.memory for a firmware map,
 * worked out page by page on memblock_model.h's page map, and the check
 * that compares the two. Include after tests/unit/memblock_model.h. */
#ifndef TESTS_UNIT_E820_MODEL_H
#define TESTS_UNIT_E820_MODEL_H

#ifndef TESTS_UNIT_MEMBLOCK_MODEL_H
#error "include tests/unit/memblock_model.h before tests/unit/e820_model.h"
#endif

#include "kernel/e820.h"

static inline bool page_inside(const struct e820_entry *e, uint64_t a)
{
	unsigned __int128 end = (unsigned __int128)e->addr + e->size;

	return e->size && e->addr <= a && a + PG <= end;
}

static inline bool page_touches(const struct e820_entry *e, uint64_t a)
{
	unsigned __int128 end = (unsigned __int128)e->addr + e->size;

	return e->size && e->addr < a + PG && a < end;
}

/* Sets (on) or clears M on every page for which pred(e, page) holds;
 * returns the address of the first such page, ~0 if none. Only the pages
 * near e are tried, but pred alone decides. */
static inline uint64_t model_mark(const struct e820_entry *e,
			   bool (*pred)(const struct e820_entry *, uint64_t), bool on)
{
	unsigned __int128 end = (unsigned __int128)e->addr + e->size;
	uint64_t first = ~0ULL;

	for (int w = 0; w < NWIN; w++) {
		uint64_t top = win[w].base + win[w].npages * PG;
		uint64_t i = e->addr > win[w].base ? (e->addr - win[w].base) / PG : 0;

		for (; i < win[w].npages && win[w].base + i * PG < end && e->addr < top; i++) {
			if (!pred(e, win[w].base + i * PG))
				continue;
			first = first != ~0ULL ? first : win[w].base + i * PG;
			win[w].page[i] = on ? win[w].page[i] | M : win[w].page[i] & ~M;
		}
	}
	return first;
}

/* What __e820__memblock_setup should leave in memory, page by page: each usable
 * entry's whole pages in table order (dropped if the list would pass
 * MAX_REGS), then each other entry's touched pages taken out (if that
 * would pass MAX_REGS, everything from its first page to the end of that
 * run goes instead). Returns how many entries were dropped or cut short. */
static inline int model_e820(const struct e820_entry *map, uint32_t nr)
{
	static uint8_t saved[NWIN][65536];
	int events = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t k = 0; k < nr; k++) {
			uint64_t first;

			if ((map[k].type == E820_TYPE_RAM) != (pass == 0))
				continue;
			for (int w = 0; w < NWIN; w++)
				memcpy(saved[w], win[w].page, win[w].npages);
			first = model_mark(&map[k], pass ? page_touches : page_inside, !pass);
			if (model_runs(M) <= MAX_REGS)
				continue;
			events++;
			for (int w = 0; w < NWIN; w++)
				memcpy(win[w].page, saved[w], win[w].npages);
			for (; pass && page_at(first) && (*page_at(first) & M); first += PG)
				*page_at(first) &= ~M;
		}
	}
	return events;
}

/* __e820__memblock_setup against the model, with the warning count worked out
 * by hand for each map: `lines` lines about `entries` entries. */
static inline void check_e820(const struct e820_entry *map, uint32_t nr, int lines, int entries)
{
	int got;

	reset();
	got = __e820__memblock_setup(map, nr);
	model_e820(map, nr);
	EXPECT_EQ(got, entries);
	EXPECT_EQ(nr_lines, lines);
	EXPECT_EQ(nr_calls, lines);
	check_against_model();
	if (unit_failures)
		UNIT_DIAG("messages:\n%s", msgs);
}

#endif
