; crt0: the first user instruction of every Carta program.
;
; The kernel's loader enters _start in ring 3 with RSP 16-byte aligned and
; pointing at argc, then argv[0..argc-1], then a NULL (the same picture as
; the System V x86-64 psABI 3.4.1, minus envp and auxv). It also puts argc in
; RDI and argv in RSI, but reading the stack is what the psABI promises, so
; that is what we use. There is nothing to return to: main's value goes to
; exit().

bits 64
default rel
extern main, exit
global _start

section .text
_start:
	xor ebp, ebp            ; outermost frame: gdb's backtrace stops here
	mov rdi, [rsp]          ; argc
	lea rsi, [rsp + 8]      ; argv
	; RSP is 16-byte aligned here; the call pushes 8 bytes, so main starts
	; with RSP = 8 mod 16, as the psABI requires of every function entry.
	call main
	mov edi, eax
	call exit               ; noreturn
	ud2                     ; never reached: exit() does not return

; Not executable stack (ld warns about objects without this note).
section .note.GNU-stack noalloc noexec nowrite progbits
