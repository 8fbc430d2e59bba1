/* The kernel's memcpy, memmove and memset (kernel/string.c: 8-byte rep
 * movs/stos, then the last bytes one at a time) against byte loops: every
 * length up to a few hundred, every alignment of source and destination,
 * with guard bytes on both sides that must stay untouched. */
#include <stdint.h>
#include "tests/unit/unit.h"

/* renamed, all of them, so that the C library's stay the C library's */
#define memcpy carta_memcpy
#define memmove carta_memmove
#define memset carta_memset
#define memcmp carta_memcmp
#define strlen carta_strlen
#define strnlen carta_strnlen
#define strcmp carta_strcmp
#define strncmp carta_strncmp
#define strchr carta_strchr
#include "kernel/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr

#define BUF 400
#define GUARD 0xa5

static unsigned char src[BUF], dst[BUF], want[BUF];

static void fill(unsigned char *p, unsigned seed)
{
	for (int i = 0; i < BUF; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + 1);
}

TEST(memcpy_copies_every_length_and_alignment)
{
	for (size_t so = 0; so < 16; so++)
		for (size_t doff = 0; doff < 16; doff++)
			for (size_t n = 0; n < 300; n += (n < 40 ? 1 : 13)) {
				fill(src, (unsigned)(so + n));
				memset(dst, GUARD, BUF);
				memset(want, GUARD, BUF);
				for (size_t i = 0; i < n; i++)
					want[doff + i] = src[so + i];
				EXPECT_TRUE(carta_memcpy(dst + doff, src + so, n) == dst + doff);
				EXPECT_EQ(memcmp(dst, want, BUF), 0);
			}
}

TEST(memset_sets_every_length_and_alignment_to_the_low_byte)
{
	static const int values[] = { 0, 1, 0x80, 0xff, -1, 0x1ab };

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
		for (size_t off = 0; off < 16; off++)
			for (size_t n = 0; n < 300; n += (n < 40 ? 1 : 11)) {
				memset(dst, GUARD, BUF);
				memset(want, GUARD, BUF);
				for (size_t i = 0; i < n; i++)
					want[off + i] = (unsigned char)values[v];
				EXPECT_TRUE(carta_memset(dst + off, values[v], n) == dst + off);
				EXPECT_EQ(memcmp(dst, want, BUF), 0);
			}
}

/* Overlap in both directions, by less and by more than 8 bytes. */
TEST(memmove_handles_overlap_both_ways)
{
	for (size_t a = 0; a < 24; a++)
		for (size_t b = 0; b < 24; b++)
			for (size_t n = 0; n < 200; n += (n < 40 ? 1 : 17)) {
				fill(dst, (unsigned)(a * 3 + b + n));
				memcpy(want, dst, BUF);
				for (size_t i = 0; i < n; i++)          /* through a copy: no overlap */
					src[i] = want[100 + a + i];
				for (size_t i = 0; i < n; i++)
					want[100 + b + i] = src[i];
				EXPECT_TRUE(carta_memmove(dst + 100 + b, dst + 100 + a, n) == dst + 100 + b);
				EXPECT_EQ(memcmp(dst, want, BUF), 0);
			}
}
