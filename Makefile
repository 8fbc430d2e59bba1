# Carta: build, boot, debug and test. `make help` lists the targets.
# Variables: BOOT FIRMWARE MEM CPU ACCEL MACHINE CMDLINE QEMU_EXTRA GUI GDBPORT BOCHS_CPU CROSS_COMPILE CC
.DEFAULT_GOAL := all
SHELL := /bin/bash

CROSS_COMPILE ?=
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
LD      := $(CROSS_COMPILE)ld
NM      := $(CROSS_COMPILE)nm
OBJCOPY := $(CROSS_COMPILE)objcopy
NASM    ?= nasm
PYTHON  ?= python3
HOSTCC  ?= gcc

MEM     ?= 256M
CPU     ?= max
ACCEL   ?= tcg
MACHINE ?= pc
CMDLINE ?=
QEMU_EXTRA ?=
GUI     ?= 0
BOOT    ?= grub
FIRMWARE ?= bios

B := build
KERNEL := $(B)/carta.elf
ISO    := $(B)/carta.iso

KERNEL_DIRS := kernel mm drivers shell tests/kernel
# kernel/asm-offsets.c is compiled for its constants only (below), never linked.
C_SRCS   := $(filter-out kernel/asm-offsets.c,$(sort $(foreach d,$(KERNEL_DIRS),$(wildcard $(d)/*.c))))
ASM_SRCS := $(sort $(wildcard boot/*.asm kernel/*.asm))
OBJS := $(C_SRCS:%.c=$(B)/obj/%.o) $(ASM_SRCS:%.asm=$(B)/obj/%.o)

CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdlib -mcmodel=kernel \
	-mno-red-zone -mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -g -Og \
	-Wall -Wextra -Werror -I. -MMD -MP
ifeq ($(findstring clang,$(CC)),clang)
CFLAGS += --target=x86_64-unknown-none-elf
endif
# The same bytes wherever the tree is checked out: the debug info names
# the compile directory "." instead of its absolute path. GRUB loads the
# whole ELF, so under UEFI its size shows in the firmware's memory map,
# and the generated docs must not depend on the clone's path. gdb, run
# from the top directory (make gdb), still finds the sources.
CFLAGS += -fdebug-prefix-map=$(CURDIR)=.
# No -g: nasm's DWARF line tables make gdb 13 warn "pc ... in address map, but
# not in symtab" on every stop in asm; the asm keeps its symbols (x/i, si, hbreak).
NASMFLAGS := -f elf64 -I. -I$(B)/
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

all: $(KERNEL)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# nasm names a macro's local labels (%%no) ..@N.no and keeps them in the
# symbol table, where gdb would show them as frames: they go (a jump to one
# is resolved by nasm itself, so no relocation needs the symbol).
# The dependencies come from a -M pass of their own: nasm 2.16.00 and
# 2.16.01 leave the %include files out of what -MD writes (fixed in 2.16.02).
$(B)/obj/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -M -MF $(@:.o=.d) -MT $@ -MP $<
	$(NASM) $(NASMFLAGS) $< -o $@
	$(OBJCOPY) --wildcard --strip-symbol='..@*' $@

# The constants boot/*.asm shares with the C headers come from the headers
# (kernel/asm-offsets.c, Linux's asm-offsets): compiled as the kernel is, to
# assembly only, whose "->NAME value" lines become nasm %defines. The .d
# file the compiler writes makes the headers prerequisites, and the boot
# objects depend on the result, so a header change reassembles them.
ASM_OFFSETS := $(B)/generated/asm-offsets.inc

$(B)/generated/asm-offsets.s: kernel/asm-offsets.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -S $< -o $@

$(ASM_OFFSETS): $(B)/generated/asm-offsets.s scripts/asm_offsets.py
	$(PYTHON) scripts/asm_offsets.py $< > $@.tmp
	@mv $@.tmp $@

$(patsubst %.asm,$(B)/obj/%.o,$(wildcard boot/*.asm)): $(ASM_OFFSETS)

# Two links (kernel/kallsyms.h): the first, with an empty symbol table,
# gives the addresses; the second embeds them. linker.ld puts .kallsyms
# after all code, so the check below must find the text symbols unchanged.
$(B)/kallsyms0.o: scripts/kallsyms.py
	@mkdir -p $(B)
	$(PYTHON) scripts/kallsyms.py > $(B)/kallsyms0.asm
	$(NASM) -f elf64 $(B)/kallsyms0.asm -o $@

$(KERNEL): $(OBJS) $(B)/kallsyms0.o linker.ld scripts/kallsyms.py
	$(LD) $(LDFLAGS) -o $(B)/carta.pass1.elf $(OBJS) $(B)/kallsyms0.o
	$(NM) -n $(B)/carta.pass1.elf > $(B)/carta.pass1.syms
	$(PYTHON) scripts/kallsyms.py $(B)/carta.pass1.syms > $(B)/kallsyms.asm
	$(NASM) -f elf64 $(B)/kallsyms.asm -o $(B)/kallsyms.o
	$(LD) $(LDFLAGS) -o $@ $(OBJS) $(B)/kallsyms.o
	@$(NM) -n $@ | grep -i ' t ' > $(B)/carta.pass2.text
	@grep -i ' t ' $(B)/carta.pass1.syms | cmp -s - $(B)/carta.pass2.text || \
		{ echo "kallsyms: text addresses moved between links" >&2; rm -f $@; exit 1; }

include user/user.mk

# The ISO is rebuilt when the kernel, the command line or the initramfs changes.
$(B)/cmdline.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(CMDLINE)' | cmp -s - $@ || echo '$(CMDLINE)' > $@

$(ISO): $(KERNEL) $(B)/cmdline.stamp iso/grub.cfg.in scripts/mkiso.sh $(INITRAMFS)
	@bash scripts/deps.sh -q
	CARTA_INITRAMFS=$(INITRAMFS) scripts/mkiso.sh $(KERNEL) $@ $(CMDLINE)

iso: $(ISO)

# BOOT=grub: the ISO (GRUB, multiboot2). BOOT=pvh: QEMU loads the ELF
# itself (-kernel, PVH entry note) with the initramfs as -initrd; no ISO.
ifeq ($(BOOT),grub)
BOOT_FILES := $(ISO)
BOOT_ARGS  := --iso $(ISO)
else ifeq ($(BOOT),pvh)
BOOT_FILES := $(KERNEL) $(INITRAMFS)
BOOT_ARGS  := --kernel $(KERNEL) --initrd $(INITRAMFS) --append '$(CMDLINE)'
else
$(error BOOT=$(BOOT): say grub (the ISO, the default) or pvh (qemu -kernel))
endif
# FIRMWARE=uefi: OVMF instead of SeaBIOS; the same ISO boots under both
# (docs/uefi.md). Only GRUB boots under it: PVH is QEMU's own loader.
ifeq ($(FIRMWARE),uefi)
ifneq ($(BOOT),grub)
$(error FIRMWARE=uefi boots the ISO through GRUB: leave BOOT=grub)
endif
else ifneq ($(FIRMWARE),bios)
$(error FIRMWARE=$(FIRMWARE): say bios (SeaBIOS, the default) or uefi (OVMF))
endif

QEMU_RUN = $(PYTHON) scripts/qemu.py $(BOOT_ARGS) --mem $(MEM) --cpu $(CPU) \
	--accel $(ACCEL) --machine $(MACHINE) --firmware $(FIRMWARE) $(if $(filter 1,$(GUI)),--gui) -- $(QEMU_EXTRA)

run: deps $(BOOT_FILES)
	$(QEMU_RUN)

# The gdb stub's port: one per user (25000 + uid % 5000), so two people's
# `make debug` on one machine do not collide; GDBPORT=N overrides it.
# scripts/gdb/carta/target.py computes the same default.
GDBPORT ?= $(shell expr 25000 + $$(id -u) % 5000)

debug: deps $(BOOT_FILES)
	@echo "QEMU is stopped at reset with a gdb stub on localhost:$(GDBPORT)."
	@echo "In another terminal: make gdb   (or: gdb -x scripts/gdb/carta.gdb)"
	$(QEMU_RUN) -S -gdb tcp:127.0.0.1:$(GDBPORT)

# A probe first (bash's /dev/tcp): without a stub, one line and a failure
# at once, rather than gdb's timeout and its Python traceback.
gdb: $(KERNEL)
	@(exec 3<>/dev/tcp/127.0.0.1/$(GDBPORT)) 2>/dev/null || { echo "make gdb: no gdb stub on localhost:$(GDBPORT); start one with 'make debug' (or 'make qemu-gdb')" >&2; exit 1; }
	CARTA_GDB_TARGET=localhost:$(GDBPORT) gdb -q -x scripts/gdb/carta.gdb

# xv6's names: qemu opens a window when there is a display, qemu-nox never
# does (serial on this terminal), qemu-gdb is `make debug`.
qemu: GUI := $(if $(DISPLAY)$(WAYLAND_DISPLAY),1,0)
qemu: run
qemu-nox: GUI := 0
qemu-nox: run
qemu-gdb: debug

# Bochs (scripts/bochs.py) for what QEMU cannot do here: its Haswell model
# has PCID and INVPCID (QEMU's TCG has neither). The ISO only: Bochs has
# no PVH loader. Serial on this terminal through a relay (Ctrl-A X quits).
BOCHS_CPU ?= corei7_haswell_4770
bochs: deps $(ISO)
	$(PYTHON) scripts/bochs.py --iso $(ISO) --cpu $(BOCHS_CPU) --mem $(MEM)

deps:
	@bash scripts/deps.sh -q

# --- tests -------------------------------------------------------------
-include tests/unit/unit.mk
.SECONDEXPANSION:
UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Wall -Wextra -Werror -I. -DHOST_TEST
UNIT_BINS := $(UNIT_TESTS:%=$(B)/unit/test_%)

# A source the test file #includes itself is a prerequisite but not compiled again.
$(B)/unit/test_%: tests/unit/test_%.c tests/unit/unit.h tests/unit/printk_capture.h $$(UNIT_SRCS_$$*)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< $(filter-out $(shell grep -ho '"[a-z/_0-9]*\.c"' $< | tr -d '"'),$(UNIT_SRCS_$*))

unit: $(UNIT_BINS)

# What the tests need is built first, one job per core unless make was
# given a -j of its own (the sub-make then shares that one's job slots).
NPROC := $(shell nproc 2>/dev/null || echo 1)
# ARGS go to tests/run.py: make test ARGS='-k vmalloc' runs a subset,
# ARGS='-j4 --durations' more workers and the slowest jobs.
ARGS ?=
test: deps
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC)) test-prereqs
	$(PYTHON) tests/run.py $(ARGS)

test-prereqs: $(KERNEL) $(UNIT_BINS) $(USER_FILES)
	@:

# The docs' generated blocks (scripts/docgen.py has the format): rewritten
# in place from real boots and gdb sessions; `make test` checks them.
docs: deps $(KERNEL) $(USER_FILES)
	$(PYTHON) scripts/docgen.py
	$(PYTHON) scripts/fbdemo_png.py

bench: deps $(KERNEL)
	$(PYTHON) scripts/bench.py

# Labs (docs/labs/README.md): `make lab LAB=NAME [DEST=dir]` writes the
# handout of lab NAME (scripts/lab.py; DEST defaults to ../carta-lab-NAME),
# `make grade` grades it there (in the full tree LAB=NAME grades one lab,
# no LAB all of them: scripts/grade.py), `make handin` packs the work.
LAB ?=
DEST ?=
lab:
	@$(PYTHON) scripts/lab.py $(if $(LAB),'$(LAB)') $(if $(DEST),'$(DEST)')

grade: deps
	@$(PYTHON) scripts/grade.py $(if $(LAB),--lab '$(LAB)')

handin:
	@$(PYTHON) scripts/lab.py --handin

# For clangd and other editors: every C file with the flags this Makefile
# compiles it with (kernel, user programs, host unit tests), written by
# scripts/compile_commands.py from "file<TAB>command" lines. Ignored by git.
CC_ENTRIES = $(foreach f,$(C_SRCS) kernel/asm-offsets.c,$(f)	$(CC) $(CFLAGS) -c $(f)\n) \
	$(foreach f,$(sort $(wildcard user/*.c)) $(filter-out kernel/%,$(USER_LIB_SRCS)),$(f)	$(CC) $(USER_CFLAGS) -c $(f)\n) \
	$(foreach t,$(UNIT_TESTS),tests/unit/test_$(t).c	$(HOSTCC) $(UNIT_CFLAGS) -c tests/unit/test_$(t).c\n)
compile_commands.json: Makefile user/user.mk tests/unit/unit.mk $(C_SRCS) FORCE
	@printf '$(CC_ENTRIES)' | $(PYTHON) scripts/compile_commands.py > $@.tmp
	@mv $@.tmp $@
	@echo "wrote $@ ($$(grep -c '"file"' $@) files)"

clean:
	rm -rf $(B)

help:
	@echo "make            build $(KERNEL)"
	@echo "make user       build the user programs into $(B)/user, stripped into $(INITRAMFS) (and malformed ELFs into $(INITRAMFS_TEST))"
	@echo "make iso        build $(ISO) (GRUB, multiboot2, CMDLINE baked in, the initramfs as its module)"
	@echo "make run        boot in QEMU; serial and monitor on this terminal (Ctrl-A X quits, Ctrl-A C monitor)"
	@echo "make run BOOT=pvh   the same without GRUB: qemu -kernel $(KERNEL) -initrd $(INITRAMFS)"
	@echo "make run FIRMWARE=uefi   the same ISO under UEFI (OVMF), the console on GRUB's framebuffer"
	@echo "make qemu       make run, in a window if there is a display (xv6's name); make qemu-nox: serial only"
	@echo "make bochs      boot $(ISO) in Bochs (BOCHS_CPU=$(BOCHS_CPU): PCID, INVPCID); serial on this terminal, Ctrl-A X quits"
	@echo "make debug      boot stopped at reset, gdb stub on localhost:$(GDBPORT) (GDBPORT=N to change); also: make qemu-gdb"
	@echo "make gdb        attach gdb to that stub with scripts/gdb/carta.gdb (carta-help lists the lx-* commands, docs/gdb.md)"
	@echo "make test       host unit tests, in-kernel selftests, system tests: TAP, ends 'N passed, M failed'"
	@echo "                ARGS='-k PATTERN' runs a subset, ARGS='-j N' sets the workers (default: nproc)"
	@echo "make lab LAB=NAME [DEST=dir]   a lab's handout: a git tree with the lab's code cut (docs/labs/README.md)"
	@echo "make grade [LAB=NAME]   grade a lab (in a handout: its own; in the full tree with no LAB: all)"
	@echo "make handin     in a handout: handin-NAME.tar.gz, the diff against the handout and answers-NAME.txt"
	@echo "make docs       rewrite the generated blocks of README.md and docs/*.md from real runs"
	@echo "make bench      boot-time figures"
	@echo "make compile_commands.json   for clangd: each C file with this Makefile's flags"
	@echo "make clean      remove build/"
	@echo "variables: BOOT=$(BOOT) FIRMWARE=$(FIRMWARE) MEM=$(MEM) CPU=$(CPU) ACCEL=$(ACCEL) MACHINE=$(MACHINE) CMDLINE='$(CMDLINE)' GUI=$(GUI) GDBPORT=$(GDBPORT) BOCHS_CPU=$(BOCHS_CPU) QEMU_EXTRA= CROSS_COMPILE= CC="


.PHONY: lab grade handin all user iso run debug gdb qemu qemu-nox qemu-gdb bochs deps unit test test-prereqs docs bench clean help FORCE
-include $(OBJS:.o=.d) $(B)/generated/asm-offsets.d
