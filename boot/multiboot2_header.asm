; The multiboot2 header: GRUB finds it in the first 32 KiB of the ELF file,
; 8-byte aligned (multiboot2 spec 3.1.1), and reads it to know how to load us.
%include "boot/memlayout.inc"

%define MB2_HEADER_MAGIC   0xe85250d6
%define MB2_ARCH_I386      0            ; 32-bit protected mode entry
%define MB2_TAG_END        0
%define MB2_TAG_INFO_REQ   1
%define MB2_TAG_ENTRY      3
%define MB2_TAG_CONSOLE    4
%define MB2_TAG_FRAMEBUFFER 5
%define MB2_TAG_OPTIONAL   1            ; flags bit 0: boot even if unsupported

extern _start

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_HEADER_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	; checksum: the four header fields sum to 0 mod 2^32 (spec 3.1.2)
	dd -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	; Information request (spec 3.1.4): the tags we read in kernel/multiboot2.c.
	align 8
.info_req:
	dw MB2_TAG_INFO_REQ, MB2_TAG_OPTIONAL
	dd .info_req_end - .info_req
	dd 1        ; boot command line
	dd 2        ; boot loader name
	dd 3        ; modules
	dd 4        ; basic memory information
	dd 6        ; memory map
	dd 8        ; framebuffer info
	dd 14       ; ACPI old RSDP
	dd 15       ; ACPI new RSDP
.info_req_end:

	; Entry address (spec 3.1.6): the physical address of _start. The ELF
	; entry is _start's linked (virtual) address, which GRUB converts
	; itself (linker.ld); this tag states the physical one directly.
	align 8
.entry:
	dw MB2_TAG_ENTRY, MB2_TAG_OPTIONAL
	dd .entry_end - .entry
	dd _start - __START_KERNEL_map
.entry_end:

	; Console flags (spec 3.1.8): bit 1, the EGA text console is supported.
	; With the framebuffer tag below, GRUB accepts either console (its
	; multiboot2 loader's "accepted consoles"): under BIOS grub.cfg asks for
	; text (gfxpayload=text), and the screen stays VGA text as before.
	align 8
.console:
	dw MB2_TAG_CONSOLE, MB2_TAG_OPTIONAL
	dd .console_end - .console
	dd 2        ; EGA text supported; no console required
.console_end:

	; Framebuffer (spec 3.1.10): a linear framebuffer is welcome too; 0x0x0
	; states no preference, so GRUB keeps the mode the firmware set. Under
	; UEFI, which has no text mode, this is the screen: without this tag
	; GRUB passes no framebuffer and says "no console will be available to
	; OS" (docs/uefi.md).
	align 8
.framebuffer:
	dw MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	dd .framebuffer_end - .framebuffer
	dd 0        ; width
	dd 0        ; height
	dd 0        ; depth (bits per pixel)
.framebuffer_end:

	align 8
	dw MB2_TAG_END, 0
	dd 8
mb2_header_end:
