"""The include graph keeps its shape (docs/design.md §1): dependencies point one
way, boot -> kernel/mm core -> drivers -> shell. mm/ includes nothing from
drivers/ or shell/, and nothing below shell/ includes it. Read from the
sources' own #include and %include lines."""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INCLUDE = re.compile(r'^\s*(?:#\s*include|%include)\s+"([^"]+)"', re.M)


def includes(layer):
    """(file, included path) for every quoted include in layer/."""
    for path in sorted(glob.glob(os.path.join(ROOT, layer, "*"))):
        if path.endswith((".c", ".h", ".asm", ".inc")):
            with open(path) as f:
                for inc in INCLUDE.findall(f.read()):
                    yield os.path.relpath(path, ROOT), inc


def offenders(layers, forbidden):
    return [f"{src} includes {inc}" for layer in layers for src, inc in includes(layer)
            if inc.split("/")[0] in forbidden]


def test_mm_includes_no_driver_and_no_shell():
    bad = offenders(["mm"], {"drivers", "shell"})
    assert not bad, "\n".join(bad)


def test_nothing_below_the_shell_includes_it():
    bad = offenders(["boot", "kernel", "kernel/uapi", "mm", "drivers"], {"shell"})
    assert not bad, "\n".join(bad)


def test_the_check_sees_the_includes():
    """The check reads what it must: the layers have includes, and the
    shell's commands do include the layers below."""
    assert sum(1 for _ in includes("mm")) > 100
    assert any(inc.startswith("mm/") for _, inc in includes("shell"))


# What ring 3 code may include besides user/lib and kernel/uapi: the
# kernel's freestanding library, which user/lib compiles again, and the
# console font both fbcon and fbdemo draw with. Nothing that assumes ring 0.
USER_MAY_INCLUDE = {"kernel/string.h", "kernel/vsprintf.h", "kernel/kstrtox.h",
                    "kernel/errno.h", "kernel/font_8x16.h"}


def test_user_programs_include_only_their_library_and_the_uapi():
    bad = [f"{src} includes {inc}" for layer in ("user", "user/lib") for src, inc in includes(layer)
           if not inc.startswith(("user/lib/", "kernel/uapi/")) and inc not in USER_MAY_INCLUDE]
    assert not bad, "\n".join(bad)
    assert any(inc.startswith("kernel/uapi/") for _, inc in includes("user/lib")), "no include seen"
