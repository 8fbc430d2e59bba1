; The only kernel code that touches user memory (kernel/uaccess.h). Each
; access that may fault has an __ex_table entry (kernel/extable.h): a bad
; user pointer then resumes at the fixup and becomes -EFAULT, not an oops.
; With SMAP on, supervisor access to a user page faults unless RFLAGS.AC
; is set (SDM Vol. 3A 4.6.1): STAC/CLAC bracket each access, and only it.
%include "kernel/calling.inc"
global __copy_user, __strncpy_from_user

section .text
bits 64

; unsigned long __copy_user(void *dst, const void *src, unsigned long n):
; the bytes not copied, 0 on success. REP MOVSB updates RCX, RSI and RDI
; after each byte, so when it faults RCX holds exactly what is left (SDM
; Vol. 2B REP: string instructions are restartable).
__copy_user:
	STAC
	mov rcx, rdx
.copy:	rep movsb
	CLAC
	xor eax, eax
	ret
.fault:	CLAC
	mov rax, rcx
	ret

; long __strncpy_from_user(char *dst, const char *src, long n): the length
; of the string copied (without its NUL), n if no NUL came within n bytes,
; -EFAULT (-14) if a byte could not be read.
__strncpy_from_user:
	STAC
	xor eax, eax
.next:	cmp rax, rdx
	jae .done
.load:	movzx ecx, byte [rsi + rax]
	mov [rdi + rax], cl
	test cl, cl
	jz .done
	inc rax
	jmp .next
.done:	CLAC
	ret
.fault:	CLAC
	mov rax, -14
	ret

section __ex_table align=8
	dq __copy_user.copy, __copy_user.fault
	dq __strncpy_from_user.load, __strncpy_from_user.fault
