#!/usr/bin/env python3
"""make lab LAB=NAME [DEST=dir]: cut a lab's handout from the kernel.

The solution of every lab stays in the kernel, marked in place; the stub
that replaces it in the handout sits in a comment right after it
(docs/labs/README.md):

    /* LAB pgwalk BEGIN: walk one level down */
    ...the solution, compiled in the full tree...
    /* LAB pgwalk STUB
    	lab_not_implemented("pgwalk", __func__);
    	return NULL;
       LAB pgwalk END */

The handout is the tracked tree (git ls-files) copied to DEST, where in
every C and header file each region of lab NAME becomes one line
`/* LAB NAME: your code here (docs/labs/NAME.md) */` and the STUB lines,
uncommented; other labs' regions keep their solution and their markers.
DEST gets a file .lab naming the lab, then `git init` and a first commit
"handout: lab NAME", so that the student's work is `git diff` against it
(`make handin`).

Before anything is written the whole tree is parsed: an unknown lab, a
DEST that exists and is not empty, or a malformed marker (BEGIN without
STUB or END, a region inside another, names that differ) is one line on
stderr and exit status 1. After the cut the tree is checked: no line of
any cut region's solution is left in a file the cut changed, and no
`LAB NAME BEGIN` marker is left anywhere.

As a module: labs(root), parse(text, path), cut_text(text, lab, path).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# C and headers: a stub needs a block comment, which nasm does not have
SOURCE_EXT = (".c", ".h", ".S")
MARKER = re.compile(r"LAB ([a-z0-9_]+) (BEGIN|STUB|END)\b")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class MarkerError(Exception):
    """A malformed marker: the message is the one line to print."""


class Region:
    def __init__(self, lab, path, begin):
        self.lab, self.path, self.begin = lab, path, begin    # begin: 0-based line
        self.stub = self.end = None

    def where(self):
        return f"{self.path}:{self.begin + 1}"


def parse(text, path):
    """The regions of every lab in text, in order; raises MarkerError."""
    regions = []
    open_region = None
    for i, line in enumerate(text.splitlines()):
        for m in MARKER.finditer(line):
            lab, kind = m.groups()
            if kind == "BEGIN":
                if open_region:
                    raise MarkerError(f"{path}:{i + 1}: LAB {lab} BEGIN inside the region of "
                                      f"LAB {open_region.lab} BEGIN at {open_region.where()} "
                                      "(regions do not nest)")
                if "/*" not in line[:m.start()]:
                    raise MarkerError(f"{path}:{i + 1}: LAB {lab} BEGIN is not in a /* comment */")
                open_region = Region(lab, path, i)
                continue
            if not open_region:
                raise MarkerError(f"{path}:{i + 1}: LAB {lab} {kind} without a LAB {lab} BEGIN")
            if lab != open_region.lab:
                raise MarkerError(f"{path}:{i + 1}: LAB {lab} {kind} in the region of "
                                  f"LAB {open_region.lab} BEGIN at {open_region.where()}")
            if kind == "STUB":
                if open_region.stub is not None:
                    raise MarkerError(f"{path}:{i + 1}: a second LAB {lab} STUB in the region at "
                                      f"{open_region.where()}")
                open_region.stub = i
            else:
                if open_region.stub is None:
                    raise MarkerError(f"{path}:{i + 1}: LAB {lab} END without a LAB {lab} STUB "
                                      f"in the region at {open_region.where()}")
                if "*/" not in line[m.end():]:
                    raise MarkerError(f"{path}:{i + 1}: LAB {lab} END does not close the stub's "
                                      "comment (END */)")
                open_region.end = i
                regions.append(open_region)
                open_region = None
    if open_region:
        missing = "STUB" if open_region.stub is None else "END"
        raise MarkerError(f"{open_region.where()}: LAB {open_region.lab} BEGIN without a "
                          f"LAB {open_region.lab} {missing}")
    for r in regions:
        lines = text.splitlines()
        for k in range(r.stub + 1, r.end):
            if "*/" in lines[k]:
                raise MarkerError(f"{path}:{k + 1}: a stub line holds */, which would end the "
                                  "stub's comment in the full tree")
    return regions


def cut_text(text, lab, path):
    """(text with lab's regions replaced by their stubs, [solution lines
    cut], [lines outside lab's regions])."""
    lines = text.splitlines(keepends=True)
    regions = [r for r in parse(text, path) if r.lab == lab]
    out, solution, outside, pos = [], [], [], 0
    for r in regions:
        out += lines[pos:r.begin]
        outside += lines[pos:r.begin]
        indent = re.match(r"[ \t]*", lines[r.begin]).group(0)
        out.append(f"{indent}/* LAB {lab}: your code here (docs/labs/{lab}.md) */\n")
        out += lines[r.stub + 1:r.end]
        solution += lines[r.begin + 1:r.stub]
        pos = r.end + 1
    out += lines[pos:]
    outside += lines[pos:]
    return "".join(out), solution, outside


def tracked_files(root):
    p = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"make lab: {root} is not a git checkout: {p.stderr.strip()}")
    return [f for f in p.stdout.split("\0") if f and os.path.isfile(os.path.join(root, f))]


def sources(root, files):
    """{path: text} for every C and header file (SOURCE_EXT)."""
    texts = {}
    for f in files:
        if f.endswith(SOURCE_EXT):
            with open(os.path.join(root, f), encoding="utf-8") as fh:
                texts[f] = fh.read()
    return texts


def labs(root=ROOT):
    """{lab name: [regions]} over the tracked sources; raises MarkerError."""
    found = {}
    for path, text in sources(root, tracked_files(root)).items():
        for r in parse(text, path):
            found.setdefault(r.lab, []).append(r)
    return found


def graded_labs(root=ROOT):
    """The labs with a grader, tests/labs/NAME.py, in no set order."""
    d = os.path.join(root, "tests", "labs")
    return sorted(f[:-3] for f in os.listdir(d) if f.endswith(".py") and not f.startswith("_"))


def cut_tree(lab, dest, root=ROOT):
    files = tracked_files(root)
    texts = sources(root, files)
    cut, solution, outside = {}, [], set()
    found = set()
    for path, text in texts.items():     # parse everything before writing anything
        regions = parse(text, path)
        found.update(r.lab for r in regions)
        if any(r.lab == lab for r in regions):
            cut[path], sol, out = cut_text(text, lab, path)
            solution += sol
            outside.update(line.strip() for line in out)
        else:
            outside.update(line.strip() for line in text.splitlines())
    if lab not in found:
        raise SystemExit(f"make lab: no lab {lab!r} (labs: {', '.join(sorted(found)) or 'none'})")
    # The check, before anything is written: no line of the solution is left
    # in any source of the cut tree, stubs included. A solution line that
    # the full tree also has outside this lab's regions (a brace, `return
    # 0;`) says nothing and is not looked for; every other one must be gone.
    wanted = {line.strip() for line in solution} - outside - {""}
    for path, text in texts.items():
        for n, line in enumerate(cut.get(path, text).splitlines(), 1):
            if line.strip() in wanted:
                raise SystemExit(f"make lab: {path}:{n} still holds a line of lab {lab}'s solution "
                                 f"({line.strip()!r}); nothing written")
    begin = re.compile(rf"LAB {re.escape(lab)} BEGIN\b")
    for path, text in texts.items():
        if begin.search(cut.get(path, text)):
            raise SystemExit(f"make lab: {path}: a LAB {lab} BEGIN marker survived the cut; "
                             "nothing written")
    os.makedirs(dest, exist_ok=True)
    for f in files:
        target = os.path.join(dest, f)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if f in cut:
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(cut[f])
            shutil.copymode(os.path.join(root, f), target)
        else:
            shutil.copy2(os.path.join(root, f), target)
    with open(os.path.join(dest, ".lab"), "w") as fh:
        fh.write(lab + "\n")
    git = ["git", "-C", dest, "-c", "user.name=carta", "-c", "user.email=carta@localhost",
           "-c", "commit.gpgsign=false"]
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", f"handout: lab {lab}"]):
        subprocess.run(git + cmd, check=True)
    return sorted(cut), len(solution)


def handin(root=ROOT):
    """make handin: handin-NAME.tar.gz holding NAME.diff (the tree against
    the handout commit) and answers-NAME.txt."""
    import io
    import tarfile
    try:
        with open(os.path.join(root, ".lab")) as fh:
            lab = fh.read().strip()
    except OSError:
        raise SystemExit("make handin: no .lab file: run it in a tree `make lab` wrote")
    if not NAME.match(lab):
        raise SystemExit(f"make handin: .lab names {lab!r}, not a lab")
    answers = f"answers-{lab}.txt"
    if not os.path.isfile(os.path.join(root, answers)):
        raise SystemExit(f"make handin: no {answers}: answer docs/labs/{lab}.md's questions in it")
    git = ["git", "-C", root]
    base = subprocess.run(git + ["log", "--format=%H", "--grep", f"^handout: lab {lab}$"],
                          capture_output=True, text=True).stdout.split()
    if not base:
        raise SystemExit(f"make handin: no commit \"handout: lab {lab}\" in this tree's history")
    diff = subprocess.run(git + ["diff", "--binary", base[-1], "--", ".", f":!{answers}"],
                          capture_output=True, check=True).stdout
    new = subprocess.run(git + ["ls-files", "--others", "--exclude-standard", "--", "*.c", "*.h",
                                "*.asm"], capture_output=True, text=True).stdout.split()
    out = os.path.join(root, f"handin-{lab}.tar.gz")
    with tarfile.open(out + ".tmp", "w:gz") as tar:
        for name, data in ((f"{lab}.diff", diff),
                           (answers, open(os.path.join(root, answers), "rb").read())):
            info = tarfile.TarInfo(f"handin-{lab}/{name}")
            info.size, info.mtime = len(data), int(time.time())
            tar.addfile(info, io.BytesIO(data))
    os.replace(out + ".tmp", out)
    nlines = len(diff.splitlines())
    print(f"wrote {out}: {lab}.diff ({nlines} lines against the handout) and {answers}")
    if not diff:
        print("make handin: note: no change against the handout")
    if new:
        print(f"make handin: note: untracked sources not in the diff (git add them): {' '.join(new)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--handin", action="store_true", help="make handin: pack this lab tree's work")
    ap.add_argument("lab", nargs="?")
    ap.add_argument("dest", nargs="?")
    args = ap.parse_args()
    if args.handin:
        return handin()
    if not args.lab:
        raise SystemExit("make lab: say which lab: make lab LAB=NAME [DEST=dir] (docs/labs/README.md)")
    if not NAME.match(args.lab):
        raise SystemExit(f"make lab: {args.lab!r} is not a lab name (lower case, digits, _)")
    dest = os.path.abspath(args.dest or os.path.join(ROOT, "..", f"carta-lab-{args.lab}"))
    if os.path.exists(dest) and (not os.path.isdir(dest) or os.listdir(dest)):
        raise SystemExit(f"make lab: {dest} exists and is not empty; give another DEST")
    if os.path.realpath(dest).startswith(os.path.realpath(ROOT) + os.sep):
        raise SystemExit(f"make lab: {dest} is inside this tree; give a DEST outside it")
    try:
        files, nlines = cut_tree(args.lab, dest)
    except MarkerError as e:
        raise SystemExit(f"make lab: malformed marker: {e}")
    print(f"lab {args.lab}: {nlines} solution lines cut from {', '.join(files)}")
    print(f"handout in {dest} (git, first commit \"handout: lab {args.lab}\"); "
          f"read docs/labs/{args.lab}.md, then `make grade` there")


if __name__ == "__main__":
    main()
