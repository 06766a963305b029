#!/usr/bin/env python3
"""Run the end-to-end cases of one group from cases.py against a relu binary.

usage: run_cases.py RELU GROUP
       run_cases.py --groups 'G1;G2;...'   (check that these are all groups)

Each case runs under LC_ALL=C with the given arguments and standard input
(None: /dev/null) and must produce exactly the expected stdout, stderr and
exit status. A failure prints the case and what differed."""
import os
import subprocess
import sys

from cases import CASES


def as_bytes(text):
    return text if isinstance(text, bytes) else text.encode()


def check_groups(listed):
    """Exit 1 unless the groups CMake registered are those of CASES."""
    groups = {c[0].split("-")[0] for c in CASES}
    missing = groups - set(listed.split(";"))
    print(f"{len(groups) - len(missing)} passed, {len(missing)} failed")
    if missing:
        print(f"groups not registered in CTest: {sorted(missing)}")
    sys.exit(1 if missing else 0)


def main():
    if sys.argv[1] == "--groups":
        check_groups(sys.argv[2])
    relu, group = sys.argv[1], sys.argv[2]
    env = dict(os.environ, LC_ALL="C")
    cases = [c for c in CASES if c[0].split("-")[0] == group]
    if not cases:
        sys.exit(f"no cases in group {group!r}")
    failed = 0
    for name, args, stdin, out, err, status in cases:
        got = subprocess.run(
            [relu, *args],
            input=None if stdin is None else as_bytes(stdin),
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True, env=env, timeout=60)
        want = (as_bytes(out), as_bytes(err), status)
        have = (got.stdout, got.stderr, got.returncode)
        if have != want:
            failed += 1
            print(f"FAIL {name}: relu {args!r} < {stdin!r}")
            for label, w, h in zip(("stdout", "stderr", "status"), want, have):
                if w != h:
                    print(f"  {label}: want {w!r}\n  {label}:  got {h!r}")
    print(f"{len(cases) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
