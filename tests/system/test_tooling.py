"""The tools around the kernel: `make test`'s TAP stream is one `prove`
accepts (prove is the independent reader), and `make
compile_commands.json` gives clangd what it needs to parse a kernel file
with no error (clangd --check is the independent reader; without the
database it reports missing headers and unknown types)."""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(ROOT, "tests", "run.py")
# clangd --check prints a diagnostic as E[time] [code] Line N: message
CLANGD_DIAG = re.compile(r"^E\[[^\]]*\] \[\w+\] Line \d+: .*$", re.M)


def test_tap_stream_is_accepted_by_prove():
    if not shutil.which("prove"):
        return "SKIP no prove (perl) on this machine"
    p = subprocess.run(["python3", RUN, "-k", "unit.list", "-j", "1"],
                       capture_output=True, text=True, timeout=120)
    lines = p.stdout.splitlines()
    assert lines[0] == "TAP version 13", lines[:2]
    results = [l for l in lines if re.match(r"(not )?ok \d+ ", l)]
    assert results, p.stdout
    assert lines[-2] == f"1..{len(results)}", lines[-3:]
    assert lines[-1] == f"{len(results)} passed, 0 failed", lines[-1]
    with tempfile.NamedTemporaryFile("w", suffix=".tap") as f:
        f.write(p.stdout)
        f.flush()
        pr = subprocess.run(["prove", "-e", "cat", f.name], capture_output=True, text=True, timeout=60)
    assert pr.returncode == 0 and "Result: PASS" in pr.stdout, pr.stdout + pr.stderr
    assert f"Tests={len(results)}," in pr.stdout, pr.stdout


def test_a_filter_that_matches_nothing_fails():
    p = subprocess.run(["python3", RUN, "-k", "no-such-test-anywhere"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and p.stdout.splitlines()[-1] == "0 passed, 0 failed", p.stdout


def test_compile_commands_cover_every_c_file_and_satisfy_clangd():
    p = subprocess.run(["make", "-s", "-C", ROOT, "compile_commands.json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    with open(os.path.join(ROOT, "compile_commands.json")) as f:
        db = json.load(f)
    files = {os.path.relpath(e["file"], ROOT) for e in db}
    want = set()
    for d in ("kernel", "mm", "drivers", "shell", "user", "user/lib", "tests/kernel", "tests/unit"):
        want |= {os.path.relpath(f, ROOT) for f in glob.glob(os.path.join(ROOT, d, "*.c"))}
    assert want <= files, f"missing: {sorted(want - files)}"
    if not shutil.which("clangd"):
        return "SKIP no clangd on this machine"
    for src in ("mm/pagewalk.c", "user/hello.c"):
        c = subprocess.run(["clangd", "--check=" + os.path.join(ROOT, src)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
        diags = CLANGD_DIAG.findall(c.stderr)
        assert not diags, f"{src}: " + "\n".join(diags)
