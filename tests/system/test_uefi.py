"""One boot under UEFI (OVMF): the same hybrid ISO as the BIOS tests, GRUB's
x86_64-efi image this time (scripts/mkiso.sh, docs/uefi.md). The oracles
are QEMU's: the RAM it gave (QMP query-memory-size-summary), the display
mode and pixels it shows (QMP screendump), and the in-kernel suite's own
results. Skipped, with the reason, where OVMF is not installed."""
import re
import subprocess

from qemu import Qemu, ovmf_missing

MiB = 1 << 20
# What OVMF keeps of the RAM QEMU gives (its own code and data, runtime
# services, ACPI NVS, the 640K-1M hole): about 6 MiB at 256M under QEMU 7.2.
OVMF_SLACK = 16 * MiB
E820 = re.compile(r"^BIOS-e820: \[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\] (.+)$", re.M)
EFI = re.compile(r"^efi: mem\d+: \[([A-Za-z ]{12})\|[^]]*\] range=\[0x([0-9a-f]{16})-0x([0-9a-f]{16})\] \(\d+MB\)$", re.M)
FONT_W, FONT_H = 8, 16
FG = (0xc0, 0xc0, 0xc0)         # fbcon's light grey (drivers/fb.h FBCON_FG)


def ovmf_or_grub_efi_missing():
    why = ovmf_missing()
    if why:
        return why
    if not any(subprocess.run(["test", "-f", d + "/x86_64-efi/kernel.img"]).returncode == 0
               for d in ("/usr/lib/grub", "/usr/lib/grub2")):
        return "no GRUB x86_64-efi files (grub-efi-amd64-bin; scripts/deps.sh installs it)"
    return None


def test_uefi_boot():
    """The checks below in turn, on one boot (a plain test, not a shared-boot
    generator, so that it can say SKIP; the first failure ends it)."""
    why = ovmf_or_grub_efi_missing()
    if why:
        return "SKIP " + why
    with Qemu(boot="grub", firmware="uefi", cmdline="testmode", mem="256M") as vm:
        vm.wait_prompt(90)
        check_boots_through_grub_efi_with_a_framebuffer(vm)
        check_memmap_against_qemus_ram(vm)
        check_framebuffer_console_draws_the_prompt(vm)
        check_selftest_all_passed(vm)
    return None


def check_boots_through_grub_efi_with_a_framebuffer(vm):
    log = vm.out
    assert "booted by GRUB" in log, log[:3000]
    assert "console [tty0] enabled: VGA text" not in log, "VGA text console under UEFI"
    out = vm.command("bootinfo")
    m = re.search(r"^framebuffer: 0x([0-9a-f]+) (\d+)x(\d+), 32 bpp, type 1, pitch (\d+)$", out, re.M)
    assert m, out
    assert re.search(r"^EFI:\s+system table at 0x[0-9a-f]+$", out, re.M), out
    # the framebuffer lies in the std VGA's BAR0 (QEMU's own PCI view)
    addr = int(m.group(1), 16)
    bars = [r for dev in vm.qmp_cmd("query-pci")[0]["devices"] if dev["id"]["device"] == 0x1111
            for r in dev.get("regions", []) if r.get("bar") == 0]
    assert bars and bars[0]["address"] <= addr < bars[0]["address"] + bars[0]["size"], (hex(addr), bars)
    assert re.search(r"fb0: EFI VGA frame buffer device, %sx%s-32 at 0x%x" % (m.group(2), m.group(3), addr), log)
    iomem = vm.command("iomem")
    assert re.search(r"^  %08x-[0-9a-f]+ : 0000:00:02\.0\n    %08x-[0-9a-f]+ : efifb$" % (bars[0]["address"], addr),
                     iomem, re.M), iomem


def check_memmap_against_qemus_ram(vm):
    out = vm.command("memmap")
    ram = vm.qmp_cmd("query-memory-size-summary")["base-memory"]
    entries = [(int(a, 16), int(b, 16), t) for a, b, t in E820.findall(out)]
    assert entries, out
    usable = sum(e - s + 1 for s, e, t in entries if t == "usable")
    assert ram - OVMF_SLACK <= usable <= ram, (usable, ram, out)
    # every entry is RAM QEMU gave, but for the flash OVMF runs from, just below 4 GiB
    for s, e, t in entries:
        assert e < ram or s >= 0xff000000, (hex(s), hex(e), t)
    # GRUB's type 20 (EFI runtime code) printed as Linux prints an unknown type
    assert all(t in ("usable", "reserved", "ACPI data", "ACPI NVS") or re.fullmatch(r"type \d+", t)
               for _, _, t in entries), out
    # the EFI map: as many pages of RAM as QEMU gave, less the legacy hole
    descs = [(n.strip(), int(a, 16), int(b, 16)) for n, a, b in EFI.findall(out)]
    assert len(descs) > 20, out[-2000:]
    ram_types = {"Loader Code", "Loader Data", "Boot Code", "Boot Data", "Runtime Code",
                 "Runtime Data", "Conventional", "ACPI Reclaim", "ACPI Mem NVS", "Reserved"}
    in_ram = sum(b - a + 1 for n, a, b in descs if n in ram_types and b < ram)
    assert ram - 0x60000 <= in_ram <= ram, (hex(in_ram), hex(ram))


def _screendump(vm):
    """QEMU's picture of the display: (width, height, rows of RGB bytes)."""
    w, h, pix = vm.screendump()
    return w, h, [pix[y * w * 3:(y + 1) * w * 3] for y in range(h)]


def _cell(rows, col, row):
    """The 8x16 cell's pixels as a tuple of RGB triples."""
    return tuple(tuple(rows[row * FONT_H + y][(col * FONT_W + x) * 3:(col * FONT_W + x) * 3 + 3])
                 for y in range(FONT_H) for x in range(FONT_W))


def check_framebuffer_console_draws_the_prompt(vm):
    out = vm.command("bootinfo")
    fw, fh = map(int, re.search(r"^framebuffer: 0x[0-9a-f]+ (\d+)x(\d+)", out, re.M).groups())
    w, h, rows = _screendump(vm)
    assert (w, h) == (fw, fh), ((w, h), (fw, fh))       # QEMU shows the mode the tag gave
    # the text row the prompt is on: the lowest row with anything drawn
    lit = [y for y in range(h) if rows[y].strip(b"\0")]
    assert lit, "the screen is black"
    row = lit[-1] // FONT_H
    cells = [_cell(rows, c, row) for c in range(w // FONT_W)]
    blank = tuple([(0, 0, 0)] * (FONT_W * FONT_H))
    # "carta> " then the cursor: six glyphs, a space, an underline, then nothing
    for c in range(6):
        assert cells[c] != blank and set(cells[c]) <= {(0, 0, 0), FG}, c
    assert cells[1] == cells[4] and cells[0] != cells[1], "the two a's of carta differ"
    assert cells[6] == blank, "the space after > is drawn"
    under = cells[7]
    assert all(p == FG for p in under[(FONT_H - 2) * FONT_W:]) and set(under[:(FONT_H - 2) * FONT_W]) == {(0, 0, 0)}
    assert all(c == blank for c in cells[8:]), "something drawn after the cursor"


def check_selftest_all_passed(vm):
    out = vm.command("selftest", timeout=180)
    results = re.findall(r"^\s*(ok|not ok) \d+ (\S+)", out, re.M)
    failed = [name for r, name in results if r == "not ok"]
    assert results and not failed, (failed, out[-3000:])
    assert re.search(r"^# selftest: %d passed, 0 failed$" % len(results), out, re.M), out[-500:]
