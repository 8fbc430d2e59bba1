"""The docs' generated blocks (scripts/docgen.py) are what the kernel
prints today: regenerating them would change nothing. And the checker can
fail: a block made stale on purpose, in a copy outside the tree, is caught
and named."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCGEN = os.path.join(ROOT, "scripts", "docgen.py")
MARKER = re.compile(r"^<!-- carta-run shell")


def check(*paths):
    return subprocess.run([sys.executable, DOCGEN, "--check", *paths],
                          capture_output=True, text=True, timeout=300)


def test_docs_regenerate_unchanged():
    p = check()
    assert p.returncode == 0, ("stale doc blocks (run `make docs` and read the diff):\n"
                               + p.stdout[-3000:] + p.stderr[-2000:])


def smallest_doc_with_a_shell_block():
    """(path, lines, index of a shell block's first output line): the doc
    with the fewest generated blocks, so that the check of its copy is cheap."""
    best = None
    for path in [os.path.join(ROOT, "README.md")] + sorted(
            os.path.join(ROOT, "docs", f) for f in os.listdir(os.path.join(ROOT, "docs"))):
        if not path.endswith(".md"):
            continue
        with open(path) as f:
            lines = f.read().split("\n")
        markers = [i for i, ln in enumerate(lines) if ln.startswith("<!-- carta-run ")]
        for i in markers:
            if MARKER.match(lines[i]):
                # the first line after the first command is output
                out = next((j for j in range(i + 2, len(lines))
                            if not lines[j].startswith("carta> ")), None)
                if out is not None and not lines[out].startswith("```"):
                    if best is None or len(markers) < best[0]:
                        best = (len(markers), path, lines, out)
                    break
    assert best, "no doc has a shell block with output"
    return best[1:]


def test_docs_checker_fails_on_a_stale_block():
    path, lines, out = smallest_doc_with_a_shell_block()
    tmp = tempfile.mkdtemp(prefix="carta-docs-")
    try:
        copy = os.path.join(tmp, os.path.basename(path))
        stale = list(lines)
        stale[out] = stale[out] + " (stale)"
        with open(copy, "w") as f:
            f.write("\n".join(stale))
        p = check(copy)
        assert p.returncode == 1, f"the checker passed a stale copy:\n{p.stdout}{p.stderr}"
        assert "-" + stale[out] in p.stdout, f"the diff does not show the stale line:\n{p.stdout}"
        assert f"{os.path.basename(path)}:" in p.stdout, p.stdout
        with open(path) as f:      # the tree's own file is untouched
            assert f.read() == "\n".join(lines)
    finally:
        shutil.rmtree(tmp)
