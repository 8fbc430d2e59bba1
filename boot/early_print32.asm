; early_print32_and_halt: print the NUL-terminated string at ESI (a physical
; address) on COM1 and on the VGA text screen, then halt for good. Runs in
; 32-bit protected mode with paging off, before any C; used when the CPU or
; the loader cannot run Carta. It halts instead of faulting: a fault here,
; with no IDT, would triple-fault and reset the machine, hiding the message.
%define COM1            0x3f8
%define VGA_TEXT        0xb8000
%define VGA_ATTR        0x4f            ; white on red

global early_print32_and_halt

section .head.text
bits 32
early_print32_and_halt:
	; 16550 set-up: 115200 8N1 (divisor 1), FIFO on.
	mov dx, COM1 + 1
	xor al, al
	out dx, al                      ; IER: no interrupts
	mov dx, COM1 + 3
	mov al, 0x80
	out dx, al                      ; LCR: DLAB on
	mov dx, COM1
	mov al, 1
	out dx, al                      ; divisor low
	mov dx, COM1 + 1
	xor al, al
	out dx, al                      ; divisor high
	mov dx, COM1 + 3
	mov al, 0x03
	out dx, al                      ; LCR: 8N1, DLAB off
	mov dx, COM1 + 2
	mov al, 0xc7
	out dx, al                      ; FCR: enable and clear FIFOs

	; Clear the screen, then write the line at the top.
	mov edi, VGA_TEXT
	mov ecx, 80 * 25
	mov ax, 0x0720
	rep stosw
	mov edi, VGA_TEXT
.next:
	mov bl, [esi]
	test bl, bl
	jz .done
	mov [edi], bl
	mov byte [edi + 1], VGA_ATTR
	add edi, 2
	mov dx, COM1 + 5
.wait:
	in al, dx                       ; LSR bit 5: transmit holding register empty
	test al, 0x20
	jz .wait
	mov dx, COM1
	mov al, bl
	out dx, al
	inc esi
	jmp .next
.done:
	mov dx, COM1 + 5
.wait_cr:
	in al, dx
	test al, 0x20
	jz .wait_cr
	mov dx, COM1
	mov al, 13
	out dx, al
	mov al, 10
	out dx, al
.halt:
	cli
	hlt
	jmp .halt
