/* Error pointers (Linux's include/linux/err.h): a function that returns a
 * pointer can return -errno in it instead. The top 4095 values of the
 * address space are never a valid object (they lie above the fixmap, in
 * the last page, which nothing maps), so a pointer there is an error code:
 *
 *   vma = mmap_region(...);
 *   if (IS_ERR(vma))
 *           return PTR_ERR(vma);         -ENOMEM, -EEXIST, ...
 *
 * IS_ERR_VALUE does the same test on an address held in an unsigned long
 * (get_unmapped_area's result). */
#ifndef KERNEL_ERR_H
#define KERNEL_ERR_H

#include <stdbool.h>

#define MAX_ERRNO 4095

#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

/* error is -MAX_ERRNO..-1. */
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

#endif
