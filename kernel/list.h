/* Doubly linked lists, Linux's (include/linux/list.h). A list is circular
 * through a head that is not an element; each element embeds a struct
 * list_head and is found from it with list_entry (container_of):
 *
 *   head <-> a.lru <-> b.lru <-> c.lru <-> (back to head)
 *
 * An empty list is a head pointing at itself, so adding and removing never
 * test for NULL or special-case the first element, and one list_head lets
 * an object sit on whichever list owns it right now (a struct page on a
 * buddy free list, then on a slab cache's partial list). */
#ifndef KERNEL_LIST_H
#define KERNEL_LIST_H

#include "kernel/types.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

/* Links new between two adjacent entries. */
static inline void __list_add(struct list_head *new, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = new;
	new->next = next;
	new->prev = prev;
	prev->next = new;
}

/* Adds new right after head: at the front (a stack). */
static inline void list_add(struct list_head *new, struct list_head *head)
{
	__list_add(new, head, head->next);
}

/* Adds new right before head: at the back (a queue). */
static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	__list_add(new, head->prev, head);
}

static inline void __list_del_entry(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
}

/* Takes entry off its list. Its links become NULL: a use after list_del
 * faults on page 0, which is never mapped (Linux writes the non-canonical
 * LIST_POISON values; NULL also leaves a struct page's links as mem_map
 * starts them). */
static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = NULL;
	entry->prev = NULL;
}

/* Takes entry off its list and makes it an empty list of its own. */
static inline void list_del_init(struct list_head *entry)
{
	__list_del_entry(entry);
	INIT_LIST_HEAD(entry);
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

/* The structure an entry is embedded in. */
#define list_entry(ptr, type, member) container_of(ptr, type, member)

/* The first element; the list must not be empty. */
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)

/* The first element, or NULL for an empty list. */
#define list_first_entry_or_null(head, type, member) ({			\
	struct list_head *__head = (head);					\
	struct list_head *__pos = __head->next;					\
	__pos != __head ? list_entry(__pos, type, member) : NULL; })

#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)

#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))

/* Every list_head of a list, head excluded. */
#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

/* Every element, front to back; the body must not remove pos. */
#define list_for_each_entry(pos, head, member)					\
	for (pos = list_first_entry(head, __typeof__(*pos), member);		\
	     !list_entry_is_head(pos, head, member);				\
	     pos = list_next_entry(pos, member))

/* The same, but pos may be removed (n already holds the next one). */
#define list_for_each_entry_safe(pos, n, head, member)				\
	for (pos = list_first_entry(head, __typeof__(*pos), member),		\
	     n = list_next_entry(pos, member);					\
	     !list_entry_is_head(pos, head, member);				\
	     pos = n, n = list_next_entry(n, member))

#endif
