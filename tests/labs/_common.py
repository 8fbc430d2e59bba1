"""Helpers the lab graders share (tests/labs/*.py; scripts/grade.py puts
tests/system and scripts on sys.path)."""
import re


def gva2gpa(vm, va):
    """QEMU's translation of va through the live tables, or None if unmapped."""
    out = vm.hmp(f"gva2gpa {va:#x}")
    m = re.search(r"gpa: (0x[0-9a-f]+)", out)
    return int(m.group(1), 16) if m else None


def boots(ctx):
    out = ctx.shell("meminfo")
    assert "MemTotal" in out, f"meminfo printed {out.strip()[:200]!r}"


def selftest(ctx, suite):
    """Runs the in-kernel suite `suite` at the shell; fails naming the cases that failed."""
    out = ctx.shell(f"selftest {suite}", timeout=60)
    m = re.search(r"# selftest: (\d+) passed, (\d+) failed", out)
    assert m, f"selftest {suite} did not finish: {out.strip()[-300:]!r}"
    failed = re.findall(r"^not ok \d+ (\S+)", out, re.M)
    assert m.group(2) == "0" and int(m.group(1)) > 0, \
        f"selftest {suite}: {m.group(2)} failed ({', '.join(failed)})"
