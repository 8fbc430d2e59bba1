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

/* What the first task runs, named by the top layer (the shell) rather
 * than called by start_kernel: Linux's kernel_init likewise runs an init
 * program that it does not link against. The linker collects it in
 * .init_process (linker.ld); start_kernel runs the first one, or panics
 * as Linux does when no init is found. */
struct init_process {
	const char *comm;
	void (*fn)(void);
};
#define DEFINE_INIT_PROCESS(comm_, fn_)                                     \
	static const struct init_process __init_process_##fn_               \
	__attribute__((used, section(".init_process"), aligned(8))) = { comm_, fn_ }
extern const struct init_process __start_init_process[], __stop_init_process[];

#endif
