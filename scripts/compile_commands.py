#!/usr/bin/env python3
"""compile_commands.json (the JSON compilation database clangd reads) from
"file<TAB>command" lines on stdin, which the Makefile writes from its own
flag variables, so the two cannot disagree. Relative paths are resolved
against the repository root, where make runs every compiler."""
import json
import os
import shlex
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    entries = []
    for line in sys.stdin.read().splitlines():
        line = line.strip()
        if not line:
            continue
        path, _, command = line.partition("\t")
        if not command:
            sys.exit(f"compile_commands: no command for {path!r}")
        entries.append({"directory": ROOT, "file": os.path.join(ROOT, path),
                        "arguments": shlex.split(command)})
    json.dump(entries, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
