#!/usr/bin/env python3
"""Fails if a file includes a project header from a floor above its own.

The floors (docs/architecture.md), lowest first:
  core/                                   the ground floor: includes only core/
  policies/ sensors/ collectors/          components: core/ and their own folder
  betapool/ testing/                      assembly and test support: any of the above
  lab/ bindings/ bench/ examples/ tests/  users of the library: anything

Usage: check_layering.py <source root>    prints each violation, exits 1 if any
       check_layering.py --self-test      proves the check can fail
"""
import pathlib
import re
import sys
import tempfile

# Folder -> the project folders its files may include.
COMPONENTS = ("policies", "sensors", "collectors")
ALLOWED = {
    "core": {"core"},
    **{c: {"core", c} for c in COMPONENTS},
    "betapool": {"core", *COMPONENTS, "betapool"},
    "testing": {"core", *COMPONENTS, "betapool", "testing"},
}
PROJECT_FOLDERS = set(ALLOWED) | {"lab", "bindings", "bench", "examples", "tests"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]+"', re.MULTILINE)
SUFFIXES = {".h", ".cc", ".hpp", ".cpp", ".inc"}


def violations(root: pathlib.Path):
    for floor, allowed in sorted(ALLOWED.items()):
        folder = root / floor
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in INCLUDE.finditer(text):
                target = match.group(1)
                if target in PROJECT_FOLDERS and target not in allowed:
                    line = text.count("\n", 0, match.start()) + 1
                    yield (f"{path.relative_to(root)}:{line}: {floor}/ may not "
                           f'include "{target}/..." (a higher floor)')


def self_test() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "core").mkdir()
        (root / "policies").mkdir()
        (root / "core" / "ok.h").write_text('#include "core/other.h"\n')
        (root / "policies" / "ok.cc").write_text('#include "core/x.h"\n#include "policies/y.h"\n')
        if list(violations(root)):
            print("self-test: a clean tree was reported")
            return 1
        (root / "core" / "bad.cc").write_text('// x\n#include "policies/static_policy.h"\n')
        (root / "policies" / "bad.h").write_text('#include "sensors/proc_stat_sensor.h"\n')
        found = list(violations(root))
        if len(found) != 2 or "core/bad.cc:2" not in found[0]:
            print("self-test: expected two violations, got", found)
            return 1
    print("self-test: clean tree passes, two upward includes caught")
    return 0


def main(argv) -> int:
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    found = list(violations(pathlib.Path(argv[1])))
    for v in found:
        print(v)
    if found:
        print(f"{len(found)} include(s) run from a lower floor up")
        return 1
    print("layering: every include runs downward")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
