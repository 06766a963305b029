#!/usr/bin/env python3
"""Well-formed CSV written by Python's csv module, through relu --csv.

Usage: csv_roundtrip.py RELU [SEED]

Each run writes a CSV file with csv.writer (QUOTE_MINIMAL or QUOTE_ALL,
CRLF or LF line ends, text fields holding commas, quotes, CR and line
breaks, a header of names that need quotes in -f, a duplicate name),
runs `relu --csv --header -f NAMES` over it with one of relu, -l, -g,
-l -g and --format %.3f, and checks:

- with csv.reader, that every field relu did not convert equals the
  input's, and every converted one equals the function of the input's
  number computed here from README's words;
- that the whole output is, byte for byte, what csv.writer writes for
  those rows in the same dialect: README says "Every byte that is not a
  converted number is copied as it came ... Nothing is re-quoted", and a
  number never needs quotes, so the output differs from the input only
  in the converted fields.

Only values whose printed text README makes unambiguous are drawn: see
expected(). The last line is `N passed, M failed`; exit status 1 on any
failure.
"""

import csv
import io
import math
import os
import random
import subprocess
import sys

DEFAULT_SEED = 4180
ROWS = 1500
ENV = dict(os.environ, LC_ALL="C")

# The header: two text columns, then numbers under names that -f must
# quote ("x y", "2019", "a-b") and a duplicate (w, w[1]), then text again.
HEADER = ["id", "note, free text", "w", "x y", "2019", "w", "a-b",
          'say "hi"']
NUMERIC = range(2, 7)                   # 0-based: w .. a-b
# -f lists by name, name[k], ranges of names and numbers, mixed, and the
# 1-based fields each selects (README: "names, ranges of names (w1-w3,
# w2-, -w2), and numbers, mixed ... name[k] is the field of that name
# after k others of it").
SELECTIONS = [
    ('w,"x y"', {3, 4}),
    ('w[1]-"a-b"', {6, 7}),
    ('w-"2019"', {3, 4, 5}),
    ('"x y" w[1],"a-b"', {4, 6, 7}),
    ('3-"2019",w[1]', {3, 4, 5, 6}),
    ('w-"a-b"', {3, 4, 5, 6, 7}),
    ('"2019"', {5}),
]
# (arguments, name): the functions of this test.
FUNCTIONS = [
    ([], "relu"),
    (["-l"], "leaky"),
    (["-g"], "relu'"),
    (["-l", "-g"], "leaky'"),
    (["--format", "%.3f"], "relu %.3f"),
    (["-l", "--format", "%.3f"], "leaky %.3f"),
]
TEXT = "abcxyz ABC 0123456789-+.,;\"'\t\r\n\r\n,,\"\"\u00e9\u20ac"


def text_field(rng):
    text = "".join(rng.choice(TEXT) for _ in range(rng.randrange(0, 12)))
    if "\r" in text and "\n" not in text:
        # csv.writer quotes a field for a CR only when CR is part of its
        # line terminator: with "\n" a lone CR would go out unquoted, and
        # csv.reader would take it for a line end. A line break makes the
        # field quoted in both dialects.
        text += "\n"
    return text


def number_text(rng, name):
    """A number whose result README prints one way only, for `name`."""
    r = rng.random()
    if r < 0.15:                        # texts kept as they are for x > 0
        return rng.choice(["2.50", "+7", "1e3", "1E+3", ".5", "5.", "0.10",
                           "0x1.8p3", "1e-7", "007"])
    if r < 0.2:                         # zeros, and an empty field
        return rng.choice(["0", "-0", "0.0", "-0.0", ""])
    if r < 0.25 and "%" not in name:
        # At +-inf "the result is the limit": relu(-inf) = 0, relu'(-inf)
        # = 0, leaky'(-inf) = alpha; inf itself is kept as its text. NaN
        # is kept as its text too where the value is printed. Not drawn:
        # leaky(-inf), whose spelling README does not give.
        choices = ["inf", "Infinity", "+INF"]
        if name != "leaky":
            choices.append("-inf")
        if name in ("relu", "leaky"):
            choices.append("nan")
        return rng.choice(choices)
    if name == "leaky":
        # 0.01*x for x in [-1e5, -0.1]: the shortest text is in [0.001,
        # 1000], where README's examples print it without an exponent
        # (-0.03, -0.005).
        if rng.random() < 0.5:
            return repr(-10 ** rng.uniform(-1, 5))
    x = rng.choice([rng.uniform(-1000, 1000), rng.uniform(-2, 2),
                    rng.gauss(0, 1e-2)])
    text = repr(round(x, rng.choice([0, 1, 2, 3, 17])))
    if name == "leaky" and float(text) <= 0:
        text = repr(-abs(float(text)) - 0.1)
    return text


def shortest(y):
    """README: "the shortest text that reads back to the same double
    (-0.03 ...), -0 included"; the values here print without exponent."""
    text = repr(y)
    assert "e" not in text and "n" not in text, text
    return text[:-2] if text.endswith(".0") else text


def expected(name, field):
    """The converted text of `field` (its number, blanks kept around it)."""
    core = field.strip(" \t")
    if not core:
        return field                    # "Empty and blank-only fields"
    lead = field[:len(field) - len(field.lstrip(" \t"))]
    trail = field[len(lead) + len(core):]
    x = float.fromhex(core) if core.startswith("0x") else float(core)
    leaky = name.startswith("leaky")
    if name.endswith("'"):
        # relu' is 1 for x > 0, else 0 (left derivative at 0); leaky's is
        # 1, else alpha; NaN gives NaN (not drawn).
        y = 1.0 if x > 0 else (0.01 if leaky else 0.0)
        return lead + shortest(y) + trail
    if math.isnan(x) or x > 0:
        y = x
    else:
        y = 0.01 * x if leaky else 0.0  # relu(-0) is 0, leaky(-0) is -0
    if name.endswith("%.3f"):           # "--format ... format every
        return lead + "%.3f" % y + trail  # converted field"
    if math.isnan(x) or x > 0:
        return field                    # "written as its input text"
    return lead + shortest(y) + trail


def make_rows(rng, name):
    rows = []
    for i in range(ROWS):
        row = [str(i), text_field(rng)]
        for _ in NUMERIC:
            t = number_text(rng, name)
            if rng.random() < 0.1:      # "blanks around it allowed"
                t = rng.choice([" ", "\t", "  "]) + t + rng.choice(["", " "])
            row.append(t)
        row.append(text_field(rng))
        rows.append(row)
    return rows


def write(rows, quoting, terminator):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, quoting=quoting, lineterminator=terminator)
    w.writerow(HEADER)
    w.writerows(rows)
    return buf.getvalue().encode()


def check(relu, rng, quoting, terminator, fargs, name, selection, jobs):
    """Return a list of problems (empty when the run passes)."""
    flist, fields = selection
    rows = make_rows(rng, name)
    data = write(rows, quoting, terminator)
    want_rows = [[expected(name, v) if n in fields else v
                  for n, v in enumerate(row, 1)] for row in rows]
    argv = [relu, "--csv", "--header", "-f", flist, "-j", jobs] + fargs
    p = subprocess.run(argv, input=data, capture_output=True, env=ENV,
                       timeout=120)
    cmd = " ".join(argv[1:])
    problems = []
    if p.returncode != 0 or p.stderr:
        problems.append(f"{cmd}: exit {p.returncode}, stderr "
                        f"{p.stderr[:300]!r}")
    got = list(csv.reader(io.StringIO(p.stdout.decode("utf-8", "replace"),
                                      newline="")))
    if len(got) != len(rows) + 1 or got[0] != HEADER:
        problems.append(f"{cmd}: {len(got)} records, header {got[:1]!r}")
    for i, (inp, want, out) in enumerate(zip(rows, want_rows, got[1:]), 2):
        for n, (a, b, c) in enumerate(zip(inp, want, out), 1):
            if b != c:
                kind = "converted" if n in fields else "not converted"
                problems.append(f"{cmd}: record {i}, field {n} "
                                f"({kind}): input {a!r}, want {b!r}, "
                                f"got {c!r}")
                break
        if len(problems) > 5:
            break
    want = write(want_rows, quoting, terminator)
    if not problems and p.stdout != want:
        k = next((k for k, (a, b) in enumerate(zip(p.stdout, want))
                  if a != b), min(len(want), len(p.stdout)))
        problems.append(f"{cmd}: output differs from the input's bytes "
                        f"at byte {k}: want {want[max(k - 30, 0):k + 30]!r},"
                        f" got {p.stdout[max(k - 30, 0):k + 30]!r}")
    return problems


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    relu = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_SEED
    rng = random.Random(seed)
    passed = failed = 0
    for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL):
        for terminator in ("\r\n", "\n"):
            for fargs, name in FUNCTIONS:
                selection = rng.choice(SELECTIONS)
                jobs = rng.choice(["1", "2", "4"])
                problems = check(relu, rng, quoting, terminator, fargs, name,
                                 selection, jobs)
                if problems:
                    failed += 1
                    print(f"FAIL (seed {seed}, quoting "
                          f"{'all' if quoting == csv.QUOTE_ALL else 'minimal'}"
                          f", line ends {terminator!r}):")
                    for p in problems:
                        print("  " + p)
                else:
                    passed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
