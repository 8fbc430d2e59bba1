; The first instructions. Two loaders can start us, each at its own entry,
; both in 32-bit protected mode with paging off and flat segments:
;   _start          GRUB (multiboot2 spec 3.3): EAX = 0x36d76289, EBX =
;                   physical address of the multiboot2 information;
;   pvh_start_xen   a PVH loader such as QEMU -kernel (Xen's x86/HVM direct
;                   boot ABI; the entry is in boot/pvh_note.asm's ELF note):
;                   EBX = physical address of struct hvm_start_info.
; Each puts its protocol's magic in EBP and joins startup_32, which checks
; the CPU, turns on 4-level paging with the static tables of
; boot/early_pgt.asm (5-level, one PML5 above them, if the command line
; says la57 and the CPU has it: see setup_la57), enters long mode, jumps to the higher half and calls
; start_kernel(magic, info_phys): the magic says which parser reads EBX's block.
;
; The image is linked at __START_KERNEL_map + physical, so until paging is on
; every address we use is written "sym - __START_KERNEL_map" (its physical one).
%include "boot/memlayout.inc"

%define PHYS(x) ((x) - __START_KERNEL_map)

%define X86_CR0_WP      (1 << 16)   ; SDM 3A 2.5: supervisor writes honour R/W
%define X86_CR0_PG      (1 << 31)
%define X86_CR0_NW      (1 << 29)   ; SDM 3A 2.5: not write-through (with CD)
%define X86_CR0_CD      (1 << 30)   ; SDM 3A 2.5, 11.5.3: caches not filled
%define X86_CR4_PAE     (1 << 5)    ; SDM 3A 4.1.1: required for long mode
%define X86_CR4_LA57    (1 << 12)   ; SDM 3A 4.1.1: 5-level paging (57-bit addresses)
%define MB2_TAG_CMDLINE 1           ; multiboot2 spec 3.6.2: boot command line tag
%define PVH_CMDLINE_PADDR 24        ; struct hvm_start_info.cmdline_paddr (u64)
%define MSR_EFER        0xc0000080
%define EFER_LME        (1 << 8)    ; SDM 3A 2.2.1: long mode enable
%define EFER_NX         (1 << 11)   ; no-execute bit usable in page tables
%define KERNEL_CS       0x08        ; same selectors as kernel/gdt.h
%define KERNEL_DS       0x10
; The start info's magic (xen/include/public/arch-x86/hvm/start_info.h);
; the PVH entry passes it to start_kernel as multiboot2 passes its own.
%define XEN_HVM_START_MAGIC_VALUE 0x336ec578

extern early_top_pgt, early_top_pgt5, level2_kernel_pgt
extern __pgtable_l5_enabled
extern __bss_start, _end, _text
extern start_kernel
extern early_print32_and_halt
global _start, pvh_start_xen, boot_stack_guard, boot_stack_bottom, boot_stack_top, early_gdt

section .head.text progbits alloc exec nowrite align=16
bits 32
_start:
	cli
	cld
	mov ebp, eax                    ; keep the magic; EBX keeps the info address
	; No stack yet: early_print32_and_halt needs none.
	mov esi, PHYS(msg_no_multiboot)
	cmp ebp, MULTIBOOT2_BOOTLOADER_MAGIC
	jne early_print32_and_halt
	jmp startup_32

; The PVH ABI defines no magic register: EBX alone points at the start info,
; whose own magic field kernel/pvh.c checks.
pvh_start_xen:
	cli
	cld
	mov ebp, XEN_HVM_START_MAGIC_VALUE

; From here both entries are one path: EBP = protocol magic, EBX = info.
startup_32:
	; .bss is ours to zero (GRUB does, but a loader need not; we own it now).
	mov edi, PHYS(__bss_start)
	mov ecx, PHYS(_end)
	sub ecx, edi
	shr ecx, 2
	xor eax, eax
	rep stosd
	mov esp, PHYS(boot_stack_top)

	call check_cpu                  ; returns ESI = message, or 0 if all is there
	test esi, esi
	jnz early_print32_and_halt

	call map_kernel_image
	call setup_la57                 ; EAX = top table, EDX = CR4 bits to add

	; SDM 3A 9.8.5 (initializing IA-32e mode): PAE on, CR3 = PML4 (or PML5
	; with LA57), EFER.LME, then CR0.PG; the CPU is then in compatibility
	; mode until a far jump.
	mov cr3, eax
	mov eax, cr4
	or eax, X86_CR4_PAE
	or eax, edx
	mov cr4, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME | EFER_NX
	wrmsr
	; Firmware may hand over with the caches off (CR0.CD and NW set, the
	; reset state, SDM 3A 9.1.1: Bochs's BIOS leaves them so); Linux
	; loads a fixed CR0 with both clear. So do we: with CD set every
	; access goes to memory, an order of magnitude slower on hardware.
	mov eax, cr0
	and eax, ~(X86_CR0_CD | X86_CR0_NW)
	or eax, X86_CR0_PG | X86_CR0_WP
	mov cr0, eax

	lgdt [PHYS(early_gdt_desc32)]
	jmp KERNEL_CS:PHYS(long_mode_entry)

; check_cpu: ESI = 0 if the CPU has CPUID, long mode, PAE and NX; else ESI =
; the message naming the first feature missing. Clobbers EAX, ECX, EDX;
; keeps EBX (CPUID writes it, and it holds the boot information) and EBP.
check_cpu:
	push ebx
	; CPUID exists iff EFLAGS.ID (bit 21) can be toggled (SDM 2A, CPUID).
	mov esi, PHYS(msg_no_cpuid)
	pushfd
	pop eax
	mov ecx, eax
	xor eax, 1 << 21
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	cmp eax, ecx
	je .out
	mov esi, PHYS(msg_no_long_mode)
	mov eax, 0x80000000             ; highest extended leaf
	cpuid
	cmp eax, 0x80000001
	jb .out
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29               ; CPUID.80000001H:EDX.LM
	jz .out
	mov esi, PHYS(msg_no_nx)
	test edx, 1 << 20               ; CPUID.80000001H:EDX.NX
	jz .out
	mov esi, PHYS(msg_no_pae)
	mov eax, 1
	cpuid
	test edx, 1 << 6                ; CPUID.01H:EDX.PAE
	jz .out
	xor esi, esi
.out:
	pop ebx
	ret

; setup_la57: 5-level paging if the command line has the word la57 and
; CPUID.(EAX=7,ECX=0):ECX[16] (LA57) is set. Decided here, with paging off,
; because CR4.LA57 cannot change in long mode (SDM 3A 4.1.1: MOV to CR4
; then faults). Returns EAX = the top table's physical address and EDX =
; X86_CR4_LA57 or 0; sets __pgtable_l5_enabled for the C code. A la57 the
; CPU lacks is reported by kernel/cmdline.c once printk works.
; Keeps EBX and EBP.
setup_la57:
	push ebx
	call find_cmdline               ; ESI = command line or 0
	test esi, esi
	jz .four
.word:                                  ; ESI at a word's first character
	mov al, [esi]
	test al, al
	jz .four
	call is_blank
	je .skip_blank
	cmp dword [esi], 'la57'           ; nasm: the four bytes in memory order
	jne .skip_word
	mov al, [esi + 4]
	test al, al
	jz .found
	call is_blank
	je .found
.skip_word:
	inc esi
	mov al, [esi]
	test al, al
	jz .four
	call is_blank
	jne .skip_word
.skip_blank:
	inc esi
	jmp .word
.found:
	xor eax, eax                    ; highest basic leaf
	cpuid
	cmp eax, 7
	jb .four
	mov eax, 7
	xor ecx, ecx
	cpuid
	test ecx, 1 << 16               ; CPUID.(EAX=7,ECX=0):ECX.LA57
	jz .four
	; early_top_pgt5[0] and [511] both point at early_top_pgt: the
	; identity map and the image keep their PML4 (boot/early_pgt.asm).
	mov byte [PHYS(__pgtable_l5_enabled)], 1
	mov eax, PHYS(early_top_pgt5)
	mov edx, X86_CR4_LA57
	pop ebx
	ret
.four:
	mov eax, PHYS(early_top_pgt)
	xor edx, edx
	pop ebx
	ret

; is_blank: ZF set iff AL separates words (space or tab, as kernel/cmdline.c).
is_blank:
	cmp al, ' '
	je .out
	cmp al, 9
.out:
	ret

; find_cmdline: ESI = the loader's command line (physical), or 0. EBP says
; which loader: multiboot2's information is a list of 8-byte-aligned tags
; after an 8-byte header, ended by type 0 (multiboot2 spec 3.6); PVH's
; start info holds the string's 64-bit physical address (0: none; above
; 4 GiB: unreachable with paging off, so none).
find_cmdline:
	xor esi, esi
	cmp ebp, MULTIBOOT2_BOOTLOADER_MAGIC
	jne .pvh
	lea ecx, [ebx + 8]
.tag:
	mov eax, [ecx]
	test eax, eax
	jz .out
	cmp eax, MB2_TAG_CMDLINE
	je .mb2_found
	mov eax, [ecx + 4]              ; tag size, without the padding to 8
	add eax, 7
	and eax, ~7
	jz .out                         ; a zero size would loop forever
	add ecx, eax
	jmp .tag
.mb2_found:
	lea esi, [ecx + 8]
	ret
.pvh:
	cmp dword [ebx + PVH_CMDLINE_PADDR + 4], 0
	jne .out
	mov esi, [ebx + PVH_CMDLINE_PADDR]
.out:
	ret

; map_kernel_image: level2_kernel_pgt[i] maps 2 MiB pages covering
; [LOAD_PHYSICAL_ADDR, _end) at __START_KERNEL_map + physical. Only the image
; is mapped: nothing else is reachable through this window (its size is known
; at link time only, so this one table is filled here, not statically).
map_kernel_image:
	mov edi, PHYS(level2_kernel_pgt) + (LOAD_PHYSICAL_ADDR / PMD_SIZE) * 8
	mov eax, LOAD_PHYSICAL_ADDR | __PAGE_KERNEL_LARGE_EXEC
	mov ecx, PHYS(_end)
.next:
	mov [edi], eax
	mov dword [edi + 4], 0
	add edi, 8
	add eax, PMD_SIZE
	mov edx, eax
	and edx, ~(PMD_SIZE - 1)          ; the next page's physical address
	cmp edx, ecx
	jb .next
	ret

bits 64
long_mode_entry:
	; Still at the identity-mapped physical address; reload data segments
	; with the 64-bit GDT's data selector, then leave for the higher half.
	mov ax, KERNEL_DS
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rax, higher_half
	jmp rax

section .text
higher_half:
	mov rsp, boot_stack_top
	lgdt [early_gdt_desc64]         ; GDTR base must be a higher-half address
	mov edi, ebp                    ; start_kernel(magic, info_phys), both
	mov esi, ebx                    ; zero-extended by the 32-bit moves
	xor ebp, ebp                    ; ends the frame-pointer chain (backtraces)
	call start_kernel
.hang:
	cli
	hlt
	jmp .hang

section .rodata
align 16
; Flat 64-bit GDT for the switch (SDM 3A 3.4.5; L=1 in the code descriptor).
; kernel/gdt.c replaces it with the full one (TSS, user segments).
early_gdt:
	dq 0
	dq 0x00af9a000000ffff           ; 0x08: kernel code, 64-bit
	dq 0x00cf92000000ffff           ; 0x10: kernel data
early_gdt_end:
early_gdt_desc32:
	dw early_gdt_end - early_gdt - 1
	dd PHYS(early_gdt)
early_gdt_desc64:
	dw early_gdt_end - early_gdt - 1
	dq early_gdt

msg_no_multiboot: db "Carta boot: not started by a multiboot2 loader (EAX is not 0x36d76289); halting.", 0
msg_no_cpuid:     db "Carta boot: this CPU has no CPUID instruction; cannot run a 64-bit kernel; halting.", 0
msg_no_long_mode: db "Carta boot: this CPU lacks long mode (x86-64); cannot boot. Try -cpu qemu64 or -cpu max; halting.", 0
msg_no_nx:        db "Carta boot: this CPU lacks the NX (no-execute) bit; cannot boot; halting.", 0
msg_no_pae:       db "Carta boot: this CPU lacks PAE; cannot boot; halting.", 0

section .bss
align 4096
; One page below the stack that mark_rodata_ro (mm/init.c) unmaps: an
; overflow faults there instead of silently overwriting .bss.
boot_stack_guard:
	resb PAGE_SIZE
boot_stack_bottom:
	resb BOOT_STACK_SIZE
boot_stack_top:
	; Zeroes just above the stack: higher_half has no unwind info, so gdb
	; reads its "return address" from here, finds 0 and ends the backtrace.
	resq 2
