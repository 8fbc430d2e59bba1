; Interrupt and exception entry (SDM Vol. 3A 6.14: 64-bit mode interrupt
; handling). The CPU pushes SS, RSP, RFLAGS, CS, RIP and, for some
; exceptions, an error code. Each stub makes the frame uniform (a 0 where the
; CPU pushed no error code), pushes its vector and jumps to the common code,
; which saves the registers as struct pt_regs (kernel/traps.h) and calls
; do_trap(regs).
global idt_stubs, asm_common_interrupt
extern do_trap

section .text
bits 64

%macro STUB_NOERR 1
	align 16
	push 0
	push %1
	jmp asm_common_interrupt
%endmacro
%macro STUB_ERR 1
	align 16
	push %1
	jmp asm_common_interrupt
%endmacro

; SDM Vol. 3A 6.15: vectors 8, 10-14, 17, 21, 29, 30 push an error code.
align 16
idt_stub_0:
%assign v 0
%rep 48
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	STUB_ERR v
%else
	STUB_NOERR v
%endif
%assign v v + 1
%endrep

asm_common_interrupt:
	push rdi
	push rsi
	push rdx
	push rcx
	push rax
	push r8
	push r9
	push r10
	push r11
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	cld                             ; the C ABI expects DF clear
	mov rdi, rsp                    ; struct pt_regs *
	call do_trap
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	pop r11
	pop r10
	pop r9
	pop r8
	pop rax
	pop rcx
	pop rdx
	pop rsi
	pop rdi
	add rsp, 16                     ; vector and error code
	iretq

section .rodata
align 8
; The stubs are 16 bytes apart; the table spares C that arithmetic.
idt_stubs:
%assign v 0
%rep 48
	dq idt_stub_0 + v * 16
%assign v v + 1
%endrep
