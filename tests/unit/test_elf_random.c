/* Host tests for the ELF64 validator (kernel/elf.c), random: mutations,
 * truncations and random buffers built from elf_builder.h's base files
 * must get the same accept/reject answer from elf_validate and from
 * model_ok(), a second checker written differently (byte-assembled fields,
 * 128-bit sums, page numbers, every pair compared for overlap); accepted
 * images must satisfy the invariants kernel/elf.h promises. The directed
 * accept and reject tests are in test_elf.c.
 * ELF_SEED=<n> in the environment replays a random run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/unit.h"
#include "tests/unit/elf_builder.h"
#include "kernel/types.h"

/* ---- the reference model ----------------------------------------------------------- */

typedef unsigned __int128 u128;
struct mseg { uint64_t va, msz, off, fsz; uint32_t fl; };

/* The rules of kernel/elf.h, restated with spec numbers: true if b[0, len)
 * is acceptable; its PT_LOADs (in file order) in s[0, *n). */
static bool model_ok(const unsigned char *b, unsigned long len, struct mseg *s, int *n)
{
	uint64_t phoff, phnum, entry;

	*n = 0;
	if (len < 64 || memcmp(b, "\x7f" "ELF\x02\x01\x01", 7))
		return false;
	if (get(b + 16, 2) != 2 || get(b + 18, 2) != 62 || get(b + 20, 4) != 1 ||
	    get(b + 52, 2) != 64 || get(b + 54, 2) != 56)
		return false;
	phoff = get(b + 32, 8), phnum = get(b + 56, 2), entry = get(b + 24, 8);
	if (phnum < 1 || phnum > 32 || phoff % 8 || (u128)phoff + phnum * 56 > len)
		return false;
	for (uint64_t i = 0; i < phnum; i++) {
		const unsigned char *p = b + phoff + i * 56;
		uint32_t type = (uint32_t)get(p, 4), fl = (uint32_t)get(p + 4, 4);
		struct mseg m = { get(p + 16, 8), get(p + 40, 8), get(p + 8, 8), get(p + 32, 8), fl };

		if (type == 2 || type == 3)
			return false;
		if (type != 1)
			continue;
		if (*n == 8 || m.fsz > m.msz || m.msz == 0 || m.msz > (256 << 20) ||
		    (u128)m.off + m.fsz > len || m.va < 0x10000 ||
		    (u128)m.va + m.msz > (u128)1 << 46 || m.va % 4096 != m.off % 4096 ||
		    fl > 7 || !(fl & 4) || (fl & 3) == 3)
			return false;
		s[(*n)++] = m;
	}
	if (*n == 0)
		return false;
	for (int i = 0; i < *n; i++)            /* first and last page numbers */
		for (int j = i + 1; j < *n; j++)
			if (s[i].va / 4096 <= (s[j].va + s[j].msz - 1) / 4096 &&
			    s[j].va / 4096 <= (s[i].va + s[i].msz - 1) / 4096)
				return false;
	for (int i = 0; i < *n; i++)
		if ((s[i].fl & 1) && entry >= s[i].va && (u128)entry < (u128)s[i].va + s[i].msz)
			return true;
	return false;
}

/* ---- random runs --------------------------------------------------------------------- */

static uint64_t rng;
static uint64_t rnd(void)       /* splitmix64 */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t seed;            /* of the running random test */
static int mismatches;

static void seed_from_env(void)
{
	const char *s = getenv("ELF_SEED");

	seed = s ? strtoull(s, NULL, 0) : 0xe1f5eed;
}

/* Compare elf_validate with the model on b[0, len); on accept, check the
 * invariants kernel/elf.h promises. what and iter name the input. */
static bool cross_check(const unsigned char *b, unsigned long len, const char *what, long iter)
{
	struct mseg ms[8];
	int nm, ret = validate(b, len);
	bool want = model_ok(b, len, ms, &nm), bad = (ret == 0) != want;

	if (ret)
		bad |= ret != -ENOEXEC || !err[0] || strchr(err, '\n');
	for (int k = 0; !ret && k < img.nr_segments; k++) {
		const struct elf_segment *s = &img.seg[k];
		bool found = false;

		for (int m = 0; m < nm; m++)
			found |= ms[m].va == s->vaddr && ms[m].msz == s->memsz &&
				 ms[m].off == s->offset && ms[m].fsz == s->filesz && ms[m].fl == s->flags;
		bad |= !found || s->vaddr < ELF_MIN_VADDR || s->memsz > ELF_MAX_END - s->vaddr ||
		       s->filesz > s->memsz || s->offset > len || s->filesz > len - s->offset ||
		       (k > 0 && s->vaddr / PG <= (s[-1].vaddr + s[-1].memsz - 1) / PG);
	}
	if (!ret)
		bad |= img.nr_segments != nm || img.entry != get(b + E_ENTRY, 8);
	if (bad && mismatches++ < 5)
		UNIT_DIAG("%s %ld (ELF_SEED=%#llx): len %lu, model %s, elf_validate %d \"%s\"",
			  what, iter, (unsigned long long)seed, len, want ? "accepts" : "rejects", ret, err);
	EXPECT_FALSE(bad);
	return ret == 0;
}

/* A value worth writing into a header field of b[0, len), whose nph
 * program headers are at phoff: limits, the length, a segment's edges. */
static uint64_t interesting(const unsigned char *b, unsigned long len,
			    unsigned long phoff, int nph)
{
	const unsigned char *p = b + phoff + (rnd() % nph) * PHSZ;
	uint64_t va = get(p + P_VADDR, 8), end = va + get(p + P_MEMSZ, 8);
	const uint64_t v[] = {
		0, 1, 7, 8, ELF_MIN_VADDR - 1, ELF_MIN_VADDR, ELF_MAX_END, ELF_MAX_END - 1,
		ELF_MAX_END - PG, ~0UL, ~0UL - PG + 1, len, len + 1, len - 1, 1UL << 40,
		ELF_MAX_SEGMENT_SIZE, ELF_MAX_SEGMENT_SIZE + 1, PG, PG - 1, va, end, end - 1,
		va - PG, end + PG, end & ~(PG - 1), rnd() % MAXBUF, rnd(), 0xffff888000000000,
	};
	uint64_t x = v[rnd() % ARRAY_SIZE(v)];

	return rnd() % 4 ? x : x + (rnd() % 3) - 1;
}

/* One to three changes to the headers of b: a flipped byte, or a field
 * (of the file header or of one program header) set to a value above. */
static void mutate(unsigned char *b, unsigned long len, unsigned long phoff, int nph)
{
	static const int eh[] = { E_TYPE, E_MACHINE, E_VERSION, E_ENTRY, E_PHOFF, E_EHSIZE,
				  E_PHENTSIZE, E_PHNUM, E_ENTRY, E_ENTRY };
	static const int ph[] = { P_FLAGS, P_OFFSET, P_VADDR, P_VADDR, P_FILESZ, P_MEMSZ, P_MEMSZ };
	static const uint32_t types[] = { 0, 1, 1, 2, 3, 4, 6, 7, GSTACK, 0x70000000 };

	for (int k = 1 + rnd() % 3; k--;) {
		unsigned long r = rnd() % 10, at = phoff + (rnd() % nph) * PHSZ;
		int off = ph[rnd() % ARRAY_SIZE(ph)];

		if (r == 0)
			b[rnd() % EHSZ] ^= (unsigned char)(1 + rnd() % 255);
		else if (r == 1)
			b[at + rnd() % PHSZ] ^= (unsigned char)(1 + rnd() % 255);
		else if (r < 4) {
			off = eh[rnd() % ARRAY_SIZE(eh)];
			put(b + off, interesting(b, len, phoff, nph), eh_width(off));
		} else if (r == 4)
			put(b + at + P_TYPE, types[rnd() % 10], 4);
		else if (off == P_FLAGS)
			put(b + at + off, rnd() % 8 ? rnd() % 8 : interesting(b, len, phoff, nph), 4);
		else
			put(b + at + off, interesting(b, len, phoff, nph), 8);
	}
}

static const struct spec *const bases[] = { &realistic, &minimal, &maxed };
#define NR_BASES 3

TEST(random_mutations_agree_with_the_model)
{
	static struct file base[NR_BASES], m;
	long accepted = 0, n = 200000;

	seed_from_env();
	for (int k = 0; k < NR_BASES; k++)
		build(&base[k], bases[k]);
	for (long it = 0; it < n; it++) {
		const struct file *b = &base[it % NR_BASES];
		const struct spec *s = bases[it % NR_BASES];
		unsigned long len;

		rng = seed ^ (uint64_t)it * 0x2545f4914f6cdd1dULL;
		memcpy(m.b, b->b, b->len);
		len = rnd() % 8 ? b->len : rnd() % (b->len + 1);
		mutate(m.b, len, s->phoff, s->nph);
		accepted += cross_check(m.b, len, "mutation", it);
	}
	UNIT_DIAG("%ld mutations: %ld accepted, %ld rejected", n, accepted, n - accepted);
	EXPECT_TRUE(accepted > n / 20 && accepted < n - n / 20);
}

TEST(every_truncation_agrees_with_the_model)
{
	for (int k = 0; k < NR_BASES; k++) {
		build(&f, bases[k]);
		for (unsigned long len = 0; len <= f.len; len++)
			EXPECT_EQ(cross_check(f.b, len, "truncation at", (long)len), len == f.len);
	}
}

/* Half fully random bytes; half a good file header before random but
 * plausible program headers (so that some are accepted). */
TEST(random_buffers_agree_with_the_model)
{
	static const uint32_t flags[] = { R, R | X, R | X, R | W, R | W, R | W | X, X, R | 0x10 };
	long accepted = 0, n = 40000;

	seed_from_env();
	for (long it = 0; it < n; it++) {
		unsigned long len;
		int nph;

		rng = seed + (uint64_t)it * 0x9e3779b97f4a7c15ULL;
		len = rnd() % 664;
		nph = 1 + rnd() % 4;
		for (unsigned long i = 0; i < len; i++)
			f.b[i] = (unsigned char)rnd();
		if (it % 2 && len >= EHSZ) {
			build(&f, &minimal);
			set_eh(&f, E_PHNUM, nph);
			for (int i = 0; i < nph; i++) {
				uint64_t off = rnd() % 2 ? 0 : rnd() % len;
				uint64_t va = ELF_MIN_VADDR + (rnd() % 256) * PG + off % PG;

				set_ph(&f, i, P_TYPE, rnd() % 4 ? LOAD : rnd() % 8);
				set_ph(&f, i, P_FLAGS, flags[rnd() % 8]);
				set_ph(&f, i, P_OFFSET, off);
				set_ph(&f, i, P_VADDR, va);
				set_ph(&f, i, P_FILESZ, rnd() % 64);
				set_ph(&f, i, P_MEMSZ, rnd() % (3 * PG));
				if (i == 0)
					set_eh(&f, E_ENTRY, va + rnd() % 128);
			}
		}
		accepted += cross_check(f.b, len, "random buffer", it);
	}
	UNIT_DIAG("%ld random buffers: %ld accepted", n, accepted);
	EXPECT_TRUE(accepted > n / 100);
}
