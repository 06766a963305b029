#!/usr/bin/env python3
"""Check relu --dtype on the smooth functions against an independent reference.

Usage: dtype_family.py RELU [--long] [--jobs J] [--seed S] [--only NAME]
                            [--format NAME] [--max-shown K]
       dtype_family.py --self-test

Written from README alone (never from src/): the functions elu, selu, celu,
gelu (both forms), silu, mish, softplus, hardswish, hardsigmoid, sigmoid,
tanh, softsign, logsigmoid and tanhshrink (from its contract: x - tanh x,
derivative tanh(x)**2), values and derivatives, with --dtype
float32, bfloat16 and float16. README's rules for a dtype: the input text
is rounded once to the dtype; the parameters are the doubles they parse
to; the result is the exact value of the formula at that input rounded
ONCE to the dtype (never through the double nearest to it), with float64's
conventions for zeros, NaN, limits and kinks; the output is the shortest
text that reads back in the dtype.

The expected values come from reference.py (mpmath with a running error
bound, raising the precision until the rounding is decided) rounded to the
dtype's own grid (reference.Target); texts are read, and outputs checked,
by dtype_check.py's exact rational code (input_text, check_text).

What it runs, per format:
  bfloat16, float16  with --long, all 65,536 bit patterns through every
                     function and derivative at the default parameters and
                     at the extra parameter sets; by default a seeded
                     sample of SAMPLE16 patterns plus the targeted inputs;
  float32            the targeted inputs and random bit patterns (a third
                     within a few binades of 1): SAMPLE32 by default,
                     1,000,000 per default-parameter configuration (250,000
                     per extra parameter set) with --long.
The extra parameter sets: elu and celu with alpha 0.5, 2, -1.5 and two
alphas that are ties of the format (1 + 2^-p, where the tie goes to even
1, and 1 + 3 2^-p, where it goes up; far left elu and celu lie just
beside -alpha, so the tie is decided by the side), softplus with beta 2
threshold 5 and beta 0.3.
The targeted inputs: the subnormals near the smallest, odd multiples of
2^-k where f(x) ~ x/2 or 1/2 +- x/4 or 1/2 + x/2 lands on a tie of the
format up to a term below a double's ulp (so that a double rounded again
ties the wrong way), the kinks and thresholds (0, +-3, +-1.5, +-6, the
softplus switches), where exp over- and underflows in the format and in
double, where results turn subnormal, the roots of the derivatives of
silu, mish and gelu (both forms), large magnitudes, +-0, +-inf, NaN;
for tanhshrink, where x - tanh x ~ x**3/3 and tanh(x)**2 ~ x**2 turn
subnormal and round to zero in the format, 2**-30..1, 19..40 where tanh
saturates, and [2**p, 2**(p+1)), where x - tanh x is a tie of the format
plus a term far below a double's ulp.

Every output line is checked: the value bit for bit in the dtype (after
reading its text by the dtype's rule), the sign of zeros (either sign
where reference.py leaves it open), NaN with its sign, inf, and the text
itself (shortest, nearest, layout). Prints a summary per format and
configuration (`N checked, M failed`), the first mismatches of each with
input, expected (hex) and got, and exits 1 on any failure (a run of relu
that fails counts every line of it as failed).
"""

import argparse
import math
import multiprocessing
import os
import random
import struct
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dtype_check as dc  # noqa: E402
import inputs  # noqa: E402
import reference  # noqa: E402

SAMPLE16 = 3_000
SAMPLE32 = 2_500
LONG32 = 1_000_000
LONG32_EXTRA = 250_000
CHUNK = 1_000

FORMATS = {"bfloat16": dc.BFLOAT16, "float16": dc.FLOAT16,
           "float32": dc.FLOAT32}


def target(fmt):
    """reference.py's description of a format."""
    return reference.Target(fmt.p, fmt.emin, fmt.emax)


TARGETS = {name: target(fmt) for name, fmt in FORMATS.items()}


# --- Configurations ---------------------------------------------------------

class FamConfig:
    """One relu invocation: a reference function (reference.NAMES), value
    or derivative, its parameters as texts (read as doubles), and relu's
    arguments."""

    def __init__(self, func, deriv, alpha="1", beta="1", threshold="20",
                 extra=False, args=None, label=None):
        self.func, self.deriv, self.extra = func, deriv, extra
        self.alpha, self.beta, self.threshold = \
            float(alpha), float(beta), float(threshold)
        if args is None:
            args = ["-F", "gelu", "--approximate", "tanh"] \
                if func == "gelu_tanh" else ["-F", func]
        self.args = list(args) + (["-g"] if deriv else [])
        self.label = label or func + ("'" if deriv else "")

    def __repr__(self):
        return self.label


def exact_text(q):
    """The exact decimal text of a dyadic Fraction q > 0."""
    return dc.fixed_text(False, *dc.exact_digits(q))


def tie_alphas(fmt):
    """Two alphas just above 1 that are ties of fmt: 1 + 2^-p (between 1
    and 1 + 2^(1-p), to even: 1) and 1 + 3 2^-p (to even: upwards)."""
    ulp_half = dc.pow2(-fmt.p)
    return [exact_text(1 + ulp_half), exact_text(1 + 3 * ulp_half)]


def configs(fmt):
    out = []
    for func in reference.NAMES:
        for deriv in (False, True):
            out.append(FamConfig(func, deriv))
    for deriv in (False, True):
        d = "'" if deriv else ""
        for func in ("elu", "celu"):
            for a in ["0.5", "2", "-1.5"] + tie_alphas(fmt):
                # spelled three ways: --alpha X, --alpha=X, -aX
                style = len(out) % 3
                opt = (["--alpha", a], ["--alpha=" + a], ["-a" + a])[style]
                out.append(FamConfig(func, deriv, alpha=a, extra=True,
                                     args=["-F", func] + opt,
                                     label=f"{func}{d}(alpha={a})"))
        out.append(FamConfig("softplus", deriv, beta="2", threshold="5",
                             extra=True,
                             args=["-F", "softplus", "--beta", "2",
                                   "--threshold=5"],
                             label=f"softplus{d}(beta=2,threshold=5)"))
        out.append(FamConfig("softplus", deriv, beta="0.3", extra=True,
                             args=["-F", "softplus", "--beta=0.3"],
                             label=f"softplus{d}(beta=0.3)"))
    return out


def selected(cfgs, only):
    if not only:
        return cfgs
    return [c for c in cfgs if c.func in only or
            c.label.split("(")[0].rstrip("'") in only or c.label in only]


# --- Expected results -------------------------------------------------------

def bits_of(fmt, value):
    """The bits of a double that is a value of fmt (or inf, NaN)."""
    negative = math.copysign(1.0, value) < 0
    if math.isnan(value):
        return fmt.nan(negative)
    if math.isinf(value):
        return (fmt.sign if negative else 0) | fmt.inf
    bits = fmt.round_signed(Fraction(value), negative)
    assert fmt.decode(bits)[2] == abs(Fraction(value)), \
        f"reference result {value!r} is not a value of {fmt}"
    return bits


def value_of(fmt, bits):
    """The double that a non-NaN pattern of fmt is (exact)."""
    kind, negative, mag = fmt.decode(bits)
    v = math.inf if kind == "inf" else float(mag)
    return -v if negative else v


def expected(fmt, cfg, xb, tgt=None):
    """(bits, any_zero) relu must print for input bits xb: NaN keeps its
    sign (as float64 prints it), any_zero when either zero is right."""
    if fmt.is_nan(xb):
        return fmt.nan(bool(xb & fmt.sign)), False
    x = value_of(fmt, xb)
    value, any_zero = reference.expected(
        cfg.func, cfg.deriv, x, cfg.alpha, cfg.beta, cfg.threshold,
        tgt or TARGETS[fmt.name])
    return bits_of(fmt, value), any_zero and value == 0


def describe(fmt, bits, any_zero=False):
    if any_zero:
        return "0 or -0 (either sign)"
    kind, negative, mag = fmt.decode(bits)
    if kind == "fin":
        v = float(mag)
        return f"{dc.shortest_text(fmt, bits)} ({fmt.hex(bits)}, " \
               f"{'-' if negative else ''}{v.hex()})"
    return f"{dc.shortest_text(fmt, bits)} ({fmt.hex(bits)})"


_CHECKER = dc.Checker()


def check_line(fmt, want, any_zero, text):
    """None if text is right, else why not."""
    if any_zero:
        return None if text in ("0", "-0") else "want 0 or -0"
    return _CHECKER.check(fmt, want, text)


# --- Inputs -----------------------------------------------------------------

def near(fmt, values, steps=(0, 1, 2, 3, 5, 8, 16, 64)):
    """Bits of each double value rounded to fmt, and of the values `steps`
    steps away from it on both sides (staying finite)."""
    out = set()
    for v in values:
        b = bits_of_any(fmt, v)
        if (b & ~fmt.sign) >= fmt.inf:
            continue
        for s in steps:
            out.add(ordered_step(fmt, b, s))
            out.add(ordered_step(fmt, b, -s))
    return out


def bits_of_any(fmt, v):
    """v (a double) rounded to fmt."""
    if math.isinf(v):
        return (fmt.sign if v < 0 else 0) | fmt.inf
    return fmt.round_signed(Fraction(v), math.copysign(1.0, v) < 0)


def ordered_step(fmt, b, k):
    """The value k steps from b in the order of values (staying finite)."""
    top = fmt.inf - 1
    i = -(b & ~fmt.sign) - 1 if b & fmt.sign else b
    i = max(-top - 1, min(top, i + k))
    return (fmt.sign | (-i - 1)) if i < 0 else i


def uniform(fmt, rng, lo, hi, n):
    """n values uniform in [lo, hi], rounded to fmt."""
    return {bits_of_any(fmt, rng.uniform(lo, hi)) for _ in range(n)}


def tiny_traps(fmt):
    """Inputs where f(x) is x/2, 1/2 + x/4, 1/2 + x/2 (or 1/2 - x/4) plus
    a term far below a double's ulp and the first part is a tie of fmt:
    there a double rounded again ties the wrong way (README's sigmoid at
    -0x1.8p-23 in float32). x/2 ties for odd subnormals and for odd
    values just above the smallest normal; 1/2 + c x ties for x an odd
    multiple of 2^-(p-1) .. 2^-(p+2)."""
    out = set()
    m = fmt.mbits
    for k in list(range(1, 40, 2)) + [(1 << m) - 1, (1 << m) - 3]:
        if k < 1 << m:
            out.update((k, k | fmt.sign))                    # subnormals
    for k in range(1, 40, 2):
        b = (1 << m) | k                                     # min normal +
        out.update((b, b | fmt.sign))
    for shift in range(fmt.p - 3, fmt.p + 4):
        for odd in list(range(1, 64, 2)) + [1001, 4095, 12345]:
            if odd.bit_length() > fmt.p:
                continue
            b = fmt.round(False, odd * dc.pow2(-shift))
            out.update((b, b | fmt.sign))
    return out


def tanhshrink_centers(fmt):
    """Where tanhshrink is hard in fmt: x - tanh x ~ x**3/3 turns
    subnormal ((3 2**emin)**(1/3)) and rounds to zero ((1.5 min_sub)**(1/3));
    tanh(x)**2 ~ x**2 does so at sqrt(2**emin) and sqrt(min_sub/2); the
    derivative 1 - sech(x)**2 passes the last midpoint below 1 (sech**2 =
    2**-(p+1)); x - 1 + (1 - tanh x) is a tie for x from 2**p (ulp 2) on;
    and 2**-5, 1, 19, 40."""
    min_sub = float(fmt.min_sub)
    normal = 2.0 ** fmt.emin
    out = [(3 * normal) ** (1 / 3), (1.5 * min_sub) ** (1 / 3),
           math.sqrt(normal), math.sqrt(min_sub / 2),
           math.acosh(2.0 ** ((fmt.p + 1) / 2)),
           math.acosh(2.0 ** ((fmt.p + 2) / 2)),
           2.0 ** fmt.p, 2.0 ** (fmt.p + 1), 2.0 ** -5, 19.0, 40.0]
    return out + [-v for v in out]


def tanhshrink_traps(fmt):
    """Inputs next to a tie for tanhshrink: x in [2**p, 2**(p+1)) (ulp
    2), where x - tanh x = x - 1 plus a term far below a double's ulp and
    x - 1 is a tie of fmt (a double rounded again ties the wrong way for
    half of them); and x with x**2 a midpoint of fmt and |x| < 2**-28,
    where tanh(x)**2 = x**2 (1 - 2x**2/3 + ...) lies below that tie by
    less than a double's ulp (the significands m with m**2 of exactly
    p + 1 bits). Those are no trap: an odd square is 1 mod 8, so the
    even neighbour of such a tie is always the lower one, where the exact
    value rounds too; they check that the value is taken from below."""
    out = set()
    p = fmt.p
    step = 1 if p < 16 else 1 << (p // 2 - 1)
    found = 0
    for m in range(1 << (p - 1), 1 << p, step):
        sq = m * m
        while sq % 2 == 0:
            sq //= 2
        if sq.bit_length() == p + 1:  # a midpoint: p + 1 bits, the last 1
            for e in (-30, -40, -60):
                if e - p + 1 <= fmt.emin - 1:
                    continue
                b = fmt.round(False, m * dc.pow2(e - p + 1))
                out.update((b, b | fmt.sign))
            found += 1
            if found >= 24:
                break
    base = fmt.round(False, dc.pow2(p))
    for k in list(range(0, 40)) + [(1 << (p - 1)) - 1 - k for k in range(8)]:
        b = base + k
        out.update((b, b | fmt.sign))
    return out


def targeted(fmt, seed):
    """The targeted inputs of one format, as sorted bits."""
    rng = random.Random(f"targeted:{seed}:{fmt.name}")
    bits = set(dc.kink_bits(fmt))
    bits |= tiny_traps(fmt)
    ln_max = math.log(float(fmt.max))            # exp overflows in fmt
    ln_min_normal = fmt.emin * math.log(2)       # results turn subnormal
    ln_min_sub = (fmt.emin - fmt.p + 1) * math.log(2)
    centers = [0.0, 3.0, -3.0, 1.5, -1.5, 6.0, -6.0, 2.5, 20.0, 20 / 0.3,
               40.0, -40.0, 50.0, 60.0, -60.0, 800.0, -800.0, 1000.0,
               -1000.0, 1500.0, -1500.0, 709.782712893384,
               -709.782712893384, -745.1332191019411, 745.1332191019411,
               ln_max, -ln_max, ln_min_normal, -ln_min_normal, ln_min_sub,
               -ln_min_sub, ln_min_sub - math.log(2), 2 * ln_min_normal,
               2 * ln_min_sub, -0.5 * ln_min_normal, -0.5 * ln_min_sub,
               # gelu's value turns subnormal: x^2/2 ~ -ln(min)
               -math.sqrt(-2 * ln_min_normal), -math.sqrt(-2 * ln_min_sub),
               1.0, -1.0, 2.0 ** 63, 2.0 ** 75, -(2.0 ** 70),
               # celu with alpha -1.5: x/alpha near 681, where e**(x/alpha)
               # is still a double; relu 2.0.0 printed NaN for float16 there
               -1021.0, -681.0 * 1.5 - 1]
    for name in ("silu", "mish", "gelu", "gelu_tanh"):
        centers.append(inputs.derivative_root(name))
    centers += tanhshrink_centers(fmt)
    steps = (0, 1, 2, 3, 4, 6, 9, 13, 20, 32, 50, 64, 100, 300, 1000, 5000)
    bits |= near(fmt, centers, steps)
    for lo, hi in ((-3.5, 3.5), (-1, 1), (-0.05, 0.05),
                   (ln_min_sub - 2, ln_min_normal + 2),
                   (ln_max - 2, ln_max + 2), (-ln_max - 2, -ln_max + 2),
                   (-ln_min_sub - 2, -ln_min_normal + 2),
                   (-45, -10), (10, 45), (-0.6 * ln_max, -0.4 * ln_max),
                   (-800, -700), (700, 800), (-1e4, -800), (-10, 10)):
        bits |= uniform(fmt, rng, lo, hi, 30)
    bits |= tanhshrink_traps(fmt)
    for lo, hi in ((2.0 ** -30, 2.0 ** -10), (2.0 ** -10, 1.0),
                   (19.0, 40.0)):
        for _ in range(30):
            v = math.exp(rng.uniform(math.log(lo), math.log(hi)))
            bits.add(bits_of_any(fmt, rng.choice((-1, 1)) * v))
    # large magnitudes, log-uniform up to max
    for _ in range(60):
        e = rng.uniform(3, math.log2(float(fmt.max)))
        b = bits_of_any(fmt, rng.choice((-1, 1)) * 2.0 ** e)
        bits.add(b)
    return sorted(b for b in bits)


def random_bits(fmt, rng, n):
    """n random patterns, a third of them within a few binades of 1."""
    out = []
    for i in range(n):
        b = rng.getrandbits(fmt.nbits)
        if i % 3 == 0:
            lo, hi = fmt.bias - 16, fmt.bias + 12
            b = (b & (fmt.sign | ((1 << fmt.mbits) - 1))) | \
                (rng.randrange(lo, hi) << fmt.mbits)
        out.append(b)
    return out


def items_of(fmt, bits, salt=0):
    """(text, bits) with texts in several styles, all exact."""
    return [(dc.input_text(fmt, b, (i + salt) * 7 + (b >> 3)), b)
            for i, b in enumerate(bits)]


_CACHE = {}


def resolve(spec):
    """Inputs named by spec, generated in the worker:
    ("targeted", fmt, seed), ("sample16", fmt, seed, n),
    ("all16", fmt, start, end), ("random32", seed, start, end)."""
    if spec in _CACHE:
        return _CACHE[spec]
    kind = spec[0]
    if kind == "targeted":
        fmt = FORMATS[spec[1]]
        bits = targeted(fmt, spec[2])
    elif kind == "sample16":
        fmt = FORMATS[spec[1]]
        rng = random.Random(f"sample16:{spec[2]}:{fmt.name}")
        bits = sorted(set(rng.sample(range(1 << 16), spec[3])) -
                      set(targeted(fmt, spec[2])))
    elif kind == "all16":
        fmt = FORMATS[spec[1]]
        bits = list(range(spec[2], spec[3]))
    else:
        fmt = dc.FLOAT32
        rng = random.Random(f"random32:{spec[1]}:{spec[2]}")
        bits = random_bits(fmt, rng, spec[3] - spec[2])
    out = items_of(fmt, bits, len(bits))
    if len(_CACHE) > 4:
        _CACHE.clear()
    _CACHE[spec] = out
    return out


# --- Running relu -----------------------------------------------------------

def run_relu(relu, args, lines, tries=60):
    """dtype_check's run_relu, retried while the executable is missing or
    being replaced (a rebuild), for up to 5 minutes."""
    for attempt in range(tries):
        try:
            return dc.run_relu(relu, args, lines)
        except OSError as error:
            if attempt == tries - 1:
                return None, f"relu {' '.join(args)}: {error}"
            time.sleep(5)


def check_task(task):
    """Worker: run every configuration over one piece of inputs.
    task = (relu, format name, config labels, spec, start, end, extra
    arguments). Returns [(group, checked, failed, [messages])]."""
    relu, fmt_name, labels, spec, start, end, more = task
    fmt = FORMATS[fmt_name]
    items = resolve(spec)[start:end]
    by_label = {c.label: c for c in configs(fmt)}
    results = []
    for label in labels:
        cfg = by_label[label]
        group = f"{fmt_name} {label}"
        if not items:
            continue
        out, error = run_relu(relu, ["--dtype", fmt_name] + cfg.args +
                              more, [t for t, _ in items])
        if out is None:
            results.append((group, len(items), len(items), [error]))
            continue
        failures = []
        for (text, xb), got in zip(items, out):
            want, any_zero = None, False
            try:
                want, any_zero = expected(fmt, cfg, xb)
                why = check_line(fmt, want, any_zero, got)
            except Exception as error:  # a reference failure fails too
                why = f"reference failed: {type(error).__name__}: {error}"
            if why is not None:
                shown = describe(fmt, want, any_zero) if want is not None \
                    else "?"
                failures.append(f"input '{text[:80]}' ({fmt.hex(xb)}): "
                                f"expected {shown}, got '{got}': {why}")
        results.append((group, len(items), len(failures), failures))
    return results


def make_tasks(args):
    tasks = []
    for name in args.format:
        fmt = FORMATS[name]
        cfgs = selected(configs(fmt), args.only)
        main = [c.label for c in cfgs if not c.extra]
        extra = [c.label for c in cfgs if c.extra]
        pieces = []  # (spec, length, labels)
        seed = args.seed
        n_targeted = len(targeted(fmt, seed))
        if not (args.long and fmt.nbits == 16):  # all16 holds them
            pieces.append((("targeted", name, seed), n_targeted,
                           main + extra))
        if fmt.nbits == 16:
            if args.long:
                pieces.append((("all16", name, 0, 1 << 16), 1 << 16,
                               main + extra))
            else:
                n = len(resolve(("sample16", name, seed, args.sample16)))
                pieces.append((("sample16", name, seed, args.sample16), n,
                               main + extra))
        else:
            total = LONG32 if args.long else args.sample32
            total_extra = LONG32_EXTRA if args.long else args.sample32
            step = 20_000 if args.long else total
            for start in range(0, max(total, total_extra), step):
                labels = (main if start < total else []) + \
                    (extra if start < total_extra else [])
                end = start + step
                pieces.append((("random32", seed, start, end), step, labels))
        for spec, length, labels in pieces:
            if not labels:
                continue
            chunk = CHUNK if spec[0] != "random32" else 5_000
            for i, start in enumerate(range(0, length, chunk)):
                # every other piece through relu's threads (-j 2)
                more = ["-j", "2"] if i % 2 else []
                # one task per configuration group of ~8, so that both
                # processes stay busy to the end
                for j in range(0, len(labels), 8):
                    tasks.append((args.relu, name, labels[j:j + 8], spec,
                                  start, start + chunk, more))
    return tasks


# --- Self-test --------------------------------------------------------------

def self_test(full=False):
    """The reference's rounding to each format against dtype_check's,
    hand-worked cases, the traps being traps, and the targeted reference
    against the plain formulas at 3000 bits rounded by dtype_check."""
    failures = 0
    rng = random.Random(99)

    def fail(msg):
        nonlocal failures
        failures += 1
        if failures <= 30:
            print("SELF-TEST FAILED:", msg)

    for name, fmt in FORMATS.items():
        tgt = TARGETS[name]
        qs = []
        for _ in range(20_000 if full else 4_000):
            b = rng.randrange(0, fmt.inf)
            lo = fmt.decode(b)[2]
            hi = fmt.decode(b + 1)[2] if b + 1 < fmt.inf else \
                fmt.max + fmt.ulp_max
            mid = (lo + hi) / 2
            qs += [mid, mid + dc.pow2(-1200), mid - mid * dc.pow2(-80), lo,
                   Fraction(rng.randrange(1, 10 ** 15),
                            rng.randrange(1, 10 ** 15)) *
                   dc.pow2(rng.randrange(fmt.emin - fmt.p - 3,
                                         fmt.emax + 2))]
        for q in qs:
            for neg in (False, True):
                want = fmt.round(neg, q)
                got = reference.round_fraction(-q if neg else q, tgt)
                if q == 0:
                    continue
                if bits_of(fmt, got) != want:
                    fail(f"{name} round_fraction {q}: {got!r}")
                if q.denominator & (q.denominator - 1) == 0:
                    g2 = reference.round_dyadic(neg, q.numerator,
                                                -(q.denominator.bit_length()
                                                  - 1), tgt)
                    if bits_of(fmt, g2) != want:
                        fail(f"{name} round_dyadic {q}: {g2!r}")
    f32, bf, f16 = TARGETS["float32"], TARGETS["bfloat16"], \
        TARGETS["float16"]
    f16fmt = dc.FLOAT16
    h = float.fromhex
    cases = [
        # README's trap: sigmoid(-0x1.8p-23) in float32, once: ...fep-2
        ("sigmoid", 0, h("-0x1.8p-23"), {}, f32, h("0x1.fffffep-2")),
        ("silu", 0, h("0x1p-149"), {}, f32, h("0x1p-149")),
        ("silu", 0, h("-0x1p-149"), {}, f32, -0.0),
        ("gelu", 0, h("0x1p-149"), {}, f32, h("0x1p-149")),
        ("gelu", 0, h("0x1p-24"), {}, f16, h("0x1p-24")),
        ("elu", 0, -1000.0, {"alpha": 1 + 3 * 2 ** -8}, bf, -1.0078125),
        ("elu", 0, -math.inf, {"alpha": 1 + 3 * 2 ** -8}, bf, -1.015625),
        ("elu", 0, -1000.0, {"alpha": 1 + 2 ** -8}, bf, -1.0),
        ("elu", 1, 0.0, {"alpha": 1 + 3 * 2 ** -8}, bf, 1.015625),
        ("elu", 1, -1e-30, {"alpha": 1 + 3 * 2 ** -8}, bf, 1.0078125),
        ("celu", 0, -1e6, {"alpha": 1 + 3 * 2 ** -11}, f16, -1.0009765625),
        ("hardsigmoid", 1, 0.5, {}, bf, 0.1669921875),
        ("selu", 1, 1.0, {}, f16, 1.05078125),
        ("sigmoid", 0, -math.inf, {}, f16, 0.0),
        ("tanh", 0, -0.0, {}, bf, -0.0),
        ("softplus", 0, 20.0, {"beta": 2.0, "threshold": 5.0}, f16, 20.0),
        ("gelu", 0, -1.0, {}, bf, -0.158203125),
        # tanhshrink: +0 at both zeros (-0 - (-0) = +0), value and
        # derivative; a value that rounds to zero keeps x's sign; 1 at
        # +-inf for the derivative, +-inf for the value; x - 1 + (tiny)
        # with x - 1 a tie rounds up (2050 - 1 = 2049 ties between 2048
        # and 2050 in float16, where a double rounded again gives 2048)
        ("tanhshrink", 0, -0.0, {}, bf, 0.0),
        ("tanhshrink", 1, -0.0, {}, f16, 0.0),
        ("tanhshrink", 0, -(2.0 ** -149), {}, f32, -0.0),
        ("tanhshrink", 0, 2.0 ** -30, {}, f16, 0.0),
        ("tanhshrink", 1, -(2.0 ** -24), {}, f16, 0.0),
        ("tanhshrink", 1, -math.inf, {}, bf, 1.0),
        ("tanhshrink", 0, -math.inf, {}, bf, -math.inf),
        ("tanhshrink", 0, 2050.0, {}, f16, 2050.0),
        ("tanhshrink", 0, -2050.0, {}, f16, -2050.0),
        ("tanhshrink", 0, 2048.0, {}, f16, 2047.0),
        ("tanhshrink", 0, 258.0, {}, bf, 258.0),
        ("tanhshrink", 0, 1.0, {}, bf, 0.23828125),
        ("tanhshrink", 1, 100.0, {}, f32, 1.0),
    ]
    for func, d, x, params, tgt, want in cases:
        got = reference.correctly_rounded(func, d, x, target=tgt, **params)
        if not reference.same_double(got, want):
            fail(f"{func} {d} at {x!r} in {tgt}: {got!r}, want {want!r}")
    # the traps are traps: the result rounded through a double differs.
    # x/2 ties with a term below a double's ulp exist for subnormal x in
    # float32 and bfloat16 (not float16, whose 2^-24 squared still fits a
    # double), 1/2 + c x ties only in float32; far left elu with the
    # alpha 1 + 3 2^-p lies just inside a tie in every format.
    for name, func, d, params in (
            ("float32", "sigmoid", 0, {}), ("float32", "silu", 1, {}),
            ("float32", "silu", 0, {}), ("bfloat16", "silu", 0, {}),
            ("bfloat16", "gelu", 0, {}), ("float32", "logsigmoid", 1, {}),
            ("float16", "elu", 0, {"alpha": float(tie_alphas(f16fmt)[1])}),
            ("float16", "tanhshrink", 0, {}),
            ("bfloat16", "tanhshrink", 0, {}),
            ("float32", "tanhshrink", 0, {}),
            ("bfloat16", "celu", 0,
             {"alpha": float(tie_alphas(dc.BFLOAT16)[1])})):
        fmt = FORMATS[name]
        n = 0
        xs = tiny_traps(fmt) if not params else \
            near(fmt, [-1000.0, -3000.0], (0, 1, 2, 5))
        if func == "tanhshrink":
            xs = tanhshrink_traps(fmt)
        for b in xs:
            x = value_of(fmt, b)
            once = reference.correctly_rounded(func, d, x,
                                               target=TARGETS[name], **params)
            twice = bits_of_any(fmt, reference.correctly_rounded(
                func, d, x, **params))
            n += bits_of(fmt, once) != twice
        if n == 0:
            fail(f"{name} {func} {d}: no double-rounding trap among "
                 f"its targeted inputs")
        else:
            print(f"self-test: {name} {func}{chr(39) * d}{params or ''}: "
                  f"{n} of {len(xs)} targeted inputs round differently "
                  f"through a double")
    # the reference's rounding to each format against the plain formulas
    # at 3000 bits, rounded by dtype_check's own code
    import mpmath
    checked = 0
    for name, fmt in FORMATS.items():
        rng2 = random.Random(name)
        for func in reference.NAMES:
            for d in (0, 1):
                for _ in range(40 if full else 8):
                    b = bits_of_any(fmt, rng2.uniform(-12, 12))
                    x = value_of(fmt, b)
                    if x == 0:
                        continue
                    got = reference.correctly_rounded(
                        func, d, x, target=TARGETS[name])
                    with mpmath.mp.workprec(3000):
                        v = mpmath.mpf(reference._naive(func, d, x, 1.0, 1.0,
                                                        20.0))
                        man, exp = mpmath.frexp(v)
                        q = Fraction(int(man * mpmath.mpf(2) ** 3000)) * \
                            dc.pow2(exp - 3000)
                    plain = fmt.round(q < 0, abs(q))
                    checked += 1
                    if plain != bits_of(fmt, got):
                        fail(f"{name} {func} {d} at {x!r}: reference "
                             f"{got!r}, plain formula {describe(fmt, plain)}")
    print(f"self-test: {checked} values against the plain formulas")
    # every input text reads back to its bits
    for name, fmt in FORMATS.items():
        for text, b in items_of(fmt, targeted(fmt, 0)):
            got = dc.read(fmt, text)
            if fmt.is_nan(b):
                ok = fmt.is_nan(got) and (got ^ b) & fmt.sign == 0
            else:
                ok = got == b
            if not ok:
                fail(f"{name} input text {text!r} for {fmt.hex(b)}")
    print(f"self-test: {failures} failures")
    return failures


# --- Main -------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("relu", nargs="?", help="the relu executable")
    parser.add_argument("--long", action="store_true",
                        help="bfloat16 and float16 exhaustively, a million "
                             "float32 values per configuration")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample16", type=int, default=SAMPLE16,
                        help=f"random patterns per 16-bit format besides "
                             f"the targeted ones (default {SAMPLE16})")
    parser.add_argument("--sample32", type=int, default=SAMPLE32,
                        help=f"random float32 patterns besides the "
                             f"targeted ones (default {SAMPLE32})")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="only this function (reference name, e.g. "
                             "gelu_tanh) or configuration label")
    parser.add_argument("--format", action="append", choices=list(FORMATS))
    parser.add_argument("--max-shown", type=int, default=5, metavar="K",
                        help="mismatches shown per group (default 5)")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args(argv)
    args.format = args.format or list(FORMATS)
    if not args.self_test and not args.relu:
        parser.error("RELU is required")
    return args


def main(argv):
    args = parse_args(argv)
    start = time.monotonic()
    if args.self_test:
        return 1 if self_test(args.long) else 0
    tasks = make_tasks(args)
    print(f"{len(tasks)} runs of relu on {args.jobs} processes "
          f"({'long' if args.long else 'default'} mode)")
    sys.stdout.flush()
    counts = {}
    shown = {}
    failed_total = 0
    if args.jobs > 1:
        pool = multiprocessing.Pool(args.jobs)
        results = pool.imap_unordered(check_task, tasks)
    else:
        pool = None
        results = map(check_task, tasks)
    try:
        for done, rs in enumerate(results, 1):
            for group, checked, failed, messages in rs:
                c = counts.setdefault(group, [0, 0])
                c[0] += checked
                c[1] += failed
                failed_total += failed
                for m in messages:
                    k = shown.get(group, 0)
                    if k < args.max_shown:
                        print(f"MISMATCH [{group}] {m}")
                    shown[group] = k + 1
            if done % 50 == 0:
                print(f"... {done}/{len(tasks)} runs, "
                      f"{time.monotonic() - start:.0f} s")
                sys.stdout.flush()
    finally:
        if pool is not None:
            pool.terminate()
    print()
    width = max((len(g) for g in counts), default=10)
    for fmt in args.format:
        n = m = 0
        for group in sorted(g for g in counts if g.split()[0] == fmt):
            checked, failed = counts[group]
            n += checked
            m += failed
            print(f"{group:<{width}}  {checked:>9} checked, {failed:>7} "
                  f"failed")
        print(f"{fmt + ' total':<{width}}  {n:>9} checked, {m:>7} failed")
        print()
    total = sum(c[0] for c in counts.values())
    print(f"{'total':<{width}}  {total:>9} checked, {failed_total:>7} "
          f"failed; {time.monotonic() - start:.1f} s")
    return 1 if failed_total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
