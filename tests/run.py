#!/usr/bin/env python3
"""make test: every layer of DESIGN.md §6, one KTAP-style line per test,
ending with one line "N passed, M failed" (exit status 1 when M > 0).

  1. host unit tests   build/unit/test_* (ASan+UBSan), their KTAP lines
  2. build checks      grub-file, other compilers (tests/system/test_build.py)
  3. in-kernel suite   boot with cmdline `test`, the kernel's KTAP lines
  4. system tests      tests/system/test_*.py, functions test_*, run in parallel

Options: -k SUBSTR runs only tests whose name contains SUBSTR; -j N workers;
--durations [N] prints the N (10) slowest, a unit binary, the kernel suite
or one system test each, before the last line.
"""
import argparse
import concurrent.futures
import glob
import importlib.util
import os
import re
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import qemu  # noqa: E402

RESULT = re.compile(r"^\s*(not ok|ok) \d+ (?:- )?(\S.*?)\s*(?:#.*)?$")


class Results:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.durations = []     # (seconds, name): what --durations prints

    def timed(self, name, seconds):
        self.durations.append((seconds, name))

    def record(self, ok, name, detail="", skip=None):
        n = self.passed + self.failed + self.skipped + 1
        if skip:
            self.skipped += 1
            print(f"ok {n} {name} # SKIP {skip}", flush=True)
            return
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            for line in detail.rstrip().splitlines()[-25:]:
                print("    # " + line)
        print(f"{'ok' if ok else 'not ok'} {n} {name}", flush=True)


def parse_ktap(text, prefix, res):
    """Records each ok/not ok line of KTAP text; returns how many there were."""
    count = 0
    diag = []
    for line in text.splitlines():
        m = RESULT.match(line)
        if m:
            res.record(m.group(1) == "ok", prefix + m.group(2), "\n".join(diag))
            diag = []
            count += 1
        elif line.strip().startswith("#"):
            diag.append(line.strip())
    return count


def run_unit(res, filt):
    for exe in sorted(glob.glob(os.path.join(ROOT, "build", "unit", "test_*"))):
        name = "unit." + os.path.basename(exe)[5:]
        if filt and filt not in name:
            continue
        t0 = time.time()
        p = subprocess.run([exe], capture_output=True, text=True, timeout=300)
        res.timed(name, time.time() - t0)
        n = parse_ktap(p.stdout, name + ".", res)
        if n == 0 or (p.returncode != 0 and "not ok" not in p.stdout):
            res.record(False, name, p.stdout[-2000:] + p.stderr[-3000:])


def run_kernel_suite(res, filt):
    name = "kernel.selftest"
    if filt and not filt.startswith("kernel"):
        return
    t0 = time.time()
    with qemu.Qemu(cmdline="test") as vm:
        rc = vm.wait_exit(120)
        out = vm.out
    res.timed(name, time.time() - t0)
    n = parse_ktap(out, "kernel.", res)
    ok = rc in (qemu.EXIT_SUCCESS, qemu.EXIT_TESTFAIL) and n > 0
    ok_code = (rc == qemu.EXIT_SUCCESS) == ("not ok" not in out)
    if not (ok and ok_code):
        res.record(False, name + ".exit_status",
                   f"QEMU exit status {rc}, {n} results\n{out[-3000:]}")


def load_system_tests(filt):
    tests = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "system", "test_*.py"))):
        mod_name = os.path.basename(path)[:-3]
        spec = importlib.util.spec_from_file_location(mod_name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for attr in sorted(dir(mod)):
            fn = getattr(mod, attr)
            if attr.startswith("test_") and callable(fn):
                name = f"system.{mod_name[5:]}.{attr[5:]}"
                if not filt or filt in name:
                    tests.append((name, fn))
    return tests


def run_one(fn):
    t0 = time.time()
    try:
        ret = fn()
        if isinstance(ret, str) and ret.startswith("SKIP"):
            return None, ret[5:], time.time() - t0
        return True, "", time.time() - t0
    except Exception:
        return False, traceback.format_exc(), time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", dest="filter", default=None)
    ap.add_argument("-j", dest="jobs", type=int, default=3)
    ap.add_argument("--durations", type=int, nargs="?", const=10, default=0, metavar="N")
    a = ap.parse_args()
    res = Results()
    t0 = time.time()
    print("KTAP version 1", flush=True)
    run_unit(res, a.filter)
    run_kernel_suite(res, a.filter)
    tests = load_system_tests(a.filter)
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futures = [(name, pool.submit(run_one, fn)) for name, fn in tests]
        for name, fut in futures:
            ok, detail, seconds = fut.result()
            res.timed(name, seconds)
            res.record(ok, name, detail, skip=detail if ok is None else None)
    if a.durations:
        print("# slowest:")
        for seconds, name in sorted(res.durations, reverse=True)[:a.durations]:
            print(f"#   {seconds:6.1f} s  {name}")
    print(f"# took {time.time() - t0:.1f} s")
    skipped = f", {res.skipped} skipped" if res.skipped else ""
    print(f"{res.passed} passed, {res.failed} failed{skipped}")
    sys.exit(1 if res.failed or res.passed == 0 else 0)


if __name__ == "__main__":
    main()
