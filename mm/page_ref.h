/* Page reference counts (Linux's include/linux/page_ref.h and mm.h:
 * page_ref_count, get_page, put_page). struct page's refcount (Linux's
 * _refcount; mm/page_alloc.h keeps the name it has always had there) is
 * 1 when alloc_pages returns a page; each further PTE that maps the page
 * takes one more (fork's copy_page_range, the shared [vvar] page), and
 * put_page frees the page when the last one goes. A copy-on-write fault
 * uses the count to tell a shared page (copy it) from one whose other
 * users have all gone (just make it writable again: do_wp_page). */
#ifndef MM_PAGE_REF_H
#define MM_PAGE_REF_H

#include "mm/page_alloc.h"

static inline int page_ref_count(const struct page *page)
{
	return page->refcount;
}

static inline void get_page(struct page *page)
{
	page->refcount++;
}

/* Drops one reference; the last one frees the (order-0) page. */
static inline void put_page(struct page *page)
{
	if (--page->refcount == 0) {
		page->refcount = 1;     /* __free_pages takes an allocated page */
		__free_pages(page, 0);
	}
}

#endif
