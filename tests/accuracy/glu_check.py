#!/usr/bin/env python3
"""Check relu's glu (and -g) against an independent reference.

Usage: glu_check.py RELU [--count N] [--seed S] [--jobs J] [--max-shown K]
       glu_check.py --self-test RELU

Written from README alone ("Over a record: softmax, softmin, log_softmax,
glu", "Precision: --dtype", "Accuracy", "Semantics", "Exit status"), never
from src/. The input reading and the shortest-text sets are softmax_check's
(README's input and output rules); the glu math and its rounding are here.

The reference: a record's selected numbers, values of the dtype, split in
halves a and b. glu_i = a_i*sigmoid(b_i) = a_i/(1 + e^-b_i); with -g,
sigmoid(b_i) in a_i's place and a_i*s*(1 - s) = a_i*e^-b/(1 + e^-b)^2 in
b_i's. mpmath evaluates them with unbounded exponents; a Ziv loop raises
the precision until value*(1 +- 2^-(prec-8)) rounds to one value of the
dtype (own integer rounding: nearest, ties to even, subnormals, overflow
to +-inf). For b != 0 the values are irrational (e^b is transcendental),
so no tie exists; b = +-0 gives a/2, 1/2 and a/4, rounded exactly.
Special values as README says: a NaN makes its pair NaN (with -g, NaN in
b both places, NaN in a only b's); glu(a, +inf) = a, glu(a, -inf) a zero
of a's sign, glu(+-inf, b) = +-inf, glu(+-inf, -inf) = -nan, and -nan for
the derivative in b at a = +-inf, b = +-inf; a = +-0 gives a zero of a's
sign. Zero limits README leaves unsigned (sigmoid(-inf), the b-derivative
at b = +-inf) may be either zero.

Pairs: log-uniform magnitudes of both signs over the whole range of the
dtype, subnormals, b tiny, +-0, |b| in 30..40, 700..1500 and beyond, a huge
with b very negative (results subnormal or underflowing), a tiny, a near
the bottom of the dtype with b tiny (a/2 and a/4 ties moved by b), pairs
searched to land near a midpoint of the dtype, +-inf and NaN. The run
counts the outputs where the correctly rounded double, rounded again to
float32 or bfloat16, would be wrong, and fails if the sample has none. Inputs are
values of the dtype, written as shortest text, hex, exact decimal, or a
double's text that the input rule rounds. Rows go through blank-separated
records (runs of blanks), CRLF, -d , with labels, notes, empty cells and
blanks around numbers, --csv with quoted numbers and text, --header (the
header's selected non-empty fields halved), and -j 2; every output byte is
checked. Fixed cases check the record rules: odd counts under each
--invalid mode, messages, exit status, -g keeping every field and the
header, and -j 2 against -j 1 on several MB.

Exits 1 on any failure, printing the first ones with a command that
reproduces each; --self-test runs a short check through wrappers that
break the output and requires each to be caught.
"""

import argparse
import math
import multiprocessing
import os
import random
import shlex
import stat
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import mpmath

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from softmax_check import (FORMATS, exact_decimal, input_text,  # noqa: E402
                           read_number, shortest_texts)

# --- Rounding to a dtype ---------------------------------------------------


def round_ratio(fmt, neg, num, den):
    """num/den (> 0, ints) rounded to fmt: nearest, ties to even,
    subnormals, overflow to inf; a double with the sign neg."""
    e = num.bit_length() - den.bit_length()
    if (num << max(0, -e)) < (den << max(0, e)):
        e -= 1  # 2^e <= num/den < 2^(e+1)
    return _finish(fmt, neg, num, den, e)


def _finish(fmt, neg, num, den, e):
    sgn = -1.0 if neg else 1.0
    if e > fmt.emax:
        return sgn * math.inf
    if e < fmt.qmin - 1:  # below half the smallest subnormal
        return sgn * 0.0
    q = max(e - fmt.p + 1, fmt.qmin)
    if q >= 0:
        n, d = num, den << q
    else:
        n, d = num << -q, den
    m, r = divmod(n, d)
    if 2 * r > d or (2 * r == d and m & 1):
        m += 1
    if m and q + m.bit_length() - 1 > fmt.emax:
        return sgn * math.inf
    return sgn * math.ldexp(m, q)


def round_mpf(fmt, v):
    """A nonzero finite mpf rounded to fmt."""
    sign, man, exp, _ = v._mpf_
    man, exp = int(man), int(exp)
    e = exp + man.bit_length() - 1
    if e > fmt.emax or e < fmt.qmin - 1:
        return _finish(fmt, bool(sign), 1, 1, e)
    if exp >= 0:
        return _finish(fmt, bool(sign), man << exp, 1, e)
    return _finish(fmt, bool(sign), man, 1 << -exp, e)


def to_fmt(fmt, x):
    """A double rounded to fmt by the exact rule (x a double)."""
    if not math.isfinite(x):
        return x
    if x == 0:
        return x
    f = abs(Fraction(x))
    return round_ratio(fmt, x < 0, f.numerator, f.denominator)


def same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


# --- The reference --------------------------------------------------------

NEGNAN = "-nan"  # README says -nan, sign included
ANYZERO = "zero"  # a zero README gives no sign
MAX_PREC = 1 << 15


def ziv(fmt, f, a, b):
    """f(a, b) (mpmath, relative error below 2^-(prec-8)) rounded to fmt."""
    prec = fmt.p + 40
    while prec <= MAX_PREC:
        mpmath.mp.prec = prec
        v = f(mpmath.mpf(a), mpmath.mpf(b))
        mpmath.mp.prec = prec + 16
        d = mpmath.ldexp(abs(v), -(prec - 8))
        lo, hi = round_mpf(fmt, v - d), round_mpf(fmt, v + d)
        if same(lo, hi):
            return lo
        prec *= 2
    raise RuntimeError(f"undecided at {MAX_PREC} bits: {fmt} {a!r} {b!r}")


def f_glu(a, b):
    return a / (1 + mpmath.exp(-b))


def f_sig(a, b):
    return 1 / (1 + mpmath.exp(-b))


def f_dglu(a, b):
    e = mpmath.exp(-b)
    return a * e / (1 + e) ** 2


def neg(x):
    return math.copysign(1, x) < 0


def exact(fmt, x, k):
    """x/k exactly rounded (x a finite double, k a power of two)."""
    if x == 0:
        return x
    f = abs(Fraction(x)) / k
    return round_ratio(fmt, x < 0, f.numerator, f.denominator)


def glu_ref(fmt, a, b):
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if b == -math.inf:
        return NEGNAN if math.isinf(a) else math.copysign(0.0, a)
    if b == math.inf or math.isinf(a) or a == 0:
        return a  # a itself; +-inf times sigmoid > 0; +-0 keeps its sign
    if b == 0:
        return exact(fmt, a, 2)
    return ziv(fmt, f_glu, a, b)


def grad_ref(fmt, a, b):
    """(sigmoid(b) for a's place, a*s*(1 - s) for b's)."""
    if math.isnan(b):
        sa = math.nan
    elif b == math.inf:
        sa = 1.0
    elif b == -math.inf:
        sa = ANYZERO
    elif b == 0:
        sa = 0.5
    else:
        sa = ziv(fmt, f_sig, 1.0, b)
    if math.isnan(a) or math.isnan(b):
        sb = math.nan
    elif math.isinf(b):
        sb = NEGNAN if math.isinf(a) else ANYZERO
    elif math.isinf(a) or a == 0:
        sb = a
    elif b == 0:
        sb = exact(fmt, a, 4)
    else:
        sb = ziv(fmt, f_dglu, a, b)
    return sa, sb


def record_ref(fmt, deriv, vals):
    """The outputs of a record's numbers: len/2 for glu, len for -g."""
    h = len(vals) // 2
    a, b = vals[:h], vals[h:]
    if not deriv:
        return [glu_ref(fmt, x, y) for x, y in zip(a, b)]
    g = [grad_ref(fmt, x, y) for x, y in zip(a, b)]
    return [t[0] for t in g] + [t[1] for t in g]


def texts_for(fmt, v):
    """The texts relu may print for an expected output."""
    if v == NEGNAN:
        return {"-nan"}
    if v == ANYZERO:
        return {"0", "-0"}
    return shortest_texts(fmt, v)


# --- Pairs ------------------------------------------------------------------


def rand_val(rng, fmt, lo_e=None, hi_e=None, sub=False):
    """A value of fmt, log-uniform over [2^lo_e, 2^hi_e], random sign."""
    s = -1.0 if rng.random() < 0.5 else 1.0
    if sub:
        return s * math.ldexp(rng.randrange(1, 1 << (fmt.p - 1)), fmt.qmin)
    lo_e = fmt.emin if lo_e is None else max(lo_e, fmt.qmin)
    hi_e = fmt.emax if hi_e is None else min(hi_e, fmt.emax)
    e = rng.randint(lo_e, hi_e)
    m = rng.randrange(1 << (fmt.p - 1), 1 << fmt.p)
    return to_fmt(fmt, s * math.ldexp(m, e - fmt.p + 1))


def near_mid(rng, fmt, deriv):
    """A pair whose output (glu, or -g's a*s*(1-s) or sigmoid) lies near a
    midpoint of fmt: among candidates, the closest one."""
    b = to_fmt(fmt, rng.choice([rng.uniform(-8, 8), rng.uniform(-40, 40),
                                math.ldexp(rng.uniform(-1, 1), -rng.randint(
                                    1, min(60, fmt.p + 4)))]))
    if b == 0:
        b = 1.0
    mpmath.mp.prec = fmt.p + 80
    sig_side = deriv and rng.random() < 0.3
    best = None
    if sig_side:  # b's neighbours, sigmoid near a midpoint
        a = 1.0
        u = math.ldexp(1, math.frexp(b)[1] - fmt.p)
        cands = [(a, to_fmt(fmt, b + k * u)) for k in range(-128, 128)]
        f = f_sig
    else:
        e = rng.randint(max(fmt.emin, -60), min(fmt.emax - 2, 60))
        if rng.random() < 0.2:
            e = fmt.emin + rng.randint(0, 2)  # results subnormal
        n = 1 << (fmt.p - 1)
        ks = range(n) if fmt.p <= 11 else [rng.randrange(n)
                                           for _ in range(300)]
        s = rng.choice([1.0, -1.0])
        cands = [(s * math.ldexp(n + k, e - fmt.p + 1), b) for k in ks]
        f = f_dglu if deriv else f_glu
    for a, bb in cands:
        if bb == 0 or not math.isfinite(a):
            continue
        v = f(mpmath.mpf(a), mpmath.mpf(bb))
        if v == 0:
            continue
        _, man, exp, bc = v._mpf_
        top = exp + bc - 1
        q = max(top - fmt.p + 1, fmt.qmin)
        x = abs(v) / mpmath.ldexp(1, q)  # in units of the last place
        dist = abs(x - mpmath.floor(x) - 0.5)
        if best is None or dist < best[0]:
            best = (dist, a, bb)
    return best[1], best[2]


def gen_pair(rng, fmt, deriv):
    """(a, b): raw doubles (values of fmt except in 'text')."""
    big_e = fmt.emax
    kind = rng.choice(["rand", "rand", "rand", "sub", "btiny", "bzero",
                       "bmid", "bbig", "bhuge", "under", "atiny", "tie",
                       "mid", "mid", "special", "text"])
    if kind == "rand":
        return rand_val(rng, fmt), rand_val(rng, fmt)
    if kind == "sub":
        a = rand_val(rng, fmt, sub=True)
        b = rand_val(rng, fmt, sub=rng.random() < 0.5, hi_e=3)
        return (a, b) if rng.random() < 0.7 else (b, a)
    if kind == "btiny":
        return rand_val(rng, fmt), rand_val(rng, fmt, hi_e=-10)
    if kind == "bzero":
        a = rand_val(rng, fmt, sub=rng.random() < 0.3)
        return a, rng.choice([0.0, -0.0])
    if kind == "bmid":
        return rand_val(rng, fmt), to_fmt(fmt, rng.choice([-1, 1]) *
                                          rng.uniform(30, 40))
    if kind == "bbig":
        return rand_val(rng, fmt), to_fmt(fmt, rng.choice([-1, 1]) *
                                          rng.uniform(700, 1500))
    if kind == "bhuge":
        return rand_val(rng, fmt), rand_val(rng, fmt, lo_e=11)
    if kind == "under":  # a huge, a*e^b near and below the subnormals
        a = rand_val(rng, fmt, lo_e=big_e - 8)
        lna = math.log(abs(a))
        b = (fmt.qmin * math.log(2) - lna + rng.uniform(-6, 25))
        return a, to_fmt(fmt, b)
    if kind == "atiny":
        return rand_val(rng, fmt, hi_e=fmt.emin + 3,
                        sub=rng.random() < 0.5), rand_val(rng, fmt, hi_e=6)
    if kind == "tie":  # a/2, a/4 ties of the bottom of fmt, moved by b
        k = rng.randrange(1, rng.choice([64, 1 << (fmt.p + 1)]))
        a = rng.choice([1, -1]) * math.ldexp(k, fmt.qmin)
        b = rng.choice([1, -1]) * math.ldexp(rng.choice(
            [1, 3, rng.randrange(1, 1 << fmt.p)]), -rng.randint(
                fmt.p + 1, min(fmt.p + 200, -fmt.qmin)))
        return a, to_fmt(fmt, b)
    if kind == "mid":
        return near_mid(rng, fmt, deriv)
    if kind == "special":
        pool = [math.inf, -math.inf, math.nan, 0.0, -0.0, fmt.maxval,
                -fmt.maxval]
        a, b = rand_val(rng, fmt), rand_val(rng, fmt, hi_e=4)
        if rng.random() < 0.6:
            a = rng.choice(pool)
        if rng.random() < 0.6:
            b = rng.choice(pool)
        return a, b
    # decimal texts of doubles that the input rule rounds to fmt
    return rng.uniform(-1e4, 1e4), rng.gauss(0, 5)


def text_of(rng, fmt, x):
    """(text, value of fmt)."""
    if math.isfinite(x) and x != 0 and rng.random() < 0.1 and fmt.p < 53:
        t = exact_decimal(x) if abs(x) < 1e30 and abs(x) > 1e-30 else x.hex()
        return t, read_number(fmt, t)
    return input_text(rng, fmt, x)


# --- Layouts ----------------------------------------------------------------

SLOT_END = set(" \t,\"\r\n")


def build(rng, fmt, deriv, layout_name, rows):
    """(args, input text, template, outputs): rows are lists of (text,
    value) of 2n numbers; template pieces are literal strs or (row, k)
    for the k-th output of row."""
    args, text, tpl = [], [], []
    crlf = layout_name.endswith("crlf")
    eol = "\r\n" if crlf else "\n"

    def both(s):
        text.append(s)
        tpl.append(s)

    def inp(s):
        text.append(s)

    if layout_name.startswith("blank"):
        labelled = rng.random() < 0.4
        if labelled:
            args += ["-f", "2-"]
        for r, row in enumerate(rows):
            h = len(row) // 2
            if rng.random() < 0.2:
                both(rng.choice([" ", "\t", "  "]))
            if labelled:
                both("r%d" % r + rng.choice([" ", "\t"]))
            for k, (t, _) in enumerate(row):
                sep = rng.choice([" ", "\t", "  ", " \t ", "   "]) if k else ""
                keep = deriv or k < h
                (both if keep else inp)(sep)
                inp(t)
                if keep:
                    tpl.append((r, k))
            if rng.random() < 0.2:
                both(rng.choice([" ", "\t"]))
            both(eol)
        return args, "".join(text), tpl
    csv = layout_name.startswith("csv")
    header = "header" in layout_name
    args += ["--csv"] if csv else ["-d", ","]
    width = max(len(r) for r in rows) + rng.choice([0, 0, 1, 2])
    args += ["-f", "2-%d" % (width + 1)]
    if header:
        args += ["--header"]
        names = ["c%d" % k if rng.random() < 0.9 else "" for k in range(width)]
        full = ["id"] + names + ["note"]
        if csv and rng.random() < 0.5:
            full[0] = '"id, name"'
        named = [k for k, n in enumerate(names) if n]
        drop = set() if deriv or len(named) % 2 else \
            set(named[len(named) // 2:])
        both(full[0])
        for k, n in enumerate(names):
            (inp if k in drop else both)("," + n)
        both("," + full[-1] + eol)
    for r, row in enumerate(rows):
        h = len(row) // 2
        lab = "r%d" % r
        if csv and rng.random() < 0.4:
            lab = '"' + rng.choice([lab + ", a", lab + ' ""q""',
                                    lab + "\nnext", lab + ",\r\n,"]) + '"'
        both(lab)
        where = sorted(rng.sample(range(width), len(row)))
        cells = {w: k for k, w in enumerate(where)}
        for w in range(width):
            k = cells.get(w)
            if k is None:
                both("," + rng.choice(["", "", " "] +
                                      (['""', '" "'] if csv else [])))
                continue
            keep = deriv or k < h
            put = both if keep else inp
            q = '"' if csv and rng.random() < 0.4 else ""
            left, right = ("", "")
            if rng.random() < 0.2:
                left, right = rng.choice([(" ", ""), ("", " "), (" ", "  ")])
            put("," + q + left)
            inp(row[k][0])
            if keep:
                tpl.append((r, k))
            put(right + q)
        both("," + rng.choice(["n", "", "note %d" % r] +
                              (['"a, b"', '"q ""x"""'] if csv else [])) + eol)
    return args, "".join(text), tpl


def match(tpl, out):
    pos = 0
    for piece in tpl:
        if isinstance(piece, str):
            if not out.startswith(piece, pos):
                raise ValueError(pos, piece)
            pos += len(piece)
        else:
            end = pos
            while end < len(out) and out[end] not in SLOT_END:
                end += 1
            yield piece, out[pos:end]
            pos = end
    if pos != len(out):
        raise ValueError(pos, "<end of output>")


LAYOUTS = ["blank", "blank_crlf", "comma", "comma_crlf", "csv", "csv_crlf",
           "comma_header", "csv_header", "csv_header_crlf"]


def double_traps(fmt, deriv, rows, expect):
    """How many outputs the correctly rounded double, rounded again to
    fmt, would get wrong: these are what shows a double rounding."""
    if fmt.name not in ("float32", "bfloat16"):
        return 0  # float16's inputs cannot come that close to its ties
    n = 0
    for row, want in zip(rows, expect):
        dbl = record_ref(FORMATS["float64"], deriv, [v for _, v in row])
        for x, y in zip(want, dbl):
            if not isinstance(x, str) and not isinstance(y, str) and \
                    not same(x, to_fmt(fmt, y)):
                n += 1
    return n


def run_batch(job):
    relu, seed, dtype, deriv, layout_name, npairs, jobs, max_shown = job
    rng = random.Random(seed)
    random.seed(seed)  # input_text's choices
    fmt = FORMATS[dtype]
    rows = []
    left = npairs
    while left > 0:
        n = min(left, rng.choice([1, 1, 2, 3, 4, 6, 8]))
        left -= n
        pairs = [gen_pair(rng, fmt, deriv) for _ in range(n)]
        a = [text_of(rng, fmt, p[0]) for p in pairs]
        b = [text_of(rng, fmt, p[1]) for p in pairs]
        rows.append(a + b)
    args, text, tpl = build(rng, fmt, deriv, layout_name, rows)
    argv = [relu, "-F", "glu"] + (["-g"] if deriv else []) + \
        (["--dtype", dtype] if dtype != "float64" or rng.random() < 0.3
         else []) + args + (["-j", str(jobs)] if jobs else [])
    label = f"glu{chr(39) if deriv else ''} {dtype} {layout_name}" + \
        (f" -j {jobs}" if jobs else "")
    expect = [record_ref(fmt, deriv, [v for _, v in row]) for row in rows]
    traps = double_traps(fmt, deriv, rows, expect)
    proc = subprocess.run(argv, input=text.encode(), capture_output=True)
    out = proc.stdout.decode("utf-8", "replace")
    nvals = sum(len(e) for e in expect)
    msgs = []
    if proc.returncode != 0 or proc.stderr:
        return traps, label, nvals, nvals, [f"{label}: exit {proc.returncode}, "
                                     f"stderr {proc.stderr[:300]!r}\n    "
                                     f"reproduce: {repro(argv, text)}"]
    checked = failed = 0
    try:
        for (r, k), got in match(tpl, out):
            checked += 1
            want = expect[r][k]
            ok = texts_for(fmt, want)
            if got in ok:
                continue
            failed += 1
            if len(msgs) < max_shown:
                h = len(rows[r]) // 2
                i = k % h
                pair = (rows[r][i][0], rows[r][h + i][0])
                place = "" if not deriv else (" (a's place)" if k < h
                                              else " (b's place)")
                one = ["relu", "-F", "glu"] + (["-g"] if deriv else []) + \
                    ["--dtype", dtype, "--", f"{pair[0]} {pair[1]}"]
                msgs.append(f"{label}: row {r} pair {i}{place} a={pair[0]} "
                            f"b={pair[1]}: got {got!r}, expected "
                            f"{' or '.join(sorted(ok))}\n    reproduce: "
                            + " ".join(shlex.quote(x) for x in one))
    except ValueError as e:
        pos, piece = e.args
        failed += nvals - checked
        msgs.append(f"{label}: output differs at byte {pos}: expected "
                    f"{piece!r}, got {out[pos:pos + 60]!r}\n    reproduce: "
                    f"{repro(argv, text)}")
    return traps, label, checked, failed, msgs


def repro(argv, text):
    cmd = " ".join(shlex.quote(a) for a in ["relu"] + argv[1:])
    return f"printf %s {shlex.quote(text[:400])} | {cmd}"


# --- Record rules -------------------------------------------------------------


def outs(dtype, deriv, texts):
    """The output texts of a record of number texts (float64 unless said)."""
    fmt = FORMATS[dtype]
    vals = [read_number(fmt, t) for t in texts]
    return [min(texts_for(fmt, v)) for v in record_ref(fmt, deriv, vals)]


def rule_cases(big=True):
    """(name, argv, stdin, stdout, stderr, status), from README's rules;
    big: with the records longer than 16 MiB."""
    g = outs("float64", False, ["1", "-2", "0", "3"])
    g1 = outs("float64", False, ["2", "0"])[0]
    d4 = outs("float64", True, ["1", "-2", "0", "3"])
    odd = "glu needs an even number of numbers, not "
    inp = "1 0\n1 2 3\n-2 0\n"
    lines = [outs("float64", False, ["1", "0"])[0], "1 2 3",
             outs("float64", False, ["-2", "0"])[0]]
    msg = "relu: line 2: " + odd + "3\n"
    cases = [
        ("readme-1", ["--header", "-F", "glu"],
         "a1 a2 b1 b2\n1 -2 0 3\n", "a1 a2\n" + " ".join(g) + "\n", "", 0),
        ("readme-2", ["-d", ",", "--header", "-f", "2-3", "-F", "glu",
                      "--invalid=warn"], "id,a,b,note\nr1,2,0,x\nr2,1,,y\n",
         "id,a,note\nr1,%s,x\nr2,1,,y\n" % g1,
         "relu: line 3: " + odd + "1\n", 0),
        ("readme-3", ["-F", "glu", "-g", "1 -2 0 3"], None,
         " ".join(d4) + "\n", "", 0),
        ("odd-abort", ["-F", "glu"], inp, lines[0] + "\n", msg, 2),
        ("odd-abort-explicit", ["-F", "glu", "--invalid=abort"], inp,
         lines[0] + "\n", msg, 2),
        ("odd-fail", ["-F", "glu", "--invalid=fail"], inp,
         "\n".join(lines) + "\n", msg, 2),
        ("odd-warn", ["-F", "glu", "--invalid=warn"], inp,
         "\n".join(lines) + "\n", msg, 0),
        ("odd-ignore", ["-F", "glu", "--invalid=ignore"], inp,
         "\n".join(lines) + "\n", "", 0),
        ("odd-grad", ["-F", "glu", "-g", "--invalid=fail"], "1 2 3\n",
         "1 2 3\n", "relu: line 1: " + odd + "3\n", 2),
        ("odd-argument", ["-F", "glu", "--invalid=warn", "--", "1 2 3",
                          "1 0"], None, "1 2 3\n" + lines[0] + "\n",
         "relu: argument 1: " + odd + "3\n", 0),
        ("odd-one-csv", ["--csv", "-f", "2-", "-F", "glu", "--invalid=fail"],
         'x,"5"\n', 'x,"5"\n', "relu: line 1: " + odd + "1\n", 2),
        # blanks: each b field goes with the run of blanks before it
        ("blank-runs", ["-F", "glu"], "  1 \t -2  0\t\t3  \n",
         "  %s \t %s  \n" % tuple(g), "", 0),
        ("grad-keeps-all", ["-F", "glu", "-g"], "  1 \t -2  0\t\t3  \r\n",
         "  %s \t %s  %s\t\t%s  \r\n" % tuple(d4), "", 0),
        # empty and unselected fields stay; b's fields go with their comma
        ("comma-empty", ["-F", "glu", "-d", ","], "1,,-2,0,,3,\n",
         "%s,,%s,,\n" % tuple(g), "", 0),
        ("comma-unselected", ["-F", "glu", "-d", ",", "-f", "1,3,5-6"],
         "1,a,-2,b,0,3,c\n", "%s,a,%s,b,c\n" % tuple(g), "", 0),
        ("comma-pad", ["-F", "glu", "-d", ","], " 1 , -2,0 ,3\n",
         " %s , %s\n" % tuple(g), "", 0),
        ("csv-quoted", ["-F", "glu", "--csv", "-f", "2-"],
         'x,"1",-2,"0",3\n', 'x,"%s",%s\n' % tuple(g), "", 0),
        ("csv-text", ["-F", "glu", "--csv", "-f", "2,4-5,7"],
         '"a,b",1,"c\nd",-2,0,"e",3\n', '"a,b",%s,"c\nd",%s,"e"\n' % tuple(g),
         "", 0),
        ("none", ["-F", "glu", "-d", ",", "-f", "2-"], "r,,\nr\n\n",
         "r,,\nr\n\n", "", 0),
        ("bad-number", ["-F", "glu", "--invalid=warn"], "1 x\n1 0\n",
         "1 x\n" + lines[0] + "\n",
         "relu: line 1, field 2: invalid number: 'x'\n", 0),
        # the header: the second half of its selected non-empty fields
        ("header-empty", ["-F", "glu", "-d", ",", "--header", "-f", "2-5"],
         "id,,a,b\nr,,1,0\n", "id,,a\nr,,%s\n" % outs(
             "float64", False, ["1", "0"])[0], "", 0),
        ("header-odd", ["-F", "glu", "-d", ",", "--header", "-f", "2-"],
         "id,a,b,c\nr,1,0\n", "id,a,b,c\nr,%s\n" % lines[0], "", 0),
        ("header-grad", ["-F", "glu", "-g", "--header"],
         "a1 a2 b1 b2\n1 -2 0 3\n", "a1 a2 b1 b2\n" + " ".join(d4) + "\n",
         "", 0),
        ("header-names", ["-F", "glu", "-d", ",", "--header", "-f",
                          "x,y,u,v"], "x,n,y,u,v\n1,q,-2,0,3\n",
         "x,n,y\n%s,q,%s\n" % tuple(g), "", 0),
        ("header-2", ["-F", "glu", "--header=2"], "a b\nc d e f\n1 0\n",
         "a\nc d\n%s\n" % lines[0], "", 0),
        # specials, pair by pair
        ("specials", ["-F", "glu", "--", "2.5 inf 1 inf -inf nan"], None,
         "2.5 -nan nan\n", "", 0),
        ("specials-2", ["-F", "glu", "--", "-3 -inf -inf -inf 0 -inf"], None,
         "-0 -inf -nan\n", "", 0),
        ("zero-sign", ["-F", "glu", "--", "-0 -1 0 5 -inf -1e300"], None,
         "-0 -0 0\n", "", 0),
        ("grad-nan-a", ["-F", "glu", "-g", "--", "nan 0"], None,
         None, "", 0),
        ("grad-inf", ["-F", "glu", "-g", "--", "inf -inf inf inf"], None,
         "1 1 -nan -nan\n", "", 0),
        # sigmoid(-inf) = 0 (Semantics); a finite: a zero of a's sign
        ("grad-minf", ["-F", "glu", "-g", "--", "1 inf -inf -inf"], None,
         "0 0 0 -nan\n", "", 0),
        ("float16-text", ["-F", "glu", "--dtype", "float16", "--",
                          "70000 -1e-9 1 0"], None, "inf -0\n", "", 0),
        ("bfloat16-text", ["-F", "glu", "--dtype", "bfloat16", "--",
                           "1.001 0"], None, "0.5\n", "", 0),
        # -z: newline is a blank; a record ends at NUL
        ("zero-terminated", ["-F", "glu", "-z"], "1 2\n0 0\0-2\t0\0",
         "0.5 1\0-1\0", "", 0),
        ("zero-terminated-odd", ["-F", "glu", "-z", "--invalid=fail"],
         "1\n2\n0\0", "1\n2\n0\0", "relu: line 1: " + odd + "3\n", 2),
        ("precision", ["-F", "glu", "-p", "3", "--", "1 0", "-2 1e300"],
         None, "0.500\n-2.000\n", "", 0),
        # "Messages name the line where the record began": after a quoted
        # field holding a line break the next record begins on line 3
        ("csv-line-odd", ["--csv", "-f", "2-", "-F", "glu",
                          "--invalid=warn"], '"a\nb",1,0\nx,1\n',
         '"a\nb",0.5\nx,1\n', "relu: line 3: " + odd + "1\n", 0),
        ("csv-line-bad", ["--csv", "-f", "2-", "-F", "glu",
                          "--invalid=warn"], '"a\nb",1,0\nx,y\n',
         '"a\nb",0.5\nx,y\n',
         "relu: line 3, field 2: invalid number: 'y'\n", 0),
        ("float32-p", ["-F", "glu", "--dtype", "float32", "-p", "12", "--",
                       "0.2 0"], None, "0.100000001490\n", "", 0),
    ]
    if not big:
        return cases
    # a record longer than 16 MiB is not computed: as --invalid says
    big = "1 0 " * (17 * 1024 * 1024 // 4)
    half = outs("float64", False, ["1", "0"])[0]
    two = outs("float64", False, ["2", "0"])[0]
    inp = "1 0\n" + big + "\n2 0\n"
    msg = "relu: line 2: record longer than 16 MiB\n"
    for mode, rc in [("abort", 2), ("fail", 2), ("warn", 0), ("ignore", 0)]:
        cases.append(("long-record-" + mode, ["-F", "glu", "--invalid=" + mode],
                      inp, half + "\n" + ("" if mode == "abort" else
                                          big + "\n" + two + "\n"),
                      "" if mode == "ignore" else msg, rc))
    return cases


def check_rules(relu, max_shown, big=True):
    checked = failed = 0
    msgs = []
    for name, argv, stdin, want_out, want_err, want_rc in rule_cases(big):
        checked += 1
        proc = subprocess.run([relu] + argv, capture_output=True,
                              input=None if stdin is None else stdin.encode())
        got = (proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"), proc.returncode)
        if name == "grad-nan-a":  # a NaN in a: sigmoid(0) and NaN
            ok = got[0] in ("0.5 nan\n", "0.5 -nan\n") and got[1:] == ("", 0)
        else:
            ok = got == (want_out, want_err, want_rc)
        if not ok:
            failed += 1
            if len(msgs) < max_shown:
                cmd = " ".join(shlex.quote(a) for a in ["relu"] + argv)
                if stdin is not None:
                    cmd = f"printf %s {shlex.quote(stdin[:300])} | {cmd}"
                msgs.append(f"rule {name}: {cmd}\n    expected "
                            f"{want_out[:200]!r}, {want_err!r}, exit "
                            f"{want_rc}\n    got      "
                            f"{got[0][:200]!r}, {got[1][:200]!r}, "
                            f"exit {got[2]}")
    return checked, failed, msgs


def check_jobs(relu, seed):
    """-j 2 gives the bytes, messages and status of -j 1 on several MB."""
    rng = random.Random(seed)
    parts = []
    for i in range(120000):
        n = rng.choice([2, 4, 4, 6, 3]) if i % 1000 else 5
        parts.append(" ".join(repr(rng.uniform(-50, 50)) for _ in range(n)))
    text = ("\n".join(parts) + "\n").encode()
    res = []
    for argv in (["-F", "glu", "--invalid=warn"],
                 ["-F", "glu", "-g", "--invalid=fail"]):
        one = subprocess.run([relu] + argv + ["-j", "1"], input=text,
                             capture_output=True)
        two = subprocess.run([relu] + argv + ["-j", "2"], input=text,
                             capture_output=True)
        ok = (one.stdout, one.stderr, one.returncode) == \
            (two.stdout, two.stderr, two.returncode) and one.stderr
        res.append((argv, ok, len(text)))
    return res


# --- Main -------------------------------------------------------------------


def jobs_for(relu, seed, count, max_shown):
    """Batches of about 40 pairs over dtypes, -g and layouts, count pairs
    in all."""
    rng = random.Random(seed)
    combos = [(d, g, lay) for d in FORMATS for g in (False, True)
              for lay in LAYOUTS]
    out = []
    per = max(6, min(40, count // len(combos)))
    nb = max(len(combos), count // per)
    for i in range(nb):
        dtype, deriv, lay = combos[i % len(combos)]
        jobs = 2 if rng.random() < 0.15 else None
        out.append((relu, rng.getrandbits(48), dtype, deriv, lay, per, jobs,
                    max_shown))
    return out


def check(relu, seed, count, jobs, max_shown, quiet=False, big=True):
    t0 = time.time()
    todo = jobs_for(relu, seed, count, max_shown)
    totals, shown = {}, []
    checked = failed = ntraps = 0
    with multiprocessing.Pool(jobs) as pool:
        for traps, label, c, f, msgs in pool.imap_unordered(run_batch, todo):
            ntraps += traps
            key = " ".join(label.split()[:2])
            tc, tf = totals.get(key, (0, 0))
            totals[key] = (tc + c, tf + f)
            checked += c
            failed += f
            shown += msgs[:max(0, max_shown - len(shown))]
    if big and not ntraps:  # the sample must be able to see one
        failed += 1
        shown.append("no pair where a double rounding would misround")
    rc, rf, rmsgs = check_rules(relu, max_shown, big)
    jf = 0
    jres = check_jobs(relu, seed) if big else []
    for argv, ok, size in jres:
        if not ok:
            jf += 1
            rmsgs.append(f"-j 2 differs from -j 1 (or no message) on "
                         f"{size} bytes: relu {' '.join(argv)}")
    if not quiet:
        for key in sorted(totals):
            c, f = totals[key]
            print(f"{key:22} {c:8} checked, {f} failed")
        print(f"{'double-rounding traps':22} {ntraps:8} among them "
              "(float32, bfloat16)")
        print(f"{'record rules':22} {rc:8} checked, {rf} failed")
        if big:
            print(f"{'-j 2 vs -j 1':22} {len(jres):8} checked, {jf} failed "
                  f"({jres[0][2]} bytes)")
        for m in shown + rmsgs:
            print("FAIL " + m)
        print(f"glu_check: {checked + rc + len(jres)} checked, "
              f"{failed + rf + jf} failed in {time.time() - t0:.0f} s "
              f"(seed {seed})")
    return failed + rf + jf, shown + rmsgs


WRAPPER = r'''#!/usr/bin/env python3
import re, struct, subprocess, sys
mode = sys.argv[1]
args = sys.argv[3:]
if mode == "swap":  # a and b swapped in every argument of numbers
    for i, a in enumerate(args):
        w = a.split()
        if len(w) >= 2 and len(w) % 2 == 0 and all(
                re.fullmatch(r"[-+.0-9a-z]+", t) and t[-1].isalnum()
                and t[0] in "+-.0123456789in" for t in w):
            h = len(w) // 2
            args[i] = " ".join(w[h:] + w[:h])
p = subprocess.run([sys.argv[2]] + args, stdin=sys.stdin.buffer,
                   capture_output=True)
out = p.stdout.decode("utf-8", "surrogateescape")
rc = p.returncode
tok = r"(?<=[ ,\t\"\n])%s(?=[ ,\t\"\r\n])"
if mode == "lastdigit":  # the last digit of every 10th long output
    n = [0]
    def flip(m):
        n[0] += 1
        if n[0] % 10 != 1:
            return m.group(0)
        s = m.group(1)
        return s[:-1] + str((int(s[-1]) + 1) % 10) + m.group(2)
    out = re.sub(tok % r"(-?\d\.\d{6,})(e[-+]\d+)?", flip, out)
elif mode == "value":  # one value changed
    out = re.sub(tok % r"\d\.\d+", lambda m: repr(float(m.group(0)) * 1.0625),
                 out, count=1)
elif mode == "negzero":  # -0 printed as 0
    out = re.sub(tok % r"-0", "0", out, count=1)
elif mode == "blanks":  # a run of blanks squeezed
    out = re.sub(r"(?<=\S)  +(?=\S)", " ", out, count=1)
elif mode == "cr":
    out = out.replace("\r", "", 1)
elif mode == "status":  # exit 2 reported as 0
    rc = 0 if rc == 2 else rc
sys.stdout.write(out)
sys.stderr.buffer.write(p.stderr)
sys.exit(rc)
'''

MODES = ["none", "lastdigit", "value", "negzero", "blanks", "cr", "status",
         "swap"]


def self_test(relu):
    """Each wrong wrapper must fail the check; the honest one must pass."""
    ok = True
    with tempfile.TemporaryDirectory(prefix="glu_selftest_") as tmp:
        with open(os.path.join(tmp, "wrapper.py"), "w") as f:
            f.write(WRAPPER)
        for mode in MODES:
            path = os.path.join(tmp, "wrong_relu_" + mode)
            with open(path, "w") as f:
                f.write("#!/bin/sh\nexec %s %s %s %s \"$@\"\n" % (
                    shlex.quote(sys.executable),
                    shlex.quote(os.path.join(tmp, "wrapper.py")),
                    mode, shlex.quote(os.path.abspath(relu))))
            os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
            failed, msgs = check(path, 11, 700, 2, 3, quiet=True, big=False)
            good = (failed == 0) == (mode == "none")
            ok &= good
            print(f"self-test {mode:9}: {failed} failed "
                  f"({'as it should' if good else 'WRONG'})"
                  + (f"; first: {msgs[0].splitlines()[0][:150]}"
                     if msgs else ""))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("relu")
    ap.add_argument("--count", type=int, default=6000,
                    help="pairs through the random batches (6000)")
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-shown", type=int, default=20)
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        sys.exit(0 if self_test(a.relu) else 1)
    failed, _ = check(a.relu, a.seed, a.count, a.jobs, a.max_shown)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
