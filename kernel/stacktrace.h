/* Backtraces by walking the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer: each frame starts with the caller's RBP, then
 * the return address). */
#ifndef KERNEL_STACKTRACE_H
#define KERNEL_STACKTRACE_H

#include <stdbool.h>

/* Prints "Call Trace:" and one "func+0xoff/0xsize" line per frame, starting
 * at ip and following the chain from bp. Stops at a frame outside every
 * known kernel stack, so a corrupt chain cannot fault the printer. */
void show_trace(unsigned long ip, unsigned long bp);
void dump_stack(void);

/* Registers a kernel stack [lo, hi) that frames may live on. */
void stacktrace_add_stack(unsigned long lo, unsigned long hi);
bool on_kernel_stack(unsigned long addr, unsigned long len);

#endif
