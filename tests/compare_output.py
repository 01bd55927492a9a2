"""Compare two built sites file by file: which files were added, removed or changed.

    python tests/compare_output.py OLD_OUTPUT NEW_OUTPUT [--show N]

Every file under both trees is compared by its bytes; the exit code is 0 only when the
trees are identical. ``--show`` prints the first lines that differ in up to N changed text
files. The house issue's "byte-identical" check runs this over a build of the last commit
and of the working tree (tests/test_output_identical.py builds both).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys


def tree(root: str) -> dict[str, str]:
    files = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            files[os.path.relpath(path, root)] = path
    return files


def compare(old: str, new: str) -> dict[str, list[str]]:
    a, b = tree(old), tree(new)
    changed = []
    for rel in sorted(a.keys() & b.keys()):
        with open(a[rel], "rb") as fa, open(b[rel], "rb") as fb:
            if fa.read() != fb.read():
                changed.append(rel)
    return {"added": sorted(b.keys() - a.keys()), "removed": sorted(a.keys() - b.keys()),
            "changed": changed}


def first_difference(old_path: str, new_path: str, context: int = 0) -> list[str]:
    try:
        with open(old_path, encoding="utf-8") as fa, open(new_path, encoding="utf-8") as fb:
            a, b = fa.read().splitlines(), fb.read().splitlines()
    except UnicodeDecodeError:
        return ["(binary)"]
    return list(difflib.unified_diff(a, b, lineterm="", n=context))[2:12]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args(argv)
    result = compare(args.old, args.new)
    for kind in ("added", "removed", "changed"):
        print(f"{kind}: {len(result[kind])}")
        for rel in result[kind]:
            print(f"  {rel}")
    for rel in result["changed"][:args.show]:
        print(f"--- {rel}")
        for line in first_difference(os.path.join(args.old, rel), os.path.join(args.new, rel)):
            print(f"    {line[:200]}")
    return 0 if not any(result.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
