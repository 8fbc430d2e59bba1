; The PVH entry note: a loader that implements Xen's x86/HVM direct boot ABI
; (xen docs/misc/pvh.pandoc; QEMU -kernel, with its pvh.bin option ROM)
; looks for an ELF note of type XEN_ELFNOTE_PHYS32_ENTRY, owner "Xen", loads
; the PT_LOAD segments at their physical addresses (p_paddr, 2 MiB up, as
; GRUB does) and jumps to the physical address the note holds, in 32-bit
; protected mode with paging off and EBX = struct hvm_start_info.
;
; linker.ld puts this section in a PT_NOTE segment of its own, aligned 4:
; QEMU (hw/i386/x86.c, read_pvh_start_addr) finds the descriptor at
; 12 + align_up(n_namesz, p_align), so p_align must be 4 for "Xen\0" to be
; followed by the address, as the ELF note layout has it.
%include "boot/memlayout.inc"

%define XEN_ELFNOTE_PHYS32_ENTRY 18     ; xen/include/public/elfnote.h

extern pvh_start_xen

section .note.Xen note alloc noexec nowrite align=4
	dd pvh_name_end - pvh_name      ; n_namesz
	dd pvh_desc_end - pvh_desc      ; n_descsz
	dd XEN_ELFNOTE_PHYS32_ENTRY     ; n_type
pvh_name:
	db "Xen", 0
pvh_name_end:
	; 8 bytes, as Linux's: QEMU reads a host size_t here, and the entry
	; must be a 32-bit address, so the high half is zero either way.
pvh_desc:
	dq pvh_start_xen - __START_KERNEL_map
pvh_desc_end:
