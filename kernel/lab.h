/* Lab stubs (docs/labs/README.md). `make lab LAB=NAME` replaces each
 * marked solution region of lab NAME by its stub; a stub calls
 *
 *   lab_not_implemented("pgwalk", __func__);
 *
 * and then returns -ENOSYS, NULL or 0, so the handout still builds and,
 * where it can, boots to the prompt, where the grader and the student
 * see which function is missing. The message is printed once per call
 * site (one per stubbed function): a stub called on every page fault or
 * every walk would otherwise flood the console and hide the prompt.
 * It is a macro, not a function, so that each call site has its own flag
 * and no object file changes in the full tree, which never calls it. */
#ifndef KERNEL_LAB_H
#define KERNEL_LAB_H

#include <stdbool.h>
#include "kernel/printk.h"

#define lab_not_implemented(lab, func)                                        \
	do {                                                                  \
		static bool lab_warned_;                                      \
		if (!lab_warned_) {                                           \
			lab_warned_ = true;                                   \
			pr_err("lab %s: %s not implemented yet\n", (lab),     \
			       (func));                                       \
		}                                                             \
	} while (0)

#endif
