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

; Everything the CPU runs between an entry from ring 3 and the switch to
; the kernel table, and from the switch back to SYSRET/IRETQ, is in this
; section: PTI's user table maps it (linker.ld: __entry_text_start/end).
section .entry.text progbits alloc exec nowrite align=16
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

; With pti=on an entry from ring 3 arrives on the entry stack (TSS.RSP0,
; kernel/gdt.c) or an IST stack, under the user table: switch CR3 first,
; then move the frame (vector, error code, the CPU's five words) to the
; task stack, where the rest of the kernel expects a user pt_regs (Linux's
; sync_regs). An IST entry stays on its IST stack, as before PTI.
asm_common_interrupt:
	test byte [rsp + 24], 3         ; the frame's CS: from ring 3?
	jz .regs
	test byte [rel cpu_entry_data + CED_PTI], 1
	jz .regs
	push rax
	SWITCH_TO_KERNEL_CR3 rax
	mov rax, CEA_ENTRY_STACK_TOP - 8 * 8
	cmp rsp, rax
	jne .ist
	mov rax, rsp
	mov rsp, [rel cpu_current_top_of_stack]
	push qword [rax + 56]           ; ss
	push qword [rax + 48]           ; sp
	push qword [rax + 40]           ; flags
	push qword [rax + 32]           ; cs
	push qword [rax + 24]           ; ip
	push qword [rax + 16]           ; error code
	push qword [rax + 8]            ; vector
	mov rax, [rax]
	jmp .regs
.ist:
	pop rax
.regs:
	PUSH_REGS
	; An NMI can strike in ring 0 between SWITCH_TO_USER_CR3 and
	; IRETQ/SYSRET, under the user table, on its IST stack in the entry
	; area: the handler would fault on the unmapped kernel, then
	; triple-fault. Switch to the kernel table and put the user one back
	; on the way out (Linux's paranoid_entry and SAVE_AND_SWITCH_TO_
	; KERNEL_CR3). R12 keeps it: PUSH_REGS saved it, the C ABI preserves
	; it. (#MC and #DB, on IST stacks too, could strike there as well.
	; Each of the three dies in ring 0 today, so the restore, which also
	; flushes the user PCID, is not reached yet.)
	xor r12d, r12d
	test byte [rel cpu_entry_data + CED_PTI], 1
	jz .kernel_table
	mov rax, cr3
	bt rax, PTI_USER_PGTABLE_BIT
	jnc .kernel_table
	mov r12, rax
	SWITCH_TO_KERNEL_CR3 rax
.kernel_table:
	; ring 3 may have set AC, and an interrupt does not clear it: without
	; CLAC the handler would run with SMAP off (SYSCALL clears AC through
	; SFMASK instead)
	CLAC
	cld                             ; the C ABI expects DF clear
	mov rdi, rsp                    ; struct pt_regs *
	call do_trap
	test r12, r12
	jz restore_regs_and_iret
	mov cr3, r12                    ; the user table the exit had loaded
restore_regs_and_iret:
	test byte [rsp + 15 * 8 + 24], 3        ; pt_regs.cs: back to ring 3?
	jz .iret
	test byte [rel cpu_entry_data + CED_PTI], 1
	jnz .iret_pti
.iret:
	POP_REGS
	add rsp, 16                     ; vector and error code
	iretq
; Copy the IRET frame to the entry stack, switch to the user table, IRETQ
; (Linux's swapgs_restore_regs_and_return_to_usermode). IF stays off until
; IRETQ loads the user's RFLAGS: an interrupt under the user CR3 in ring 0
; would find no kernel.
.iret_pti:
	cli
	POP_REGS 1
	mov rdi, rsp                    ; rdi, vector, error code, ip, cs, flags, sp, ss
	mov rsp, CEA_ENTRY_STACK_TOP
	push qword [rdi + 56]           ; ss
	push qword [rdi + 48]           ; sp
	push qword [rdi + 40]           ; flags
	push qword [rdi + 32]           ; cs
	push qword [rdi + 24]           ; ip
	push qword [rdi]                ; the user's rdi
	SWITCH_TO_USER_CR3 rdi
	pop rdi
	iretq

; SYSCALL (SDM Vol. 2B): RIP -> RCX, RFLAGS -> R11, RFLAGS &= ~SFMASK (IF
; is off from here), CS/SS from STAR; RSP is still the user's. Single CPU:
; the user RSP waits in a global while the task's kernel stack is loaded
; (Linux keeps both per CPU behind SWAPGS). The frame built is a struct
; pt_regs like an interrupt's, so the C side and the IRETQ path are shared.
entry_SYSCALL_64:
	mov [rel cpu_entry_data + CED_RSP_SCRATCH], rsp
	SWITCH_TO_KERNEL_CR3 rsp        ; RSP is the only free register (Linux's too)
	mov rsp, [rel cpu_current_top_of_stack]
	push __USER_DS                  ; ss
	push qword [rel cpu_entry_data + CED_RSP_SCRATCH]       ; sp
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
	test byte [rel cpu_entry_data + CED_PTI], 1
	jnz .sysret_pti
	POP_REGS
	mov rcx, [rsp + 16]             ; ip
	mov r11, [rsp + 32]             ; flags
	mov rsp, [rsp + 40]             ; the user's stack; no interrupt can come now
	o64 sysret                      ; RIP = RCX, RFLAGS = R11, CS/SS = STAR[63:48] + 16/8
; pti=on: the user RSP and RDI go to the entry stack, the only stack the
; user table maps, for the last instructions after the CR3 switch (Linux's
; entry_SYSCALL_64 exit).
.sysret_pti:
	POP_REGS 1
	mov rcx, [rsp + 24]             ; ip
	mov r11, [rsp + 40]             ; flags
	mov rdi, rsp
	mov rsp, CEA_ENTRY_STACK_TOP
	push qword [rdi + 48]           ; the user's stack
	push qword [rdi]                ; the user's rdi
	SWITCH_TO_USER_CR3 rdi
.sysret_user_table:                     ; tests/system/test_pti.py stops here
	pop rdi
	pop rsp
	o64 sysret

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

section .rodata
align 8
; The stubs are 16 bytes apart; the table spares C that arithmetic.
idt_stubs:
%assign v 0
%rep 256
	dq idt_stub_0 + v * 16
%assign v v + 1
%endrep
