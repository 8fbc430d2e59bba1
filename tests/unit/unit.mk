# Host unit tests. Included by the
# top-level Makefile, which builds build/unit/test_<name> from
# tests/unit/test_<name>.c and $(UNIT_SRCS_<name>); the C library supplies
# memcpy/snprintf on the host. A test split into two programs shares a
# header of helpers, listed as an extra prerequisite of both; the printk
# stub all of them use (printk_capture.h) is a prerequisite of every one.
UNIT_TESTS += multiboot2
UNIT_SRCS_multiboot2 := kernel/multiboot2.c kernel/boot_info.c

UNIT_TESTS += multiboot2_corrupt
UNIT_SRCS_multiboot2_corrupt := kernel/multiboot2.c kernel/boot_info.c
UNIT_TESTS += multiboot2_efi
UNIT_SRCS_multiboot2_efi := kernel/multiboot2.c kernel/boot_info.c kernel/efi.c
$(B)/unit/test_multiboot2 $(B)/unit/test_multiboot2_corrupt $(B)/unit/test_multiboot2_efi: tests/unit/mb2_builder.h

# test_vsprintf.c includes kernel/vsprintf.c itself, renamed, so that the
# kernel's snprintf and the C library's can be compared in one program.
UNIT_TESTS += vsprintf
UNIT_SRCS_vsprintf := kernel/vsprintf.c

UNIT_TESTS += cmdline
UNIT_SRCS_cmdline := kernel/cmdline.c

# The library headers (kernel/list.h, err.h, types.h): nothing to link.
UNIT_TESTS += list
UNIT_SRCS_list :=

# test_early_ioremap.c includes both sources itself (to reach static state)
UNIT_TESTS += early_ioremap
UNIT_SRCS_early_ioremap := mm/early_ioremap.c mm/fixmap.c

UNIT_TESTS += acpi
UNIT_SRCS_acpi := drivers/acpi_tables.c

UNIT_TESTS += acpi_aml
UNIT_SRCS_acpi_aml := drivers/acpi_tables.c
# The MCFG parser (PCI's ECAM ranges), with corrupted tables.
UNIT_TESTS += pci_mcfg
UNIT_SRCS_pci_mcfg := drivers/acpi_tables.c
$(B)/unit/test_acpi $(B)/unit/test_acpi_aml $(B)/unit/test_pci_mcfg: tests/unit/acpi_builder.h

UNIT_TESTS += pgtable
UNIT_SRCS_pgtable := mm/pgtable.c mm/pagewalk.c

UNIT_TESTS += memblock
UNIT_SRCS_memblock := mm/memblock.c

UNIT_TESTS += memblock_random
UNIT_SRCS_memblock_random := mm/memblock.c
$(B)/unit/test_memblock $(B)/unit/test_memblock_random: tests/unit/memblock_model.h

# The firmware map (kernel/e820.c) into memblock, against the same model.
UNIT_TESTS += e820
UNIT_SRCS_e820 := kernel/e820.c mm/memblock.c
$(B)/unit/test_e820: tests/unit/memblock_model.h tests/unit/e820_model.h

UNIT_TESTS += page_alloc
UNIT_SRCS_page_alloc := mm/page_alloc.c

UNIT_TESTS += page_alloc_random
UNIT_SRCS_page_alloc_random := mm/page_alloc.c
$(B)/unit/test_page_alloc $(B)/unit/test_page_alloc_random: tests/unit/page_alloc_model.h

UNIT_TESTS += slab
UNIT_SRCS_slab := mm/slab.c

UNIT_TESTS += slab_errors
UNIT_SRCS_slab_errors := mm/slab.c
$(B)/unit/test_slab $(B)/unit/test_slab_errors: tests/unit/slab_harness.h

UNIT_TESTS += resource
UNIT_SRCS_resource := kernel/resource.c

UNIT_TESTS += resource_random
UNIT_SRCS_resource_random := kernel/resource.c
$(B)/unit/test_resource $(B)/unit/test_resource_random: tests/unit/resource_harness.h

UNIT_TESTS += vmap_area
UNIT_SRCS_vmap_area := mm/vmap_area.c

# The ELF header validator the program loader uses: directed accept and
# reject tests, then random input against a reference model.
UNIT_TESTS += elf
UNIT_SRCS_elf := kernel/elf.c kernel/vsprintf.c

UNIT_TESTS += elf_random
UNIT_SRCS_elf_random := kernel/elf.c kernel/vsprintf.c
$(B)/unit/test_elf $(B)/unit/test_elf_random: tests/unit/elf_builder.h

# An mm's VMA set (mm/vma.c): directed edge cases, then random sequences
# against a page-bitmap reference model.
UNIT_TESTS += vma
UNIT_SRCS_vma := mm/vma.c

UNIT_TESTS += vma_random
UNIT_SRCS_vma_random := mm/vma.c
$(B)/unit/test_vma $(B)/unit/test_vma_random: tests/unit/vma_harness.h

# The PVH start-info parser: directed tests, then malformed and random
# start infos, both on simulated physical memory (pvh_builder.h).
UNIT_TESTS += pvh
UNIT_SRCS_pvh := kernel/pvh.c kernel/boot_info.c

UNIT_TESTS += pvh_corrupt
UNIT_SRCS_pvh_corrupt := kernel/pvh.c kernel/boot_info.c
$(B)/unit/test_pvh $(B)/unit/test_pvh_corrupt: tests/unit/pvh_builder.h

# The initramfs (cpio newc) unpacker: valid, malformed, truncated and
# randomly corrupted archives built field by field.
UNIT_TESTS += initramfs
UNIT_SRCS_initramfs := kernel/initramfs.c kernel/boot_info.c

# kernel/string.c (the kernel's and the user library's memcpy/memset):
# test_string.c includes it itself, renamed, to compare with byte loops.
UNIT_TESTS += string
UNIT_SRCS_string := kernel/string.c

# The shell's argument parsers, over kstrtoull and kmemparse.
UNIT_TESTS += shell_args
UNIT_SRCS_shell_args := shell/args.c kernel/kstrtox.c

# The PCID ASID allocator (mm/asid.c) against a model CPU TLB.
UNIT_TESTS += asid
UNIT_SRCS_asid := mm/asid.c
