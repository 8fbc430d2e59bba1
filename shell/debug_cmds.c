/* Shell commands for debugging: the in-kernel tests (`crash` has a file
 * of its own, shell/crash.c). */
#include "shell/shell.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"

/* A filter that matches nothing is a typo, not a pass: an error, so a
 * script running `selftest NAME` cannot mistake "0 passed" for success. */
static int cmd_selftest(int argc, char **argv)
{
	if (argc == 2 && !selftest_count(argv[1])) {
		console_printf("selftest: no test matches \"%s\"\n", argv[1]);
		return -ENOENT;
	}
	if (selftest_nr_early())
		console_printf("# %d early-boot cases run only at boot (cmdline test)\n",
			       selftest_nr_early());
	return selftest_run(argc == 2 ? argv[1] : 0) ? -EINVAL : 0;
}
DEFINE_SHELL_CMD(selftest, SHELL_TOPIC_DEBUG, 0, 1, "selftest [suite[.case]]",
		 "run the in-kernel tests (KTAP output)", cmd_selftest);
