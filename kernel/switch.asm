; The context switch, and where a new task's first switch lands.
global __switch_to_asm, ret_from_fork, ret_from_kernel_thread
extern exit_to_user_mode, restore_regs_and_iret, schedule_tail, do_exit

%define TASK_THREAD_SP 40       ; offsetof(struct task_struct, thread.sp), checked in kernel/fork.c

section .text
bits 64

; struct task_struct *__switch_to_asm(prev = rdi, next = rsi)
; The SysV ABI lets a call clobber everything but RBX, RBP, R12-R15 (and
; RSP): those are all a switch inside a call has to keep. prev resumes here
; later, on its own stack, as if the call had just returned.
__switch_to_asm:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi + TASK_THREAD_SP], rsp
	mov rsp, [rsi + TASK_THREAD_SP]
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	mov rax, rdi
	ret

; A new process's stack (kernel/exec.c) holds six zeroed callee-saved
; slots, this address, then a struct pt_regs describing ring 3 at its
; entry point. schedule_tail gets the task switched from (RAX, as
; __switch_to_asm returns it), which schedule() would otherwise have seen.
; Leaving through exit_to_user_mode gives a `kill` that came before the
; first run its chance; then IRETQ loads CS, SS, RIP, RSP and RFLAGS (IF
; set) from the frame (SDM Vol. 3A 6.14.3).
ret_from_fork:
	mov rdi, rax
	call schedule_tail
	mov rdi, rsp
	call exit_to_user_mode
	jmp restore_regs_and_iret

; A new kernel thread's stack (kernel/fork.c): its function in RBX. The
; switch came from schedule(), interrupts off; the thread runs with them
; on. A function that returns ends the thread.
ret_from_kernel_thread:
	mov rdi, rax
	call schedule_tail
	sti
	call rbx
	xor edi, edi
	call do_exit
	ud2
