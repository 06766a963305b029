#!/usr/bin/env python3
"""Check relu --dtype on the smooth functions through fields, CSV and threads.

Usage: dtype_fields.py RELU [--seed S] [--values N] [--big BYTES]
                            [--max-shown K] [--only NAME]
       dtype_fields.py --self-test

dtype_family.py feeds one number per line; this script feeds the same
functions and dtypes the way files come: fields split at a delimiter
(`-d ,`, `-d ';'`, `-d $'\\t'`), RFC 4180 CSV (`--csv`) with quoted numbers
(`"-1.5"`, `" 2 "`), quoted text holding the delimiter, doubled quotes,
CR and LF, a header whose names select the fields (`--header -f w1,w3`),
CRLF and LF records mixed, blank lines, empty and blank-only fields, a
missing final newline, and runs with `-j 1` and `-j 2` (one document per
format is large enough to be cut into pieces).

Written from README alone (never from src/): Semantics says every byte
that is not a converted number is copied as it came (separators, blanks
around a number inside a delimited field, quotes, unselected fields,
blank lines, CR), a quoted number is converted inside its quotes, and
`-j` gives the output of one thread; --dtype says how each number is
read, rounded and printed. So the expected output is known byte for
byte, except each converted number: it must be the text of
dtype_family's reference value (reference.py rounded once to the
dtype), checked by dtype_check's exact code (shortest, nearest, layout,
numpy's digits), either zero where reference.py leaves the sign open.

Also, from the README and man page of prelu's per-field weights
(--weight W1,...,Wk): documents in every dtype and float64, -d , and
--csv, -f lists named in any order, ranges, records with fewer fields,
values and derivatives, each field with its own weight (dtype_check's
exact reference), -j 1 and -j 2; and the usage errors (no -f, an open
list, a count that differs, a bad weight; with names, after the header,
writing nothing). And tanhshrink's texts in float64: README keeps the
input text for |x| > 2^53, where x - tanh x rounds to x.

Each document is made of literal pieces and number slots; relu's output
is matched against it: each literal byte for byte, each slot the run of
number characters at its place. Prints the first mismatches per group
and `N checked, M failed`; exits 1 on any failure.
"""

import argparse
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dtype_check as dc  # noqa: E402
import dtype_family as fam  # noqa: E402

VALUES = 120      # distinct inputs per format and configuration
RECORDS = 150     # records per small document
BIG = 1_500_000   # bytes of the large document per format (-j cuts it)
# the characters of a number's text, in and out: nothing a literal next to
# a number starts with (blank, delimiter, quote, CR, LF)
NUMBER_CHARS = set("0123456789abcdefABCDEFxXpPinftyINFTYNaA.+-")
TEXT_CHARS = "abcxyz XYZ_.:-+0123456789"


class Doc:
    """A document: pieces, each a literal str or a slot (index into the
    values); the relu arguments that read it."""

    def __init__(self, name, args):
        self.name, self.args = name, list(args)
        self.pieces = []

    def lit(self, text):
        if text:
            if self.pieces and isinstance(self.pieces[-1], str):
                self.pieces[-1] += text
            else:
                self.pieces.append(text)

    def slot(self, index):
        self.pieces.append(index)

    def input_bytes(self, texts):
        return "".join(p if isinstance(p, str) else texts[p]
                       for p in self.pieces).encode()


def cut_list(selected, n):
    """A cut-syntax list for the 1-based field numbers `selected`, with
    ranges where they run on (and an open end at the last field)."""
    out = []
    s = sorted(selected)
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[j] + 1:
            j += 1
        if j > i:
            out.append(f"{s[i]}-" if s[j] == n else f"{s[i]}-{s[j]}")
        else:
            out.append(str(s[i]))
        i = j + 1
    return ",".join(out)


def text_field(rng, delim, quoted_ok):
    """An unselected field: text without the delimiter, CR or LF (a quote
    inside is data), or, where quoted_ok, a quoted field holding the
    delimiter, doubled quotes, CR and LF."""
    if quoted_ok and rng.random() < 0.5:
        body = "".join(rng.choice(["a", "b", " ", delim, '""', "\n", "\r\n",
                                   "1.5", "-x", "\r", "é"])
                       for _ in range(rng.randrange(0, 6)))
        return '"' + body + '"'
    k = rng.randrange(0, 8)
    t = "".join(rng.choice(TEXT_CHARS) for _ in range(k))
    if not quoted_ok and rng.random() < 0.1:
        t += '"q'  # a quote inside an unquoted field is data (-d)
    return t


def number_field(doc, rng, index, csv, delim):
    """A selected field holding value `index`: blanks around it kept
    (inside the field, and inside quotes), quoted with --csv half of the
    time; or now and then an empty or blank-only field, which passes
    through."""
    blank = [b for b in (" ", "\t", "  ", " \t") if delim not in b]
    r = rng.random()
    if r < 0.04:
        return False
    if r < 0.07:
        doc.lit(rng.choice(blank))
        return False
    if csv and r < 0.09:
        doc.lit(rng.choice(['""', '" "']))
        return False
    quote = csv and rng.random() < 0.5
    blanks = rng.random() < 0.3
    left = rng.choice(blank) if blanks else ""
    right = rng.choice(blank + [""]) if blanks else ""
    doc.lit(('"' if quote else "") + left)
    doc.slot(index)
    doc.lit(right + ('"' if quote else ""))
    return True


def build(kind, rng, n_values, records, big=0):
    """A document of one kind: 'comma' (-d , and LF), 'semicolon' (-d ';'
    and CRLF), 'tab' (-d TAB, LF and CRLF mixed), 'csv' (--csv, quoted
    numbers and text), 'header' (--csv --header, fields by name). With
    big, records repeat until the input has about that many bytes."""
    csv = kind in ("csv", "header")
    delim = {"comma": ",", "semicolon": ";", "tab": "\t"}.get(kind, ",")
    n = rng.randrange(3, 7)
    selected = set(rng.sample(range(1, n + 1), rng.randrange(1, n)))
    if kind == "header":
        names = [f"w{i}" for i in range(1, n + 1)]
        plain = [i for i in range(1, n + 1) if i not in selected]
        if plain:  # an unselected name in quotes, holding the delimiter
            names[plain[0] - 1] = '"a,b"'
        args = ["--csv", "--header", "-f",
                ",".join(f"w{i}" for i in sorted(selected))]
    elif csv:
        args = ["--csv", "-f", cut_list(selected, n)]
    else:
        args = ["-d", delim, "-f", cut_list(selected, n)]
    doc = Doc(kind, args)
    if kind == "header":
        doc.lit(",".join(names) + "\r\n")
    ends = {"comma": ["\n"], "semicolon": ["\r\n"]}.get(kind, ["\n", "\r\n"])
    used = 0
    size = 0
    r = 0
    while r < records or size < big:
        if not csv and rng.random() < 0.03:
            doc.lit(rng.choice(ends))  # a blank line: one empty field
            r += 1
            continue
        for f in range(1, n + 1):
            if f > 1:
                doc.lit(delim)
            if f in selected:
                number_field(doc, rng, used % n_values, csv, delim)
                used += 1
            else:
                doc.lit(text_field(rng, delim, csv))
        r += 1
        last = r >= records and size >= big
        if not (last and rng.random() < 0.5):  # no final newline, at times
            doc.lit(rng.choice(ends))
        size += 12 * n
    return doc


def match(doc, out, want_text, check):
    """Walk relu's output along the document: literals must be there byte
    for byte, each slot is the run of number characters at its place and
    must pass check(index, text). Returns (slots checked, [failures])."""
    pos = 0
    failures = []
    checked = 0
    for piece in doc.pieces:
        if isinstance(piece, str):
            if not out.startswith(piece, pos):
                failures.append(f"at byte {pos}: expected {piece[:40]!r}, "
                                f"got {out[pos:pos + 40]!r}")
                return checked, failures
            pos += len(piece)
            continue
        end = pos
        while end < len(out) and out[end] in NUMBER_CHARS:
            end += 1
        checked += 1
        why = check(piece, out[pos:end])
        if why is not None:
            failures.append(f"at byte {pos}: input {want_text(piece)!r}: "
                            f"got {out[pos:end]!r}: {why}")
        pos = end
    if pos != len(out):
        failures.append(f"{len(out) - pos} bytes after the end: "
                        f"{out[pos:pos + 40]!r}")
    return checked, failures


def run(relu, args, data):
    r = subprocess.run([relu] + args, input=data, capture_output=True,
                       check=False)
    return r.returncode, r.stdout.decode("utf-8", errors="surrogateescape"), \
        r.stderr.decode(errors="replace")


_TARGETED = {}


def values_for(fmt, rng, n):
    """n inputs: half from dtype_family's targeted ones, half random
    patterns."""
    targeted = _TARGETED.get(fmt.name)
    if targeted is None:
        targeted = _TARGETED[fmt.name] = fam.targeted(fmt, 0)
    out = rng.sample(targeted, min(n // 2, len(targeted)))
    out += fam.random_bits(fmt, rng, n - len(out))
    return out


def self_test():
    """The document builder and matcher against a stand-in that converts
    the slots itself."""
    failures = 0
    rng = random.Random(5)
    for kind in ("comma", "semicolon", "tab", "csv", "header"):
        doc = build(kind, rng, 10, 40)
        texts = [f"{i}.5" for i in range(10)]
        outs = [f"-{i}" for i in range(10)]
        out = "".join(p if isinstance(p, str) else outs[p]
                      for p in doc.pieces)
        n, bad = match(doc, out, lambda i: texts[i],
                       lambda i, t: None if t == outs[i] else "differs")
        wrong = out.replace("-3", "-3x", 1) if "-3" in out else out + "x"
        _, bad2 = match(doc, wrong, lambda i: texts[i],
                        lambda i, t: None if t == outs[i] else "differs")
        if bad or not bad2 or n == 0:
            failures += 1
            print(f"SELF-TEST FAILED: {kind}: {bad[:2]} {bad2[:1]} {n}")
    print(f"self-test: {failures} failures")
    return failures


# --- prelu with one weight per selected field -----------------------------

WEIGHTS = ["0.25", "0.1", "-0.5", "0", "-0", "1", "1.5", "0.75", "0.5",
           "1e-30", "1e5", "-3", "0.10000000000000002", "1e-320", "-1e300"]


def prelu_doc(fmt, rng, records, deriv):
    """A document for prelu with --weight W1,...,Wk: -d , (or --csv with
    quoted numbers) and a closed -f list of k fields, named in a shuffled
    order (fields are a set, weighed from the left); some records have
    fewer fields, which keep their own fields' weights. Returns the Doc,
    whose slots index `entries`, [(input text, expected bits)]."""
    csv = rng.random() < 0.5
    n = rng.randrange(2, 7)
    k = rng.randrange(1, n + 1)
    selected = sorted(rng.sample(range(1, n + 1), k))
    weights = [rng.choice(WEIGHTS) for _ in selected]
    cfgs = {f: dc.Config("prelu", deriv, [], weight=w)
            for f, w in zip(selected, weights)}
    names = [str(f) for f in selected]
    rng.shuffle(names)
    if len(selected) == selected[-1] - selected[0] + 1 and k > 1 and \
            rng.random() < 0.5:
        names = [f"{selected[0]}-{selected[-1]}"]
        if selected[0] == 1 and rng.random() < 0.5:
            names = [f"-{selected[-1]}"]
    args = ["-F", "prelu", "--weight", ",".join(weights), "-f",
            ",".join(names)] + (["-g"] if deriv else []) + \
        (["--csv"] if csv else ["-d", ","])
    doc = Doc("prelu", args)
    entries = []
    for _ in range(records):
        width = n if rng.random() < 0.8 else rng.randrange(1, n + 1)
        for f in range(1, width + 1):
            if f > 1:
                doc.lit(",")
            if f not in cfgs:
                doc.lit(text_field(rng, ",", csv))
                continue
            b = rng.getrandbits(fmt.nbits)
            if rng.random() < 0.5:
                b |= fmt.sign
            if fmt is dc.FLOAT64:  # kept texts are copied: shortest ones
                if fmt.is_nan(b):
                    b = fmt.inf | (b & fmt.sign)
                text = dc.shortest_text(fmt, b)
            else:
                text = dc.input_text(fmt, b, rng.randrange(60))
            quote = csv and rng.random() < 0.5
            doc.lit('"' if quote else "")
            doc.slot(len(entries))
            doc.lit('"' if quote else "")
            entries.append((text, dc.expected(fmt, cfgs[f], b)))
        doc.lit(rng.choice(["\n", "\r\n"]))
    return doc, entries


def prelu_checks(relu, rng, record):
    """prelu's per-field weights in every dtype and float64, values and
    derivatives, -j 1 and -j 2; and its usage errors."""
    for fmt in (dc.BFLOAT16, dc.FLOAT16, dc.FLOAT32, dc.FLOAT64):
        for i in range(8):
            deriv = i % 4 == 3
            doc, entries = prelu_doc(fmt, rng, 60, deriv)
            data = doc.input_bytes([t for t, _ in entries])
            prefix = ["--dtype", fmt.name] if fmt is not dc.FLOAT64 else []
            for jobs in ("1", "2"):
                cmd = prefix + doc.args + ["-j", jobs]
                group = f"{fmt.name} prelu{chr(39) * deriv} weights"
                status, out, err = run(relu, cmd, data)
                if status != 0 or err:
                    record(group, 1, [f"relu {' '.join(cmd)}: exit "
                                      f"{status}: {err[:300]}"])
                    continue

                def check(j, text, fmt=fmt):
                    return dc._CHECKER.check(fmt, entries[j][1], text)
                n, failures = match(doc, out, lambda j: entries[j][0], check)
                record(group, n, [f"relu {' '.join(cmd)}: {m}"
                                  for m in failures])
    # usage errors: exit 1, nothing written, not even a header
    group = "prelu weights usage"
    data = b"id,a,b,c\nr1,-1,-1,-1\n"
    for args in (["-d", ",", "--weight", "0.1,0.2"],
                 ["-d", ",", "-f", "2-", "--weight", "0.1,0.2,0.3"],
                 ["-d", ",", "-f", "2,3", "--weight", "0.1,0.2,0.3"],
                 ["-d", ",", "-f", "2,2", "--weight", "0.1,0.2"],
                 ["-d", ",", "-f", "2,3", "--weight", "0.1,"],
                 ["-d", ",", "-f", "2,3", "--weight", ",0.1"],
                 ["-d", ",", "-f", "2,3", "--weight", "0.1,inf"],
                 ["-d", ",", "-f", "2,3", "--weight", "0.1,nan"],
                 ["-d", ",", "-f", "2,3", "--weight", "0.1;0.2"],
                 ["-d", ",", "--header", "-f", "a", "--weight", "0.1,0.2"],
                 ["-d", ",", "--header", "-f", "a-", "--weight",
                  "0.1,0.2,0.3"],
                 ["--csv", "--header", "-f", "b,c,a", "--weight",
                  "0.1,0.2"]):
        cmd = ["-F", "prelu"] + args
        status, out, err = run(relu, cmd, data)
        ok = status == 1 and out == "" and err
        record(group, 1, [] if ok else [f"relu {' '.join(cmd)}: want exit "
                                         f"1 and no output, got exit "
                                         f"{status}, {out[:80]!r}"])
    # README's example; names in any order weigh from the left
    for args, data, want in (
            (["-d", ",", "--header", "-f", "a-c", "-F", "prelu", "--weight",
              "0.1,0.2,0.3"], "id,a,b,c\nr1,-1,-1,-1\nr2,2,-4,-0.5\n",
             "id,a,b,c\nr1,-0.1,-0.2,-0.3\nr2,2,-0.8,-0.15\n"),
            (["-d", ",", "--header", "-f", "c,a", "-F", "prelu", "--weight",
              "0.1,0.3"], "id,a,b,c\nr1,-1,-1,-1\n",
             "id,a,b,c\nr1,-0.1,-1,-0.3\n"),
            (["--csv", "-f", "3,1", "-F", "prelu", "--weight=1,2", "-g"],
             '"-1",x,-2\r\n2.50\r\n', '"1",x,2\r\n1\r\n'),
            (["-f", "1,2", "-F", "prelu", "--weight", "0.1,0.2"],
             "-1 -2\n3\n", "-0.1 -0.4\n3\n")):
        status, out, err = run(relu, args, data.encode())
        ok = status == 0 and out == want and not err
        record("prelu weights examples", 1, [] if ok else
               [f"relu {' '.join(args)}: want {want!r}, got {out!r} (exit "
                f"{status}, {err[:200]!r})"])


def tanhshrink_texts(relu, record):
    """float64: tanhshrink keeps the input text where |x| > 2^53 (README),
    as x - tanh x rounds to x there; 2^53 itself gives 2^53 - 1, and a
    text that reads as 2^53 is 2^53; the man page's example; zeros."""
    cases = [
        (["-F", "tanhshrink", "--", "1e-5", "1", "100"],
         "3.333333333200001e-16\n0.23840584404423512\n99\n"),
        (["-F", "tanhshrink", "--", "9007199254740994", "9.007199254740994e15",
          "-0x1.0000000000001p53", "1e300", "-1E300", "NaN", "-nan",
          "-9007199254740995", "9007199254740992", "9007199254740993",
          "-0.0", "0", "-1e-320", "0x1p-1074"],
         "9007199254740994\n9.007199254740994e15\n-0x1.0000000000001p53\n"
         "1e300\n-1E300\nNaN\n-nan\n-9007199254740995\n"
         "9007199254740991\n9007199254740991\n0\n0\n-0\n0\n"),
        (["-g", "-F", "tanhshrink", "--", "-0.0", "0", "inf", "-inf", "nan",
          "-nan", "1e-300", "100"], "0\n0\n1\n1\nnan\n-nan\n0\n1\n"),
        (["--dtype", "float16", "-F", "tanhshrink", "--", "2050", "2048",
          "-0", "-1e-9", "-inf", "-nan", "65504", "3e-8"],
         "2050\n2047\n0\n0\n-inf\n-nan\n65500\n0\n"),
    ]
    for args, want in cases:
        status, out, err = run(relu, args, b"")
        ok = status == 0 and out == want and not err
        record("tanhshrink texts", 1, [] if ok else
               [f"relu {' '.join(args)}: want {want!r}, got {out!r} (exit "
                f"{status}, {err[:200]!r})"])
    for args in (["-F", "tanhshrink", "--alpha", "1", "1"],
                 ["-F", "tanhshrink", "--weight", "1", "1"],
                 ["-F", "tanhshrink", "--lambd", "1", "1"]):
        status, out, err = run(relu, args, b"")
        ok = status == 1 and out == "" and err
        record("tanhshrink texts", 1, [] if ok else
               [f"relu {' '.join(args)}: want a usage error, got exit "
                f"{status}, {out!r}"])


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("relu", nargs="?")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--values", type=int, default=VALUES)
    parser.add_argument("--big", type=int, default=BIG)
    parser.add_argument("--max-shown", type=int, default=5)
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="only this function (reference name)")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args(argv)
    if args.self_test:
        return 1 if self_test() else 0
    if not args.relu:
        parser.error("RELU is required")
    start = time.monotonic()
    rng = random.Random(f"dtype_fields:{args.seed}")
    counts = {}
    shown = {}
    failed_total = 0
    kinds = ("comma", "semicolon", "tab", "csv", "header")

    def record(group, n, failures):
        nonlocal failed_total
        c = counts.setdefault(group, [0, 0])
        c[0] += n
        c[1] += len(failures)
        failed_total += len(failures)
        for m in failures:
            if shown.get(group, 0) < args.max_shown:
                print(f"MISMATCH [{group}] {m}")
            shown[group] = shown.get(group, 0) + 1

    for fi, (name, fmt) in enumerate(fam.FORMATS.items()):
        cfgs = [c for c in fam.configs(fmt) if not c.extra]
        if args.only:
            cfgs = [c for c in cfgs if c.func in args.only]
        # a third of the configurations per format, in turn, so that a
        # run covers each once
        cfgs = [c for i, c in enumerate(cfgs) if (i + fi + args.seed) % 3
                == 0] if not args.only else cfgs
        for ci, cfg in enumerate(cfgs):
            bits = values_for(fmt, rng, args.values)
            texts = [dc.input_text(fmt, b, rng.randrange(60)) for b in bits]
            want = [fam.expected(fmt, cfg, b) for b in bits]

            def check(i, text, fmt=fmt, want=want):
                return fam.check_line(fmt, want[i][0], want[i][1], text)
            doc_kinds = list(kinds)
            if ci == 0:
                doc_kinds.append("big")
            for kind in doc_kinds:
                # the large document: --csv with quoted line breaks for
                # two of the formats, so that -j 2 must cut between
                # records outside quotes
                big_kind = ("csv", "header", "tab")[fi]
                doc = build(big_kind if kind == "big" else kind,
                            rng, len(bits), RECORDS,
                            args.big if kind == "big" else 0)
                data = doc.input_bytes(texts)
                for jobs in ("1", "2"):
                    cmd = ["--dtype", name] + cfg.args + doc.args + \
                        ["-j", jobs]
                    group = f"{name} {cfg.label} {kind}"
                    status, out, err = run(args.relu, cmd, data)
                    if status != 0 or err:
                        record(group, 1, [f"relu {' '.join(cmd)}: exit "
                                          f"{status}: {err[:300]}"])
                        continue
                    n, failures = match(doc, out, lambda i: texts[i], check)
                    record(group, n, [f"relu {' '.join(cmd)}: {m}"
                                      for m in failures])
    if not args.only:
        prelu_checks(args.relu, rng, record)
        tanhshrink_texts(args.relu, record)
    width = max((len(g) for g in counts), default=10)
    print()
    for group, (n, m) in counts.items():
        print(f"{group:<{width}}  {n:>8} checked, {m:>5} failed")
    total = sum(c[0] for c in counts.values())
    print(f"{'total':<{width}}  {total:>8} checked, {failed_total:>5} "
          f"failed; {time.monotonic() - start:.1f} s")
    return 1 if failed_total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
