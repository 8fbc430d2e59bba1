"""The labs (docs/labs/README.md), proved on every run: for each grader
tests/labs/NAME.py, the full tree scores full marks (test_full_NAME), and
the handout `make lab` cuts builds and fails every one of the lab's
CUT_CHECKS (test_cut_NAME); and the cutter refuses malformed markers.

A cut tree is graded on its CUT_CHECKS only, to stay in the time budget:
those are the checks the cut must break (a stub that breaks the boot fails
them all at once). It is built in a temporary directory of its own,
starting from a copy of this tree's build directory: make then recompiles
what the cut changed and links, instead of building all again."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import grade  # noqa: E402
import lab  # noqa: E402

SCORE = re.compile(r"^score: (\d+)/(\d+)", re.M)


def run_grade(root, name, *args):
    p = subprocess.run([sys.executable, os.path.join(root, "scripts", "grade.py"), "--lab", name,
                        "--no-build"] + list(args), capture_output=True, text=True, timeout=300)
    m = SCORE.search(p.stdout)
    assert m, f"grade.py printed no score (status {p.returncode}):\n{p.stdout}\n{p.stderr}"
    return int(m.group(1)), int(m.group(2)), p


def full_tree(name):
    def test():
        score, total, p = run_grade(ROOT, name)
        assert score == total and p.returncode == 0, f"lab {name}: {score}/{total}\n{p.stdout}"
    return test


def cut_tree(name):
    def test():
        cut_checks = grade.load_grader(ROOT, name).CUT_CHECKS
        with tempfile.TemporaryDirectory(prefix=f"carta-lab-{name}-") as tmp:
            dest = os.path.join(tmp, "tree")
            p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "lab.py"), name, dest],
                               capture_output=True, text=True, timeout=120)
            assert p.returncode == 0, p.stderr
            with open(os.path.join(dest, ".lab")) as f:
                assert f.read().strip() == name
            log = subprocess.run(["git", "-C", dest, "log", "--format=%s"], capture_output=True,
                                 text=True, check=True).stdout.split("\n")
            assert log[0] == f"handout: lab {name}", log
            shutil.copytree(os.path.join(ROOT, "build"), os.path.join(dest, "build"), symlinks=True,
                            ignore=shutil.ignore_patterns("isos", "unit", "test-times.json"))
            b = subprocess.run(["make", "-C", dest, "-j2", "all", "user"], capture_output=True,
                               text=True, timeout=300)
            assert b.returncode == 0, f"the handout of {name} does not build:\n{b.stderr[-2000:]}"
            score, total, g = run_grade(dest, name, "--only", "cut")
        assert score < total and g.returncode == 1, f"lab {name}'s handout: {score}/{total}\n{g.stdout}"
        for what in cut_checks:
            assert re.search(rf"^  FAIL  0/\d+  {re.escape(what)}", g.stdout, re.M), \
                f"handout of {name}: {what!r} did not fail:\n{g.stdout}"
    return test


for _name in grade.known_labs(ROOT):
    globals()[f"test_full_{_name}"] = full_tree(_name)
    globals()[f"test_cut_{_name}"] = cut_tree(_name)


MALFORMED = {
    "BEGIN without STUB": "/* LAB a BEGIN: x */\nint x;\n",
    "BEGIN without END": "/* LAB a BEGIN: x */\nint x;\n/* LAB a STUB\nint y;\n",
    "END without STUB": "/* LAB a BEGIN: x */\nint x;\n/* LAB a END */\n",
    "nested": "/* LAB a BEGIN */\n/* LAB b BEGIN */\n/* LAB b STUB\n   LAB b END */\n"
              "/* LAB a STUB\n   LAB a END */\n",
    "mismatched names": "/* LAB a BEGIN */\nint x;\n/* LAB b STUB\n   LAB b END */\n",
    "*/ in a stub": "/* LAB a BEGIN */\nint x;\n/* LAB a STUB\nint y; /* */\n   LAB a END */\n",
}


def scratch_repo(tmp, source):
    """A git tree holding scripts/lab.py and one marked source, mm/x.c."""
    os.makedirs(os.path.join(tmp, "scripts"))
    os.makedirs(os.path.join(tmp, "mm"))
    shutil.copy(os.path.join(ROOT, "scripts", "lab.py"), os.path.join(tmp, "scripts"))
    with open(os.path.join(tmp, "mm", "x.c"), "w") as f:
        f.write(source)
    subprocess.run(["git", "init", "-q", tmp], check=True)
    subprocess.run(["git", "-C", tmp, "add", "-A"], check=True)


def run_cutter(repo, *args):
    return subprocess.run([sys.executable, os.path.join(repo, "scripts", "lab.py")] + list(args),
                          capture_output=True, text=True, timeout=60)


def test_cutter_refuses_malformed_markers():
    """Each malformed marker: one line on stderr, status 1, nothing written;
    likewise an unknown lab and a DEST that is not empty. A good region
    cuts to its stub."""
    for what, source in MALFORMED.items():
        with tempfile.TemporaryDirectory() as tmp:
            repo = os.path.join(tmp, "repo")
            scratch_repo(repo, source)
            dest = os.path.join(tmp, "out")
            p = run_cutter(repo, "a", dest)
            assert p.returncode == 1 and "malformed marker" in p.stderr, (what, p.stderr)
            assert len(p.stderr.strip().splitlines()) == 1, (what, p.stderr)
            assert not os.path.exists(dest), f"{what}: {dest} was written"
    good = "int f(void)\n{\n\t/* LAB a BEGIN: f */\n\treturn secret_value();\n\t/* LAB a STUB\n" \
           "\treturn -38;\n\t   LAB a END */\n}\n"
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "repo")
        scratch_repo(repo, good)
        p = run_cutter(repo, "nope", os.path.join(tmp, "o1"))
        assert p.returncode == 1 and "no lab 'nope'" in p.stderr and not os.path.exists(
            os.path.join(tmp, "o1")), p.stderr
        os.makedirs(os.path.join(tmp, "full"))
        open(os.path.join(tmp, "full", "f"), "w").close()
        p = run_cutter(repo, "a", os.path.join(tmp, "full"))
        assert p.returncode == 1 and "not empty" in p.stderr, p.stderr
        p = run_cutter(repo, "a", os.path.join(tmp, "o2"))
        assert p.returncode == 0, p.stderr
        with open(os.path.join(tmp, "o2", "mm", "x.c")) as f:
            cut = f.read()
        assert cut == "int f(void)\n{\n\t/* LAB a: your code here (docs/labs/a.md) */\n" \
                      "\treturn -38;\n}\n", cut
    # the in-process parser agrees on the same inputs
    for what, source in MALFORMED.items():
        try:
            lab.parse(source, "x.c")
        except lab.MarkerError:
            continue
        raise AssertionError(f"{what}: parse accepted it")


def test_cutter_leaves_no_solution():
    """The solution check can fail: a stub repeating a solution line found
    nowhere else in the tree is refused, nothing written; a stub line that
    the tree has elsewhere too (`return 0;`) is fine."""
    leak = "int f(void)\n{\n\t/* LAB a BEGIN */\n\treturn secret_value();\n\t/* LAB a STUB\n" \
           "\treturn secret_value();\n\t   LAB a END */\n}\n"
    fine = "int f(void)\n{\n\t/* LAB a BEGIN */\n\tsecret_value();\n\treturn 0;\n\t/* LAB a STUB\n" \
           "\treturn 0;\n\t   LAB a END */\n}\nint g(void)\n{\n\treturn 0;\n}\n"
    for source, ok in ((leak, False), (fine, True)):
        with tempfile.TemporaryDirectory() as tmp:
            repo = os.path.join(tmp, "repo")
            scratch_repo(repo, source)
            dest = os.path.join(tmp, "out")
            p = run_cutter(repo, "a", dest)
            if ok:
                assert p.returncode == 0, p.stderr
                continue
            assert p.returncode == 1 and "still holds a line of lab a's solution" in p.stderr, p.stderr
            assert not os.path.exists(dest), "written despite the leak"
