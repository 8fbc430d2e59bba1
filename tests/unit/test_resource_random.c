/* Host tests for the resource tree (kernel/resource.c): random request,
 * region and release steps against a flat interval model (rules below);
 * after every step the whole tree must match it. */
#include "tests/unit/unit.h"
#include "tests/unit/resource_harness.h"

/* ---- the random model test -------------------------------------------------- */

/* The model: every resource in the tree as a flat interval, with the order
 * it went in (seq). Rules, pairwise over the list:
 *   request_resource(N)  fails iff some E overlaps N without either holding
 *                        the other;
 *   request_region(N)    fails iff some E overlaps N and is not a resource
 *                        that is not busy and holds N;
 *   release_resource(R)  fails iff some E lies inside R and is smaller, or
 *                        is the same range and came later (it nests deeper);
 *   release_region(S)    succeeds iff a busy E is exactly S. */
#define SPACE   512                     /* ports 0..511 of the root below */
#define POOL    48
#define MODEL_MAX (POOL + MAX_LIVE)

struct interval {
	resource_size_t start, end;
	bool busy;
	unsigned long seq;
	struct resource *r;
};

static struct interval model[MODEL_MAX];
static int nr_model;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t xorshift64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bool overlaps(resource_size_t s1, resource_size_t e1, resource_size_t s2, resource_size_t e2)
{
	return s1 <= e2 && s2 <= e1;
}

static bool holds(resource_size_t s1, resource_size_t e1, resource_size_t s2, resource_size_t e2)
{
	return s1 <= s2 && e2 <= e1;
}

static bool model_allows_resource(resource_size_t s, resource_size_t e)
{
	for (int i = 0; i < nr_model; i++) {
		const struct interval *m = &model[i];

		if (overlaps(m->start, m->end, s, e) && !holds(m->start, m->end, s, e) &&
		    !holds(s, e, m->start, m->end))
			return false;
	}
	return true;
}

static bool model_allows_region(resource_size_t s, resource_size_t e)
{
	for (int i = 0; i < nr_model; i++) {
		const struct interval *m = &model[i];

		if (overlaps(m->start, m->end, s, e) && (m->busy || !holds(m->start, m->end, s, e)))
			return false;
	}
	return true;
}

static bool model_has_inside(const struct interval *r)
{
	for (int i = 0; i < nr_model; i++) {
		const struct interval *m = &model[i];
		bool same = m->start == r->start && m->end == r->end;

		if (m != r && holds(r->start, r->end, m->start, m->end) && (!same || m->seq > r->seq))
			return true;
	}
	return false;
}

static int model_find(const struct resource *r)
{
	for (int i = 0; i < nr_model; i++)
		if (model[i].r == r)
			return i;
	return -1;
}

static void model_remove(int i)
{
	model[i] = model[--nr_model];
}

/* The tree under root against the model: every node is in it with its
 * range and busy flag, parent links right, children inside their parent,
 * siblings sorted and disjoint, equal ranges nested in request order, no
 * busy node below another, and nothing missing. */
static bool tree_matches_model(const struct resource *root)
{
	const struct resource *stack[MODEL_MAX];
	int sp = 0, seen = 0;

	stack[sp++] = root;
	while (sp) {
		const struct resource *p = stack[--sp], *prev = NULL;

		for (const struct resource *c = p->child; c; prev = c, c = c->sibling) {
			int i = model_find(c);
			bool busy_above = false;

			if (i < 0 || model[i].start != c->start || model[i].end != c->end ||
			    model[i].busy != ((c->flags & IORESOURCE_BUSY) != 0) ||
			    c->parent != p || !holds(p->start, p->end, c->start, c->end) ||
			    (prev && prev->end >= c->start) || sp == MODEL_MAX)
				return false;
			if (p != root && p->start == c->start && p->end == c->end &&
			    model[model_find(p)].seq > model[i].seq)
				return false;
			for (const struct resource *a = p; a != root; a = a->parent)
				busy_above |= (a->flags & IORESOURCE_BUSY) != 0;
			if (busy_above && model[i].busy)
				return false;
			seen++;
			stack[sp++] = c;
		}
	}
	return seen == nr_model;
}

/* A random range in or a little past the space, now and then empty. */
static void random_range(resource_size_t *s, resource_size_t *n)
{
	uint64_t x = xorshift64();

	*s = x % (SPACE + 8);
	*n = x >> 60 == 0 ? (x >> 20) % SPACE : 1 + (x >> 20) % 24;
	if (x >> 56 == 1)
		*n = 0;
}

static struct resource pool[POOL];
static unsigned long seq;
static int outcomes[8];         /* per step kind: [2k] succeeded, [2k+1] refused */

static void step_request_resource(struct resource *root)
{
	struct resource *r = &pool[xorshift64() % POOL];
	resource_size_t s, n;
	bool valid, ok;

	if (r->parent)
		return;
	random_range(&s, &n);
	*r = res(s, s + n - 1, "r", IORESOURCE_IO);
	valid = n && s + n - 1 <= root->end;
	ok = valid && model_allows_resource(s, s + n - 1);
	EXPECT_EQ(request_resource(root, r), ok ? 0 : valid ? -EBUSY : -EINVAL);
	EXPECT_EQ(nr_lines, !ok);
	outcomes[0 + !ok]++;
	if (ok)
		model[nr_model++] = (struct interval){ s, s + n - 1, false, ++seq, r };
}

static void step_request_region(struct resource *root)
{
	resource_size_t s, n;
	struct resource *r;
	bool ok;

	random_range(&s, &n);
	ok = n && s + n - 1 <= root->end && model_allows_region(s, s + n - 1);
	r = __request_region(root, s, n, "b", IORESOURCE_IO);
	EXPECT_EQ(r != NULL, ok);
	EXPECT_EQ(nr_lines, !ok);
	outcomes[2 + !ok]++;
	if (r)
		model[nr_model++] = (struct interval){ s, s + n - 1, true, ++seq, r };
}

static void step_release_resource(void)
{
	struct resource *r = &pool[xorshift64() % POOL];
	int i = model_find(r);
	bool ok = i >= 0 && !model_has_inside(&model[i]);

	EXPECT_EQ(release_resource(r), ok ? 0 : -EINVAL);
	EXPECT_EQ(nr_lines, !ok);
	outcomes[4 + !ok]++;
	if (ok)
		model_remove(i);
}

static void step_release_region(struct resource *root)
{
	resource_size_t s, n;
	int i, found = -1;

	random_range(&s, &n);
	if (nr_model && xorshift64() % 2) {     /* half the time a real one */
		i = xorshift64() % nr_model;
		s = model[i].start;
		n = model[i].end - model[i].start + 1;
	}
	for (i = 0; i < nr_model; i++)
		if (n && model[i].busy && model[i].start == s && model[i].end == s + n - 1)
			found = i;
	__release_region(root, s, n);
	EXPECT_EQ(nr_lines, found < 0);
	outcomes[6 + (found < 0)]++;
	if (found >= 0)
		model_remove(found);
}

TEST(random_requests_and_releases_match_an_interval_model)
{
	struct resource root = { 0, SPACE - 1, "root", IORESOURCE_IO, NULL, NULL, NULL };
	int steps, busy, most = 0;

	reset_globals();
	nr_model = 0;
	memset(outcomes, 0, sizeof(outcomes));
	for (steps = 0; steps < 20000 && !unit_failures; steps++) {
		uint64_t op = xorshift64() % 8;

		clear_msgs();
		if (op < 3)
			step_request_resource(&root);
		else if (op < 6)
			step_request_region(&root);
		else if (op == 6)
			step_release_resource();
		else
			step_release_region(&root);
		EXPECT_TRUE(tree_matches_model(&root));
		busy = 0;
		for (int i = 0; i < nr_model; i++)
			busy += model[i].busy;
		EXPECT_EQ(nr_live, busy);
		if (nr_model > most)
			most = nr_model;
	}
	if (unit_failures)
		UNIT_DIAG("failed at step %d: %s", steps - 1, msgs);
	/* the walk went both ways often enough to mean something */
	for (int k = 0; k < 8; k++)
		EXPECT_TRUE(outcomes[k] > 200);
	EXPECT_TRUE(most >= 20);
	release_all(&root);
	EXPECT_TRUE(root.child == NULL);
	EXPECT_EQ(nr_live, 0);
}
