"""`cpuinfo` flags against QEMU's own CPU model (QOM properties of the
vCPU), for a CPU with every paging feature and one with none."""
from qemu import Qemu

FLAGS = ["pae", "nx", "pdpe1gb", "la57", "smep", "smap", "pcid", "pat", "pge", "lm"]


def check(cpu):
    with Qemu(cpu=cpu) as vm:
        vm.wait_prompt()
        out = vm.command("cpuinfo")
        path = vm.qmp_cmd("query-cpus-fast")[0]["qom-path"]
        truth = {f: vm.qmp_cmd("qom-get", {"path": path, "property": f}) for f in FLAGS}
    line = [l for l in out.splitlines() if l.startswith("flags")][0]
    shown = set(line.split(":", 1)[1].split())
    for f in FLAGS:
        assert (f in shown) == bool(truth[f]), (cpu, f, truth[f], line)
    return shown


def test_max_has_paging_features():
    shown = check("max")
    assert {"pdpe1gb", "la57", "smep", "smap"} <= shown


def test_qemu64_lacks_them():
    shown = check("qemu64")
    assert not ({"pdpe1gb", "la57", "smep", "smap"} & shown)
