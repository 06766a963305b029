#!/usr/bin/env python3
"""Check that a probe program computes the rectifier family correctly rounded.

Usage: check.py PROBE [--count N] [--seed S] [--jobs J] [--long]

The probe reads lines `NAME D X ALPHA BETA THRESHOLD` (numbers as Python's
float.hex() prints them) and writes one result per line as printf("%a").
This script generates the inputs (inputs.py), computes the correctly rounded
results independently (reference.py, mpmath), runs the probe once over all
lines through a pipe and compares bit for bit: NaN matches any NaN, and a
zero whose sign the definitions leave open (zero limits at infinite inputs,
exact zeros of piecewise pieces) matches either zero. It prints every
mismatch, a summary per function and `N passed, M failed`; exit status 1
on any failure, including inputs the reference could not decide.
"""

import argparse
import math
import multiprocessing
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import inputs  # noqa: E402
import reference  # noqa: E402

DEFAULT_COUNT = 20_000
LONG_COUNT = 250_000  # per group: 7 million inputs in all


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("probe", help="the accuracy_probe executable")
    parser.add_argument("--count", type=int,
                        help=f"inputs per function and derivative "
                             f"(default {DEFAULT_COUNT}; {LONG_COUNT} with "
                             f"--long)")
    parser.add_argument("--long", action="store_true",
                        help="the opt-in long run (hours on 2 cores)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2,
                        help="processes computing references (default 2)")
    parser.add_argument("--only", metavar="NAME", action="append",
                        choices=reference.NAMES,
                        help="check only this function (repeatable)")
    parser.add_argument("--max-shown", type=int, default=None, metavar="K",
                        help="print at most K mismatches per group "
                             "(default: all)")
    args = parser.parse_args(argv)
    if args.count is None:
        args.count = LONG_COUNT if args.long else DEFAULT_COUNT
    return args


def format_number(x):
    """The probe's input syntax: float.hex(), or inf, -inf, nan."""
    return x.hex()


def probe_line(name, derivative, item):
    return " ".join((name, str(derivative), format_number(item.x),
                     format_number(item.alpha), format_number(item.beta),
                     format_number(item.threshold)))


def reference_task(task):
    """Worker: return (expected float, any_zero, None) or (None, None,
    message) when the reference fails (undecided or a bug)."""
    name, derivative, x, alpha, beta, threshold = task
    try:
        value, any_zero = reference.expected(name, derivative, x, alpha,
                                             beta, threshold)
        return value, any_zero, None
    except Exception as error:  # reported as a failure, never dropped
        return None, None, f"reference failed: {type(error).__name__}: " \
                           f"{error}"


def compute_references(tasks, jobs):
    """Expected results for all tasks, in order, across `jobs` processes."""
    if jobs <= 1:
        return [reference_task(t) for t in tasks]
    with multiprocessing.Pool(jobs) as pool:
        return list(pool.imap(reference_task, tasks, chunksize=256))


def run_probe(probe, lines):
    """Run the probe once over all lines; return its output lines."""
    result = subprocess.run([probe], input="".join(l + "\n" for l in lines),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"check.py: {probe} exited with status "
                 f"{result.returncode}: {result.stderr.strip()[:2000]}")
    out = result.stdout.splitlines()
    if len(out) != len(lines):
        sys.exit(f"check.py: {probe} wrote {len(out)} lines for "
                 f"{len(lines)} inputs")
    return out


def matches(expected, any_zero, got_text):
    """Whether the probe's %a text is the expected double under the rules
    (NaN = any NaN, either zero when any_zero)."""
    try:
        got = float.fromhex(got_text.strip())
    except ValueError:
        return False
    if math.isnan(expected):
        return math.isnan(got)
    if any_zero and expected == 0:
        return got == 0
    return reference.same_double(expected, got)


def label(name, derivative):
    """elu for the value, elu' for the derivative."""
    return name + ("'" if derivative else "")


def main(argv):
    args = parse_args(argv)
    names = args.only or reference.NAMES
    groups = [(n, d) for n in names for d in (0, 1)]
    start = time.monotonic()
    items, lines = [], []
    for name, derivative in groups:
        for item in inputs.generate(name, derivative, args.count, args.seed):
            items.append((name, derivative, item))
            lines.append(probe_line(name, derivative, item))
    tasks = [(n, d, i.x, i.alpha, i.beta, i.threshold) for n, d, i in items]
    expected = compute_references(tasks, args.jobs)
    ref_time = time.monotonic() - start
    start = time.monotonic()
    got = run_probe(args.probe, lines)
    probe_time = time.monotonic() - start

    tally = {g: [0, 0, 0] for g in groups}  # passed, misrounded, ref fails
    for (name, derivative, item), line, (value, any_zero, error), text in \
            zip(items, lines, expected, got):
        counts = tally[(name, derivative)]
        if error is None and matches(value, any_zero, text):
            counts[0] += 1
            continue
        counts[1 if error is None else 2] += 1
        if args.max_shown is not None and \
                counts[1] + counts[2] > args.max_shown:
            continue
        if error is None:
            want = "either zero" if any_zero and value == 0 else value.hex()
            print(f"MISROUNDED {label(name, derivative)} [{item.kind}] "
                  f"input '{line}': expected {want}, got {text.strip()}")
        else:
            print(f"REFERENCE {label(name, derivative)} input "
                  f"'{line}': {error}")

    print(f"\n{'function':<14} {'passed':>8} {'misrounded':>10} "
          f"{'ref fails':>9}")
    for (name, derivative), (passed, wrong, ref_fails) in tally.items():
        print(f"{label(name, derivative):<14} {passed:>8} {wrong:>10} {ref_fails:>9}")
    print(f"references: {ref_time:.1f} s on {args.jobs} processes; "
          f"probe: {probe_time:.1f} s")
    passed = sum(t[0] for t in tally.values())
    failed = sum(t[1] + t[2] for t in tally.values())
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
