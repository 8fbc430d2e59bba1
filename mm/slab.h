/* kmalloc and object caches (mm/slab.c): a kmem_cache hands out objects
 * of one size, carved from whole pages of the buddy allocator (one slab =
 * one page here); kmalloc picks the size-class cache (8 ... 4096 bytes)
 * and takes bigger requests straight from the page allocator. Freed
 * objects are poisoned with POISON_FREE (0x6b, Linux's value) so a use
 * after free shows; a bit per object says whether it is free, so a double
 * free is caught in O(1). */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <stddef.h>
#include "mm/page_alloc.h"

#define POISON_FREE   0x6b
#define KMALLOC_MIN_SIZE 8
#define KMALLOC_MAX_CACHE_SIZE 4096

struct kmem_cache;

/* A cache of `size`-byte objects aligned to `align` (0: 8); NULL if size
 * is 0 or over KMALLOC_MAX_CACHE_SIZE or no room for another cache. */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned long flags);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);   /* NULL when out of memory */
/* Frees obj back to cache; a pointer that is not a live object of this
 * cache (wrong cache, not an object boundary, already free) prints one
 * line and changes nothing. */
void kmem_cache_free(struct kmem_cache *cache, void *obj);

void *kmalloc(size_t size, gfp_t gfp);          /* NULL for size 0 or out of memory */
void *kzalloc(size_t size, gfp_t gfp);
/* NULL: nothing. Anything else that is not a live kmalloc object: one line. */
void kfree(const void *obj);
size_t ksize(const void *obj);                  /* the usable size; 0 if not live */

/* Creates the size-class caches; after page_alloc has memory. */
void kmem_cache_init(void);
unsigned long slab_pages(void);                 /* pages the caches hold (meminfo "Slab") */
/* Linux /proc/slabinfo-like lines: name, active objects, total objects,
 * object size, objects per slab, pages per slab, slabs. */
void slabinfo_print(int (*out)(const char *fmt, ...));
/* slabinfo_print on the console, then the pages in slabs (`slabinfo`). */
void slabinfo_show(void);

#endif
