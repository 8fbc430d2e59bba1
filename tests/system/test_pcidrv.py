"""The two PCI drivers and their user mappings (drivers/bochs.c, drivers/ivshmem.c,
drivers/fbmem.c, docs/device-memory.md), each checked against QEMU itself:
where the BARs are (QMP query-pci), the memory type of every PTE that maps
them as the CPU sees it (`info tlb`, in the kernel and under fbdemo's CR3),
the pixels on the screen (QMP screendump), and the ivshmem host file."""
import os
import re
import tempfile
import time

from qemu import Qemu

STD_VGA = (0x1234, 0x1111)
IVSHMEM = (0x1af4, 0x1110)
FB_W, FB_H = 800, 600
FB_LEN = (FB_W * FB_H * 4 + 4095) & ~4095         # smem_len: whole pages
SHM_SIZE = 1 << 20
ANSWER_OFFSET = 0x1000                            # user/shmdemo.c's layout
USER_TOP = 0x0000800000000000

# fbdemo's picture (user/fbdemo.c), written out again: colour per band,
# bands of (600 - 32 - 16) // 7 lines from line 32, 2 lines apart
FBDEMO_BACKGROUND = (0x18, 0x20, 0x28)
FBDEMO_BANDS = [(0x2e, 0x8b, 0x57), (0x50, 0x50, 0x50), (0x70, 0x70, 0x80), (0x41, 0x69, 0xe1),
                (0xff, 0x8c, 0x00), (0xdc, 0x14, 0x3c), (0xff, 0xd7, 0x00)]
FBDEMO_TOP, FBDEMO_MARGIN = 32, 16
FBCON_FG = (0xc0, 0xc0, 0xc0)


def bars(vm, vendor_device):
    """{BAR index: (address, size)} of the device, from QEMU's own view."""
    for bus in vm.qmp_cmd("query-pci"):
        for dev in bus["devices"]:
            if (dev["id"]["vendor"], dev["id"]["device"]) == vendor_device:
                return {r["bar"]: (r["address"], r["size"]) for r in dev["regions"]
                        if r["type"] == "memory"}
    return None


def pixel(shot, x, y):
    w, _, rgb = shot
    return tuple(rgb[(y * w + x) * 3:(y * w + x) * 3 + 3])


def cache_bits(flags):
    """info tlb's flags: T = PWT, C = PCD; a 4 KiB entry's P is its PAT bit."""
    return ("T" in flags, "C" in flags, "P" in flags)


def mappings_of(tlb, start, size, user):
    """{virtual: (physical, flags, page size)} of the kernel (user=False) or
    user half's leaf entries that map [start, start+size). `info tlb` prints
    a 2 MiB page as one line with P (PSE), and a 4 KiB PTE's P is its PAT
    bit: a P entry is a 2 MiB page when nothing else is mapped in its 2 MiB
    of virtual space. A large page's PAT bit (bit 12) is not shown; its
    flags are left without P so that T and C alone say its type."""
    out = {}
    for va, (pa, fl) in tlb.items():
        if not (start <= pa < start + size) or (va < USER_TOP) != user:
            continue
        big = "P" in fl and not va & 0x1fffff and not any(
            va < v < va + 0x200000 for v in tlb)
        out[va] = (pa, fl.replace("P", "-") if big else fl, 0x200000 if big else 4096)
    return out


def covered(m):
    return sum(size for _, _, size in m.values())


def meminfo(vm):
    out = vm.command("meminfo")
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", out, re.M)}


def ivshmem_args(path):
    return ["-object", f"memory-backend-file,id=hostmem,share=on,mem-path={path},size=1M",
            "-device", "ivshmem-plain,memdev=hostmem"]


def test_pcidrv_boot():
    """One boot with the std VGA and an ivshmem backed by a file in /dev/shm:
    the host writes its message before boot, the checks run in order."""
    fd, path = tempfile.mkstemp(prefix="carta-ivshmem-", dir="/dev/shm")
    os.close(fd)
    message = b"hello guest, from host pid %d" % os.getpid()
    with open(path, "wb") as f:
        f.write(message + b"\0" + bytes(SHM_SIZE - len(message) - 1))
    try:
        with Qemu(extra=ivshmem_args(path)) as vm:
            vm.wait_prompt()
            yield check_fb_on_sets_the_mode_and_draws_the_console, vm
            yield check_kernel_maps_vram_wc_and_registers_uc, vm
            yield check_fbdemo_user_mapping_is_wc_under_its_cr3, vm
            yield check_fbdemo_pixels, vm
            yield check_fb_refusals, vm
            yield check_ivshmem_round_trip, vm, path, message
            yield check_ivshmem_refusals, vm
            yield check_second_claim_of_a_claimed_bar, vm
            yield check_no_leaks_after_repeated_mappings, vm
            yield check_fb_off_back_to_text, vm
            yield check_mapping_fb0_sets_the_mode, vm
    finally:
        os.unlink(path)


def check_fb_on_sets_the_mode_and_draws_the_console(vm):
    before = vm.screendump()
    assert before[:2] != (FB_W, FB_H), before[:2]           # VGA text mode
    out = vm.command("fb on")
    shot = vm.screendump()
    assert shot[:2] == (FB_W, FB_H), (shot[:2], out)
    # fbcon's text: light grey pixels in the top left cells, black elsewhere
    colours = {pixel(shot, x, y) for x in range(0, 8 * 40) for y in range(0, 16 * 4)}
    assert FBCON_FG in colours and (0, 0, 0) in colours, colours


def check_kernel_maps_vram_wc_and_registers_uc(vm):
    b = bars(vm, STD_VGA)
    tlb = vm.info_tlb()
    vram = mappings_of(tlb, *b[0], user=False)
    mmio = mappings_of(tlb, *b[2], user=False)
    # the framebuffer is mapped up to the end of the picture, WC: PWT only
    # (PAT index 1, mm/pat.h); the registers UC-: PCD only (index 2)
    assert covered(vram) >= FB_LEN, covered(vram)
    assert {cache_bits(fl) for _, fl, _ in vram.values()} == {(True, False, False)}, \
        {fl for _, fl, _ in vram.values()}
    assert mmio and {cache_bits(fl) for _, fl, _ in mmio.values()} == {(False, True, False)}, mmio
    assert all("U" not in fl for _, fl, _ in list(vram.values()) + list(mmio.values()))


def check_fbdemo_user_mapping_is_wc_under_its_cr3(vm):
    b = bars(vm, STD_VGA)
    out = vm.command("run fbdemo -s &")
    pid = re.search(r"\[(\d+)\] fbdemo", out).group(1)
    vm.wait_for(r"fbdemo: drew", 30)
    user = {}
    # fbdemo spins, the shell waits for a line: most of the time the CPU is
    # in fbdemo, whose CR3 `info tlb` then walks
    for _ in range(50):
        user = mappings_of(vm.info_tlb(), *b[0], user=True)
        if user:
            break
        time.sleep(0.1)
    vm.command(f"kill {pid}")
    assert len(user) == FB_LEN // 4096 and covered(user) == FB_LEN, len(user)
    flags = {fl for _, fl, _ in user.values()}
    assert {cache_bits(fl) for fl in flags} == {(True, False, False)}, flags
    assert all("U" in fl and "W" in fl for fl in flags), flags
    # consecutive pages, consecutive frames
    base = min(user)
    assert all(user[base + i * 4096][0] == user[base][0] + i * 4096 for i in range(len(user)))


def check_fbdemo_pixels(vm):
    vm.command("fb on")                     # the console back, then the picture over it
    out = vm.command("run fbdemo")
    assert "fbdemo: drew 7 regions on 800x600" in out, out
    vm.command("meminfo")                   # console output after exit leaves the picture
    shot = vm.screendump()
    assert shot[:2] == (FB_W, FB_H), shot[:2]
    band = (FB_H - FBDEMO_TOP - FBDEMO_MARGIN) // len(FBDEMO_BANDS)
    assert pixel(shot, FB_W - 4, 4) == FBDEMO_BACKGROUND
    assert pixel(shot, FB_W - 4, FB_H - 4) == FBDEMO_BACKGROUND
    for i, colour in enumerate(FBDEMO_BANDS):
        y = FBDEMO_TOP + i * band
        assert pixel(shot, FB_W - 8, y + band // 2) == colour, (i, pixel(shot, FB_W - 8, y + band // 2))
        assert pixel(shot, 2, y + 1) == colour, i
        assert pixel(shot, FBDEMO_MARGIN + 2, y + 34) == (0xff, 0xff, 0xff), i    # the size bar
        assert pixel(shot, FB_W // 2, y + band - 1) == FBDEMO_BACKGROUND, i     # the gap
    # the labels: black text pixels on the bands
    assert (0, 0, 0) in {pixel(shot, x, FBDEMO_TOP + 10) for x in range(16, 300)}


def check_fb_refusals(vm):
    out = vm.command(f"run devmap /dev/fb0 {FB_LEN + 4096:#x} 0")
    assert "error -22" in out and "past the end" in out, out
    out = vm.command(f"run devmap /dev/fb0 0x1000 {FB_LEN:#x}")
    assert "error -22" in out, out
    out = vm.command(f"run devmap /dev/fb0 {FB_LEN:#x} 0")
    assert ": ok" in out, out


def check_ivshmem_round_trip(vm, path, message):
    out = vm.command("run shmdemo")
    assert 'host wrote %d bytes at offset 0: "%s"' % (len(message), message.decode()) in out, out
    pid = re.search(r"from pid (\d+)", out).group(1)
    with open(path, "rb") as f:
        f.seek(ANSWER_OFFSET)
        answer = f.read(256).split(b"\0")[0]
    assert answer == b"hello host, from pid " + pid.encode(), answer


def check_ivshmem_refusals(vm):
    out = vm.command(f"run devmap /dev/ivshmem {SHM_SIZE + 4096:#x} 0")
    assert "error -22" in out and "past the end" in out, out
    out = vm.command(f"run devmap /dev/ivshmem 0x2000 {SHM_SIZE - 4096:#x}")
    assert "error -22" in out, out
    out = vm.command(f"run devmap /dev/ivshmem {SHM_SIZE:#x} 0")
    assert ": ok" in out, out


def check_second_claim_of_a_claimed_bar(vm):
    for dev, bar in ((IVSHMEM, 2), (STD_VGA, 0), (STD_VGA, 2)):
        start, size = bars(vm, dev)[bar]
        before = vm.command("iomem")
        out = vm.command(f"request_mem_region {start:x} {size:#x} again")
        assert "again" not in vm.command("iomem") and vm.command("iomem") == before, out
        assert re.search(r"request_mem_region\(0x%x-0x%x, again\): conflicts with .*(bochs-drm|ivshmem)"
                         % (start, start + size - 1), out), out


def check_no_leaks_after_repeated_mappings(vm):
    vm.command(f"run devmap /dev/fb0 {FB_LEN:#x} 0")         # warm-up: caches exist
    m0, v0 = meminfo(vm), vm.command("vmallocinfo")
    a = vm.command(f"run devmap /dev/fb0 {FB_LEN:#x} 0 20", timeout=60)
    b = vm.command(f"run devmap /dev/ivshmem {SHM_SIZE:#x} 0 20", timeout=60)
    m1, v1 = meminfo(vm), vm.command("vmallocinfo")
    assert ": ok" in a and ": ok" in b, (a, b)
    assert (m1["MemFree"], m1["PageTables"]) == (m0["MemFree"], m0["PageTables"]), (m0, m1)
    assert v1 == v0, (v0, v1)


def check_fb_off_back_to_text(vm):
    vm.command("fb off")
    w, h, _ = vm.screendump()
    assert (w, h) != (FB_W, FB_H), (w, h)
    out = vm.command("fb")
    assert "off" in out, out


def check_mapping_fb0_sets_the_mode(vm):
    """Without `fb on`, mapping /dev/fb0 puts the graphics mode on (the
    driver's fb_set_par): the picture is seen; `fb off` undoes it. A
    refused mapping changes nothing, the mode included."""
    refused = vm.command(f"run devmap /dev/fb0 {FB_LEN + 4096:#x} 0")
    assert "error -22" in refused and "off" in vm.command("fb"), refused
    assert vm.screendump()[:2] != (FB_W, FB_H)
    out = vm.command("run fbdemo")
    shot = vm.screendump()
    assert shot[:2] == (FB_W, FB_H), (shot[:2], out)
    assert pixel(shot, FB_W - 8, FBDEMO_TOP + 8) == FBDEMO_BANDS[0], out
    assert "on" in vm.command("fb")
    vm.command("fb off")
    assert vm.screendump()[:2] != (FB_W, FB_H)


def test_ivshmem_absent():
    """No ivshmem attached: no /dev/ivshmem, and shmdemo says so in one line."""
    with Qemu() as vm:
        vm.wait_prompt()
        out = vm.command("run shmdemo")
    # the program's one line, then the shell's line for its exit status
    lines = [line for line in out.splitlines() if line.strip()]
    assert re.fullmatch(r"shmdemo: open failed: -2", lines[0]), out           # -ENOENT
    assert len(lines) == 2 and re.fullmatch(r"shmdemo\[\d+\]: exited with status 1", lines[1]), out
    assert "ivshmem" not in vm.out.split("carta> run shmdemo")[0], vm.out


def test_bochs_probe_failure_unwinds():
    """A std VGA with 1 MiB of VRAM cannot hold 800x600x32 past the text
    planes: probe fails after claiming both BARs and mapping the registers,
    and must leave nothing behind (the goto ladder in drivers/bochs.c)."""
    with Qemu(extra=["-vga", "none", "-device", "VGA,vgamem_mb=1"]) as vm:
        vm.wait_prompt()
        b = bars(vm, STD_VGA)
        iomem = vm.command("iomem")
        vmalloc = vm.command("vmallocinfo")
        devmap = vm.command("run devmap /dev/fb0 4096 0")
        fb_on = vm.command("fb on")
        tlb = vm.info_tlb()
        log = vm.out
    assert b[0][1] == 1 << 20, b
    assert re.search(r"bochs-drm: probe of \S+ failed with error -28", log), log
    for start, size in (b[0], b[2]):
        # the BAR is in iomem, with no claim nested under it
        line = re.search(r"^  %08x-%08x : (\S+)\n(?!    )" % (start, start + size - 1), iomem, re.M)
        assert line, iomem
        assert not mappings_of(tlb, start, size, user=False), (start, size)
        assert not re.search(r"phys=0x0*%x" % start, vmalloc), vmalloc
    assert "bochs-drm" not in iomem, iomem
    assert "open /dev/fb0: error -2" in devmap, devmap
    assert [line for line in fb_on.splitlines() if line.strip()] == [
        fb_on.strip()] and "no bochs-drm device" in fb_on, fb_on


def test_fbdemo_png_is_current():
    """docs/images/fbdemo.png is what scripts/fbdemo_png.py makes now."""
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    fd, path = tempfile.mkstemp(prefix="carta-fbdemo-", suffix=".png")
    os.close(fd)
    try:
        subprocess.run([sys.executable, os.path.join(root, "scripts", "fbdemo_png.py"), path],
                       check=True, capture_output=True, timeout=120)
        with open(path, "rb") as f, open(os.path.join(root, "docs", "images", "fbdemo.png"), "rb") as g:
            assert f.read() == g.read(), "docs/images/fbdemo.png is stale: make docs"
    finally:
        os.unlink(path)
