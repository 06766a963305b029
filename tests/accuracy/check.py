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
# Inputs per probe run: the default 30 x 20,000 is one run; larger runs go
# in pieces so that memory stays near a gigabyte.
BATCH = 600_000


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("probe", help="the accuracy_probe executable")
    parser.add_argument("--count", type=int,
                        help=f"inputs per function and derivative "
                             f"(default {DEFAULT_COUNT}; {LONG_COUNT} with "
                             f"--long)")
    parser.add_argument("--long", action="store_true",
                        help="the opt-in long run (about half an hour on "
                             "2 cores)")
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


def compute_references(tasks, pool):
    """Expected results for all tasks, in order, on the pool's processes
    (in this process when pool is None)."""
    if pool is None:
        return [reference_task(t) for t in tasks]
    return pool.imap(reference_task, tasks, chunksize=256)


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


def batches(groups, count, seed):
    """Yield lists of (name, derivative, Input), whole groups of `count`
    inputs, at most BATCH inputs each unless one group is larger: the
    default run is one batch (one probe run); --long stays in bounded
    memory."""
    batch = []
    for name, derivative in groups:
        if batch and len(batch) + count > BATCH:
            yield batch
            batch = []
        batch.extend((name, derivative, item)
                     for item in inputs.generate(name, derivative, count,
                                                 seed))
    if batch:
        yield batch


class Tally:
    """Per-group counts of passed, misrounded and reference failures, and
    the printing of each failure."""

    def __init__(self, groups, max_shown):
        self.counts = {g: [0, 0, 0] for g in groups}
        self.max_shown = max_shown

    def record(self, name, derivative, item, line, expected, text):
        value, any_zero, error = expected
        counts = self.counts[(name, derivative)]
        if error is None and matches(value, any_zero, text):
            counts[0] += 1
            return
        counts[1 if error is None else 2] += 1
        if self.max_shown is not None and \
                counts[1] + counts[2] > self.max_shown:
            return
        if error is None:
            want = "either zero" if any_zero and value == 0 else value.hex()
            print(f"MISROUNDED {label(name, derivative)} [{item.kind}] "
                  f"input '{line}': expected {want}, got {text.strip()}")
        else:
            print(f"REFERENCE {label(name, derivative)} input "
                  f"'{line}': {error}")

    def summary(self):
        """Print the table; return (passed, failed)."""
        print(f"\n{'function':<14} {'passed':>8} {'misrounded':>10} "
              f"{'ref fails':>9}")
        for (name, derivative), (ok, wrong, ref) in self.counts.items():
            print(f"{label(name, derivative):<14} {ok:>8} {wrong:>10} "
                  f"{ref:>9}")
        passed = sum(c[0] for c in self.counts.values())
        failed = sum(c[1] + c[2] for c in self.counts.values())
        return passed, failed


def main(argv):
    args = parse_args(argv)
    names = args.only or reference.NAMES
    groups = [(n, d) for n in names for d in (0, 1)]
    tally = Tally(groups, args.max_shown)
    ref_time = probe_time = 0.0
    pool = multiprocessing.Pool(args.jobs) if args.jobs > 1 else None
    try:
        for items in batches(groups, args.count, args.seed):
            start = time.monotonic()
            lines = [probe_line(n, d, i) for n, d, i in items]
            tasks = [(n, d, i.x, i.alpha, i.beta, i.threshold)
                     for n, d, i in items]
            expected = list(compute_references(tasks, pool))
            ref_time += time.monotonic() - start
            start = time.monotonic()
            got = run_probe(args.probe, lines)
            probe_time += time.monotonic() - start
            for (name, derivative, item), line, want, text in \
                    zip(items, lines, expected, got):
                tally.record(name, derivative, item, line, want, text)
    finally:
        if pool is not None:
            pool.terminate()
    passed, failed = tally.summary()
    print(f"references: {ref_time:.1f} s on {args.jobs} processes; "
          f"probe: {probe_time:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
