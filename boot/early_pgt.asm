; The early page tables, static so gdb can read them before they are used.
; CR3 points at early_top_pgt from the long-mode switch until start_kernel
; has built nothing else yet (the direct map's swapper_pg_dir comes later).
;
;   early_top_pgt[0]   -> level3_ident_pgt  -> level2_ident_pgt (4 pages):
;                         identity map of 0..4 GiB in 2 MiB pages, so the
;                         switch and the copy of the multiboot2 info work.
;                         start_kernel clears this slot (kernel/main.c).
;   early_top_pgt[511] -> level3_kernel_pgt
;       [510] -> level2_kernel_pgt: the image, 2 MiB pages (boot/head.asm fills it)
;       [511] -> level2_fixmap_pgt
;           [507] -> level1_fixmap_pgt: the fixmap PTE page, empty for now
;
; With la57 (boot/head.asm's setup_la57) CR3 points at early_top_pgt5, a
; PML5 whose slots 0 and 511 both point at early_top_pgt: 0..4 GiB and the
; image keep their addresses (their bits 56..48 pick PML5 slot 0 and 511).
; start_kernel clears both tables' user halves (mm/init.c); early_top_pgt's
; slot 0 then stops mapping 0xff80000000000000 too. SDM 3A 4.5, Table 4-12
; (PML5E).
;
; Entry format: SDM Vol. 3A 4.5, Tables 4-14 (PML4E), 4-15 (PDPTE), 4-17 (PDE
; mapping 2 MiB, PS=1) and 4-18 (PDE referencing a page table).
%include "boot/memlayout.inc"
%define PHYS(x) ((x) - __START_KERNEL_map)

global early_top_pgt, early_top_pgt5, level3_ident_pgt, level2_ident_pgt
global level3_kernel_pgt, level2_kernel_pgt, level2_fixmap_pgt, level1_fixmap_pgt

; Both top-level tables are 8 KiB-aligned, so bit 12 of their address is
; clear: with pti=on the entry code takes CR3 bit 12 for "the user table"
; (kernel/entry.asm; Linux's PTI has its kernel PGDs 8 KiB-aligned too).
; level3_ident_pgt fills the 4 KiB between them.
section .data align=8192
align 8192
early_top_pgt:
	dq PHYS(level3_ident_pgt) + _KERNPG_TABLE
	times KERNEL_PGD_SLOT - 1 dq 0
	dq PHYS(level3_kernel_pgt) + _KERNPG_TABLE

level3_ident_pgt:
%assign i 0
%rep IDENT_MAP_GB
	dq PHYS(level2_ident_pgt) + i * PAGE_SIZE + _KERNPG_TABLE
%assign i i + 1
%endrep
	times 512 - IDENT_MAP_GB dq 0

early_top_pgt5:
	dq PHYS(early_top_pgt) + _KERNPG_TABLE
	times 510 dq 0
	dq PHYS(early_top_pgt) + _KERNPG_TABLE

level2_ident_pgt:
%assign i 0
%rep 512 * IDENT_MAP_GB
	dq i * 0x200000 + __PAGE_IDENT_LARGE
%assign i i + 1
%endrep

level3_kernel_pgt:
	times KERNEL_PUD_SLOT dq 0
	dq PHYS(level2_kernel_pgt) + _KERNPG_TABLE
	dq PHYS(level2_fixmap_pgt) + _KERNPG_TABLE

level2_kernel_pgt:
	times 512 dq 0

level2_fixmap_pgt:
	times FIXMAP_PMD_SLOT dq 0
	dq PHYS(level1_fixmap_pgt) + _KERNPG_TABLE
	times 512 - FIXMAP_PMD_SLOT - 1 dq 0

level1_fixmap_pgt:
	times 512 dq 0
