/* kmalloc and object caches (mm/slab.h), a small SLUB-like allocator.
 *
 * A slab is one order-0 page. Its objects are packed from the page start,
 * `size` bytes apart (the object size rounded up to the cache's alignment):
 *
 *   page:  | obj 0 | obj 1 | ... | obj n-1 | unused tail |
 *
 * and its struct page says whose it is and what is free in it:
 *
 *   flags       PG_slab (the buddy allocator's own flags are left alone)
 *   slab_cache  the cache
 *   freelist    the first free object; a free object's first 8 bytes point
 *               to the next, NULL ends the list
 *   inuse       live objects
 *   lru         on the cache's list of partial slabs (a PG_slab page is
 *               never on a buddy free list, so the links are free to use)
 *   free_map    a bit per object, set while it is free (if it fits: below)
 *
 * Only partial slabs (page->freelist != NULL) are on a list. A full slab
 * is on none - a free finds it by virt_to_page() and puts it back on the
 * list. An empty slab goes straight back to the page allocator (Linux
 * keeps a few; keeping none lets a leak check see its exact baseline).
 *
 * Poison: a free object is POISON_FREE (0x6b) but for its link. Before
 * handing it out, kmem_cache_alloc checks both: a changed byte, or a link
 * that is neither NULL nor another free object of the slab, means a write
 * after free - one line, and the object is handed out anyway. A broken
 * link is not followed: the slab's other free objects are dropped from its
 * list (still free in the free map, and its page still goes back when its
 * last live object is freed). A new object reads 0x6b throughout unless
 * __GFP_ZERO asked for zeroes.
 *
 * The free map says in O(1) whether an object is free, so kfree catches a
 * double free without walking the freelist (SLUB's on_freelist, which it
 * runs only in debug mode) and alloc refuses a link to a live object. Its
 * home is struct page's free_map, 96 bits, which costs nothing: enough
 * for every slab of 96 objects or fewer, an object stride of 43 bytes or
 * more (kmalloc-64 and up). A slab of smaller objects keeps its map at the
 * end of the page, in the unused tail, giving up the last objects if the
 * tail is too short:
 *
 *   page:  | obj 0 | obj 1 | ... | obj n-1 | free map |
 *
 * kmalloc-8 holds 504 objects instead of 512 (a 64-byte map: 1.6% of the
 * page), kmalloc-16 254 of 256 and kmalloc-32 127 of 128 (0.8%). Like the
 * links, the map is trusted: an overflow off the last object can corrupt
 * it, which SLUB would catch only with red zones.
 *
 * kmalloc(n) uses the smallest size class >= n; over 4096 bytes it takes
 * 2^order pages from alloc_pages, marked page->slab_cache == &kmalloc_large
 * without PG_slab (the order is the buddy allocator's page->order). kfree
 * takes objects of kmem_cache_create's caches too, as Linux's does.
 *
 * No locking: one CPU, and not for use from interrupt handlers.
 */
#include <stdbool.h>
#include <stdint.h>
#include "mm/slab.h"
#include "mm/memlayout.h"
#include "kernel/printk.h"
#include "kernel/list.h"
#include "kernel/string.h"
#include "kernel/types.h"
#ifndef HOST_TEST
#endif

#define MAX_CACHES      32      /* kmalloc's 12 and 20 for kmem_cache_create */
#define CACHE_NAME_MAX  24
#define LINK_SIZE       sizeof(void *)  /* the freelist link in a free object */

struct kmem_cache {
	char name[CACHE_NAME_MAX];
	unsigned int object_size;       /* what the creator asked for: ksize() */
	unsigned int size;              /* stride: object_size rounded up to align */
	unsigned int align;
	unsigned int objs_per_slab;
	unsigned int free_map_offset;   /* of the map in the page; 0: in struct page */
	struct list_head partial;       /* slabs with a free object, through page->lru */
	unsigned long nr_slabs;         /* slabs (= pages) the cache holds */
	unsigned long nr_active;        /* live objects */
};

/* A static table, so the caches need no allocator to exist. */
static struct kmem_cache caches[MAX_CACHES];
static unsigned int nr_caches;

/* Not a cache: its address in page->slab_cache marks a large kmalloc. */
static struct kmem_cache kmalloc_large = { .name = "kmalloc-large" };
static unsigned long large_allocs, large_pages;

static const struct {
	unsigned int size;
	const char *name;
} kmalloc_info[] = {
	{ 8, "kmalloc-8" },     { 16, "kmalloc-16" },     { 32, "kmalloc-32" },
	{ 64, "kmalloc-64" },   { 96, "kmalloc-96" },     { 128, "kmalloc-128" },
	{ 192, "kmalloc-192" }, { 256, "kmalloc-256" },   { 512, "kmalloc-512" },
	{ 1024, "kmalloc-1k" }, { 2048, "kmalloc-2k" },   { 4096, "kmalloc-4k" },
};
#define NR_KMALLOC_CACHES ARRAY_SIZE(kmalloc_info)
static struct kmem_cache *kmalloc_caches[NR_KMALLOC_CACHES];

_Static_assert(KMALLOC_MIN_SIZE >= sizeof(void *), "a free object holds its link");

/* The free map is an array of 32-bit words, as struct page's free_map. */
#define MAP_WORD_BITS     32u
#define MAP_IN_PAGE_BITS  ((unsigned int)ARRAY_SIZE(((struct page *)0)->free_map) * MAP_WORD_BITS)
_Static_assert(sizeof(((struct page *)0)->free_map[0]) * 8 == MAP_WORD_BITS, "32-bit map words");

/* ---- a slab's objects and freelist ---------------------------------------- */

static void *get_free_pointer(const void *obj) { return *(void *const *)obj; }
static void set_free_pointer(void *obj, void *next) { *(void **)obj = next; }

/* The index of the object that starts at p in this slab page, or -1 if
 * no object starts there (p inside one, in the tail, or off the page). */
static inline int obj_index(const struct kmem_cache *c, const struct page *page,
			    const void *p)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)page_address(page);

	if (off >= (uintptr_t)c->objs_per_slab * c->size || off % c->size)
		return -1;
	return (int)(off / c->size);
}

/* Bytes of a free map for n objects: whole 32-bit words. */
static unsigned int free_map_bytes(unsigned int n)
{
	return (n + MAP_WORD_BITS - 1) / MAP_WORD_BITS * (MAP_WORD_BITS / 8);
}

/* The slab's free map: in its struct page, or after its last object. */
static inline unsigned int *free_map(const struct kmem_cache *c, struct page *page)
{
	if (!c->free_map_offset)
		return page->free_map;
	return (unsigned int *)((char *)page_address(page) + c->free_map_offset);
}

static inline bool obj_is_free(const unsigned int *map, unsigned int i)
{
	return map[i / MAP_WORD_BITS] >> (i % MAP_WORD_BITS) & 1;
}

static inline void mark_free(unsigned int *map, unsigned int i)
{
	map[i / MAP_WORD_BITS] |= 1u << (i % MAP_WORD_BITS);
}

static inline void mark_live(unsigned int *map, unsigned int i)
{
	map[i / MAP_WORD_BITS] &= ~(1u << (i % MAP_WORD_BITS));
}

/* kmem_cache_alloc takes from the front: the slab added last, new or just
 * no longer full (Linux's add_partial and remove_partial). */
static void add_partial(struct kmem_cache *c, struct page *page)
{
	list_add(&page->lru, &c->partial);
}

static void remove_partial(struct page *page)
{
	list_del(&page->lru);
}

/* ---- slabs: pages in and out ----------------------------------------------- */

/* A new slab for c, every object free and poisoned, on c's partial list;
 * NULL if the page allocator has no page (it says so unless __GFP_NOWARN). */
static struct page *new_slab(struct kmem_cache *c, gfp_t gfp)
{
	struct page *page = alloc_pages(gfp & ~__GFP_ZERO, 0);
	unsigned int *map;
	char *base;

	if (!page)
		return NULL;
	base = page_address(page);
	memset(base, POISON_FREE, PAGE_SIZE);
	map = free_map(c, page);
	memset(map, 0, free_map_bytes(c->objs_per_slab));
	for (unsigned int i = 0; i < c->objs_per_slab; i++) {
		bool last = i + 1 == c->objs_per_slab;

		set_free_pointer(base + i * c->size, last ? NULL : base + (i + 1) * c->size);
		mark_free(map, i);
	}
	page->flags |= PG_slab;
	page->slab_cache = c;
	page->freelist = base;
	page->inuse = 0;
	add_partial(c, page);
	c->nr_slabs++;
	return page;
}

/* Gives an empty slab (off every list) back to the page allocator. */
static void discard_slab(struct kmem_cache *c, struct page *page)
{
	page->flags &= ~PG_slab;
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = 0;
	memset(page->free_map, 0, sizeof(page->free_map));
	c->nr_slabs--;
	__free_pages(page, 0);
}

/* ---- allocating ------------------------------------------------------------- */

/* Pops the first free object of a partial slab, after checking that
 * nothing wrote to it while it was free (one line if something did): its
 * link must be NULL or another free object of the slab, the rest poison. */
static void *take_object(struct kmem_cache *c, struct page *page)
{
	unsigned char *obj = page->freelist;
	unsigned int *map = free_map(c, page);
	void *next = get_free_pointer(obj);
	int next_i = next ? obj_index(c, page, next) : -1;
	bool link_ok, intact;

	mark_live(map, (unsigned int)obj_index(c, page, obj));  /* so next == obj fails */
	link_ok = !next || (next_i >= 0 && obj_is_free(map, (unsigned int)next_i));
	intact = link_ok;

	for (unsigned int i = LINK_SIZE; intact && i < c->size; i++)
		intact = obj[i] == POISON_FREE;
	if (!intact)
		pr_err("kmem_cache_alloc: %s: object %p was written after free\n",
		       c->name, (void *)obj);
	page->freelist = link_ok ? next : NULL;
	page->inuse++;
	c->nr_active++;
	if (!page->freelist)
		remove_partial(page);           /* full (or its list is broken) */
	return obj;
}

void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp)
{
	struct page *page = list_first_entry_or_null(&cache->partial, struct page, lru);
	void *obj;

	if (!page) {
		page = new_slab(cache, gfp);
		if (!page)
			return NULL;
	}
	obj = take_object(cache, page);
	memset(obj, POISON_FREE, LINK_SIZE);    /* no stale pointer shows */
	if (gfp & __GFP_ZERO)
		memset(obj, 0, cache->object_size);
	return obj;
}

/* ---- what a pointer is ------------------------------------------------------ */

enum obj_state {
	OBJ_FOREIGN,    /* not in a slab page, nor the start of a large kmalloc's */
	OBJ_INTERIOR,   /* in a slab or large kmalloc, not at an object's start */
	OBJ_FREE,       /* an object's start, free in its slab's free map */
	OBJ_SLAB,       /* a live slab object */
	OBJ_LARGE,      /* a live large kmalloc */
};

/* Classifies obj (not NULL) and sets *pagep to its page (NULL if none).
 * Reads nothing of obj itself: a bad pointer is never dereferenced. */
static enum obj_state classify(const void *obj, struct page **pagep)
{
	struct page *page = virt_to_page(obj);

	*pagep = page;
	if (!page)
		return OBJ_FOREIGN;
	if (page->flags & PG_slab) {
		struct kmem_cache *c = page->slab_cache;
		int i = obj_index(c, page, obj);

		if (i < 0)
			return OBJ_INTERIOR;
		return obj_is_free(free_map(c, page), (unsigned int)i) ? OBJ_FREE : OBJ_SLAB;
	}
	if (page->slab_cache == &kmalloc_large)
		return obj == page_address(page) ? OBJ_LARGE : OBJ_INTERIOR;
	return OBJ_FOREIGN;
}

/* The one line for a pointer fn cannot free. */
static void report_bad_free(const char *fn, const void *obj, enum obj_state state,
			    const struct page *page)
{
	if (state == OBJ_FOREIGN)
		pr_err("%s(%p): not a kmalloc object\n", fn, obj);
	else if (state == OBJ_INTERIOR)
		pr_err("%s(%p): not the start of an object in cache %s\n", fn, obj,
		       page->slab_cache->name);
	else if (state == OBJ_FREE)
		pr_err("%s(%p): double free in cache %s\n", fn, obj,
		       page->slab_cache->name);
}

/* ---- freeing ---------------------------------------------------------------- */

/* Frees a live object (the caller checked): poison, push, and move the
 * slab between full, partial and gone. */
static void slab_free(struct kmem_cache *c, struct page *page, void *obj)
{
	bool was_full = !page->freelist;

	memset(obj, POISON_FREE, c->size);
	set_free_pointer(obj, page->freelist);
	mark_free(free_map(c, page), (unsigned int)obj_index(c, page, obj));
	page->freelist = obj;
	page->inuse--;
	c->nr_active--;
	if (!page->inuse) {
		if (!was_full)
			remove_partial(page);
		discard_slab(c, page);
	} else if (was_full) {
		add_partial(c, page);
	}
}

static void large_free(struct page *page)
{
	unsigned int order = page->order;

	page->slab_cache = NULL;
	large_allocs--;
	large_pages -= 1UL << order;
	__free_pages(page, order);
}

/* NULL does nothing, as kfree. */
void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	struct page *page;
	enum obj_state state;

	if (!obj)
		return;
	state = classify(obj, &page);
	if (state == OBJ_FOREIGN || state == OBJ_LARGE) {
		pr_err("kmem_cache_free(%p): not a slab object\n", obj);
		return;
	}
	if (page->slab_cache != cache) {
		pr_err("kmem_cache_free(%p): object of cache %s, not %s\n", obj,
		       page->slab_cache->name, cache->name);
		return;
	}
	if (state != OBJ_SLAB) {
		report_bad_free("kmem_cache_free", obj, state, page);
		return;
	}
	slab_free(cache, page, obj);
}

void kfree(const void *obj)
{
	struct page *page;
	enum obj_state state;

	if (!obj)
		return;
	state = classify(obj, &page);
	if (state == OBJ_SLAB)
		slab_free(page->slab_cache, page, (void *)obj);
	else if (state == OBJ_LARGE)
		large_free(page);
	else
		report_bad_free("kfree", obj, state, page);
}

size_t ksize(const void *obj)
{
	struct page *page;

	if (!obj)
		return 0;
	switch (classify(obj, &page)) {
	case OBJ_SLAB:  return page->slab_cache->object_size;
	case OBJ_LARGE: return PAGE_SIZE << page->order;
	default:        return 0;
	}
}

/* ---- kmalloc ---------------------------------------------------------------- */

/* Over KMALLOC_MAX_CACHE_SIZE: 2^order whole pages, the smallest order
 * that holds size. NULL (one line unless __GFP_NOWARN) if over the
 * largest buddy block or the page allocator is out of pages. */
static void *kmalloc_large_alloc(size_t size, gfp_t gfp)
{
	unsigned int order = 0;
	struct page *page;
	void *addr;

	while (order <= MAX_ORDER && (PAGE_SIZE << order) < size)
		order++;
	if (order > MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("kmalloc(%zu): over the largest block (%lu KiB)\n",
				size, (PAGE_SIZE << MAX_ORDER) >> 10);
		return NULL;
	}
	page = alloc_pages(gfp & ~__GFP_ZERO, order);
	if (!page)
		return NULL;
	page->slab_cache = &kmalloc_large;
	large_allocs++;
	large_pages += 1UL << order;
	addr = page_address(page);
	if (gfp & __GFP_ZERO)
		memset(addr, 0, PAGE_SIZE << order);
	return addr;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	unsigned int i = 0;

	if (!size)
		return NULL;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large_alloc(size, gfp);
	while (kmalloc_info[i].size < size)
		i++;
	if (!kmalloc_caches[i]) {
		pr_err("kmalloc(%zu): called before kmem_cache_init\n", size);
		return NULL;
	}
	return kmem_cache_alloc(kmalloc_caches[i], gfp);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

/* ---- caches ----------------------------------------------------------------- */

/* Objects per slab, and where their free map goes (see the top of the
 * file): struct page if they are few enough, else the end of the page,
 * with as many objects as leave room for it. */
static void calculate_sizes(struct kmem_cache *c)
{
	unsigned int n = PAGE_SIZE / c->size;

	c->free_map_offset = 0;
	if (n > MAP_IN_PAGE_BITS) {
		while (n * c->size + free_map_bytes(n) > PAGE_SIZE)
			n--;
		c->free_map_offset = n * c->size;
	}
	c->objs_per_slab = n;
}

/* The name is copied (truncated to 23 characters); no flags are defined
 * yet, so flags is ignored. align must be a power of two up to PAGE_SIZE; below
 * 8 it is raised to 8, for the freelist link. One line on failure. */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned long flags)
{
	struct kmem_cache *c;
	size_t len;

	(void)flags;
	if (!name)
		name = "(null)";
	if (!size || size > KMALLOC_MAX_CACHE_SIZE || align > PAGE_SIZE ||
	    (align & (align - 1))) {
		pr_err("kmem_cache_create(%s, %u, %u): bad size or alignment\n",
		       name, size, align);
		return NULL;
	}
	if (align < KMALLOC_MIN_SIZE)
		align = KMALLOC_MIN_SIZE;       /* 0 too: the default */
	if (nr_caches == MAX_CACHES) {
		pr_err("kmem_cache_create(%s): all %d caches in use\n", name, MAX_CACHES);
		return NULL;
	}
	c = &caches[nr_caches++];
	memset(c, 0, sizeof(*c));
	INIT_LIST_HEAD(&c->partial);
	len = strnlen(name, CACHE_NAME_MAX - 1);
	memcpy(c->name, name, len);
	c->name[len] = '\0';
	c->object_size = size;
	c->align = align;
	c->size = (size + align - 1) & ~(align - 1);
	calculate_sizes(c);
	return c;
}

/* Boot, once, after the page allocator has memory; a second call does
 * nothing. The caches themselves take no memory until first used. */
void kmem_cache_init(void)
{
	if (kmalloc_caches[0])
		return;
	for (unsigned int i = 0; i < NR_KMALLOC_CACHES; i++)
		kmalloc_caches[i] = kmem_cache_create(kmalloc_info[i].name,
						      kmalloc_info[i].size, 0, 0);
}

/* Every page slab.c holds from the page allocator: the slabs of all
 * caches plus the blocks of large kmallocs (as Linux counts large
 * kmallocs in the Slab line of /proc/meminfo). */
unsigned long slab_pages(void)
{
	unsigned long pages = large_pages;

	for (unsigned int i = 0; i < nr_caches; i++)
		pages += caches[i].nr_slabs;
	return pages;
}

/* active_slabs equals num_slabs: an empty slab is freed at once. */
void slabinfo_print(int (*out)(const char *fmt, ...))
{
	out("# name            <active_objs> <num_objs> <objsize> <objperslab> "
	    "<pagesperslab> : slabs <active_slabs> <num_slabs>\n");
	for (unsigned int i = 0; i < nr_caches; i++) {
		const struct kmem_cache *c = &caches[i];

		out("%-17s %13lu %10lu %9u %12u %14u : slabs %14lu %11lu\n",
		    c->name, c->nr_active, c->nr_slabs * c->objs_per_slab, c->size,
		    c->objs_per_slab, 1u, c->nr_slabs, c->nr_slabs);
	}
}

#ifndef HOST_TEST

/* slabinfo_print on the console, then the pages behind it (`slabinfo`). */
void slabinfo_show(void)
{
	slabinfo_print(console_printf);
	console_printf("%lu pages in slabs and large kmallocs (%lu large kmallocs, %lu pages)\n",
		       slab_pages(), large_allocs, large_pages);
}

#endif
