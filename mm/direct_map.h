/* The direct map (mm/direct_map.c). */
#ifndef MM_DIRECT_MAP_H
#define MM_DIRECT_MAP_H

#include "mm/pgtable.h"

extern pgd_t swapper_pg_dir[PTRS_PER_PGD];

/* Maps all RAM at PAGE_OFFSET, copies the boot table into swapper_pg_dir
 * and switches CR3 to it. Boot only, after memblock is set up; panics if
 * RAM cannot be mapped (no table pages). */
void init_mem_mapping(void);

/* Prints DirectMap4k/2M/1G as /proc/meminfo does (`directmap`). */
void direct_map_show(void);

#endif
