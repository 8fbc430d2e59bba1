/* struct page and the buddy allocator (mm/page_alloc.c).
 *
 * Layout: a flat array, mem_map[pfn] for every page frame from 0 to
 * max_pfn (holes included, marked PG_reserved), allocated from memblock at
 * boot. sizeof(struct page) is 64 bytes: 16 MiB per GiB of RAM (1.6%).
 * A vmemmap (the array itself mapped sparsely) would skip the holes; the
 * flat array is the simplest thing that works.
 *
 * Free memory is kept in blocks of 2^order pages (order 0..MAX_ORDER), one
 * free list per order; a block's buddy is the block at pfn ^ (1 << order);
 * two free buddies merge into one block of the next order (Knuth's buddy
 * system, as Linux's mm/page_alloc.c). */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/list.h"

#define MAX_ORDER       10              /* orders 0..10: up to 4 MiB blocks */
#define NR_PAGE_ORDERS  (MAX_ORDER + 1)

typedef unsigned int gfp_t;
#define GFP_KERNEL      0x0u
#define __GFP_ZERO      0x100u          /* the pages come back zeroed */
#define __GFP_NOWARN    0x200u          /* no line when the allocation fails */

/* page flags */
#define PG_reserved     (1UL << 0)      /* not managed: firmware, kernel image, holes */
#define PG_buddy        (1UL << 1)      /* heads a free block of page->order pages */
#define PG_head         (1UL << 2)      /* heads an allocated block of page->order pages */
#define PG_slab         (1UL << 3)      /* owned by a kmem_cache (mm/slab.c) */
#define PG_pgtable      (1UL << 4)      /* a page-table page */

struct kmem_cache;

struct page {
	unsigned long flags;
	unsigned int order;             /* PG_buddy / PG_head: the block's order */
	int refcount;                   /* 1 while allocated, 0 when free */
	struct list_head lru;           /* on a list: a free list (PG_buddy heads), a slab
					 * cache's partial list (PG_slab), pgd_list */
	struct kmem_cache *slab_cache;  /* PG_slab: its cache */
	void *freelist;                 /* PG_slab: first free object */
	unsigned int inuse;             /* PG_slab: live objects */
	unsigned int free_map[3];       /* PG_slab: a bit per free object, if it has
					 * <= 96 objects (mm/slab.c); 64 bytes in all */
};
_Static_assert(sizeof(struct page) == 64, "struct page is 64 bytes (16 MiB per GiB)");

struct free_area {
	struct list_head free_list;     /* head pages, through page->lru */
	unsigned long nr_free;          /* blocks on the list */
};

extern struct page *mem_map;
extern unsigned long max_pfn;           /* mem_map covers pfns [0, max_pfn) */
extern struct free_area free_area[NR_PAGE_ORDERS];
extern unsigned long totalram_pages;    /* pages ever handed to the allocator */

/* Sets up an empty allocator over map[0..nr_pfns), every page reserved. */
void page_alloc_init(struct page *map, unsigned long nr_pfns);

/* Boot's mem_map in one pass, each struct page written once: the allocator
 * over map (contents not read), then every pfn from 0 to nr_pfns, lowest
 * first, through one of the two memmap_init calls: reserved, or free and
 * on the free lists (counted in totalram_pages). Free ranges must not
 * touch each other (a reserved page or a hole between any two). */
void free_area_init(struct page *map, unsigned long nr_pfns);
void memmap_init_range(unsigned long start_pfn, unsigned long end_pfn);
void memmap_init_free_range(unsigned long start_pfn, unsigned long end_pfn);

/* Boot hands free memory over: [start_pfn, end_pfn) stop being reserved
 * and join the free lists in the largest aligned blocks (counted in
 * totalram_pages). */
void free_pages_range_core(unsigned long start_pfn, unsigned long end_pfn);

/* 2^order contiguous pages, or NULL (one rate-limited line unless
 * __GFP_NOWARN). order > MAX_ORDER: NULL with a line. */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
/* Frees a block alloc_pages returned, with its order. A bad free (pfn
 * outside mem_map, a reserved page, a page already free, not the head of
 * an allocation, the wrong order) prints one line naming the function,
 * pfn, order and the problem, and changes nothing. */
void __free_pages(struct page *page, unsigned int order);

unsigned long __get_free_pages(gfp_t gfp, unsigned int order);   /* address or 0 */
#define __get_free_page(gfp) __get_free_pages(gfp, 0)
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages(addr, 0)

static inline unsigned long page_to_pfn(const struct page *page) { return (unsigned long)(page - mem_map); }
static inline struct page *pfn_to_page(unsigned long pfn) { return mem_map + pfn; }
/* The page's address in the direct map (kernel: mm/page_alloc.c; the host
 * tests provide their own over simulated memory). */
void *page_address(const struct page *page);
/* NULL if addr is not in the direct map's RAM. */
struct page *virt_to_page(const void *addr);

unsigned long nr_free_pages(void);
/* Linux /proc/buddyinfo: "Node 0, zone   Normal" then the count of free
 * blocks of each order, "%7lu" each. */
void buddyinfo_print(int (*out)(const char *fmt, ...));

#endif
