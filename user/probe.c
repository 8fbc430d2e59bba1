/* probe: the kernel/user split seen from ring 3. Every process's page
 * tables contain the kernel half (docs/design.md §2), but without the U/S
 * bit, so any user access there faults; so does an access to a
 * non-canonical address (#GP rather than #PF) or to a page the kernel never
 * maps for a process (page 0, the top page of the user half). A fault in
 * user mode kills only the process that made it: its parent sees death by
 * SIGSEGV in waitpid's status.
 *
 * usage: probe [ADDR...]          parent: try every address three ways
 *        probe -c KIND ADDR       child: one read, write or exec at ADDR
 *
 * The parent spawns one child per (address, kind), waits, and checks that
 * each child was killed by a fault rather than exiting. */
#include "user/lib/ulib.h"

#define MAX_TARGETS 32

struct target {
	const char *name;
	unsigned long addr;
};

static const struct target fixed_targets[] = {
	{ "direct map",    0xffff888000100000UL },
	{ "kernel text",   0xffffffff80200000UL },
	{ "vmalloc",       0xffffc90000000000UL },
	{ "fixmap",        0xffffffffff5ff000UL },
	{ "user top",      0x00007ffffffff000UL },
	{ "user end",      0x00007fffffffffffUL },
	{ "non-canonical", 0x8000000000000000UL },      /* #GP, not #PF */
	{ "null",          0 },
};

static const char *const kinds[] = { "read", "write", "exec" };

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Child: make one access; reaching the printf means it was allowed. */
static int child(const char *kind, const char *arg)
{
	unsigned long addr = 0;
	volatile unsigned char *p;

	if (kstrtoul(arg, 16, &addr) < 0) {
		printf("probe: bad address %s\n", arg);
		return 2;
	}
	p = (volatile unsigned char *)addr;
	if (strcmp(kind, "read") == 0)
		(void)*p;
	else if (strcmp(kind, "write") == 0)
		*p = 0x5a;
	else if (strcmp(kind, "exec") == 0)
		((void (*)(void))addr)();
	else {
		printf("probe: bad kind %s\n", kind);
		return 2;
	}
	printf("probe: child survived %s at 0x%lx\n", kind, addr);
	return 0;
}

/* Parent, one probe: true if the child died of a fault. */
static bool probe_one(const char *kind, const struct target *t)
{
	char addr[24];
	char *argv[] = { "probe", "-c", (char *)kind, addr, NULL };
	int status, ret;

	snprintf(addr, sizeof(addr), "0x%lx", t->addr);
	ret = spawn_wait("probe", argv, &status);
	if (ret < 0) {
		printf("probe: spawn failed: %d\n", ret);
		return false;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		return true;
	printf("probe: NOT killed: %s %s 0x%lx\n", kind, t->name, t->addr);
	return false;
}

int main(int argc, char *argv[])
{
	struct target targets[MAX_TARGETS];
	int nr = 0, killed = 0, total = 0;

	if (argc == 4 && strcmp(argv[1], "-c") == 0)
		return child(argv[2], argv[3]);

	for (size_t i = 0; i < ARRAY_SIZE(fixed_targets); i++)
		targets[nr++] = fixed_targets[i];
	for (int i = 1; i < argc; i++) {
		if (nr == MAX_TARGETS || strncmp(argv[i], "0x", 2) != 0 ||
		    kstrtoul(argv[i], 16, &targets[nr].addr) < 0) {
			printf("usage: probe [0xADDR...] (at most %d in all)\n", MAX_TARGETS);
			return 2;
		}
		targets[nr++].name = "argv";
	}

	for (int i = 0; i < nr; i++) {
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
			killed += probe_one(kinds[k], &targets[i]);
			total++;
		}
	}
	printf("probe: %d of %d children killed by a fault\n", killed, total);
	return killed == total ? 0 : 1;
}
