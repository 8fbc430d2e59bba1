# gdb set-up for Carta (make gdb; or gdb -x scripts/gdb/carta.gdb).
# QEMU's gdb stub always sends the 64-bit register set, even while the CPU is
# still in real or 32-bit mode: telling gdb the architecture first avoids
# "Remote 'g' packet reply is too long".
set architecture i386:x86-64
set confirm off
set pagination off
set disassembly-flavor intel
file build/carta.elf
source scripts/gdb/carta.py
python
import os
gdb.execute("target remote " + os.environ.get("CARTA_GDB_TARGET", "localhost:1234"))
end
echo \n
echo Carta: symbols loaded, attached to QEMU.\n
echo Before paging is on, higher-half code is not mapped yet, so a software\n
echo breakpoint cannot be written there: use hardware ones, e.g.\n
echo     hbreak start_kernel\n
echo     continue\n
echo Once start_kernel runs, plain 'break' works too.\n
echo translate-vm VADDR walks the live page tables from CR3 (any stop).\n
