; The floor kernel make bench boots to measure what a boot path costs
; before any kernel code runs: QEMU, the firmware, GRUB or QEMU's PVH
; loader, and loading the same initramfs. Its first instruction leaves
; QEMU through isa-debug-exit (iobase 0xf4, as scripts/qemu.py sets it up),
; so "QEMU start to exit" for it is the floor that "QEMU start to prompt"
; for Carta is set against. One ELF carries both entries, as Carta's does:
; a multiboot2 header for GRUB and the Xen PVH note for QEMU -kernel.
; Both enter in 32-bit protected mode with paging off.

bits 32

%define MB2_MAGIC      0xe85250d6       ; multiboot2 spec 3.1.1
%define MB2_ARCH_I386  0
%define XEN_ELFNOTE_PHYS32_ENTRY 18     ; xen/include/public/elfnote.h
%define DEBUG_EXIT_PORT 0xf4

; multiboot2 spec 3.1: within the first 32 KiB, 8-byte aligned; the end
; tag alone is enough when the kernel is an ELF.
section .multiboot2 alloc noexec nowrite align=8
mb2_header:
	dd MB2_MAGIC, MB2_ARCH_I386, mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	dw 0, 0                 ; end tag: type 0, flags 0
	dd 8                    ; size 8
mb2_header_end:

; The PVH note, laid out as boot/pvh_note.asm explains (8-byte entry).
section .note.Xen note alloc noexec nowrite align=4
	dd 4, 8, XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dd _start, 0            ; the entry, as a 64-bit value

section .text
global _start
_start:
	mov al, 0               ; QEMU exits with status (0 << 1) | 1 = 1
	out DEBUG_EXIT_PORT, al
.halt:
	hlt                     ; not reached: QEMU has gone
	jmp .halt
