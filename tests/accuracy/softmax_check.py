#!/usr/bin/env python3
"""Check relu's softmax, softmin and log_softmax (and -g) against an
independent reference.

Usage: softmax_check.py RELU [--long] [--jobs J] [--seed S] [--max-shown K]
       softmax_check.py --self-test RELU

Written from README alone ("Over a record: softmax, softmin, log_softmax",
"Precision: --dtype", "Accuracy", "Semantics", "Exit status"), never from
src/ nor from tests/exact/test_softmax.cpp.

The reference: the numbers of a record's selected fields are one vector x
(values of the dtype: each input text is rounded once to the dtype, by its
own exact rational reading here). softmax_i = e^(x_i - m)/sum_j e^(x_j - m)
with m = max x, its derivative y(1 - y) with 1 - y = sum_{j != i}/sum (no
cancellation), softmin(x) = softmax(-x) and its derivative -y(1 - y),
log_softmax_i = (x_i - m) - L with L = log1p(sum of the others) when the
maximum is unique (log_softmax near 0 keeps its relative accuracy) and
ln(sum) else, its derivative 1 - softmax_i. mpmath evaluates these with
unbounded exponents (nothing underflows inside), the differences x_i - m
exactly; a Ziv loop raises the precision until the whole interval
value*(1 +- eps) (eps a generous bound on the relative error) rounds to one
value of the dtype (own integer rounding: nearest, ties to even,
subnormals, overflow to +-inf). The exact cases (all finite elements
equal: softmax 1/k, log_softmax 0 for k = 1) are exact rationals.
Special values, as README states: NaN anywhere, two +inf or all -inf: every
output NaN; one +inf: the limit (softmax 1 there and +0 elsewhere,
log_softmax 0 and -inf); a -inf element: softmax +0, log_softmax -inf;
zeros that come from underflow take the sign of the exact value (+0 for
softmax, softmin and softmax', -0 for log_softmax and softmin').

Rows: random rows of 1 to 50 elements at scales from 1e-300 to 1e300
(clamped to the dtype), mixed signs, equal elements, one dominant element,
huge spreads (outputs subnormal or 0 in the dtype), +-inf and NaN, and a
few rows of thousands of elements; every input is a value of the dtype,
written as its shortest text, its exact decimal, a hexadecimal float, or a
double's text that the dtype's input rule rounds.

The records go through the CLI in several layouts: blank-separated fields
(runs of spaces and tabs, leading and trailing blanks), CRLF line ends,
-d , with unselected text fields, empty fields (no element) and blanks
around numbers, --csv with quoted numbers, quoted text holding commas,
doubled quotes and line breaks, --header with -f by numbers and by names,
and -j 2. Every output byte is checked: literal bytes (separators, quotes,
unselected fields, CR) unchanged, each converted field the shortest text
(nearest among the shortest) of the expected value, laid out as README
says, its value bit for bit in the dtype (read back by the dtype's input
rule). NaN outputs may be `nan` or `-nan` (README does not say which sign).
The record-level rules (a non-number in a selected field, --invalid modes,
messages and exit status) are checked on fixed cases.

Prints counts per configuration and the first mismatches with a command
that reproduces each; exits 1 on any failure. --self-test runs a short
check through wrappers around RELU that break one output in several ways
and requires each to be caught.
"""

import argparse
import math
import multiprocessing
import os
import random
import re
import shlex
import stat
import struct
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import mpmath

# --- Formats and exact rounding ---------------------------------------------


class Fmt:
    def __init__(self, name, p, emin, emax):
        self.name, self.p, self.emin, self.emax = name, p, emin, emax
        self.qmin = emin - p + 1  # exponent of the smallest subnormal
        self.maxval = math.ldexp((1 << p) - 1, emax - p + 1)

    def __repr__(self):
        return self.name


FORMATS = {
    "float64": Fmt("float64", 53, -1022, 1023),
    "float32": Fmt("float32", 24, -126, 127),
    "bfloat16": Fmt("bfloat16", 8, -126, 127),
    "float16": Fmt("float16", 11, -14, 15),
}


def round_scaled(fmt, neg, man, exp):
    """man * 2^exp (man > 0 an int) rounded to fmt, as a double with sign:
    nearest, ties to even, subnormals, overflow to inf."""
    sgn = -1.0 if neg else 1.0
    bl = man.bit_length()
    top = exp + bl - 1
    if top > fmt.emax:
        return sgn * math.inf
    q = max(top - fmt.p + 1, fmt.qmin)
    shift = q - exp
    if shift <= 0:
        m = man << -shift
    elif shift > bl:
        m = 0  # below half the quantum
    else:
        m = man >> shift
        rem = man - (m << shift)
        half = 1 << (shift - 1)
        if rem > half or (rem == half and m & 1):
            m += 1
    v = math.ldexp(m, q)
    if v > fmt.maxval:
        return sgn * math.inf
    return math.copysign(v, sgn)


def round_fraction(fmt, neg, f):
    """A Fraction f >= 0 rounded to fmt (sign neg)."""
    if f == 0:
        return -0.0 if neg else 0.0
    n, d = f.numerator, f.denominator
    top = n.bit_length() - d.bit_length()
    if (n << max(0, -top)) < (d << max(0, top)):
        top -= 1  # now 2^top <= f < 2^(top+1)
    if top > fmt.emax:
        return -math.inf if neg else math.inf
    q = max(top - fmt.p + 1, fmt.qmin)
    # f / 2^q = n / (d 2^q), to nearest even
    if q >= 0:
        num, den = n, d << q
    else:
        num, den = n << -q, d
    m, rem = divmod(num, den)
    if 2 * rem > den or (2 * rem == den and m & 1):
        m += 1
    v = math.ldexp(m, q)
    if v > fmt.maxval:
        v = math.inf
    return -v if neg else v


NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|"
                    r"0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)"
                    r"(?:[pP][+-]?\d+)?|inf|infinity|nan)\Z", re.I)


def read_number(fmt, text):
    """README's input rule: the text rounded once to fmt; None if the text
    is not a number."""
    if not NUMBER.match(text):
        return None
    neg = text.startswith("-")
    body = text.lstrip("+-").lower()
    if body in ("inf", "infinity"):
        return -math.inf if neg else math.inf
    if body == "nan":
        return -math.nan if neg else math.nan
    if body.startswith("0x"):
        mant, _, e = body[2:].partition("p")
        ip, _, fp = mant.partition(".")
        digits = int((ip + fp) or "0", 16)
        f = Fraction(digits) * Fraction(2) ** (int(e or "0") - 4 * len(fp))
    else:
        f = Fraction(body if not body.endswith(".") else body[:-1] or "0")
    return round_fraction(fmt, neg, f)


def bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def same(a, b):
    """Equal as values of a dtype: NaN with NaN (any sign), zeros by sign."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return bits(a) == bits(b)


# --- Shortest output ----------------------------------------------------------


def layout(neg, digits, e10):
    """README's layout of digits d.ddd x 10^e10: fixed for e10 in -4..15,
    else d.ddde+XX."""
    s = "-" if neg else ""
    if -4 <= e10 <= 15:
        if e10 >= 0:
            ip = digits[:e10 + 1].ljust(e10 + 1, "0")
            fp = digits[e10 + 1:]
            return s + ip + ("." + fp if fp else "")
        return s + "0." + "0" * (-e10 - 1) + digits
    return s + digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + \
        "e" + ("+" if e10 >= 0 else "-") + "%02d" % abs(e10)


_short_cache = {}


def shortest_texts(fmt, v):
    """The set of texts relu may print for v in fmt: the shortest digit
    strings that read back to v, the nearest of them (both on a tie)."""
    key = (fmt.name, bits(v))
    hit = _short_cache.get(key)
    if hit is not None:
        return hit
    if math.isnan(v):
        out = {"nan", "-nan"}
    elif math.isinf(v):
        out = {"-inf" if v < 0 else "inf"}
    elif v == 0:
        out = {"-0" if math.copysign(1, v) < 0 else "0"}
    else:
        neg = v < 0
        f = abs(Fraction(v))
        e10 = len(str(f.numerator)) - len(str(f.denominator))
        while Fraction(10) ** e10 > f:
            e10 -= 1
        while Fraction(10) ** (e10 + 1) <= f:
            e10 += 1
        out = None
        for k in range(1, 30):
            unit = Fraction(10) ** (e10 - k + 1)
            lo = f // unit
            cands = []
            for c in (lo, lo + 1):
                if c <= 0:
                    continue
                if round_fraction(fmt, False, c * unit) == abs(v):
                    cands.append(c)
            if cands:
                dist = [abs(c * unit - f) for c in cands]
                best = [c for c, d in zip(cands, dist) if d == min(dist)]
                out = set()
                for c in best:
                    ds = str(c)
                    ee = e10 + len(ds) - k  # c may be 10^k
                    out.add(layout(neg, ds.rstrip("0") or "0", ee))
                break
        assert out, (fmt, v)
    _short_cache[key] = out
    return out


def exact_decimal(v):
    """The exact decimal text of a finite double."""
    f = Fraction(abs(v))
    s = "-" if math.copysign(1, v) < 0 else ""
    if f.denominator == 1:
        return s + str(f.numerator)
    k = f.denominator.bit_length() - 1  # 2^k
    digits = str(f.numerator * 5 ** k).rjust(k + 1, "0")
    return s + digits[:-k] + "." + digits[-k:]


# --- The reference ------------------------------------------------------------

NAN = math.nan


def special(func, deriv, z):
    """Outputs decided without arithmetic (of softmax on z, or log_softmax),
    as a list with None where the general path decides; z already negated
    for softmin. Returns (list, finite indices)."""
    n = len(z)
    if any(math.isnan(t) for t in z):
        return [NAN] * n, []
    pinf = [i for i, t in enumerate(z) if t == math.inf]
    fin = [i for i, t in enumerate(z) if math.isfinite(t)]
    if len(pinf) >= 2 or (not pinf and not fin):
        return [NAN] * n, []
    out = [None] * n
    if pinf:
        for i in range(n):
            top = i == pinf[0]
            if func == "log_softmax":
                out[i] = (0.0 if top else 1.0) if deriv else \
                    (0.0 if top else -math.inf)
            else:
                out[i] = 0.0 if deriv else (1.0 if top else 0.0)
        return out, []
    for i, t in enumerate(z):
        if t == -math.inf:
            if func == "log_softmax":
                out[i] = 1.0 if deriv else -math.inf
            else:
                out[i] = 0.0
    return out, fin


def reference(fmt, func, deriv, xs, start_prec=96):
    """The outputs relu must print, as doubles that are values of fmt
    (NaN for NaN, signed zeros and infinities as README says)."""
    soft_min = func == "softmin"
    z = [-t for t in xs] if soft_min else list(xs)
    out, fin = special(func, deriv, z)
    if fin:
        zs = [z[i] for i in fin]
        if all(t == zs[0] for t in zs):
            k = len(zs)
            for i in fin:
                if func == "log_softmax":
                    if deriv:
                        out[i] = round_fraction(fmt, False, Fraction(k - 1, k))
                    elif k == 1:
                        out[i] = 0.0
                    else:
                        out[i] = None  # -ln k: general path
                elif deriv:
                    out[i] = round_fraction(fmt, False,
                                            Fraction(k - 1, k * k))
                else:
                    out[i] = round_fraction(fmt, False, Fraction(1, k))
            if all(out[i] is not None for i in fin):
                fin = []
        if fin:
            general(fmt, func, deriv, z, fin, out, start_prec)
    if soft_min and deriv:
        out = [-v for v in out]  # -y(1 - y); its zeros are -0
    return out


def general(fmt, func, deriv, z, fin, out, prec):
    """The finite elements of z by mpmath in a Ziv loop."""
    ctx = mpmath.mp
    n = len(fin)
    slack = 2 * n.bit_length() + 20
    prec = max(prec, fmt.p + 40 + slack)
    todo = [i for i in fin if out[i] is None]
    m = max(z[i] for i in fin)
    mm = mpmath.mpf(m)
    d = {i: mpmath.fsub(mpmath.mpf(z[i]), mm, exact=True) for i in fin}
    main = [j for j in fin if d[j] > NEGLIGIBLE]
    if len(main) < n and all(z[j] == m for j in main) and \
            (deriv or func != "log_softmax"):
        # equal elements and negligible ones: a rational value of the
        # equal ones, which may be a tie of fmt, moved by the negligible
        # ones in a known direction (the Ziv loop would need ~1,442 bits)
        k = len(main)
        if k >= 2 or not deriv:  # (k = 1, -g: a tiny value, Ziv's)
            for i in main:
                out[i] = negligible_rest(fmt, func, deriv, z, fin, d, i)
            todo = [i for i in fin if out[i] is None]
    while todo:
        if prec > MAX_PREC:
            for i in todo:
                out[i] = negligible_rest(fmt, func, deriv, z, fin, d, i)
            return
        ctx.prec = prec
        e = {i: mpmath.exp(d[i]) for i in fin}
        s = mpmath.fsum(e.values())
        tops = [i for i in fin if z[i] == m]
        unique = len(tops) == 1
        rest_top = None
        if unique:
            rest_top = mpmath.fsum(e[j] for j in fin if j != tops[0])
        if func == "log_softmax" and not deriv:
            big_l = mpmath.log1p(rest_top) if unique else mpmath.log(s)
            # L = ln(sum) / sum e^(d_j) > 0 within its relative error
            delta = mpmath.ldexp(big_l, -(prec - slack))
            l_lo, l_hi = big_l - delta, big_l + delta
        left = []
        for i in todo:
            if func == "log_softmax" and not deriv:
                # d_i - L, d_i exact: the bounds of the difference exactly
                r_lo = minus(fmt, d[i], l_hi)
                r_hi = minus(fmt, d[i], l_lo)
            else:
                if unique and i == tops[0]:
                    t = rest_top
                else:
                    t = s - e[i]  # e[i] <= s/2 here: no cancellation
                one_minus = t / s
                if func == "log_softmax":
                    v = one_minus
                elif deriv:
                    v = (e[i] / s) * one_minus
                else:
                    v = e[i] / s
                ctx.prec = prec + 16
                delta = mpmath.ldexp(abs(v), -(prec - slack))
                lo, hi = v - delta, v + delta
                ctx.prec = prec
                r_lo, r_hi = round_mpf(fmt, lo), round_mpf(fmt, hi)
            if r_lo is not None and same(r_lo, r_hi):
                out[i] = r_lo
            else:
                left.append(i)
        todo = left
        prec *= 2


MAX_PREC = 3072
NEGLIGIBLE = -1000  # e^d below 2^-1,442: beyond what the rounding needs


def minus(fmt, d, big_l):
    """d - L rounded to fmt (d an exact mpf <= 0, L > 0 an mpf): exactly,
    or, where L lies below the last bit of d and below every boundary
    of fmt near d, as d minus an infinitesimal."""
    if not d:
        return round_mpf(fmt, -big_l)
    _, dman, dexp, _ = d._mpf_
    dtop = dexp + int(dman).bit_length() - 1
    q = max(dtop - fmt.p + 1, fmt.qmin)
    _, lman, lexp, _ = big_l._mpf_
    ltop = lexp + int(lman).bit_length() - 1
    if ltop < min(dexp, q - 1) - 2:
        return round_below(fmt, d)
    return round_mpf(fmt, mpmath.fsub(d, big_l, exact=True))


def round_below(fmt, v):
    """The rounding to fmt of v minus an infinitesimal (v a nonzero mpf or
    Fraction): v scaled to many bits, a quarter of its last unit off
    (no boundary of fmt lies strictly between the two)."""
    if isinstance(v, Fraction):
        neg = v < 0
        f = abs(v)
        k = 4 * fmt.p + 8 + max(0, f.denominator.bit_length())
        num = f.numerator << k
        if num % f.denominator:
            # not dyadic: no boundary of fmt at v, and none within the
            # negligible distance (v's denominator is small)
            return round_fraction(fmt, neg, f)
        man, exp = num // f.denominator, -k
    else:
        sign, man, exp, _ = v._mpf_
        neg, man, exp = bool(sign), int(man), int(exp)
    grow = max(0, fmt.p + 8 - man.bit_length())
    man, exp = man << (grow + 2), exp - grow - 2
    man = man + 1 if neg else man - 1
    return round_scaled(fmt, neg, man, exp)


def round_above(fmt, v):
    return -round_below(fmt, -v)


def negligible_rest(fmt, func, deriv, z, fin, d, i):
    """Where the Ziv loop cannot decide: the elements that are not
    negligible (e^(x_j - max) above 2^-1,442) all equal, k of them,
    and the value of element i a dyadic rational of k alone (a tie of
    fmt, as 511/512 for bfloat16) moved by the negligible ones in a known
    direction."""
    main = [j for j in fin if d[j] > NEGLIGIBLE]
    k = len(main)
    if i not in main or k == len(fin) or any(z[j] != z[main[0]] for j in main):
        raise RuntimeError(f"undecided at {MAX_PREC} bits: {fmt} {func} "
                           f"{'-g ' if deriv else ''}{z}")
    if func == "log_softmax" and deriv:  # (k-1)/k, from above
        return round_above(fmt, Fraction(k - 1, k))
    if deriv and k >= 2:  # y(1-y) with y = 1/k from below: from below
        return round_below(fmt, Fraction(k - 1, k * k))
    if not deriv and func != "log_softmax":  # 1/k from below
        return round_below(fmt, Fraction(1, k))
    raise RuntimeError(f"undecided at {MAX_PREC} bits: {fmt} {func} "
                       f"{'-g ' if deriv else ''}{z}")


def round_mpf(fmt, v):
    """A nonzero mpf rounded to fmt (None if v is 0: undecided)."""
    sign, man, exp, _ = v._mpf_
    if man == 0:
        return None
    return round_scaled(fmt, bool(sign), int(man), int(exp))


# --- Rows -------------------------------------------------------------------


def to_fmt(fmt, x):
    """A double rounded to fmt (the input rule on its exact value)."""
    if not math.isfinite(x):
        return x
    return round_fraction(fmt, x < 0 or (x == 0 and math.copysign(1, x) < 0),
                          abs(Fraction(x)))


def fmt_log_range(fmt):
    """ln of the largest finite value and of the smallest subnormal."""
    return math.log(fmt.maxval), fmt.qmin * math.log(2)


def gen_row(rng, fmt, kind, n=None):
    """A list of doubles (raw: relu reads their texts, or values of fmt)."""
    big, tiny = fmt_log_range(fmt)
    if n is None:
        n = rng.choice([1, 2, 2, 3, 3, 4, 5, 7, 10, 16, 25, 50,
                        rng.randint(1, 50)])
    if kind == "scale":
        e10 = rng.uniform(tiny / math.log(10), big / math.log(10))
        s = 10 ** e10
        mixed = rng.random() < 0.6
        row = []
        for _ in range(n):
            t = s * rng.random() * (10 ** rng.uniform(-2, 0))
            if mixed and rng.random() < 0.5:
                t = -t
            row.append(t)
        return row
    if kind == "unit":
        return [rng.gauss(0, rng.choice([0.1, 1, 3, 10, 30])) for _ in range(n)]
    if kind == "equal":
        c = rng.choice([0.0, 1.0, -2.5, rng.uniform(-50, 50),
                        rng.uniform(-1e300, 1e300), 1e-300])
        row = [c] * n
        if rng.random() < 0.5 and n > 1:  # ties at the maximum, rest below
            for i in rng.sample(range(n), rng.randint(1, n - 1)):
                row[i] = c - abs(rng.gauss(0, 5)) - 1e-3 * abs(c)
        return row
    if kind == "close":  # elements a few ulps apart
        c = rng.choice([1.0, -1.0, 100.0, rng.uniform(-1e4, 1e4), 0.0])
        u = math.ldexp(max(abs(c), 1.0), -fmt.p + 1)
        return [c + rng.randint(-4, 4) * u for _ in range(n)]
    if kind == "dominant":
        gap = 10 ** rng.uniform(0, min(300, big / math.log(10)))
        top = rng.uniform(-10, 10)
        row = [top - gap * rng.uniform(0.5, 1) for _ in range(n)]
        row[rng.randrange(n)] = top
        return row
    if kind == "near0log":  # log_softmax of the maximum near -0
        top = rng.uniform(-5, 5)
        gap = rng.uniform(10, -tiny * 1.2)
        row = [top - gap - abs(rng.gauss(0, 3)) for _ in range(n)]
        row[rng.randrange(n)] = top
        return row
    if kind == "underflow":  # outputs near and below the smallest subnormal
        lo, hi = fmt.qmin * math.log(2) - 3, fmt.emin * math.log(2) + 3
        row = [rng.uniform(lo, hi) for _ in range(n)]
        row[rng.randrange(n)] = 0.0
        shift = rng.uniform(-10, 10)
        return [t + shift for t in row]
    if kind == "special":
        row = gen_row(rng, fmt, rng.choice(["unit", "scale", "dominant"]), n)
        for _ in range(rng.randint(1, 3)):
            row[rng.randrange(n)] = rng.choice(
                [math.inf, -math.inf, -math.inf, math.nan, -0.0, 0.0,
                 fmt.maxval, -fmt.maxval])
        return row
    if kind == "extreme":  # the largest and smallest values of the dtype
        pool = [fmt.maxval, -fmt.maxval, math.ldexp(1, fmt.qmin),
                -math.ldexp(1, fmt.qmin), 0.0, -0.0, 1.0,
                math.ldexp(1, fmt.emin), fmt.maxval / 2]
        return [rng.choice(pool) for _ in range(n)]
    if kind == "tiebreak":  # k = 2^(p+1) equal elements, one far below:
        # softmax' (k-1)/k^2 and log_softmax' (k-1)/k are ties of fmt but
        # for the far one's term, which decides them
        k = 2 ** (fmt.p + 1)
        c = rng.choice([0.0, 1.0, -3.0, 100.0])
        far = rng.choice([-math.inf, c - 1e4, c - 1e5, -fmt.maxval, c - 30])
        if n == -1:  # the forced tie rows: a far element relu misrounds
            far = c - 1e5
        row = [c] * k
        row.insert(rng.randrange(k), far)
        return row
    raise ValueError(kind)


KINDS = ["scale", "unit", "unit", "equal", "close", "dominant", "near0log",
         "underflow", "special", "extreme", "scale", "dominant"]


def input_text(rng, fmt, x):
    """(text, value): a text of x that relu reads as the value of fmt."""
    if math.isnan(x):
        return rng.choice(["nan", "NaN", "-nan", "NAN"]), x
    if math.isinf(x):
        t = rng.choice(["inf", "Inf", "infinity", "INFINITY"])
        return ("-" + t if x < 0 else rng.choice(["", "+"]) + t), x
    style = rng.randrange(5)
    v = to_fmt(fmt, x)
    if style == 0:  # the raw double's text, rounded by the input rule
        t = repr(x)
    elif style == 1 and math.isfinite(v):
        t = rng.choice(sorted(shortest_texts(fmt, v)))
    elif style == 2 and math.isfinite(v):
        t = v.hex()
    elif style == 3 and math.isfinite(v) and (v == 0 or abs(v) > 1e-30) \
            and abs(v) < 1e30:
        t = exact_decimal(v)
    else:
        t = "%.17g" % x
    got = read_number(fmt, t)
    assert got is not None, t
    return t, got


# --- Layouts: records, their templates and relu's arguments -------------------

SLOT_END = set(" \t,\"\r\n")
LABEL_CHARS = "abcxyz_0123456789"


def label(rng, i, quotable):
    t = rng.choice(["r", "id", "row_", "x"]) + str(i)
    if quotable and rng.random() < 0.4:
        return '"' + rng.choice([t + ", a", t + ' ""q""', t + "\nnext",
                                 t + ",\r\n,", t]) + '"'
    return t


def build(rng, fmt, layout_name, rows, width):
    """(argv, input text, template): the template is a list of pieces, a
    str to be copied or an (row, element) pair for a converted field."""
    args, text, tpl = [], [], []
    crlf = layout_name.endswith("crlf")
    eol = "\r\n" if crlf else "\n"

    def lit(s):
        text.append(s)
        tpl.append(s)

    def num(t, key, quote=False, pad=False):
        left = right = ""
        if pad:
            left, right = rng.choice([(" ", ""), ("", " "), (" ", "  "),
                                      ("\t", " ")])
        q = '"' if quote else ""
        lit(q + left)
        text.append(t)
        tpl.append(key)
        lit(right + q)

    if layout_name.startswith("blank"):
        labelled = rng.random() < 0.4
        if labelled:
            args += ["-f", "2-"]
        for r, row in enumerate(rows):
            if rng.random() < 0.2:
                lit(rng.choice([" ", "\t", "  "]))
            if labelled:
                lit(label(rng, r, False) + rng.choice([" ", "\t"]))
            for k, (t, _) in enumerate(row):
                if k:
                    lit(rng.choice([" ", "\t", "  ", " \t ", "   "]))
                num(t, (r, k))
            if rng.random() < 0.2:
                lit(rng.choice([" ", "\t"]))
            lit(eol)
        return args, "".join(text), tpl
    csv = layout_name.startswith("csv")
    header = "header" in layout_name
    args += ["--csv"] if csv else ["-d", ","]
    names = ["a%d" % k for k in range(width)]
    if header:
        args += ["--header"]
        hdr = ["id"] + names + ["note"]
        if csv and rng.random() < 0.5:
            hdr[0] = '"id, name"'
        lit(",".join(hdr) + eol)
        sel = rng.choice(["a0-a%d" % (width - 1), "2-%d" % (width + 1),
                          ",".join(names), "a0," + "3-%d" % (width + 1)
                          if width > 1 else "a0"])
    else:
        sel = rng.choice(["2-%d" % (width + 1), ",".join(
            str(k + 2) for k in range(width))])
    args += ["-f", sel]
    for r, row in enumerate(rows):
        lit(label(rng, r, csv) + ",")
        cells = [None] * width
        where = sorted(rng.sample(range(width), len(row)))
        for k, w in enumerate(where):
            cells[w] = k
        for w, k in enumerate(cells):
            if w:
                lit(",")
            if k is None:
                lit(rng.choice(["", "", " "] + (['""', '" "'] if csv else [])))
            else:
                num(row[k][0], (r, k), quote=csv and rng.random() < 0.4,
                    pad=rng.random() < 0.2)
        lit("," + rng.choice(["n", "", "note %d" % r] +
                             (['"a, b"', '"q ""x"""'] if csv else [])))
        lit(eol)
    return args, "".join(text), tpl


def match(tpl, out, expect, fmt):
    """Walk relu's output along the template. Yields (key, got text) for
    each converted field; raises ValueError at the first literal that
    differs."""
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


# --- Batches ------------------------------------------------------------------

FUNCS = [("softmax", False), ("softmax", True), ("softmin", False),
         ("softmin", True), ("log_softmax", False), ("log_softmax", True)]
LAYOUTS = ["blank", "blank_crlf", "comma", "comma_crlf", "csv", "csv_crlf",
           "comma_header", "csv_header", "csv_header_crlf"]


def cli_args(func, deriv, dtype):
    a = ["-F", func] + (["-g"] if deriv else [])
    if dtype != "float64" or random.random() < 0.3:
        a += ["--dtype", dtype]
    return a


def run_batch(job):
    """One relu run: job = (relu, seed, func, deriv, dtype, layout, nrows,
    long_rows, jobs, max_shown). Returns (label, checked, failed,
    messages, seconds)."""
    relu, seed, func, deriv, dtype, layout_name, nrows, long_rows, jobs, \
        max_shown, tie = job
    rng = random.Random(seed)
    random.seed(seed)
    fmt = FORMATS[dtype]
    rows = []
    for r in range(nrows):
        kind = rng.choice(KINDS)
        n = rng.randint(1000, 4000) if r < long_rows else None
        if r < long_rows and fmt.p < 12 and (tie or rng.random() < 0.5):
            kind = "tiebreak"
        raw = gen_row(rng, fmt, kind, -1 if tie and r == 0 else n)
        if kind == "tiebreak" and func == "softmin":
            raw = [-t for t in raw]
        rows.append([input_text(rng, fmt, x) for x in raw])
    width = max(len(r) for r in rows) + (1 if rng.random() < 0.5 else 0)
    args, text, tpl = build(rng, fmt, layout_name, rows, width)
    argv = [relu] + cli_args(func, deriv, dtype) + args + \
        (["-j", str(jobs)] if jobs else [])
    label_ = f"{func}{chr(39) if deriv else ''} {dtype} {layout_name}" + \
        (f" -j {jobs}" if jobs else "")
    t0 = time.time()
    expect = [reference(fmt, func, deriv, [v for _, v in row])
              for row in rows]
    t_ref = time.time() - t0
    proc = subprocess.run(argv, input=text.encode(), capture_output=True)
    out = proc.stdout.decode("utf-8", "replace")
    msgs = []
    nvals = sum(len(r) for r in rows)
    if proc.returncode != 0 or proc.stderr:
        msgs.append(f"{label_}: exit {proc.returncode}, stderr "
                    f"{proc.stderr[:300]!r}")
        return label_, nvals, nvals, msgs, t_ref
    checked = failed = 0
    bad_rows = set()
    try:
        for (r, k), got in match(tpl, out, expect, fmt):
            checked += 1
            want = expect[r][k]
            ok = shortest_texts(fmt, want)
            if got in ok:
                continue
            failed += 1
            bad_rows.add(r)
            if len(msgs) < max_shown:
                back = read_number(fmt, got)
                why = "text not the shortest nearest" if back is not None \
                    and same(back, want) else "wrong value"
                msgs.append(
                    f"{label_}: row {r} element {k} (input {rows[r][k][0]}): "
                    f"got {got!r}, expected {' or '.join(sorted(ok))} "
                    f"({want.hex() if math.isfinite(want) else want}): {why}"
                    f"\n    reproduce: {repro(argv, tpl, text, rows, r)}")
    except ValueError as e:
        pos, piece = e.args
        failed += nvals - checked
        msgs.append(f"{label_}: output differs at byte {pos}: expected "
                    f"{piece!r}, got {out[pos:pos + 60]!r}")
    return label_, checked, failed, msgs, t_ref


def repro(argv, tpl, text, rows, r):
    """A shell command that feeds row r alone (after the header, if any)."""
    lines = text.splitlines(keepends=True)
    hdr = lines[0] if "--header" in argv else ""
    rec = record_text(tpl, text, r)
    cmd = " ".join(shlex.quote(a) for a in ["relu"] + argv[1:])
    return f"printf %s {shlex.quote(hdr + rec)} | {cmd}"


def record_text(tpl, text, r):
    """The input bytes of the record that holds row r."""
    pos = 0
    spans = []  # (start, end, row)
    cur_row, cur_start = None, 0
    for piece in tpl:
        if isinstance(piece, str):
            seg = piece
        else:
            j = pos
            while j < len(text) and text[j] not in SLOT_END:
                j += 1
            seg = text[pos:j]
            cur_row = piece[0]
        pos += len(seg)
        if isinstance(piece, str) and piece.endswith("\n"):
            if cur_row == r:
                return text[cur_start:pos]
            cur_start, cur_row = pos, None
    return text[cur_start:]


# --- Record-level rules ---------------------------------------------------------


def out_line(func, deriv, dtype, texts, seps):
    """The expected output of a record of number texts joined by seps."""
    fmt = FORMATS[dtype]
    vals = [read_number(fmt, t) for t in texts]
    exp = reference(fmt, func, deriv, vals)
    outs = [min(shortest_texts(fmt, v)) for v in exp]
    res = outs[0]
    for s, o in zip(seps, outs[1:]):
        res += s + o
    return res


def rule_cases():
    """(argv, stdin, stdout, stderr, status) from README's rules."""
    sm = out_line("softmax", False, "float64", ["0", "0"], [" "])
    l3 = out_line("softmax", False, "float64", ["1", "2", "3"], [" ", " "])
    msg2 = "relu: line 2, field 1: invalid number: 'x'\n"
    inp = "0 0\nx 1\n1 2 3\n"
    cases = [
        (["-F", "softmax"], inp, sm + "\n", msg2, 2),
        (["-F", "softmax", "--invalid=abort"], inp, sm + "\n", msg2, 2),
        (["-F", "softmax", "--invalid=fail"], inp,
         sm + "\nx 1\n" + l3 + "\n", msg2, 2),
        (["-F", "softmax", "--invalid=warn"], inp,
         sm + "\nx 1\n" + l3 + "\n", msg2, 0),
        (["-F", "softmax", "--invalid=ignore"], inp,
         sm + "\nx 1\n" + l3 + "\n", "", 0),
        # every bad field of the record is reported, in field order
        (["-F", "softmin", "--invalid=warn"], "1 y 1.5x\n0 0\n",
         "1 y 1.5x\n" + out_line("softmin", False, "float64", ["0", "0"],
                                 [" "]) + "\n",
         "relu: line 1, field 2: invalid number: 'y'\n"
         "relu: line 1, field 3: invalid number: '1.5x'\n", 0),
        # abort writes nothing of the record, not even its first fields
        (["-F", "log_softmax", "-d", ",", "-f", "2-"],
         "a,1,2\nb,3, x \nc,4\n",
         "a," + out_line("log_softmax", False, "float64", ["1", "2"], [","])
         + "\n", "relu: line 2, field 3: invalid number: 'x'\n", 2),
        # a bad field that is not selected changes nothing
        (["-F", "softmax", "-f", "2-"], "abc 0 0\n", "abc " + sm + "\n",
         "", 0),
        # empty fields are no element; a record without one is unchanged
        (["-F", "log_softmax", "-d", ",", "-f", "2-"],
         "r1,0,\nr2,,\nr3,,5,\n", "r1,0,\nr2,,\nr3,,0,\n", "", 0),
        (["-F", "softmax", "-g", "-d", ",", "-f", "2-"],
         "r1,0,,0\n", "r1,0.25,,0.25\n", "", 0),
        # README's example
        (["-d", ",", "--header", "-f", "2-", "-F", "log_softmax",
          "--invalid=warn"], "id,a,b\nr1,0,\nr2,1,x\nr3,-inf,0\n",
         "id,a,b\nr1,0,\nr2,1,x\nr3,-inf,0\n",
         "relu: line 3, field 3: invalid number: 'x'\n", 0),
        # the narrow dtypes follow the same rules
        (["-F", "softmax", "--dtype", "float16", "--invalid=fail"],
         "1 2\n3 nope\n", out_line("softmax", False, "float16", ["1", "2"],
                                   [" "]) + "\n3 nope\n",
         "relu: line 2, field 2: invalid number: 'nope'\n", 2),
        # arguments are records: each its own vector
        (["-F", "softmax", "1", "2", "3"], None, "1\n1\n1\n", "", 0),
        (["-F", "softmin", "1 2 3"], None,
         "0.6652409557748219 0.24472847105479764 0.09003057317038046\n",
         "", 0),
    ]
    # -j 2 gives the bytes and messages of one thread
    many = "".join(("%d %d\n" % (i, -i)) if i % 97 else "bad %d\n" % i
                   for i in range(1, 3000))
    exp = "".join(("%s\n" % out_line("softmax", False, "float64",
                                     [str(i), str(-i)], [" "]))
                  if i % 97 else "bad %d\n" % i for i in range(1, 3000))
    err = "".join("relu: line %d, field 1: invalid number: 'bad'\n" % i
                  for i in range(97, 3000, 97))
    cases.append((["-F", "softmax", "--invalid=fail", "-j", "2"], many, exp,
                  err, 2))
    return cases


def check_rules(relu, max_shown):
    checked = failed = 0
    msgs = []
    for argv, stdin, want_out, want_err, want_rc in rule_cases():
        checked += 1
        proc = subprocess.run([relu] + argv, capture_output=True,
                              input=None if stdin is None else stdin.encode())
        got = (proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"), proc.returncode)
        if got != (want_out, want_err, want_rc):
            failed += 1
            if len(msgs) < max_shown:
                cmd = " ".join(shlex.quote(a) for a in ["relu"] + argv)
                if stdin is not None:
                    cmd = f"printf %s {shlex.quote(stdin[:200])} | {cmd}"
                msgs.append(f"rules: {cmd}\n    expected {want_out[:200]!r}, "
                            f"{want_err[:200]!r}, exit {want_rc}\n    got      "
                            f"{got[0][:200]!r}, {got[1][:200]!r}, exit {got[2]}")
    return checked, failed, msgs


# --- Main -------------------------------------------------------------------------


def jobs_for(relu, seed, long_mode, max_shown, rows_per_batch=None):
    rng = random.Random(seed)
    out = []
    rounds = 6 if long_mode else 1
    nrows = rows_per_batch or (60 if long_mode else 24)
    for rnd in range(rounds):
        for dtype in FORMATS:
            for func, deriv in FUNCS:
                for layout_name in LAYOUTS:
                    jobs = 2 if rng.random() < 0.15 else None
                    long_rows = 1 if rng.random() < (0.1 if long_mode
                                                      else 0.03) else 0
                    # the ties of bfloat16 and float16 that a negligible
                    # element decides, once per derivative and layout kind
                    tie = rnd == 0 and deriv and dtype == "bfloat16" \
                        and layout_name in (
                            "blank", "csv_header")
                    out.append((relu, rng.getrandbits(48), func, deriv, dtype,
                                layout_name, nrows, max(long_rows, tie), jobs,
                                max_shown, tie))
    return out


def check(relu, seed, long_mode, jobs, max_shown, rows_per_batch=None,
          quiet=False, stride=1):
    t0 = time.time()
    todo = jobs_for(relu, seed, long_mode, max_shown, rows_per_batch)
    if stride > 1:  # the self-test: a sample, without the long rows
        todo = [j[:7] + (0,) + j[8:10] + (False,) for j in todo[::stride]]
    totals = {}
    shown = []
    checked = failed = 0
    with multiprocessing.Pool(jobs) as pool:
        for label_, c, f, msgs, _ in pool.imap_unordered(run_batch, todo):
            key = " ".join(label_.split()[:2])
            tc, tf = totals.get(key, (0, 0))
            totals[key] = (tc + c, tf + f)
            checked += c
            failed += f
            shown += msgs[:max(0, max_shown - len(shown))]
    rc, rf, rmsgs = check_rules(relu, max_shown)
    if not quiet:
        for key in sorted(totals):
            c, f = totals[key]
            print(f"{key:28} {c:8} checked, {f} failed")
        print(f"{'record rules':28} {rc:8} checked, {rf} failed")
        for m in shown + rmsgs:
            print("FAIL " + m)
        print(f"softmax_check: {checked + rc} checked, {failed + rf} failed "
              f"in {time.time() - t0:.0f} s (seed {seed})")
    return failed + rf, shown + rmsgs


WRAPPER = r'''#!/usr/bin/env python3
import re, subprocess, sys
mode = sys.argv[1]
p = subprocess.run([sys.argv[2]] + sys.argv[3:], stdin=sys.stdin.buffer,
                   capture_output=True)
out = p.stdout.decode("utf-8", "surrogateescape")
tok = r"(?<=[ ,\t\"\n])%s(?=[ ,\t\"\r\n])"
if mode == "value":  # one value changed
    def bump(m):
        return repr(float(m.group(0)) * 1.0625)
    out = re.sub(tok % r"\d\.\d+", bump, out, count=1)
elif mode == "negzero":  # -0 printed as 0
    out = re.sub(tok % r"-0", "0", out, count=1)
elif mode == "digits":  # a text that is not the shortest
    out = re.sub(tok % r"\d\.\d+", lambda m: m.group(0) + "0", out, count=1)
elif mode == "cr":  # a CR lost
    out = out.replace("\r", "", 1)
elif mode == "lastbit":  # the last bit of every 50th converted double
    n = [0]
    def flip(m):
        n[0] += 1
        if n[0] % 50:
            return m.group(0)
        import struct
        v = float(m.group(0))
        b = struct.unpack("<Q", struct.pack("<d", v))[0] ^ 1
        return repr(struct.unpack("<d", struct.pack("<Q", b))[0])
    out = re.sub(tok % r"\d\.\d{12,}(?:e-\d+)?", flip, out)
sys.stdout.write(out)
sys.stderr.buffer.write(p.stderr)
sys.exit(p.returncode)
'''


def self_test(relu):
    """Each wrong wrapper must fail the check; the honest one must pass."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ["none", "value", "negzero", "digits", "cr", "lastbit"]:
            path = os.path.join(tmp, "wrong_relu_" + mode)
            with open(path, "w") as f:
                f.write("#!/bin/sh\nexec %s %s %s %s \"$@\"\n" % (
                    shlex.quote(sys.executable),
                    shlex.quote(os.path.join(tmp, "wrapper.py")),
                    mode, shlex.quote(os.path.abspath(relu))))
            os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
        with open(os.path.join(tmp, "wrapper.py"), "w") as f:
            f.write(WRAPPER)
        for mode in ["none", "value", "negzero", "digits", "cr", "lastbit"]:
            path = os.path.join(tmp, "wrong_relu_" + mode)
            failed, msgs = check(path, 7, False, 2, 3, rows_per_batch=8,
                                 quiet=True, stride=4)
            good = (failed == 0) == (mode == "none")
            ok &= good
            print(f"self-test {mode:8}: {failed} failed "
                  f"({'as it should' if good else 'WRONG'})"
                  + (f"; first: {msgs[0].splitlines()[0][:150]}"
                     if msgs else ""))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("relu")
    ap.add_argument("--long", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--max-shown", type=int, default=20)
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        sys.exit(0 if self_test(a.relu) else 1)
    failed, _ = check(a.relu, a.seed, a.long, a.jobs, a.max_shown)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
