/* Symbols linker.ld and boot/head.asm define at section boundaries. */
#ifndef KERNEL_SECTIONS_H
#define KERNEL_SECTIONS_H

extern char _text[], _etext[];                  /* code, RX */
extern char __start_rodata[], __end_rodata[];   /* read-only data, R+NX */
extern char _sdata[], _edata[];                 /* data, RW+NX */
extern char __bss_start[], _end[];              /* bss, RW+NX */
extern char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[];

#endif
