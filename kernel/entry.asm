; Interrupt and exception entry (SDM Vol. 3A 6.14: 64-bit mode interrupt
; handling). The CPU pushes SS, RSP, RFLAGS, CS, RIP and, for some
; exceptions, an error code. Each stub makes the frame uniform (a 0 where the
; CPU pushed no error code), pushes its vector and jumps to the common code,
; which saves the registers as struct pt_regs (kernel/traps.h) and calls
; do_trap(regs).
%include "kernel/calling.inc"
global idt_stubs, asm_common_interrupt, entry_SYSCALL_64, restore_regs_and_iret
global rewind_stack_and_make_dead
extern do_trap, do_syscall_64, cpu_current_top_of_stack, make_task_dead

%define __USER_DS 0x23          ; kernel/gdt.h
%define __USER_CS 0x2b
%define SYSCALL_VECTOR 256      ; pt_regs.vector of a syscall: no IDT vector

section .text
bits 64

%macro STUB_NOERR 1
	align 16
	push 0
	push %1
	jmp asm_common_interrupt
%endmacro
; push imm8 sign-extends: vectors 128-255 are pushed as a dword, so every
; stub still fits in its 16 bytes.
%macro STUB_ERR 1
	align 16
	push %1
	jmp asm_common_interrupt
%endmacro

; SDM Vol. 3A 6.15: vectors 8, 10-14, 17, 21, 29, 30 push an error code.
align 16
idt_stub_0:
%assign v 0
%rep 256
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	STUB_ERR v
%else
	STUB_NOERR v
%endif
%assign v v + 1
%endrep

asm_common_interrupt:
	PUSH_REGS
	; ring 3 may have set AC, and an interrupt does not clear it: without
	; CLAC the handler would run with SMAP off (SYSCALL clears AC through
	; SFMASK instead)
	CLAC
	cld                             ; the C ABI expects DF clear
	mov rdi, rsp                    ; struct pt_regs *
	call do_trap
restore_regs_and_iret:
	POP_REGS
	add rsp, 16                     ; vector and error code
	iretq

; SYSCALL (SDM Vol. 2B): RIP -> RCX, RFLAGS -> R11, RFLAGS &= ~SFMASK (IF
; is off from here), CS/SS from STAR; RSP is still the user's. Single CPU:
; the user RSP waits in a global while the task's kernel stack is loaded
; (Linux keeps both per CPU behind SWAPGS). The frame built is a struct
; pt_regs like an interrupt's, so the C side and the IRETQ path are shared.
entry_SYSCALL_64:
	mov [rel rsp_scratch], rsp
	mov rsp, [rel cpu_current_top_of_stack]
	push __USER_DS                  ; ss
	push qword [rel rsp_scratch]    ; sp
	push r11                        ; flags
	push __USER_CS                  ; cs
	push rcx                        ; ip
	push rax                        ; error_code: the syscall number (Linux's orig_ax)
	push SYSCALL_VECTOR
	PUSH_REGS
	mov rdi, rsp
	call do_syscall_64              ; returns with IF off; al = 1: SYSRET is safe
	test al, al
	jz restore_regs_and_iret
	POP_REGS
	mov rcx, [rsp + 16]             ; ip
	mov r11, [rsp + 32]             ; flags
	mov rsp, [rsp + 40]             ; the user's stack; no interrupt can come now
	o64 sysret                      ; RIP = RCX, RFLAGS = R11, CS/SS = STAR[63:48] + 16/8

; void rewind_stack_and_make_dead(int signr): an oops that kills the task
; never returns to the frames below it, and they may have used up the
; stack. Start over at the top of current's stack, leaving the pt_regs an
; entry from user mode keeps there (Linux's, in entry_64.S). RSP is then
; 16-byte aligned (the top is a page boundary, PTREGS_SIZE a multiple of
; 16), as the call wants; RBP 0 ends backtraces.
rewind_stack_and_make_dead:
	mov rax, [rel cpu_current_top_of_stack]
	lea rsp, [rax - PTREGS_SIZE]
	xor ebp, ebp
	call make_task_dead             ; signr still in edi
	ud2

section .bss
rsp_scratch: resq 1

section .rodata
align 8
; The stubs are 16 bytes apart; the table spares C that arithmetic.
idt_stubs:
%assign v 0
%rep 256
	dq idt_stub_0 + v * 16
%assign v v + 1
%endrep
