/* __init: code and data used only while booting. They live in their own
 * page-aligned region of the image ([__init_begin, __init_end), linker.ld),
 * which free_initmem() unmaps and gives back as free memory once boot is
 * done, so a later call into __init code faults instead of running stale
 * code. Mark only what nothing calls after boot. */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#define __init      __attribute__((section(".init.text"), cold, noinline))
#define __initdata  __attribute__((section(".init.data")))

extern char __init_begin[], __init_text_end[], __init_end[];

/* Unmaps the init region and frees its pages; prints Linux's line. */
void free_initmem(void);

#endif
