/* The small idioms every part of the kernel uses, with Linux's names
 * (include/linux/types.h, array_size.h, minmax.h, container_of.h):
 * physical address types, ARRAY_SIZE, min/max, container_of.
 *
 * Compile-time checks keep them honest, as Linux's do: ARRAY_SIZE of a
 * pointer, min/max of two different types and container_of from the wrong
 * member type are build errors, not wrong answers at run time. */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A physical address, and the bounds of a resource (kernel/resource.h).
 * unsigned long long, as Linux's u64: printed with %llx, without casts. */
typedef unsigned long long phys_addr_t;
typedef phys_addr_t resource_size_t;

/* ---- compile-time checks ------------------------------------------------ */

#define __same_type(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))
/* 0, or a build error (a bit-field of negative width) if e is true. */
#define BUILD_BUG_ON_ZERO(e) ((int)sizeof(struct { int : (-!!(e)); }))
/* An array decays to a pointer to its first element; a pointer is already one. */
#define __must_be_array(a) BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))

#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
/* A fresh identifier per use, so macros can nest without shadowing. */
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

/* ---- ARRAY_SIZE ------------------------------------------------------------ */

/* Elements in an array (not a pointer: that does not compile). size_t. */
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))

/* ---- min / max ------------------------------------------------------------- */

/* Each argument is evaluated once. Comparing the two pointers makes the
 * compiler warn (an error under -Werror) if x and y differ in type, so a
 * signed/unsigned mix cannot pick the wrong one silently; min_t/max_t
 * convert both to an explicit type first. */
#define __cmp_once(op, x, y, ux, uy) ({			\
	__typeof__(x) ux = (x);				\
	__typeof__(y) uy = (y);				\
	(void)(&ux == &uy);				\
	ux op uy ? ux : uy; })

#define min(x, y) __cmp_once(<, x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))
#define max(x, y) __cmp_once(>, x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))
#define min_t(type, x, y) __cmp_once(<, (type)(x), (type)(y), __UNIQUE_ID(x_), __UNIQUE_ID(y_))
#define max_t(type, x, y) __cmp_once(>, (type)(x), (type)(y), __UNIQUE_ID(x_), __UNIQUE_ID(y_))

/* ---- container_of ---------------------------------------------------------- */

/* The structure of type `type` whose member `member` ptr points at: the
 * member's address less its offset. ptr must point at that member type. */
#define container_of(ptr, type, member) ({					\
	char *__mptr = (char *)(ptr);						\
	_Static_assert(__same_type(*(ptr), ((type *)0)->member),		\
		       "pointer type mismatch in container_of()");		\
	((type *)(__mptr - offsetof(type, member))); })

#endif
