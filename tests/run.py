#!/usr/bin/env python3
"""make test: every test layer (docs/design.md, test layers) as one TAP
stream: a version line, one "ok N name" / "not ok N name" line per test,
the plan "1..N" last (the total is known only at the end: the in-kernel
suite and a shared boot report as many results as they run), then the one
line "N passed, M failed" (exit status 1 when M > 0). `prove` reads it:
    make test | tee test.tap; prove -e cat test.tap

  1. host unit tests   build/unit/test_* (ASan+UBSan), their KTAP lines
  2. build checks      grub-file, other compilers (tests/system/test_build.py)
  3. in-kernel suite   boot with cmdline `test`, the kernel's KTAP lines
  4. system tests      tests/system/test_*.py, functions test_*

All of them are jobs for one pool of workers (a unit binary, the kernel
suite, one system test each), so a core never idles while another layer
runs; the results are printed in the order above whatever order they end.
Jobs start longest first, by the times the last run took (TIMES; a job
without one starts first, and a fresh tree has none: the order above), so
that no long job starts last and runs on alone at the end.

A system test returns None (passed), raises (failed) or returns "SKIP why".
A test that is a generator shares one boot among several checks: it yields
(check_function, args...) and each check runs and is reported on its own
line, named after the function without its "check_" (a failure in one does
not stop the next); an exception outside a check fails the test itself.

Workers (-j): os.cpu_count(), one per core: each QEMU runs its guest on
one TCG thread. A test also waits (for a prompt, QMP, gdb, a child make),
so more workers gain a little on an idle machine: measured on 2 cores, the
test part took 54.5 s at -j2, 50.8 s at -j4 and 51.8 s at -j6 (medians of
interleaved runs). One per core is the default because it leaves a shared
machine some headroom and keeps the timeouts far from their limits; `make
test ARGS=-j4` takes the other trade.

Options: -k SUBSTR runs only tests whose name (or a check of theirs)
contains SUBSTR; -j N workers; --durations [N] prints the N (10) slowest
jobs before the last line.
"""
import argparse
import concurrent.futures
import glob
import importlib.util
import inspect
import json
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
JOBS = os.cpu_count() or 1
TIMES = os.path.join(ROOT, "build", "test-times.json")    # {job name: seconds}


class Results:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.durations = []     # (seconds, job name): what --durations prints

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
                print("# " + line)
        print(f"{'ok' if ok else 'not ok'} {n} {name}", flush=True)


# A job returns its results as a list of (ok, name, detail, skip) records,
# which the main thread hands to Results.record in the jobs' order.

def parse_ktap(text, prefix):
    """A record for each ok/not ok line of KTAP text, with the # lines
    before it as its detail."""
    records = []
    diag = []
    for line in text.splitlines():
        m = RESULT.match(line)
        if m:
            records.append((m.group(1) == "ok", prefix + m.group(2), "\n".join(diag), None))
            diag = []
        elif line.strip().startswith("#"):
            diag.append(line.strip())
    return records


def unit_jobs(filt):
    jobs = []
    for exe in sorted(glob.glob(os.path.join(ROOT, "build", "unit", "test_*"))):
        name = "unit." + os.path.basename(exe)[5:]
        if not filt or filt in name:
            jobs.append((name, lambda exe=exe, name=name: run_unit(exe, name)))
    return jobs


def run_unit(exe, name):
    p = subprocess.run([exe], capture_output=True, text=True, timeout=300)
    records = parse_ktap(p.stdout, name + ".")
    if not records or (p.returncode != 0 and "not ok" not in p.stdout):
        records.append((False, name, p.stdout[-2000:] + p.stderr[-3000:], None))
    return records


def kernel_jobs(filt):
    if filt and not filt.startswith("kernel"):
        return []
    return [("kernel.selftest", run_kernel_suite)]


def run_kernel_suite():
    """The whole in-kernel suite at boot, by the default boot path (PVH);
    test_boot.py runs it once more through GRUB."""
    with qemu.Qemu(cmdline="test") as vm:
        rc = vm.wait_exit(120)
        out = vm.out
    records = parse_ktap(out, "kernel.")
    ok = rc in (qemu.EXIT_SUCCESS, qemu.EXIT_TESTFAIL) and records
    ok_code = (rc == qemu.EXIT_SUCCESS) == ("not ok" not in out)
    if not (ok and ok_code):
        records.append((False, "kernel.selftest.exit_status",
                        f"QEMU exit status {rc}, {len(records)} results\n{out[-3000:]}", None))
    return records


def system_jobs(filt):
    jobs = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "system", "test_*.py"))):
        mod_name = os.path.basename(path)[:-3]
        spec = importlib.util.spec_from_file_location(mod_name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for attr in sorted(dir(mod)):
            fn = getattr(mod, attr)
            if not (attr.startswith("test_") and callable(fn)):
                continue
            prefix = f"system.{mod_name[5:]}."
            name = prefix + attr[5:]
            # a shared boot's checks are the check_* names its code uses
            checks = [prefix + n[6:] for n in fn.__code__.co_names if n.startswith("check_")]
            if not filt or any(filt in n for n in [name] + checks):
                jobs.append((name, lambda fn=fn, name=name, prefix=prefix:
                             run_system_test(fn, name, prefix)))
    return jobs


def run_system_test(fn, name, prefix):
    if inspect.isgeneratorfunction(fn):
        return run_shared_boot(fn(), name, prefix)
    try:
        ret = fn()
    except Exception:
        return [(False, name, traceback.format_exc(), None)]
    if isinstance(ret, str) and ret.startswith("SKIP"):
        return [(None, name, "", ret[5:])]
    return [(True, name, "", None)]


def run_shared_boot(gen, name, prefix):
    """Runs each check the generator yields, each its own record; a failure
    outside the checks (the boot, say) is the test's own record."""
    records = []
    try:
        for check, *args in gen:
            check_name = prefix + check.__name__.removeprefix("check_")
            try:
                check(*args)
                records.append((True, check_name, "", None))
            except Exception:
                records.append((False, check_name, traceback.format_exc(), None))
    except Exception:
        records.append((False, name, traceback.format_exc(), None))
    if not records:
        records.append((False, name, "a shared boot that yielded no check", None))
    return records


def timed(name, job):
    """(the job's records, seconds); a job that raises fails under its name."""
    t0 = time.time()
    try:
        records = job()
    except Exception:
        records = [(False, name, traceback.format_exc(), None)]
    return records, time.time() - t0


def load_times():
    try:
        with open(TIMES) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_times(times, durations):
    times.update({name: round(seconds, 2) for seconds, name in durations})
    os.makedirs(os.path.dirname(TIMES), exist_ok=True)
    with open(TIMES + ".tmp", "w") as f:
        json.dump(times, f, indent=0, sort_keys=True)
    os.replace(TIMES + ".tmp", TIMES)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", dest="filter", default=None)
    ap.add_argument("-j", dest="jobs", type=int, default=JOBS)
    ap.add_argument("--durations", type=int, nargs="?", const=10, default=0, metavar="N")
    a = ap.parse_args()
    res = Results()
    t0 = time.time()
    print("TAP version 13", flush=True)
    jobs = unit_jobs(a.filter) + kernel_jobs(a.filter) + system_jobs(a.filter)
    times = load_times()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futures = {}
        for name, job in sorted(jobs, key=lambda j: -times.get(j[0], float("inf"))):
            futures[name] = pool.submit(timed, name, job)
        for name, _ in jobs:
            records, seconds = futures[name].result()
            res.timed(name, seconds)
            for ok, rec_name, detail, skip in records:
                res.record(ok, rec_name, detail, skip)
    save_times(times, res.durations)
    if a.durations:
        print("# slowest:")
        for seconds, name in sorted(res.durations, reverse=True)[:a.durations]:
            print(f"#   {seconds:6.1f} s  {name}")
    print(f"# took {time.time() - t0:.1f} s")
    print(f"1..{res.passed + res.failed + res.skipped}")
    skipped = f", {res.skipped} skipped" if res.skipped else ""
    print(f"{res.passed} passed, {res.failed} failed{skipped}")
    sys.exit(1 if res.failed or res.passed == 0 else 0)


if __name__ == "__main__":
    main()
