/* Host tests for the library headers: kernel/list.h (directed cases, then
 * random operations against an array model walked both ways), kernel/err.h
 * and kernel/types.h (ARRAY_SIZE, min/max, container_of). */
#include <stdint.h>
#include "tests/unit/unit.h"
#include "kernel/list.h"
#include "kernel/err.h"
#include "kernel/errno.h"
#include "kernel/types.h"

struct item {
	int id;
	struct list_head node;
};

/* The ids on list, front to back, into ids[]; also checks that every
 * prev link mirrors the next link before it. Returns the count. */
static int walk(struct list_head *head, int *ids, int max)
{
	struct list_head *prev = head;
	struct item *it;
	int n = 0;

	list_for_each_entry(it, head, node) {
		EXPECT_TRUE(it->node.prev == prev);
		if (n < max)
			ids[n] = it->id;
		prev = &it->node;
		n++;
	}
	EXPECT_TRUE(head->prev == prev);
	return n;
}

#define IDS_ARE(head, ...)							\
	do {									\
		static const int want_[] = { __VA_ARGS__ };			\
		int got_[16];							\
		EXPECT_EQ(walk((head), got_, 16), ARRAY_SIZE(want_));		\
		for (unsigned int k_ = 0; k_ < ARRAY_SIZE(want_); k_++)		\
			EXPECT_EQ(got_[k_], want_[k_]);				\
	} while (0)

TEST(list_add_is_a_stack_and_list_add_tail_a_queue)
{
	LIST_HEAD(head);
	struct item a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 };

	EXPECT_TRUE(list_empty(&head));
	EXPECT_TRUE(list_first_entry_or_null(&head, struct item, node) == NULL);
	list_add(&a.node, &head);
	list_add(&b.node, &head);
	list_add_tail(&c.node, &head);
	EXPECT_FALSE(list_empty(&head));
	IDS_ARE(&head, 2, 1, 3);
	EXPECT_TRUE(list_first_entry(&head, struct item, node) == &b);
	EXPECT_TRUE(list_next_entry(&b, node) == &a);
}

TEST(list_del_unlinks_and_clears_list_del_init_leaves_an_empty_list)
{
	LIST_HEAD(head);
	struct item a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 };

	list_add_tail(&a.node, &head);
	list_add_tail(&b.node, &head);
	list_add_tail(&c.node, &head);
	list_del(&b.node);
	EXPECT_TRUE(b.node.next == NULL && b.node.prev == NULL);
	IDS_ARE(&head, 1, 3);
	list_del_init(&a.node);
	EXPECT_TRUE(list_empty(&a.node));
	IDS_ARE(&head, 3);
	list_del(&c.node);
	EXPECT_TRUE(list_empty(&head));
}

TEST(list_for_each_entry_safe_survives_removing_each_entry)
{
	LIST_HEAD(head);
	struct item it[6], *pos, *n;
	int seen = 0;

	for (int i = 0; i < 6; i++) {
		it[i].id = i;
		list_add_tail(&it[i].node, &head);
	}
	list_for_each_entry_safe(pos, n, &head, node) {
		if (pos->id % 2)
			list_del(&pos->node);
		seen++;
	}
	EXPECT_EQ(seen, 6);
	IDS_ARE(&head, 0, 2, 4);
}

/* Random adds at either end and deletes of random members, checked after
 * each step against an array holding the same order. */
TEST(random_operations_match_an_array_model)
{
	enum { N = 64 };
	static struct item pool[N];
	static bool on[N];
	int model[N], len = 0, got[N];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	LIST_HEAD(head);

	for (int i = 0; i < N; i++)
		pool[i].id = i;
	for (int step = 0; step < 20000 && !unit_failures; step++) {
		int i;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		i = x % N;
		if (on[i]) {
			int k = 0;

			while (model[k] != i)
				k++;
			memmove(&model[k], &model[k + 1], (len - k - 1) * sizeof(int));
			len--;
			list_del(&pool[i].node);
		} else if (x >> 32 & 1) {
			memmove(&model[1], &model[0], len * sizeof(int));
			model[0] = i;
			len++;
			list_add(&pool[i].node, &head);
		} else {
			model[len++] = i;
			list_add_tail(&pool[i].node, &head);
		}
		on[i] = !on[i];
		EXPECT_EQ(walk(&head, got, N), len);
		EXPECT_MEMEQ(got, model, len * sizeof(int));
		EXPECT_EQ(list_empty(&head), len == 0);
	}
}

TEST(error_pointers_round_trip_and_only_the_top_4095_are_errors)
{
	int x;

	EXPECT_EQ(PTR_ERR(ERR_PTR(-ENOMEM)), -ENOMEM);
	EXPECT_TRUE(IS_ERR(ERR_PTR(-1)));
	EXPECT_TRUE(IS_ERR(ERR_PTR(-MAX_ERRNO)));
	EXPECT_FALSE(IS_ERR(ERR_PTR(-MAX_ERRNO - 1)));
	EXPECT_FALSE(IS_ERR(&x));
	EXPECT_FALSE(IS_ERR(NULL));
	EXPECT_TRUE(IS_ERR_OR_NULL(NULL));
	EXPECT_TRUE(IS_ERR_OR_NULL(ERR_PTR(-EINVAL)));
	EXPECT_FALSE(IS_ERR_OR_NULL(&x));
	EXPECT_TRUE(IS_ERR_VALUE((unsigned long)-ENOMEM));
	EXPECT_FALSE(IS_ERR_VALUE(0x1000UL));
}

TEST(array_size_min_max_and_container_of)
{
	static const char names[][8] = { "a", "b", "c" };
	uint64_t wide[5];
	int calls = 0;
	struct item it = { .id = 7 };

	EXPECT_EQ(ARRAY_SIZE(names), 3);
	EXPECT_EQ(ARRAY_SIZE(wide), 5);
	EXPECT_EQ(min(3, 5), 3);
	EXPECT_EQ(max(-3, -5), -3);
	EXPECT_EQ(min(max(1, 2), max(0, 4)), 2);            /* nested: no shadowing */
	EXPECT_EQ(min((calls++, 9), 4), 4);                  /* each argument once */
	EXPECT_EQ(calls, 1);
	EXPECT_EQ(min_t(long, -1, 2U), -1);
	EXPECT_EQ(max_t(unsigned long, 1, 0x100000000ULL), 0x100000000ULL);
	EXPECT_TRUE(container_of(&it.node, struct item, node) == &it);
}
