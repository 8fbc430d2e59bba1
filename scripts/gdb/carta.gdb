# gdb set-up for Carta: `make gdb` runs gdb -x scripts/gdb/carta.gdb from the
# repository (or: gdb -x scripts/gdb/carta.gdb yourself, in the repository).
# QEMU's gdb stub always sends the 64-bit register set, even while the CPU is
# still in real or 32-bit mode: telling gdb the architecture first avoids
# "Remote 'g' packet reply is too long".
set architecture i386:x86-64
set confirm off
set pagination off
set disassembly-flavor intel
file build/carta.elf
source scripts/gdb/carta-gdb.py
# $CARTA_GDB_TARGET (make gdb sets it from GDBPORT), else localhost:25000+uid%5000
carta-target
echo \n
echo Carta: symbols loaded, attached to QEMU. carta-help lists the lx-* commands\n
echo (lx-dmesg, lx-ps, lx-ptdump, translate-vm, lx-vmas, $pa(), $current() ...).\n
echo Before paging is on, higher-half code is not mapped yet, so a software\n
echo breakpoint cannot be written there: use hardware ones, e.g.\n
echo \    hbreak start_kernel\n
echo \    continue\n
echo Once start_kernel runs, plain 'break' works too.\n
