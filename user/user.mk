# User programs, included by the top-level Makefile (which sets B, CC, LD,
# NASM, OBJCOPY, PYTHON). Every user/NAME.c is one program, built into
# $(B)/user/NAME.elf (with symbols and debug info, for gdb) and linked with
# the library in user/lib. The boot image gets them stripped, as files
# named NAME in one cpio "newc" archive, $(B)/initramfs.cpio
# (kernel/initramfs.h): GRUB loads it as a module2, QEMU -kernel as -initrd.
# $(B)/user/bad/ holds malformed copies of hello for the ELF loader's
# bad-input tests; they never go in what `make run` boots, but in their own
# archive, which $(B)/initramfs-test.cpio appends to the programs' one.
USER_B     := $(B)/user
USER_PROGS := $(basename $(notdir $(sort $(wildcard user/*.c))))
USER_ELFS  := $(USER_PROGS:%=$(USER_B)/%.elf)
USER_BAD   := $(USER_B)/bad.stamp
USER_STRIPPED := $(USER_PROGS:%=$(B)/initramfs/%)
INITRAMFS      := $(B)/initramfs.cpio
INITRAMFS_TEST := $(B)/initramfs-test.cpio
# What `make iso`, `make run` and `make test` need from here.
USER_FILES := $(USER_ELFS) $(USER_BAD) $(INITRAMFS) $(INITRAMFS_TEST)

# The library reuses the kernel's freestanding string, format and number
# code: compiled again with the user flags, so the two never drift apart.
USER_LIB_SRCS := $(sort $(wildcard user/lib/*.c)) kernel/string.c kernel/vsprintf.c kernel/kstrtox.c
USER_LIB_OBJS := $(USER_B)/obj/user/lib/crt0.o $(USER_LIB_SRCS:%.c=$(USER_B)/obj/%.o)

# Ring 3 code: no -mcmodel=kernel (small model, below 2 GiB), and not PIE
# because the loader does not relocate. -mno-red-zone and
# -mgeneral-regs-only are not needed in ring 3 but keep the kernel's
# string.c and vsprintf.c compiled as the kernel compiles them.
USER_CFLAGS := -std=gnu11 -ffreestanding -fno-builtin -nostdlib -static \
	-fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -O1 -g -Wall -Wextra -Werror -I. -MMD -MP
ifeq ($(findstring clang,$(CC)),clang)
USER_CFLAGS += --target=x86_64-unknown-none-elf
endif
USER_CFLAGS += -fdebug-prefix-map=$(CURDIR)=.   # as the kernel's CFLAGS: no clone path in the ELF
USER_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T user/user.ld

$(USER_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(USER_B)/obj/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

# crt0.o first: _start is then the first instruction of the text segment.
# A static pattern rule, so make keeps the programs' .o files.
$(USER_ELFS): $(USER_B)/%.elf: $(USER_B)/obj/user/%.o $(USER_LIB_OBJS) user/user.ld
	$(LD) $(USER_LDFLAGS) -o $@ $(USER_LIB_OBJS) $<

# One run writes every variant; the directory is emptied first so that a
# variant dropped from the script does not linger on the ISO.
$(USER_BAD): $(USER_B)/hello.elf scripts/mkbadelf.py
	rm -rf $(USER_B)/bad
	$(PYTHON) scripts/mkbadelf.py $< $(USER_B)/bad
	@touch $@

# --strip-all: the loader reads only the ELF and program headers and the
# segments; symbols and DWARF stay in $(USER_B)/NAME.elf for gdb.
$(USER_STRIPPED): $(B)/initramfs/%: $(USER_B)/%.elf
	@mkdir -p $(dir $@)
	$(OBJCOPY) --strip-all $< $@

$(INITRAMFS): $(USER_STRIPPED) scripts/gen_initramfs.py
	$(PYTHON) scripts/gen_initramfs.py -o $@ $(USER_STRIPPED)

# The shell expands bad/* when the recipe runs, after mkbadelf.py wrote it.
$(USER_B)/bad.cpio: $(USER_BAD) scripts/gen_initramfs.py
	$(PYTHON) scripts/gen_initramfs.py -o $@ $(USER_B)/bad/*

# Two archives back to back are one initramfs (Linux reads them the same way).
$(INITRAMFS_TEST): $(INITRAMFS) $(USER_B)/bad.cpio
	cat $^ > $@

user: $(USER_FILES)

-include $(USER_LIB_OBJS:.o=.d) $(USER_PROGS:%=$(USER_B)/obj/user/%.d)
