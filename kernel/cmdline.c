/* Kernel command-line parsing (kernel/cmdline.h). */
#include "kernel/cmdline.h"
#include "kernel/string.h"
#ifndef HOST_TEST
#include "kernel/init.h"
#include "kernel/initcall.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/types.h"
#include "mm/memlayout.h"
#include "kernel/cpufeature.h"
#endif

static bool test_mode, run_selftests, nopcid;

/* Length of the word starting at s (up to a space or the end). */
static size_t word_len(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != ' ' && s[n] != '\t')
		n++;
	return n;
}

bool cmdline_find(const char *cmdline, const char *key, char *value, size_t vlen)
{
	size_t klen = strlen(key);

	for (const char *p = cmdline; *p;) {
		size_t n = word_len(p);

		if (n >= klen && !strncmp(p, key, klen) && (n == klen || p[klen] == '=')) {
			if (value && vlen) {
				size_t vn = n > klen ? n - klen - 1 : 0;
				if (vn >= vlen)
					vn = vlen - 1;
				memcpy(value, p + klen + (n > klen), vn);
				value[vn] = '\0';
			}
			return true;
		}
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return false;
}

bool cmdline_parse_int(const char *s, long min, long max, long *out)
{
	long v = 0;
	bool neg = *s == '-';

	if (neg)
		s++;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max > -min ? max : -min) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

#ifndef HOST_TEST
#include "mm/pti.h"

static const char *const known_keys[] = { "loglevel", "test", "testmode", "memblock",
					   "panic_on_oops", "initcall_debug", "memmap", "pci",
					   "la57", "pti", "nopcid" };

/* Warns about each word that is no key we know (a typo would otherwise
 * silently change nothing). */
static __init void warn_unknown_keys(const char *cmdline)
{
	for (const char *p = cmdline; *p;) {
		size_t n = word_len(p), k;
		bool known = false;

		for (k = 0; k < ARRAY_SIZE(known_keys); k++) {
			size_t kl = strlen(known_keys[k]);
			if (n >= kl && !strncmp(p, known_keys[k], kl) && (n == kl || p[kl] == '='))
				known = true;
		}
		if (n && !known)
			pr_warn("Unknown kernel command line parameters \"%.*s\", ignored\n", (int)n, p);
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
	}
}

void __init parse_early_params(const char *cmdline)
{
	char v[16];
	long level;

	if (cmdline_find(cmdline, "loglevel", v, sizeof(v))) {
		if (cmdline_parse_int(v, 0, 8, &level))
			console_loglevel = (int)level;
		else
			pr_warn("loglevel=%s: not a number in 0..8; keeping %d\n", v, console_loglevel);
	}
	if (cmdline_find(cmdline, "panic_on_oops", v, sizeof(v))) {
		if (!v[0])
			panic_on_oops = 1;
		else if (cmdline_parse_int(v, 0, 1, &level))
			panic_on_oops = (int)level;
		else
			pr_warn("panic_on_oops=%s: not 0 or 1; keeping %d\n", v, panic_on_oops);
	}
	run_selftests = cmdline_find(cmdline, "test", NULL, 0);
	test_mode = run_selftests || cmdline_find(cmdline, "testmode", NULL, 0);
	if (test_mode)
		panic_on_oops = 1;      /* a test sees an oops as QEMU's exit status */
	initcall_debug_setup(cmdline_find(cmdline, "initcall_debug", NULL, 0));
	/* boot/head.asm has already decided (CR4.LA57 is fixed in long mode):
	 * here only what it did is said. */
	if (cmdline_find(cmdline, "la57", v, sizeof(v))) {
		if (v[0])
			pr_warn("la57=%s: la57 takes no value; 4-level paging\n", v);
		else if (pgtable_l5_enabled())
			pr_info("x86/mm: la57: 5-level paging, 57-bit virtual addresses\n");
		else if (!boot_cpu_has(X86_FEATURE_LA57))
			pr_warn("la57: CPU has no 5-level paging (CPUID.7.0:ECX[16] clear); 4-level paging\n");
		else    /* the entry code could not read the command line */
			pr_warn("la57: not seen by the boot code; 4-level paging\n");
	}
	if (cmdline_find(cmdline, "nopcid", v, sizeof(v))) {
		nopcid = !v[0];
		if (v[0])
			pr_warn("nopcid=%s: nopcid takes no value; PCID stays as the CPU allows\n", v);
	}
	if (cmdline_find(cmdline, "pti", v, sizeof(v)))
		pti_parse_cmdline(v);
	warn_unknown_keys(cmdline);
}
#endif

bool kernel_test_mode(void)
{
	return test_mode;
}

bool kernel_nopcid(void)
{
	return nopcid;
}

bool kernel_run_selftests_at_boot(void)
{
	return run_selftests;
}
