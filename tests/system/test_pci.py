"""PCI (drivers/pci*.c) against QEMU's own view of the bus, QMP
`query-pci`, on pc and q35 with e1000, virtio-net and ivshmem attached:
every function found, every BAR's address and size (in the boot log, in
`lspci -v`, and as a line in `iomem`/`ioports` nested under a "PCI Bus
0000:00" window). QEMU reports a BAR whose decoding is off at address -1,
so equal addresses also show that sizing put the COMMAND register back.
Then the config-space paths: ECAM and the ports read the same bytes (in
the kernel, and `lspci -xxx` under ECAM against a pci=nommconf boot), and
an MCFG that is malformed or points at nothing (QEMU's -acpitable adds
one to pc, which has no ECAM) gives one line and the ports."""
import os
import re
import struct
import tempfile

from qemu import Qemu

SHM = "/dev/shm"


def devices_args(tag):
    """QEMU arguments for the three devices; the ivshmem file is unique
    per boot (removed by the caller)."""
    path = os.path.join(SHM, f"carta-pci-{os.getpid()}-{tag}")
    return path, ["-device", "e1000", "-device", "virtio-net-pci",
                  "-object", f"memory-backend-file,id=hostmem,share=on,mem-path={path},size=1M",
                  "-device", "ivshmem-plain,memdev=hostmem"]


def query_pci(vm):
    """query-pci flattened: {(bus, slot, function): device dict}."""
    found = {}

    def walk(devs):
        for d in devs:
            found[(d["bus"], d["slot"], d["function"])] = d
            br = d.get("pci_bridge")
            if br and br.get("devices"):
                walk(br["devices"])
    for bus in vm.qmp_cmd("query-pci"):
        walk(bus["devices"])
    return found


def slot_name(key):
    return "0000:%02x:%02x.%d" % key


# pci 0000:00:03.0: BAR 0 [mem 0xfebc0000-0xfebdffff 64bit pref]
BAR_LINE = re.compile(r"pci (0000:[0-9a-f]{2}:[0-9a-f]{2}\.\d): (?:BAR (\d)|ROM) "
                      r"\[(mem|io ) 0x([0-9a-f]+)-0x([0-9a-f]+)( 64bit)?( pref)?\]")
DEV_LINE = re.compile(r"pci (0000:[0-9a-f]{2}:[0-9a-f]{2}\.\d): \[([0-9a-f]{4}):([0-9a-f]{4})\] "
                      r"type ([0-9a-f]{2}) class 0x([0-9a-f]{6})")


def boot_bars(log):
    """{(slot name, bar): (type, start, size, 64bit, pref)} from the boot log."""
    bars = {}
    for name, bar, kind, s, e, b64, pref in BAR_LINE.findall(log):
        bars[(name, int(bar) if bar else 6)] = (
            "io" if kind.strip() == "io" else "memory", int(s, 16),
            int(e, 16) - int(s, 16) + 1, bool(b64), bool(pref))
    return bars


def check_every_function_found(vm, log):
    qp = query_pci(vm)
    seen = {m[0]: m[1:] for m in DEV_LINE.findall(log)}
    assert set(seen) == {slot_name(k) for k in qp}, (sorted(seen), sorted(map(slot_name, qp)))
    for key, d in qp.items():
        vendor, device, _, cls = seen[slot_name(key)]
        assert int(vendor, 16) == d["id"]["vendor"] and int(device, 16) == d["id"]["device"], (key, d)
        assert int(cls, 16) >> 8 == d["class_info"]["class"], (key, cls, d["class_info"])


def check_bars_match_query_pci(vm, log):
    """Every region query-pci lists, with the same BAR number, type, size,
    address (not the ROM: QEMU shows a disabled ROM at -1), 64-bit and
    prefetchable; and nothing more."""
    ours = boot_bars(log)
    theirs = {}
    for key, d in query_pci(vm).items():
        for r in d["regions"]:
            theirs[(slot_name(key), r["bar"])] = r
    assert set(ours) == set(theirs), (sorted(ours), sorted(theirs))
    for k, r in theirs.items():
        kind, start, size, b64, pref = ours[k]
        assert (kind, size) == (r["type"], r["size"]), (k, ours[k], r)
        if k[1] == 6:
            assert r["address"] == -1, (k, r)       # ROMs stay disabled
        else:
            assert r["address"] == start, (k, hex(start), r)   # -1 would mean decoding left off
        if kind == "memory" and k[1] != 6:
            assert (b64, pref) == (r["mem_type_64"], r["prefetch"]), (k, ours[k], r)


# Memory at febc0000 (32-bit, non-prefetchable) [size=128K] / I/O ports at c000 [size=64]
LSPCI_REGION = re.compile(r"^\t(?:Memory at ([0-9a-f]+) \((32|64)-bit, (non-)?prefetchable\)|"
                          r"I/O ports at ([0-9a-f]+)|Expansion ROM at ([0-9a-f]+))"
                          r"( \[disabled\])? \[size=(\d+)([KMG]?)\]$")
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def check_lspci_v_regions(vm, _log):
    """lspci -v's region lines, device by device, in BAR order, against
    query-pci: address, size, width, prefetch, [disabled] for the ROM."""
    out = vm.command("lspci -v")
    qp = query_pci(vm)
    blocks = re.split(r"\n(?=[0-9a-f]{2}:[0-9a-f]{2}\.\d )", out.strip())
    assert len(blocks) == len(qp), out
    for block in blocks:
        head = block.splitlines()[0]
        bus, slot, fn = int(head[0:2], 16), int(head[3:5], 16), int(head[6])
        want = sorted(qp[(bus, slot, fn)]["regions"], key=lambda r: r["bar"])
        got = [LSPCI_REGION.match(l) for l in block.splitlines()[1:]
               if l.startswith(("\tMemory", "\tI/O", "\tExpansion"))]
        assert len(got) == len(want) and all(got), (head, block, want)
        for m, r in zip(got, want):
            mem, width, nonpref, io, rom, disabled, n, unit = m.groups()
            assert int(n) * UNITS[unit] == r["size"], (head, m.group(0), r)
            if rom:
                assert r["bar"] == 6 and disabled, (head, m.group(0), r)
            elif io:
                assert (r["type"], int(io, 16)) == ("io", r["address"]) and not disabled, (head, r)
            else:
                assert int(mem, 16) == r["address"] and not disabled, (head, m.group(0), r)
                assert (width == "64", not nonpref) == (r["mem_type_64"], r["prefetch"]), (head, r)


def tree(text):
    """iomem/ioports lines as (depth, start, end, name)."""
    rows = []
    for line in text.splitlines():
        m = re.match(r"^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$", line)
        if m:
            rows.append((len(m.group(1)) // 2, int(m.group(2), 16), int(m.group(3), 16), m.group(4)))
    return rows


def parent_of(rows, i):
    for j in range(i - 1, -1, -1):
        if rows[j][0] == rows[i][0] - 1:
            return rows[j]
    return None


def check_iomem_ioports_match_query_pci(vm, _log):
    """One line per BAR, exactly its range, named by its slot, nested under
    a "PCI Bus 0000:00" window that contains it."""
    mem, io = tree(vm.command("iomem")), tree(vm.command("ioports"))
    for key, d in query_pci(vm).items():
        for r in d["regions"]:
            if r["bar"] == 6:
                continue        # a disabled ROM: QEMU shows no address
            rows = io if r["type"] == "io" else mem
            want = (r["address"], r["address"] + r["size"] - 1, slot_name(key))
            hits = [i for i, row in enumerate(rows) if row[1:] == want]
            assert len(hits) == 1, (want, r, rows)
            p = parent_of(rows, hits[0])
            bus = "PCI Bus 0000:%02x" % key[0]       # its own bus's window
            assert p and p[3] == bus and p[1] <= want[0] and want[1] <= p[2], (want, p)


def check_bridge_windows(vm, log):
    """Each bridge's windows (the boot log's "PCI bridge to" lines, the
    `iomem`/`ioports` "PCI Bus 0000:01" lines) against query-pci's."""
    mem, io = tree(vm.command("iomem")), tree(vm.command("ioports"))
    bridges = [(k, d) for k, d in query_pci(vm).items() if d.get("pci_bridge")]
    assert bridges, "no bridge"
    for key, d in bridges:
        b = d["pci_bridge"]["bus"]
        name = "PCI Bus 0000:%02x" % b["secondary"]
        assert f"pci {slot_name(key)}: PCI bridge to [bus {b['secondary']:02x}-{b['subordinate']:02x}]" in log, log
        for rng, rows in (("io_range", io), ("memory_range", mem), ("prefetchable_range", mem)):
            r = b[rng]
            if r["limit"] < r["base"]:
                continue
            assert (r["base"], r["limit"], name) in [row[1:] for row in rows], (rng, r, rows)


def check_selftest_pci(vm, _log):
    out = vm.command("selftest pci", timeout=60)
    assert re.search(r"# selftest: \d+ passed, 0 failed", out), out
    assert "not ok" not in out, out


def run_bus_checks(machine):
    path, extra = devices_args(machine)
    try:
        with Qemu(machine=machine, extra=extra) as vm:
            vm.wait_prompt()
            log = vm.out
            for check in (check_every_function_found, check_bars_match_query_pci,
                          check_lspci_v_regions, check_iomem_ioports_match_query_pci,
                          check_selftest_pci):
                yield check, vm, log
    finally:
        if os.path.exists(path):
            os.unlink(path)


def test_pc_bus():
    """pc (i440fx): mechanism #1 only."""
    yield from run_bus_checks("pc")


def test_q35_bus():
    """q35: ECAM from the MCFG."""
    yield from run_bus_checks("q35")


def test_pc_bridge():
    """A PCI-to-PCI bridge with an e1000 behind it: bus 01 is scanned, its
    windows nest under bus 00's, the device's BARs under bus 01's."""
    extra = ["-device", "pci-bridge,id=br1,chassis_nr=1", "-device", "e1000,bus=br1,addr=1"]
    with Qemu(machine="pc", extra=extra) as vm:
        vm.wait_prompt()
        log = vm.out
        for check in (check_every_function_found, check_bars_match_query_pci,
                      check_iomem_ioports_match_query_pci, check_bridge_windows):
            yield check, vm, log


def lspci_xxx(cmdline):
    path, extra = devices_args("q35x")
    try:
        with Qemu(machine="q35", extra=extra, cmdline=cmdline) as vm:
            vm.wait_prompt()
            return vm.out, vm.command("lspci -xxx")
    finally:
        if os.path.exists(path):
            os.unlink(path)


def test_q35_ecam_and_ports_same_config_space():
    """256 bytes of every function, read by ECAM in one boot and by the
    ports (pci=nommconf) in another: the same bytes."""
    log_e, ecam = lspci_xxx("testmode")
    log_p, ports = lspci_xxx("testmode pci=nommconf")
    assert "PCI: ECAM [mem 0xb0000000-0xbfffffff]" in log_e, log_e
    assert "ECAM [mem" not in log_p and "pci=nommconf: ECAM not used" in log_p, log_p
    assert ecam.count("\n00: ") >= 8, ecam
    diff = [(a, b) for a, b in zip(ecam.splitlines(), ports.splitlines()) if a != b]
    assert ecam.count("\n") == ports.count("\n") and not diff, diff[:5]


def mcfg_body(base, segment, start, end, trailing=b""):
    """An MCFG's bytes after the 36-byte header QEMU's -acpitable writes:
    8 reserved, then one 16-byte entry (PCI Firmware 3.0, 4.1.2)."""
    return bytes(8) + struct.pack("<QHBBI", base, segment, start, end, 0) + trailing


def boot_with_mcfg(body):
    with tempfile.NamedTemporaryFile(suffix=".mcfg", delete=False) as f:
        f.write(body)
    try:
        with Qemu(machine="pc", extra=["-acpitable", f"sig=MCFG,rev=1,data={f.name}"]) as vm:
            vm.wait_prompt()
            return vm.out, vm.command("lspci"), vm.command("acpi")
    finally:
        os.unlink(f.name)


def check_falls_back_to_ports(log, lspci, acpi):
    assert "PCI: Using configuration type 1 for base access" in log, log
    assert "PCI: ECAM [mem" not in log, log
    assert re.search(r"^00:00\.0 Host bridge", lspci, re.M), lspci
    assert "MCFG " in acpi, acpi        # the table was there


def test_malformed_mcfg_warns_and_uses_ports():
    """Start bus above end bus: the entry is refused in one line."""
    log, lspci, acpi = boot_with_mcfg(mcfg_body(0xe0000000, 0, 0x10, 0x01))
    warn = [l for l in log.splitlines() if "MCFG: entry 0" in l]
    assert len(warn) == 1 and "start bus above end bus; ignored" in warn[0], log
    check_falls_back_to_ports(log, lspci, acpi)


def test_mcfg_with_partial_entry_warns():
    """A table whose length leaves half an entry: one line, and the whole
    entry before it is still read (it then fails the reachability test)."""
    log, lspci, acpi = boot_with_mcfg(mcfg_body(0xe0000000, 0, 0, 0, trailing=bytes(8)))
    assert "MCFG: 24 bytes of entries, not a multiple of 16; the last 8 ignored" in log, log
    assert "MCFG segment 0 [bus 00-00] at 0xe0000000" in acpi, acpi
    check_falls_back_to_ports(log, lspci, acpi)


def test_unreachable_ecam_warns_and_uses_ports():
    """A well-formed MCFG on pc, whose chipset has no ECAM: bus 0 reads all
    ones there, not what the ports read; one line, ports."""
    log, lspci, acpi = boot_with_mcfg(mcfg_body(0xe0000000, 0, 0, 0xff))
    warn = [l for l in log.splitlines() if "PCI: ECAM at 0xe0000000" in l]
    m = re.search(r"reads ([0-9a-f]{8}) at 00:00\.0, the ports ([0-9a-f]{8}); using ports", warn[0]) if warn else None
    assert len(warn) == 1 and m and m.group(1) != m.group(2), log
    assert "MCFG segment 0 [bus 00-ff] at 0xe0000000" in acpi, acpi
    check_falls_back_to_ports(log, lspci, acpi)
