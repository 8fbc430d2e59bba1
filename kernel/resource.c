/* The resource tree (kernel/resource.h): who owns which range of physical
 * address space and of I/O ports.
 *
 * Each resource is an inclusive range [start, end]. Its children lie
 * wholly inside it, on one singly linked sibling list sorted by start and
 * never overlapping, so a tree looks like /proc/iomem reads:
 *
 *   iomem_resource [0 - 2^64-1]          (the root, not printed)
 *     00100000-0fffffff : System RAM
 *       01000000-01bfffff : Kernel code   (nested: wholly inside its parent)
 *       01c00000-01ffffff : Kernel data
 *     fed00000-fed003ff : HPET 0
 *
 * Two ways in, the same walk (insert_resource_at below):
 *
 *   request_resource   descends into whichever resource wholly contains the
 *                      new one, at any depth; resources wholly inside the
 *                      new one become its children ("System RAM" may come
 *                      before or after "Kernel code"); a partial overlap
 *                      is a conflict. The busy flag plays no part.
 *   __request_region   a driver's claim: marked IORESOURCE_BUSY, it may sit
 *                      only inside resources that are not busy and wholly
 *                      contain it; it overlaps nothing else.
 *
 * Because siblings are sorted and disjoint, the only child of p that can
 * contain an address a is the first one ending at or after a; every walk
 * here starts from that child (first_not_below).
 */
#include <stdbool.h>
#include "kernel/resource.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/slab.h"
#ifndef HOST_TEST
#include "kernel/kstrtox.h"
#endif

struct resource iomem_resource = {
	.start = 0,
	.end = ~0ULL,
	.name = "PCI mem",
	.flags = IORESOURCE_MEM,
};

struct resource ioport_resource = {
	.start = 0,
	.end = 0xffff,
	.name = "PCI IO",
	.flags = IORESOURCE_IO,
};

/* ---- ranges ----------------------------------------------------------- */

/* True if [start, end] lies wholly inside r (equal ranges count). */
static bool contains(const struct resource *r, resource_size_t start, resource_size_t end)
{
	return r->start <= start && end <= r->end;
}

static bool is_busy(const struct resource *r)
{
	return r->flags & IORESOURCE_BUSY;
}

/* "io" under an I/O port root, else "mem": the word Linux puts in
 * "[mem 0x...-0x...]". */
static const char *space_name(const struct resource *r)
{
	return (r->flags & IORESOURCE_IO) ? "io" : "mem";
}

/* The link (p->child or some child's ->sibling) that points at p's first
 * child ending at or after `start`; *link is NULL if there is none. */
static struct resource **first_not_below(struct resource *p, resource_size_t start)
{
	struct resource **link = &p->child;

	while (*link && (*link)->end < start)
		link = &(*link)->sibling;
	return link;
}

/* ---- the one insertion walk ------------------------------------------- */

/* Moves the run of siblings from *link to `last` (inclusive) under `new`. */
static void adopt_run(struct resource *new, struct resource **link, struct resource *last)
{
	new->child = *link;
	new->sibling = last->sibling;
	last->sibling = NULL;
	for (struct resource *c = new->child; c; c = c->sibling)
		c->parent = new;
}

/* Links `new` (its range already checked to lie inside root) into the
 * tree under root. First descends while one child wholly contains new;
 * with `busy_claim`, a busy such child is a conflict. Then, at that level,
 * the children new overlaps must lie wholly inside it (they become its
 * children) - or, with `busy_claim`, there must be none.
 * Returns NULL once linked, or the resource in the way, tree unchanged. */
static struct resource *insert_resource_at(struct resource *root, struct resource *new,
					   bool busy_claim)
{
	struct resource *p = root, **link, *c, *last = NULL;

	for (;;) {
		link = first_not_below(p, new->start);
		c = *link;
		if (!c || !contains(c, new->start, new->end))
			break;
		if (busy_claim && is_busy(c))
			return c;
		p = c;
	}
	for (c = *link; c && c->start <= new->end; c = c->sibling) {
		if (busy_claim || !contains(new, c->start, c->end))
			return c;
		last = c;
	}
	if (last) {
		adopt_run(new, link, last);
	} else {
		new->child = NULL;
		new->sibling = *link;
	}
	new->parent = p;
	*link = new;
	return NULL;
}

/* Unlinks *link, putting its children (if any) in its place under its
 * parent: they already lie inside the parent and between the neighbours. */
static void unlink_lifting_children(struct resource **link)
{
	struct resource *old = *link, *c = old->child;

	if (!c) {
		*link = old->sibling;
	} else {
		*link = c;
		for (;; c = c->sibling) {
			c->parent = old->parent;
			if (!c->sibling)
				break;
		}
		c->sibling = old->sibling;
	}
	old->parent = old->sibling = old->child = NULL;
}

/* ---- request_resource / release_resource ------------------------------ */

/* request_resource_conflict: NULL once `new` is in the tree. Otherwise
 * one line and what is in the way: root itself if new's range is empty,
 * inverted or not inside root (Linux returns root there too), else the
 * resource new partly overlaps. `new` must not be in a tree already. */
struct resource *request_resource_conflict(struct resource *root, struct resource *new)
{
	const char *sp = space_name(root);
	struct resource *conflict;

	if (new->start > new->end || !contains(root, new->start, new->end)) {
		pr_warn("request_resource: [%s 0x%llx-0x%llx] %s is not inside [%s 0x%llx-0x%llx] %s\n",
			sp, new->start, new->end, new->name,
			sp, root->start, root->end, root->name);
		return root;
	}
	conflict = insert_resource_at(root, new, false);
	if (conflict)
		pr_warn("request_resource: [%s 0x%llx-0x%llx] %s conflicts with [%s 0x%llx-0x%llx] %s\n",
			sp, new->start, new->end, new->name,
			sp, conflict->start, conflict->end, conflict->name);
	return conflict;
}

/* The same without the line: the caller says what the conflict means
 * (PCI's BAR claims, drivers/pci_resource.c). */
struct resource *__request_resource(struct resource *root, struct resource *new)
{
	if (new->start > new->end || !contains(root, new->start, new->end))
		return root;
	return insert_resource_at(root, new, false);
}

/* 0, -EINVAL (range empty, inverted or outside root) or -EBUSY (a partial
 * overlap); the failure is one line, printed by request_resource_conflict. */
int request_resource(struct resource *root, struct resource *new)
{
	if (!request_resource_conflict(root, new))
		return 0;
	if (new->start > new->end || !contains(root, new->start, new->end))
		return -EINVAL;
	return -EBUSY;
}

/* 0 once `old` is out of the tree; -EINVAL with one line if it is not in
 * one or still has children (release those first). */
int release_resource(struct resource *old)
{
	struct resource **link;

	if (!old->parent || old->child) {
		pr_warn("release_resource: [0x%llx-0x%llx] %s %s\n", old->start,
			old->end, old->name, old->child ? "still has children" : "is not in a tree");
		return -EINVAL;
	}
	for (link = &old->parent->child; *link && *link != old; link = &(*link)->sibling)
		;
	if (!*link) {
		pr_err("release_resource: [0x%llx-0x%llx] %s is missing from its parent %s\n",
		       old->start, old->end, old->name, old->parent->name);
		return -EINVAL;
	}
	unlink_lifting_children(link);
	return 0;
}

/* ---- request_region / release_region ---------------------------------- */

/* The function name a driver called, for the one-line messages. */
static const char *region_fn(const struct resource *parent, bool release)
{
	if (parent->flags & IORESOURCE_IO)
		return release ? "release_region" : "request_region";
	return release ? "release_mem_region" : "request_mem_region";
}

/* A new busy resource [start, start+n) named `name` (which must outlive
 * it: the string is not copied), flags | IORESOURCE_BUSY, in the tree
 * under parent. NULL with one line if n is 0, the range wraps or leaves
 * parent, or it collides (see the top of the file); NULL if kzalloc fails. */
struct resource *__request_region(struct resource *parent, resource_size_t start,
				  resource_size_t n, const char *name, unsigned long flags)
{
	resource_size_t end = start + n - 1;
	struct resource *res, *conflict;

	if (n == 0 || end < start || !contains(parent, start, end)) {
		pr_warn("%s(0x%llx+0x%llx, %s): empty or not inside 0x%llx-0x%llx %s\n",
			region_fn(parent, false), start, n, name,
			parent->start, parent->end, parent->name);
		return NULL;
	}
	res = kzalloc(sizeof(struct resource), GFP_KERNEL);
	if (!res)
		return NULL;
	res->start = start;
	res->end = end;
	res->name = name;
	res->flags = flags | IORESOURCE_BUSY;
	conflict = insert_resource_at(parent, res, true);
	if (conflict) {
		pr_warn("%s(0x%llx-0x%llx, %s): conflicts with 0x%llx-0x%llx %s\n",
			region_fn(parent, false), start, end, name,
			conflict->start, conflict->end, conflict->name);
		kfree(res);
		return NULL;
	}
	return res;
}

/* Frees the busy resource that is exactly [start, start+n), found by
 * descending through the resources (not busy) that contain the range; any
 * children it was given by request_resource move up to its parent.
 * One line if there is no such region. */
void __release_region(struct resource *parent, resource_size_t start, resource_size_t n)
{
	resource_size_t end = start + n - 1;
	struct resource *p = parent, **link, *c;

	while (n && end >= start) {
		link = first_not_below(p, start);
		c = *link;
		if (!c || !contains(c, start, end))
			break;
		if (!is_busy(c)) {
			p = c;
			continue;
		}
		if (c->start != start || c->end != end)
			break;
		unlink_lifting_children(link);
		kfree(c);
		return;
	}
	pr_warn("%s(0x%llx-0x%llx): no such region\n", region_fn(parent, true),
		start, end);
}

/* ---- printing ---------------------------------------------------------- */

/* Every resource below root, depth first in address order, one line each
 * in /proc/iomem form: 2 spaces per level below the root's children, then
 * "start-end : name" in hex of at least `digits` digits. Iterative (the
 * parent links lead back up), so a deep tree costs no stack. */
void resource_print(const struct resource *root, int digits, int (*out)(const char *fmt, ...))
{
	const struct resource *r = root->child;
	int depth = 0;

	while (r) {
		out("%*s%0*llx-%0*llx : %s\n", 2 * depth, "", digits, r->start,
		    digits, r->end, r->name ? r->name : "(no name)");
		if (r->child) {
			r = r->child;
			depth++;
			continue;
		}
		while (r != root && !r->sibling) {
			r = r->parent;
			depth--;
		}
		r = r == root ? NULL : r->sibling;
	}
}
