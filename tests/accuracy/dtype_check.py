#!/usr/bin/env python3
"""Check relu --dtype against an independent exact-rational reference.

Usage: dtype_check.py RELU [--long] [--seed S] [--jobs J] [--max-shown K]
           [--only FORMAT]... [--function NAME]...
       dtype_check.py --self-test

Written from README's --dtype section alone (never from src/): every number
is an exact Python Fraction, rounded by this file's own code to float32,
bfloat16 or float16 (precision p, normal exponents emin..emax, subnormals,
ties to even, overflow to inf at max + ulp(max)/2), and parsed from its
decimal or hexadecimal text by this file's own parser (never through
float()).

What it checks, for each format:
  exhaustive  bfloat16 and float16: all 65,536 bit patterns through relu,
              leaky_relu, relu6 and hardtanh and their derivatives, at the
              default parameters and at others (alpha 0.2, -3, 1e-30,
              0.1 + one ulp, and one chosen so that a product rounded to a
              double first would tie the wrong way; bounds -0.3/0.3, -2/0,
              0.1/1e5, -1e-50/1e-50, -1e308/1e308);
  sample      float32: the same configurations on random bit patterns
              (4,000; 1,000,000 with --long) and on the values around the
              kinks, bounds, subnormals, max and inf;
  input       the input rounding: decimal and hexadecimal texts at every
              kind of midpoint (between normals, between subnormals, between
              0 and the smallest subnormal, between the largest subnormal
              and the smallest normal, at the overflow threshold), and a
              tiny amount (written with about 60 digits, or 2^-60 relative)
              above and below each, read through relu and through hardtanh
              with bounds +-1e308 (which keeps negatives and -0);
  output      every result text: NaN, inf and zeros by name and sign; a
              finite value must read back (by the rule above) to the
              expected value, no decimal with fewer significant digits may
              read back to it, it must be the nearest of the shortest ones,
              and be laid out as float64 results are (repr's layout); with
              numpy, its digits and exponent must equal numpy's
              format_float_scientific(unique=True) for float16 and float32;
  format      --precision and --format print the dtype's value;
  shrink      threshold, hardshrink and softshrink and their
              derivatives, exhaustive and sampled as above, at 25
              parameter sets (shrink_configs): zero, -0 and negative
              thresholds, values a dtype cannot hold, overflows or flushes
              to zero, a threshold and a lambd just below 1 (they round to
              1 in every narrow dtype), lambd 0, lambd above every finite
              value, two lambds per format that make softshrink's x - lambd
              rounded to a double first tie the wrong way for every input
              of one parity in (1, 2) and (-2, -1), and one whose
              difference underflows to -0;
  sloped      rrelu and prelu (leaky ReLU with the slope (lower +
              upper)/2 computed in double arithmetic, or --weight) and
              their derivatives, exhaustive and sampled as above, at 43
              parameter sets (sloped_configs): the defaults, weights that
              make ties (0.75, 1.5, 0.5 on odd subnormals), overflow or
              underflow, 0 and -0, a double-rounding trap, and bounds
              whose double sum or half rounds (0.1 + 0.3, +-2^-60 + 1.5,
              0 + 5e-324, 0 + 1.5e-323, 1.5e308 + 1.7e308 = inf, -0 + -0,
              -0 + 0);
  product     leaky_relu at 40 alphas per format, each chosen for one
              input so that the product first rounded to a double would
              tie the other way, and 40 more through prelu's weight and
              rrelu's bounds (alpha and alpha, or 0 and 2 alpha);
  difference  softshrink at 40 lambds per format, each chosen likewise
              for one input anywhere in the range;
  cli         README's examples, the aliases, refused names,
              bytes around numbers passing through (-d, --csv, CR, blank
              lines), -j 2, the float64 path (no --dtype, --dtype
              float64, --dtype double) against this reference, float64's
              kept input texts of threshold, hardshrink and softshrink,
              and their usage errors (missing --threshold or --value,
              negative, infinite or NaN --lambd, a parameter the function
              does not have); rrelu's and prelu's kept texts, signed
              zeros and derivatives in float64, and their usage errors
              (infinite or NaN bounds and weight, the lower above the
              upper, the defaults included, a parameter of another
              function).

Prints each mismatch (the first K per group), a summary per format and
group (`N checked, M failed`), and exits 1 on any failure. --self-test
checks the rounding, parsing and shortest-digit code without relu (Python's
struct 'e' and 'f', a brute-force nearest search, float(), float.fromhex(),
repr() and numpy when present), and that softshrink's double-rounding
lambds are traps.
"""

import argparse
import bisect
import multiprocessing
import os
import random
import re
import struct
import subprocess
import sys
import time
from fractions import Fraction

try:
    import numpy
except ImportError:  # the numpy comparison is skipped, and says so
    numpy = None

DEFAULT_SAMPLE = 4_000
LONG_SAMPLE = 1_000_000


# --- Formats and rounding ---------------------------------------------------

def pow2(k):
    return Fraction(1 << k) if k >= 0 else Fraction(1, 1 << -k)


class Format:
    """A binary interchange format: p bits of precision (hidden bit
    included), normal exponents emin..emax, nbits in all. Values are
    handled as bit patterns (ints); NaNs compare by sign only."""

    def __init__(self, name, p, emin, emax, nbits):
        self.name, self.p, self.emin, self.emax = name, p, emin, emax
        self.nbits = nbits
        self.mbits = p - 1
        self.ebits = nbits - 1 - self.mbits
        self.bias = emax
        assert (1 << self.ebits) - 1 == 2 * emax + 1 and emin == 1 - emax
        self.sign = 1 << (nbits - 1)
        self.exp_mask = ((1 << self.ebits) - 1) << self.mbits
        self.inf = self.exp_mask
        self.qnan = self.exp_mask | (1 << (self.mbits - 1))
        self.max = Fraction((1 << p) - 1) * pow2(emax - p + 1)
        self.ulp_max = pow2(emax - p + 1)
        self.min_sub = pow2(emin - p + 1)
        self.one = self.round(False, Fraction(1))
        self._decoded = {}
        self._keys = {}
        self._floats = {}

    def __repr__(self):
        return self.name

    # Rounding an exact rational: the heart of the reference.
    def round(self, negative, mag):
        """Bits of the value nearest to (-1)**negative * mag (a Fraction
        >= 0), ties to even, with subnormals and overflow to inf; a zero
        result keeps the sign."""
        s = self.sign if negative else 0
        n, d = mag.numerator, mag.denominator
        if n == 0:
            return s
        e = n.bit_length() - d.bit_length()  # floor(log2 mag) or one more
        if (n < (d << e)) if e >= 0 else ((n << -e) < d):
            e -= 1
        q = max(e, self.emin) - (self.p - 1)  # exponent of the ulp
        if q >= 0:
            m, r = divmod(n, d << q)
            half = d << q
        else:
            m, r = divmod(n << -q, d)
            half = d
        r2 = 2 * r
        if r2 > half or (r2 == half and m & 1):
            m += 1
        if m == 0:
            return s
        if m == 1 << self.p:  # carried into the next binade
            m >>= 1
            q += 1
        if m < 1 << (self.p - 1):  # subnormal: q is emin - p + 1
            return s | m
        biased = q + self.p - 1 + self.bias
        if biased > 2 * self.bias:  # at or beyond max + ulp(max)/2
            return s | self.inf
        return s | (biased << self.mbits) | (m - (1 << self.mbits))

    def round_signed(self, value, negative_zero=False):
        """Round a signed Fraction; an exact zero takes negative_zero."""
        if value == 0:
            return self.sign if negative_zero else 0
        return self.round(value < 0, abs(value))

    def decode(self, bits):
        """(kind, negative, magnitude): kind 'nan', 'inf' or 'fin', the
        magnitude a Fraction for 'fin'."""
        hit = self._decoded.get(bits)
        if hit is not None:
            return hit
        negative = bool(bits & self.sign)
        biased = (bits & self.exp_mask) >> self.mbits
        frac = bits & ((1 << self.mbits) - 1)
        if biased == (1 << self.ebits) - 1:
            out = ("nan" if frac else "inf", negative, None)
        elif biased == 0:
            out = ("fin", negative, frac * self.min_sub)
        else:
            out = ("fin", negative, ((1 << self.mbits) | frac)
                   * pow2(biased - self.bias - self.mbits))
        if len(self._decoded) < 3_000_000:
            self._decoded[bits] = out
        return out

    def is_nan(self, bits):
        return (bits & self.exp_mask) == self.exp_mask and \
            bits & ((1 << self.mbits) - 1) != 0

    def nan(self, negative):
        return (self.sign if negative else 0) | self.qnan

    def key(self, bits):
        """The value as a Fraction, or a float +-inf, for comparisons."""
        hit = self._keys.get(bits)
        if hit is not None:
            return hit
        kind, negative, mag = self.decode(bits)
        assert kind != "nan"
        if kind == "inf":
            out = float("-inf") if negative else float("inf")
        else:
            out = -mag if negative else mag
        if len(self._keys) < 3_000_000:
            self._keys[bits] = out
        return out

    def float_value(self, bits):
        """The value as a Python float, exact (every value of these
        formats is a double); not for NaN."""
        hit = self._floats.get(bits)
        if hit is not None:
            return hit
        kind, negative, mag = self.decode(bits)
        if kind == "inf":
            out = float("-inf") if negative else float("inf")
        else:
            out = -float(mag) if negative else float(mag)
        if len(self._floats) < 3_000_000:
            self._floats[bits] = out
        return out

    def hex(self, bits):
        return f"0x{bits:0{self.nbits // 4}x}"

    def next_up(self, bits):
        """The next value toward +inf (for finite, non-NaN bits)."""
        if bits == self.sign:  # -0
            return 1
        return bits - 1 if bits & self.sign else bits + 1

    def next_down(self, bits):
        if bits == 0:
            return self.sign | 1
        return bits + 1 if bits & self.sign else bits - 1


FLOAT32 = Format("float32", 24, -126, 127, 32)
BFLOAT16 = Format("bfloat16", 8, -126, 127, 16)
FLOAT16 = Format("float16", 11, -14, 15, 16)
FLOAT64 = Format("float64", 53, -1022, 1023, 64)
FORMATS = {f.name: f for f in (FLOAT32, BFLOAT16, FLOAT16)}


# --- Parsing text exactly ---------------------------------------------------

DECIMAL = re.compile(r"([+-]?)(?:([0-9]+)\.?([0-9]*)|\.([0-9]+))"
                     r"(?:[eE]([+-]?[0-9]+))?")
HEXADECIMAL = re.compile(r"([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|"
                         r"\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?")
SPECIAL = re.compile(r"([+-]?)(inf|infinity|nan)", re.IGNORECASE)


def parse_number(text):
    """('nan' | 'inf' | 'fin', negative, Fraction or None) for a number of
    README's grammar, or None for anything else. Exact: no float()."""
    m = SPECIAL.fullmatch(text)
    if m:
        kind = "nan" if m.group(2).lower() == "nan" else "inf"
        return kind, m.group(1) == "-", None
    m = DECIMAL.fullmatch(text)
    if m:
        whole, frac = (m.group(2), m.group(3)) if m.group(2) is not None \
            else ("", m.group(4))
        scale = int(m.group(5) or 0) - len(frac)
        digits = int(whole + frac)
        if abs(scale) > 200_000:  # never written here; keep Fraction sane
            raise ValueError(f"exponent out of this reference's range: "
                             f"{text[:40]}")
        mag = Fraction(digits * 10 ** scale) if scale >= 0 else \
            Fraction(digits, 10 ** -scale)
        return "fin", m.group(1) == "-", mag
    m = HEXADECIMAL.fullmatch(text)
    if m:
        whole, frac = (m.group(2), m.group(3)) if m.group(2) is not None \
            else ("", m.group(4))
        scale = int(m.group(5) or 0) - 4 * len(frac)
        if abs(scale) > 200_000:
            raise ValueError(f"exponent out of this reference's range: "
                             f"{text[:40]}")
        return "fin", m.group(1) == "-", int(whole + frac, 16) * pow2(scale)
    return None


def read(fmt, text):
    """The bits text reads as in fmt (README's input rule), or None."""
    number = parse_number(text)
    if number is None:
        return None
    kind, negative, mag = number
    if kind == "nan":
        return fmt.nan(negative)
    if kind == "inf":
        return (fmt.sign if negative else 0) | fmt.inf
    return fmt.round(negative, mag)


def read_param(text):
    """A parameter: the double its text denotes, as (kind, neg, mag)."""
    bits = read(FLOAT64, text)
    assert bits is not None, text
    return FLOAT64.decode(bits)


# --- Decimal digits ---------------------------------------------------------

def decimal_exponent(q):
    """e with 10**e <= q < 10**(e + 1), for a Fraction q > 0."""
    n, d = q.numerator, q.denominator
    e = len(str(n)) - len(str(d))
    if (n < d * 10 ** e) if e >= 0 else (n * 10 ** -e < d):
        e -= 1
    return e


def normalize(digits, k):
    """(D, k) with D * 10**k unchanged and no trailing zero in D."""
    if digits == 0:
        return 0, 0
    while digits % 10 == 0:
        digits //= 10
        k += 1
    return digits, k


def digit_count(digits):
    return len(str(digits))


def truncate(q, n):
    """(D, k, exact): D the first n significant digits of q > 0 (rounded
    down), q = D * 10**k exactly when exact."""
    k = decimal_exponent(q) - n + 1
    if k >= 0:
        digits, r = divmod(q.numerator, q.denominator * 10 ** k)
    else:
        digits, r = divmod(q.numerator * 10 ** -k, q.denominator)
    return digits, k, r == 0


def dec_value(digits, k):
    return Fraction(digits * 10 ** k) if k >= 0 else \
        Fraction(digits, 10 ** -k)


def shortest_candidates(fmt, bits):
    """For a finite nonzero value: the decimals (D, k) with the fewest
    significant digits that read back to it, nearest first, ties both:
    a list of one or two normalized (D, k). Brute force over the digit
    count: n digits are enough when the n-digit decimal just below or just
    above the value reads back (any other n-digit one is farther out)."""
    _, negative, mag = fmt.decode(bits)
    n = 1
    while True:
        digits, k, exact = truncate(mag, n)
        if exact:
            return [normalize(digits, k)]
        found = []
        for d in (digits, digits + 1):
            if fmt.round(negative, dec_value(d, k)) == bits:
                found.append((abs(mag - dec_value(d, k)), d))
        if found:
            # nearest first; of a tie, the even last digit first (repr's
            # choice), and both are accepted
            found.sort(key=lambda t: (t[0], t[1] % 2))
            best = [normalize(d, k) for dist, d in found
                    if dist == found[0][0]]
            return best
        n += 1


def exact_digits(mag):
    """(D, k) exactly equal to a dyadic Fraction mag > 0."""
    n, d = mag.numerator, mag.denominator
    j = d.bit_length() - 1
    assert d == 1 << j, "not dyadic"
    return normalize(n * 5 ** j, -j)


def layout(negative, digits, k):
    """Python repr's layout (float64 results' layout in README): fixed for
    decimal exponents -4..15, else d.ddde+XX."""
    s = str(digits)
    n = len(s)
    x = k + n - 1
    if -4 <= x < 16:
        if k >= 0:
            body = s + "0" * k
        elif x >= 0:
            body = s[:x + 1] + "." + s[x + 1:]
        else:
            body = "0." + "0" * (-x - 1) + s
    else:
        body = s[0] + ("." + s[1:] if n > 1 else "") + "e" + \
            ("-" if x < 0 else "+") + f"{abs(x):02d}"
    return ("-" if negative else "") + body


def fixed_text(negative, digits, k):
    """Plain positional notation, no exponent."""
    s = str(digits)
    if k >= 0:
        body = s + "0" * k
    elif len(s) > -k:
        body = s[:k] + "." + s[k:]
    else:
        body = "0." + "0" * (-k - len(s)) + s
    return ("-" if negative else "") + body


def shortest_text(fmt, bits):
    """The text relu must print for bits (the nearest shortest; the first
    of a tie)."""
    kind, negative, mag = fmt.decode(bits)
    if kind == "nan":
        return "-nan" if negative else "nan"
    if kind == "inf":
        return "-inf" if negative else "inf"
    if mag == 0:
        return "-0" if negative else "0"
    digits, k = shortest_candidates(fmt, bits)[0]
    return layout(negative, digits, k)


def hex_text(negative, mag, style):
    """Exact hexadecimal text of a dyadic mag > 0: style 0 an integer
    mantissa (0x3p-2), style 1 normalized (0x1.8p-1)."""
    n, d = mag.numerator, mag.denominator
    j = d.bit_length() - 1
    while n % 2 == 0 and j > 0:
        n //= 2
        j -= 1
    exp = -j
    while n % 2 == 0:
        n //= 2
        exp += 1
    sign = "-" if negative else ""
    if style == 0:
        return f"{sign}0x{n:X}p{exp}" if n > 9 else f"{sign}0x{n}p{exp:+d}"
    nb = n.bit_length() - 1
    frac = n - (1 << nb)
    exp += nb
    if frac == 0:
        return f"{sign}0x1p{exp}"
    width = (nb + 3) // 4
    frac <<= 4 * width - nb
    return f"{sign}0x1.{frac:0{width}x}p{exp:+d}"


def input_text(fmt, bits, style):
    """A text that reads exactly to bits, in one of several styles."""
    kind, negative, mag = fmt.decode(bits)
    if kind == "nan":
        return ("-" if negative else "") + \
            ("nan", "NaN", "NAN", "nAn")[style % 4]
    if kind == "inf":
        return ("-" if negative else ("+" if style % 3 == 2 else "")) + \
            ("inf", "Infinity", "INF")[style % 3]
    if mag == 0:
        return ("-" if negative else "") + \
            ("0", "0.0", "0x0p0", "0e-5", ".0", "0.")[style % 6]
    style %= 6
    if style == 0:
        return shortest_text(fmt, bits)
    if style == 1:
        return fixed_text(negative, *exact_digits(mag))
    if style == 2:
        digits, k = exact_digits(mag)
        return ("-" if negative else "+") + f"{digits}E{k}"
    if style == 3:
        return hex_text(negative, mag, 1)
    if style == 4:
        return hex_text(negative, mag, 0)
    digits, k = shortest_candidates(fmt, bits)[0]  # d.ddd e+x, 0 padded
    s = str(digits) + "000"
    return ("-" if negative else "") + s[0] + "." + s[1:] + \
        f"e{k + len(str(digits)) - 1}"


# --- The functions ----------------------------------------------------------

ANY_NAN = -1  # an expected NaN whose sign the definitions leave open


class Config:
    """One relu invocation: function, derivative or value, parameters (as
    texts, read as doubles), and the command-line arguments."""

    def __init__(self, func, deriv, args, alpha="0.01", lo="-1", hi="1",
                 name=None, threshold="0", value="0", lambd="0.5",
                 weight="0.25", lower="0.125", upper="0.3333333333333333"):
        self.func, self.deriv, self.args = func, deriv, list(args)
        if deriv:
            self.args.append("-g")
        self.alpha_text, self.lo_text, self.hi_text = alpha, lo, hi
        self.alpha = read_param(alpha)
        self.lo = read_param(lo)
        self.hi = read_param(hi)
        # threshold, hardshrink, softshrink: doubles, as every parameter
        self.threshold = read_param(threshold)
        self.value = read_param(value)
        self.lambd = read_param(lambd)
        # rrelu and prelu: leaky ReLU with another slope (a double): prelu's
        # --weight, or rrelu's (lower + upper)/2 in double arithmetic
        self.weight_text, self.lower_text, self.upper_text = \
            weight, lower, upper
        if func == "rrelu":
            self.slope = double_half(double_add(read_param(lower),
                                                read_param(upper)))
        else:
            self.slope = read_param(weight)
        # the same as Python floats, which compare exactly with any value
        # of the formats here (all are doubles)
        self.threshold_f = float(param_key(self.threshold))
        self.lambd_f = float(param_key(self.lambd))
        self.consts = {}  # per format, filled by expected()
        label = func + ("'" if deriv else "")
        self.name = name or label

    def __repr__(self):
        return self.name


def double_add(a, b):
    """a + b in IEEE double arithmetic (round to nearest even), for
    finite doubles as (kind, negative, mag): the sum rounded once, to inf
    where it overflows; an exact zero sum is +0 unless both are -0."""
    (_, an, am), (_, bn, bm) = a, b
    total = (-am if an else am) + (-bm if bn else bm)
    if total == 0:
        negative = an and bn and am == 0 and bm == 0
        return ("fin", negative, Fraction(0))
    return FLOAT64.decode(FLOAT64.round(total < 0, abs(total)))


def double_half(a):
    """a / 2 in IEEE double arithmetic: exact but in the subnormals,
    where it rounds (ties to even); inf stays inf, a zero keeps its
    sign."""
    kind, negative, mag = a
    if kind != "fin":
        return a
    return FLOAT64.decode(FLOAT64.round(negative, mag / 2))


def param_key(p):
    kind, negative, mag = p
    if kind == "inf":
        return float("-inf") if negative else float("inf")
    return -mag if negative else mag


def expected(fmt, cfg, xb):
    """The bits relu must print for input bits xb (ANY_NAN for a NaN of
    either sign)."""
    kind, negative, mag = fmt.decode(xb)
    if kind == "nan":
        return fmt.nan(negative)  # NaN gives NaN, sign kept
    func = cfg.func
    if func in SHRINK:
        return expected_shrink(fmt, cfg, xb, negative, mag)
    if func in SLOPED:
        return expected_sloped(fmt, cfg, xb, kind, negative, mag)
    x = fmt.key(xb)
    consts = cfg.consts.get(fmt.name)
    if consts is None:
        if func == "relu6":
            consts = (Fraction(0), Fraction(6), 0, fmt.round(False,
                                                            Fraction(6)))
        else:
            consts = (param_key(cfg.lo), param_key(cfg.hi),
                      param_bits(fmt, cfg.lo), param_bits(fmt, cfg.hi))
        consts += (param_bits(fmt, cfg.alpha),)  # alpha, rounded to fmt
        cfg.consts[fmt.name] = consts
    lo_key, hi_key, lo_bits, hi_bits, alpha_bits = consts
    if cfg.deriv:
        if func in ("relu", "leaky_relu"):
            if x > 0:
                return fmt.one
            return 0 if func == "relu" else alpha_bits
        return fmt.one if lo_key < x < hi_key else 0
    if func == "relu":
        return xb if x > 0 else 0
    if func == "leaky_relu":
        if x > 0:
            return xb
        akind, aneg, amag = cfg.alpha
        sign = negative != aneg
        if kind == "inf":
            if amag == 0:
                return ANY_NAN  # 0 * inf
            return (fmt.sign if sign else 0) | fmt.inf
        return fmt.round(sign, mag * amag)  # exact product, rounded once
    # relu6 and hardtanh: min(max(x, lo), hi), the bound rounded to fmt;
    # as in float64, a zero bound gives +0, also at x = -0.
    if x < lo_key:
        return 0 if lo_key == 0 else lo_bits
    if x > hi_key:
        return 0 if hi_key == 0 else hi_bits
    if x == 0 and (lo_key == 0 or hi_key == 0):
        return 0
    return xb


SHRINK = ("threshold", "hardshrink", "softshrink")
SLOPED = ("rrelu", "prelu")


def expected_sloped(fmt, cfg, xb, kind, negative, mag):
    """rrelu and prelu (README: leaky ReLU with the slope (lower + upper)/2
    computed in double arithmetic, or with --weight) at a non-NaN input.
    x > 0 (+inf too) gives x, its derivative 1; else the value is the
    exact product slope*x rounded once to fmt, its sign the XOR of the
    signs as in IEEE multiplication (-0 * 0.25 is -0, 0 * -0.5 is -0,
    0 * inf and inf * 0 are NaN), and the derivative the slope (a
    double) rounded to fmt, at 0 too."""
    skind, sneg, smag = cfg.slope
    if kind == "fin" and mag != 0 and not negative or \
            kind == "inf" and not negative:
        return fmt.one if cfg.deriv else xb
    if cfg.deriv:
        return param_bits(fmt, cfg.slope)
    sign = negative != sneg
    if kind == "inf" or skind == "inf":
        if (kind == "inf" and skind == "fin" and smag == 0) or \
                (skind == "inf" and kind == "fin" and mag == 0):
            return ANY_NAN  # 0 * inf
        return (fmt.sign if sign else 0) | fmt.inf
    return fmt.round(sign, mag * smag)  # exact product, rounded once


def expected_shrink(fmt, cfg, xb, negative, mag):
    """threshold, hardshrink and softshrink (README's Functions table) at
    a non-NaN input (mag None for +-inf). Comparisons are exact, against
    the parameter as a double (never rounded to fmt): every value of
    these formats is a double, so Python floats compare them exactly. A
    result that is a parameter (threshold's value) is that double rounded
    once to fmt; softshrink's x -+ lambd is the exact Fraction, rounded
    once; the formulas' 0 is +0 (as relu(-0) is 0)."""
    func = cfg.func
    xf = fmt.float_value(xb)
    if func == "threshold":
        t = cfg.threshold_f
        if cfg.deriv:
            return fmt.one if xf > t else 0
        return xb if xf > t else param_bits(fmt, cfg.value)
    outside = abs(xf) > cfg.lambd_f  # lambd is never negative (README)
    if cfg.deriv:  # 1 off [-lambd, lambd], 0 on it, kinks included
        return fmt.one if outside else 0
    if not outside:
        return 0
    if func == "hardshrink" or mag is None or cfg.lambd_f == 0:  # x
        return xb
    # |x| > lambd > 0: x - lambd or x + lambd, of x's sign and nonzero;
    # rounded once, so it may round to a zero of x's sign
    return fmt.round(negative, mag - cfg.lambd[2])


def param_bits(fmt, p):
    """A parameter (a double) rounded to fmt."""
    kind, negative, mag = p
    if kind == "inf":
        return (fmt.sign if negative else 0) | fmt.inf
    return fmt.round(negative, mag)


def double_rounding_alpha(fmt):
    """An alpha (a double, as repr text) and an input x of fmt such that
    the exact product alpha*x rounds to fmt differently from the product
    first rounded to a double: the double product is a midpoint of fmt
    and ties the other way."""
    for xm in (3, 5, 7, 11, 13):
        for step in range(1, 200):
            # midpoints M = (2**(p-1) + step + 1/2) * 2**-(p-1) in [1, 2)
            # times xm's binade; want exact alpha*xm just off M.
            mid = Fraction(2 * ((1 << (fmt.p - 1)) + step) + 1,
                           1 << fmt.p) * (1 << (xm.bit_length() - 1))
            target = mid / xm
            lower_even = ((1 << (fmt.p - 1)) + step) % 2 == 0
            adouble = FLOAT64.round(False, target)
            aval = FLOAT64.decode(adouble)[2]
            if aval == target:
                continue
            # the other double around target
            other = FLOAT64.next_up(adouble) if aval < target else \
                FLOAT64.next_down(adouble)
            for cand in (adouble, other):
                a = FLOAT64.decode(cand)[2]
                exact = a * xm
                if exact == mid:
                    continue
                if FLOAT64.decode(FLOAT64.round(False, exact))[2] != mid:
                    continue
                # exact above mid must go up, which the tie does not when
                # the lower neighbour is even; and the reverse
                if (exact > mid) != lower_even:
                    continue
                digits, k = shortest_candidates(FLOAT64, cand)[0]
                text = layout(False, digits, k)
                xb = fmt.round(True, Fraction(xm))
                assert fmt.round(True, exact) != \
                    fmt.round(True, FLOAT64.decode(
                        FLOAT64.round(False, exact))[2])
                return text, xb
    raise AssertionError("no double-rounding alpha found")


def softshrink_traps(fmt):
    """Two lambds (doubles, as repr texts), each with an input x of fmt,
    such that x - lambd first rounded to a double is a midpoint of fmt
    and ties the other way than the exact difference rounds: lambd =
    ulp/2 +- 2^-60 for x in [1, 2) (ulp = 2^(1-p)), so x - lambd is the
    midpoint below x minus or plus 2^-60, which a double (ulp 2^-52 there)
    cannot hold. The first traps every x of even significand in (1, 2)
    and (-2, -1) (the tie goes up to x, the exact value down), the second
    every odd one. [(text, x bits)]."""
    out = []
    half = pow2(-fmt.p)
    for sign, parity in ((1, 0), (-1, 1)):
        lam = half + sign * pow2(-60)
        d = FLOAT64.round(False, lam)
        assert FLOAT64.decode(d)[2] == lam
        text = layout(False, *shortest_candidates(FLOAT64, d)[0])
        xb = fmt.one + 2 + parity  # 1 + 2 ulp (even) or 1 + 3 ulp (odd)
        out.append((text, xb))
    return out


def softshrink_once_twice(fmt, lambd_text, xb):
    """softshrink(x) rounded once to fmt, and through a double first."""
    lam = read_param(lambd_text)[2]
    kind, negative, mag = fmt.decode(xb)
    exact = mag - lam
    assert kind == "fin" and exact > 0
    return (fmt.round(negative, exact),
            fmt.round(negative, FLOAT64.decode(FLOAT64.round(False,
                                                             exact))[2]))


def below_value_lambd(fmt):
    """A lambd just below 8 times fmt's smallest subnormal (by 2^-50
    relative): softshrink(-8 min_sub) is -2^-50 (8 min_sub), which rounds
    to -0, and softshrink(8 min_sub) to +0."""
    lam = 8 * fmt.min_sub * (1 - pow2(-50))
    d = FLOAT64.round(False, lam)
    assert FLOAT64.decode(d)[2] == lam
    return layout(False, *shortest_candidates(FLOAT64, d)[0])


def shrink_configs(fmt):
    """threshold, hardshrink and softshrink, values and derivatives: zero
    and negative thresholds, values a dtype cannot hold (0.1, -7.3) or
    overflows (1e300) or flushes to zero (1e-50), -0 as a value, a
    threshold and a lambd just below 1 (both round to 1 in every narrow
    dtype, yet 1 is above them), lambd 0, lambd above every finite value,
    softshrink's double-rounding traps and a lambd whose difference
    underflows to -0."""
    out = []
    for deriv, t, v in ((False, "1", "0.1"),
                        (True, "-0.3", "-7.3"), (False, "-0.3", "-7.3"),
                        (False, "0", "-0"), (False, "-0", "5"),
                        (True, "0.9999999999", "1e300"),
                        (False, "0.9999999999", "1e300"),
                        (True, "-1e-50", "1e-50"),
                        (False, "-1e-50", "1e-50")):
        d = "'" if deriv else ""
        out.append(Config("threshold", deriv,
                          ["-F", "threshold", "--threshold=" + t,
                           "--value", v], threshold=t, value=v,
                          name=f"threshold{d}({t},{v})"))
    up, down = (t for t, _ in softshrink_traps(fmt))
    for func, deriv, lam in (
            ("hardshrink", True, None), ("hardshrink", False, None),
            ("hardshrink", False, "0"),
            ("hardshrink", True, "1.7976931348623157e308"),
            ("hardshrink", False, "1.7976931348623157e308"),
            ("hardshrink", False, "0.9999999999"),
            ("softshrink", True, None), ("softshrink", False, None),
            ("softshrink", True, "0"), ("softshrink", False, "0"),
            ("softshrink", False, "0.1"), ("softshrink", False, "1e300"),
            ("softshrink", False, "0.9999999999"),
            ("softshrink", False, up), ("softshrink", False, down),
            ("softshrink", False, below_value_lambd(fmt))):
        d = "'" if deriv else ""
        args = ["-F", func] + (["--lambd", lam] if lam else [])
        out.append(Config(func, deriv, args, lambd=lam or "0.5",
                          name=f"{func}{d}({lam or 'default'})"))
    return out


# 2^-60: beside 1.5 it vanishes from a double sum (ulp 2^-52 there), so
# rrelu's slope (2^-60 + 1.5)/2 is 0.75 in double arithmetic, and 0.75*x
# is a tie of every narrow format for half of its inputs: the exact sum
# would round those ties up in magnitude (and -2^-60 down).
TINY = "8.673617379884035e-19"


def sloped_configs(fmt):
    """rrelu and prelu, values and derivatives: the defaults; slopes that
    make ties (0.75, 1.5, 0.5 on odd subnormals), overflow (1e5, -3,
    -1e300) or underflow (1e-30, 1e-320); 0, -0, 1, a double-rounding
    trap for fmt; and rrelu's bounds whose sum or half rounds in double
    arithmetic: 0.1 + 0.3 (a tie of doubles, rounded up to 0.4), 0.1 +
    0.2, +-2^-60 + 1.5 (to 1.5), 0 + 5e-324 (the half of the smallest
    subnormal: a tie, to 0), 0 + 1.5e-323 (half is 1.5 times the
    smallest subnormal: a tie, to 2 times), 1.5e308 + 1.7e308 (inf), and
    -0 + -0 (-0), -0 + 0 (+0)."""
    trap, _ = double_rounding_alpha(fmt)
    out = []
    weights = [(None, True), ("0.1", True), ("-0.5", True), ("0", False),
               ("-0", True), ("1", False), ("1.5", False), ("0.75", False),
               ("0.5", False), ("1e-30", False), ("1e-320", True),
               ("1e5", False), ("-1e300", True),
               ("0.10000000000000002", False), (trap, False)]
    for w, with_deriv in weights:
        for deriv in (False, True) if with_deriv else (False,):
            d = "'" if deriv else ""
            args = ["-F", "prelu"] + (["--weight", w] if w else [])
            out.append(Config("prelu", deriv, args, weight=w or "0.25",
                              name=f"prelu{d}({w or 'default'})"))
    bounds = [(None, True), (("0.1", "0.3"), True), (("0.1", "0.2"), False),
              (("0.25", "0.75"), False), ((TINY, "1.5"), False),
              (("-" + TINY, "1.5"), False), (("0", "5e-324"), True),
              (("0", "1.5e-323"), True), (("1.5e308", "1.7e308"), True),
              (("-0", "-0"), True), (("-0", "0"), False),
              (("-3", "-1"), True), (("1e-30", "1e-30"), False),
              ((trap, trap), False), (("0", repr(2 * float(trap))), False)]
    for b, with_deriv in bounds:
        for deriv in (False, True) if with_deriv else (False,):
            d = "'" if deriv else ""
            if b is None:
                args, kw, label = ["-F", "rrelu"], {}, "default"
            else:
                args = ["-F", "rrelu", "--lower=" + b[0], "--upper", b[1]]
                kw, label = {"lower": b[0], "upper": b[1]}, ",".join(b)
            out.append(Config("rrelu", deriv, args, name=f"rrelu{d}({label})",
                              **kw))
    return out


def configs(fmt):
    """The configurations every format runs."""
    trap, _ = double_rounding_alpha(fmt)
    out = []
    for deriv in (False, True):
        d = "'" if deriv else ""
        out += [
            Config("relu", deriv, []),
            Config("leaky_relu", deriv, ["-l"], name=f"leaky_relu{d}"),
            Config("leaky_relu", deriv, ["-F", "leaky_relu", "-a", "0.2"],
                   alpha="0.2", name=f"leaky_relu{d}(0.2)"),
            Config("leaky_relu", deriv, ["-l", "--alpha=-3"], alpha="-3",
                   name=f"leaky_relu{d}(-3)"),
            Config("leaky_relu", deriv, ["-la1e-30"], alpha="1e-30",
                   name=f"leaky_relu{d}(1e-30)"),
            Config("leaky_relu", deriv, ["-l", "--alpha",
                                         "0.10000000000000002"],
                   alpha="0.10000000000000002",
                   name=f"leaky_relu{d}(0.1+ulp)"),
            Config("leaky_relu", deriv, ["-l", "--alpha=" + trap],
                   alpha=trap, name=f"leaky_relu{d}({trap})"),
            Config("relu6", deriv, ["-F", "relu6"]),
            Config("hardtanh", deriv, ["-F", "hardtanh"]),
            Config("hardtanh", deriv, ["-F", "hardtanh", "--min-val=-0.3",
                                       "--max-val", "0.3"],
                   lo="-0.3", hi="0.3", name=f"hardtanh{d}(-0.3,0.3)"),
            Config("hardtanh", deriv, ["-F", "hardtanh", "--min-val=-2",
                                       "--max-val=0"],
                   lo="-2", hi="0", name=f"hardtanh{d}(-2,0)"),
            Config("hardtanh", deriv, ["-F", "hardtanh", "--min-val=0.1",
                                       "--max-val=1e5"],
                   lo="0.1", hi="1e5", name=f"hardtanh{d}(0.1,1e5)"),
            Config("hardtanh", deriv, ["-F", "hardtanh", "--min-val=-1e-50",
                                       "--max-val=1e-50"],
                   lo="-1e-50", hi="1e-50", name=f"hardtanh{d}(-1e-50,1e-50)"),
        ]
    out += shrink_configs(fmt)
    out += sloped_configs(fmt)
    out.append(identity_config())
    # the threaded path (-j) of leaky's negative side, as one thread
    out.append(Config("leaky_relu", False, ["-l", "-j", "2"],
                      name="leaky_relu(-j 2)"))
    return out


def identity_config():
    """hardtanh with bounds +-1e308: the rounded input itself, sign of
    zero included, for every input short of the bounds."""
    return Config("hardtanh", False, ["-F", "hardtanh", "--min-val=-1e308",
                                      "--max-val=1e308"],
                  lo="-1e308", hi="1e308", name="hardtanh(+-1e308)")


# --- Checking one output ----------------------------------------------------

def describe(fmt, bits):
    if bits == ANY_NAN:
        return "nan (either sign)"
    return f"{shortest_text(fmt, bits)} ({fmt.hex(bits)})"


def numpy_digits(fmt, bits):
    """numpy's shortest digits (D, k) for float16 and float32, else None."""
    if numpy is None or fmt.name not in ("float16", "float32"):
        return None
    kind, negative, mag = fmt.decode(bits)
    if kind != "fin" or mag == 0:
        return None
    if fmt.name == "float16":
        value = numpy.frombuffer(struct.pack("<H", bits), numpy.float16)[0]
    else:
        value = numpy.frombuffer(struct.pack("<I", bits), numpy.float32)[0]
    text = numpy.format_float_scientific(value, unique=True, trim="-")
    mant, _, exp = text.lstrip("-").partition("e")
    whole, _, frac = mant.partition(".")
    return normalize(int(whole + frac), int(exp) - len(frac))


def check_text(fmt, bits, text):
    """None if text is what relu must print for bits, else the reason."""
    if bits == ANY_NAN:
        return None if text in ("nan", "-nan") else "not nan"
    kind, negative, mag = fmt.decode(bits)
    if kind != "fin" or mag == 0:
        want = shortest_text(fmt, bits)
        return None if text == want else f"want {want}"
    number = parse_number(text)
    if number is None or number[0] != "fin" or not DECIMAL.fullmatch(text):
        return "not a decimal number"
    back = read(fmt, text)
    if back != bits:
        return f"reads back as {describe(fmt, back)}"
    m = DECIMAL.fullmatch(text)
    whole, frac = (m.group(2), m.group(3)) if m.group(2) is not None \
        else ("", m.group(4))
    got = normalize(int(whole + frac), int(m.group(5) or 0) - len(frac))
    best = shortest_candidates(fmt, bits)
    n_best = digit_count(best[0][0])
    n_got = digit_count(got[0])
    if n_got > n_best:
        # the brute force behind it: an (n_got - 1)-digit decimal reads back
        return f"not shortest: {n_got} digits, " \
               f"{layout(negative, *best[0])} has {n_best}"
    assert n_got == n_best, "reference: fewer digits than the shortest"
    if got not in best:
        return f"not the nearest shortest ({layout(negative, *best[0])})"
    if text != layout(negative, *got):
        return f"layout: want {layout(negative, *got)}"
    npd = numpy_digits(fmt, bits)
    if npd is not None and npd != got:
        return f"numpy's digits are {layout(negative, *npd)}"
    return None


class Checker:
    """Caches output checks by (format, expected bits, text)."""

    def __init__(self):
        self.cache = {}

    def check(self, fmt, want, text):
        key = (fmt.name, want, text)
        hit = self.cache.get(key, 0)
        if hit != 0:
            return hit
        try:
            result = check_text(fmt, want, text)
        except Exception as error:  # a reference failure is a failure too
            result = f"reference failed: {type(error).__name__}: {error}"
        self.cache[key] = result
        return result


# --- Running relu -----------------------------------------------------------

class Tally:
    def __init__(self, max_shown):
        self.counts = {}
        self.max_shown = max_shown
        self.failed_total = 0

    def ok(self, group, n=1):
        self.counts.setdefault(group, [0, 0])[0] += n

    def fail(self, group, message):
        c = self.counts.setdefault(group, [0, 0])
        c[0] += 1
        c[1] += 1
        self.failed_total += 1
        if c[1] <= self.max_shown:
            print(f"MISMATCH [{group}] {message}")
        elif c[1] == self.max_shown + 1:
            print(f"MISMATCH [{group}] ... (further mismatches of this "
                  f"group not shown)")

    def summary(self):
        width = max((len(g) for g in self.counts), default=10)
        print()
        for group, (n, m) in self.counts.items():
            print(f"{group:<{width}}  {n:>9} checked, {m:>6} failed")
        total = sum(c[0] for c in self.counts.values())
        print(f"{'total':<{width}}  {total:>9} checked, "
              f"{self.failed_total:>6} failed")


def run_relu(relu, args, lines):
    """relu's output lines for the input lines, or (None, message)."""
    data = "".join(l + "\n" for l in lines).encode()
    result = subprocess.run([relu] + args, input=data, capture_output=True,
                            check=False)
    if result.returncode != 0 or result.stderr:
        return None, f"relu {' '.join(args)}: exit {result.returncode}: " \
                     f"{result.stderr.decode(errors='replace')[:500]}"
    out = result.stdout.decode(errors="replace").split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(lines):
        return None, f"relu {' '.join(args)}: {len(out)} lines for " \
                     f"{len(lines)} inputs"
    return out, None


def check_group(task):
    """Worker: run each configuration over the inputs and check every line.
    task = (relu, format name, leading arguments (--dtype NAME),
    [(Config, group name)], [(text, input bits)] or a spec for
    resolve_items). Returns [(group, checked, [messages])]."""
    relu, fmt_name, prefix, cfgs, items = task
    fmt = FORMATS.get(fmt_name) or FLOAT64
    if isinstance(items, tuple):
        items = resolve_items(items)
    results = []
    for cfg, group in cfgs:
        out, error = run_relu(relu, prefix + cfg.args, [t for t, _ in items])
        if out is None:
            results.append((group, len(items), [error]))
            continue
        failures = []
        for (text, xb), got in zip(items, out):
            want = None
            try:
                want = expected(fmt, cfg, xb)
                why = _CHECKER.check(fmt, want, got)
            except Exception as error:
                why = f"reference failed: {type(error).__name__}: {error}"
            if why is not None:
                shown = describe(fmt, want) if want is not None else "?"
                failures.append(f"input '{text[:120]}' ({fmt.hex(xb)}): "
                                f"expected {shown}, got '{got}': {why}")
        results.append((group, len(items), failures))
    return results


_CHECKER = Checker()
_ITEMS = {}


def resolve_items(spec):
    """The inputs a task names as (generator, arguments..., start, end),
    generated once per process rather than sent to it."""
    key, length, start, end = spec[:-3], spec[-3], spec[-2], spec[-1]
    if key not in _ITEMS:
        _ITEMS.clear()
        name, *rest = key
        _ITEMS[key] = {"exhaustive": lambda f: exhaustive_items(FORMATS[f]),
                       "float32": float32_items,
                       "float64": float64_items}[name](*rest)
        assert len(_ITEMS[key]) == length, "inputs miscounted"
    return _ITEMS[key][start:end]


# --- Inputs -------------------------------------------------------------------

def exhaustive_items(fmt):
    return [(input_text(fmt, b, b * 7 + (b >> 5)), b)
            for b in range(1 << fmt.nbits)]


def kink_bits(fmt):
    """The values around every kink and bound, the extremes, inf and NaN,
    of both signs."""
    bits = set()
    top = fmt.inf - 1
    special = [0, 1, 2, 3, (1 << fmt.mbits) - 1, (1 << fmt.mbits) - 2,
               1 << fmt.mbits, (1 << fmt.mbits) + 1, top, top - 1, fmt.inf,
               fmt.qnan, fmt.inf + 1, fmt.qnan + 1, fmt.sign - 1]
    for b in special:
        bits.add(b)
        bits.add(b | fmt.sign)
    for center in ("1", "6", "0.3", "0.1", "2", "1e5", "0.01", "1e-30",
                   "0.5", "1e-38", "1e-45", "65504", "3.4e38", "1e-50"):
        c = read(fmt, center)
        if (c & fmt.exp_mask) == fmt.exp_mask or c == 0:
            continue
        for neg in (0, fmt.sign):
            b = c | neg
            for _ in range(6):
                bits.add(b)
                b = fmt.next_up(b)
            b = c | neg
            for _ in range(6):
                bits.add(b)
                b = fmt.next_down(b)
    return sorted(bits)


def float32_items(count, seed):
    """Random bit patterns, and the values around every kink and bound."""
    fmt = FLOAT32
    rng = random.Random(seed)
    items = kink_bits(fmt)
    for fmt2 in (FLOAT16, BFLOAT16, FLOAT32):  # the traps' inputs
        items.append(fmt.round(True, fmt2.decode(
            double_rounding_alpha(fmt2)[1])[2]))
    randoms = [rng.getrandbits(32) for _ in range(count)]
    # a third of the randoms within a few binades of 1, where most data is
    for i in range(0, count, 3):
        randoms[i] = (randoms[i] & 0x807fffff) | \
            (rng.randrange(110, 140) << 23)
    items += randoms
    return [(input_text(fmt, b, i), b) for i, b in enumerate(items)]


def trap_items(fmt, seed, count):
    """[(alpha text, x bits)]: for random negative x, a double alpha such
    that alpha*x first rounded to a double is a midpoint of fmt, which
    ties the other way than the exact product rounds. Results spread
    from the subnormals to near the top of the range."""
    rng = random.Random(seed * 7 + fmt.nbits + fmt.p)
    out = []
    lowest = fmt.emin - fmt.p + 2
    while len(out) < count:
        xb = rng.randrange(1, fmt.inf) | fmt.sign
        x = fmt.decode(xb)[2]
        target_e = rng.randrange(lowest, fmt.emax)
        y = fmt.round(False, pow2(target_e) * Fraction(
            rng.randrange(1 << 20, 1 << 21), 1 << 20))
        if y == 0 or y >= fmt.inf - 1:
            continue
        mid = (fmt.decode(y)[2] + fmt.decode(y + 1)[2]) / 2
        target = mid / x
        a0 = FLOAT64.round(False, target)
        if FLOAT64.decode(a0)[0] != "fin" or FLOAT64.decode(a0)[2] == 0:
            continue
        for a in (a0, FLOAT64.next_up(a0), FLOAT64.next_down(a0)):
            amag = FLOAT64.decode(a)[2]
            exact = amag * x
            if exact == mid:
                continue
            dbl = FLOAT64.decode(FLOAT64.round(False, exact))[2]
            if dbl != mid or fmt.round(False, exact) == fmt.round(False, dbl):
                continue
            out.append((layout(False, *shortest_candidates(FLOAT64, a)[0]),
                        xb))
            break
    return out


def shrink_trap_items(fmt, seed, count):
    """[(lambd text, x bits)]: for random x of either sign, a double lambd
    with |x| - lambd in (|x|/2, |x|) such that |x| - lambd first rounded
    to a double is a midpoint of fmt that ties the other way than the
    exact difference rounds (softshrink's double rounding), from the
    subnormals to the top of the range."""
    rng = random.Random(seed * 11 + fmt.nbits + fmt.p)
    out = []
    while len(out) < count:
        xb = rng.randrange(2, fmt.inf) | (fmt.sign if rng.randrange(2)
                                          else 0)
        x = fmt.decode(xb)[2]
        y = fmt.round(False, x * Fraction(rng.randrange(52, 99), 100))
        if y == 0 or fmt.decode(y + 1)[2] >= x:
            continue
        mid = (fmt.decode(y)[2] + fmt.decode(y + 1)[2]) / 2
        l0 = FLOAT64.round(False, x - mid)
        for lb in (FLOAT64.next_up(l0), FLOAT64.next_down(l0)):
            lam = FLOAT64.decode(lb)[2]
            if lam <= 0:
                continue
            exact = x - lam
            dbl = FLOAT64.decode(FLOAT64.round(False, exact))[2]
            if exact == mid or dbl != mid or \
                    fmt.round(False, exact) == fmt.round(False, dbl):
                continue
            out.append((layout(False, *shortest_candidates(FLOAT64, lb)[0]),
                        xb))
            break
    return out


def midpoint_texts(fmt, a, b, rng):
    """Texts at the midpoint of consecutive values a < b (magnitudes, b
    may be max + ulp for the overflow threshold) and a tiny amount around
    it; each also negated."""
    mid = (a + b) / 2
    out = []
    digits, k = exact_digits(mid)
    n = digit_count(digits)
    e10 = k + n - 1
    forms = [fixed_text(False, digits, k), f"{digits}e{k}",
             f"{str(digits)[0]}.{str(digits)[1:] or '0'}000E+{e10}"
             if e10 >= 0 else
             f"{str(digits)[0]}.{str(digits)[1:] or '0'}000E{e10}",
             "000" + fixed_text(False, digits * 1000, k - 3),
             hex_text(False, mid, rng.randrange(2))]
    out += forms
    # a tiny amount above and below: about 60 digits, or more when the
    # midpoint itself needs more
    width = max(60, n + 3)
    tiny = dec_value(1, e10 - width)
    for v in (mid + tiny, mid - tiny):
        dd, kk = normalize(*truncate(v, width + 1)[:2])
        out.append(fixed_text(False, dd, kk) if rng.randrange(2)
                   else f"{dd}e{kk}")
    # the midpoint cut to 60 significant digits, below and above
    if n > 60:
        dd, kk, _ = truncate(mid, 60)
        out += [f"{dd}e{kk}", f"{dd + 1}e{kk}"]
    # 2^-60 relative above and below, exact in decimal and in hex (beyond
    # a double's 53 bits: a double-rounding trap)
    rel = mid * pow2(-60)
    for v in (mid + rel, mid - rel):
        out.append(fixed_text(False, *exact_digits(v)))
        out.append(hex_text(False, v, 1))
    return out + ["-" + t for t in out]


def rounding_items(fmt, seed):
    """The input-rounding texts of one format: (text, rounded bits)."""
    rng = random.Random(seed)
    pairs = []
    m = fmt.min_sub
    smallest_normal = pow2(fmt.emin)
    pairs.append((Fraction(0), m))                      # 0 | min subnormal
    pairs.append((m, 2 * m))                            # subnormals, odd low
    pairs.append((2 * m, 3 * m))                        # even low
    pairs.append((smallest_normal - 2 * m, smallest_normal - m))
    pairs.append((smallest_normal - m, smallest_normal))  # sub | normal
    pairs.append((smallest_normal, smallest_normal + m))
    ulp1 = pow2(1 - fmt.p)
    pairs.append((Fraction(1), 1 + ulp1))               # even low
    pairs.append((1 + ulp1, 1 + 2 * ulp1))              # odd low
    pairs.append((1 - ulp1 / 2, Fraction(1)))           # across a binade
    pairs.append((6 - 4 * ulp1, Fraction(6)))
    pairs.append((fmt.max - fmt.ulp_max, fmt.max))
    pairs.append((fmt.max, fmt.max + fmt.ulp_max))      # overflow threshold
    for _ in range(12):                                 # random normals
        b = rng.randrange(1 << fmt.mbits,
                          (2 * fmt.bias) << fmt.mbits)
        pairs.append((fmt.decode(b)[2], fmt.decode(b + 1)[2]))
    for _ in range(4):                                  # random subnormals
        b = rng.randrange(1, (1 << fmt.mbits) - 1)
        pairs.append((fmt.decode(b)[2], fmt.decode(b + 1)[2]))
    texts = []
    for a, b in pairs:
        texts += midpoint_texts(fmt, a, b, rng)
    # README's own example, far outside and other fixed cases
    texts += ["1.003906250000000000867361737988403547205962240695953369140625",
              "1e-400", "-1e-400", "1e400", "-1e400", "0x1p-200", "-0x1p-200",
              "0x1p200", "-0x1.fffffffffffffp1023", "1e-9", "-1e-9", "70000",
              "65519.99", "65520", "-65520.0000000000000000000000001",
              "3.4028235e38", "3.4028236e38", "-3.40282357e38",
              "1.4e-45", "7e-46", "7.1e-46", "-7.006492321624085e-46",
              "9.2e-41", "4.6e-41", "5.96e-8", "2.98e-8", "2.99e-8",
              "3.39e38", "3.4e38", "-3.41e38", "0.1", "0.3", "1.001",
              "65504", "65505", "0x1.ffep15", "0x1.fffp15", "0x1.ffefp15",
              "+.5", "5.", "1E+3", "00000.000012345", "123456789012345678",
              "0x.8p1", "0X1P-24", "0x1p-25", "0x1.0000000001p-25"]
    return [(t, read(fmt, t)) for t in texts]


# --- Other checks -------------------------------------------------------------

def format_checks(relu, tally, seed):
    """--precision and --format print the dtype's value (as glibc's printf
    prints that value, which Python's % formatting prints the same way:
    both are exact)."""
    rng = random.Random(seed)
    for fmt in FORMATS.values():
        items = []
        for i in range(300):
            b = rng.getrandbits(fmt.nbits)
            if (b & fmt.exp_mask) == fmt.exp_mask:
                continue
            items.append((input_text(fmt, b, i), b))
        items.append(("0.1", read(fmt, "0.1")))
        for args, conv in ((["-p", "12"], "%.12f"), (["--format", "%.8e"],
                                                     "%.8e"),
                           (["--format=%g"], "%g"), (["-p", "0"], "%.0f")):
            group = f"format {fmt.name} {' '.join(args)}"
            cfg = identity_config()
            out, error = run_relu(relu, ["--dtype", fmt.name] + cfg.args +
                                  args, [t for t, _ in items])
            if out is None:
                tally.fail(group, error)
                continue
            for (text, b), got in zip(items, out):
                kind, negative, mag = fmt.decode(b)
                value = float(-mag if negative else mag)  # exact: few bits
                if mag == 0 and negative:
                    value = -0.0
                want = conv % value
                if got == want:
                    tally.ok(group)
                else:
                    tally.fail(group, f"input '{text}': expected '{want}', "
                                      f"got '{got}'")


CLI_CASES = [
    # README's examples
    (["--dtype", "float32", "0.1", "-2"], "0.1\n0\n", 0),
    (["--dtype", "bfloat16", "1.001", "--", "-1.001"], "1\n0\n", 0),
    (["--dtype", "float16", "-l", "70000", "--", "-1e-9"], "inf\n-0\n", 0),
    (["--dtype", "bfloat16", "-F", "hardtanh", "--max-val", "0.3", "0.5"],
     "0.3\n", 0),
    (["--dtype", "bfloat16", "-F", "hardtanh", "--max-val", "0.3", "-p", "8",
      "0.5"], "0.30078125\n", 0),
    (["--dtype", "float32", "-p", "12", "0.1"], "0.100000001490\n", 0),
    (["--dtype", "bfloat16", "1.001"], "1\n", 0),
    (["--dtype", "bfloat16",
      "1.003906250000000000867361737988403547205962240695953369140625"],
     "1.01\n", 0),
    (["--dtype", "float16", "--", "-1e-9"], "0\n", 0),
    # the aliases, and float64
    (["--dtype", "half", "0.1", "70000"], "0.1\ninf\n", 0),
    (["--dtype", "float", "0.1", "16777217"], "0.1\n16777216\n", 0),
    (["--dtype", "double", "0.1", "2.50"], "0.1\n2.50\n", 0),
    (["--dtype", "float64", "-F", "hardtanh", "+7", "--", "-0"],
     "1\n-0\n", 0),
    (["--dtype", "float64", "-F", "gelu", "0"], "0\n", 0),
    (["--dtype=float16", "1.0009765625"], "1.001\n", 0),
    (["--dtype", "float32", "2.50"], "2.5\n", 0),
    (["--dtype", "float32", "-g", "nan", "--", "-NaN", "-nan"],
     "nan\n-nan\n-nan\n", 0),
    (["--dtype", "bfloat16", "NaN", "--", "-nan", "-Infinity", "+inf"],
     "nan\n-nan\n0\ninf\n", 0),
    # float64 keeps the input text where threshold, hardshrink and
    # softshrink (lambd 0, x not 0) return their input, NaN too; a value
    # computed or taken from a parameter is shortest; the formulas' 0 is
    # +0; softshrink(+-inf) with lambd > 0 is computed (README's list)
    (["-F", "threshold", "--threshold", "1", "--value", "0.10", "--",
      "2.50", "+7", "0x1.8p1", "1.0", "1.00000000000000001",
      "1.0000000000000002", "-1e400", "+Infinity", "NaN", "-0.0"],
     "2.50\n+7\n0x1.8p1\n0.1\n0.1\n1.0000000000000002\n0.1\n"
     "+Infinity\nNaN\n0.1\n", 0),
    (["-F", "threshold", "--threshold=-0", "--value=-0", "--", "0.0",
      "-0.0", "1e-400", "0x1p-1074", "-1e-320"],
     "-0\n-0\n-0\n0x1p-1074\n-0\n", 0),
    (["-F", "hardshrink", "--", "0.50", "0.5000000000000001", "-0.60",
      "-0.0", "+Infinity", "-INF", "nan", "5e-1"],
     "0\n0.5000000000000001\n-0.60\n0\n+Infinity\n-INF\nnan\n0\n", 0),
    (["-F", "softshrink", "--lambd", "0", "--", "2.50", "-1.0", "-0.0",
      "0x1p-1074", "-0x0p0", "+Infinity", "-NaN"],
     "2.50\n-1.0\n0\n0x1p-1074\n0\n+Infinity\n-NaN\n", 0),
    (["-F", "softshrink", "--", "2.50", "-1.0", "-0.5", "0.500", "inf",
      "-INF", "1e0"], "2\n-0.5\n0\n0\ninf\n-inf\n0.5\n", 0),
    (["-F", "softshrink", "--lambd=1e-300", "--", "1e-300", "-2e-300",
      "1.5"], "0\n-1e-300\n1.5\n", 0),
    (["--dtype", "bfloat16", "-F", "hardshrink", "2.50", "+7"],
     "2.5\n7\n", 0),
    (["--dtype", "float16", "-F", "threshold", "--threshold", "0",
      "--value", "0.1", "--", "-0", "2.50", "-1e-9"],
     "0.1\n2.5\n0.1\n", 0),
    (["--dtype", "float16", "-F", "softshrink", "--lambd", "0.9999999999",
      "--", "-1", "1", "-0"], "-0\n0\n0\n", 0),
    (["--dtype", "float32", "-F", "softshrink", "--lambd", "1e-50", "--",
      "0x1p-149", "-0x1p-149"], "1e-45\n-1e-45\n", 0),
    (["-g", "-F", "softshrink", "--", "0.5", "-0.5", "0.5000000000000001",
      "inf", "-inf", "nan", "-0"], "0\n0\n1\n1\n1\n" "nan\n0\n", 0),
    (["-g", "-F", "threshold", "--threshold", "0", "--value", "9", "--",
      "0", "-0", "1e-320", "inf", "-inf"], "0\n0\n1\n1\n0\n", 0),
    # rrelu and prelu: the man page's examples; float64 keeps the input
    # text where x > 0 (+inf too) and of NaN, as leaky_relu does; x <= 0
    # is the product, shortest, its zero signed as IEEE multiplication
    # signs it (slope -0 included); the derivative is 1 or the slope, NaN
    # for NaN with its sign; the slope is (lower + upper)/2 in double
    # arithmetic: 0.1 + 0.3 is 0.4, so the slope is 0.2 and -3 gives
    # -0.6000000000000001 (the exact half of 0.1 + 0.3 would give -0.6);
    # 0 + 1.5e-323 halves to 2 (not 1.5) times the smallest subnormal
    (["-F", "rrelu", "--lower", "0.25", "--upper", "0.75", "--", "-2",
      "2.50"], "-1\n2.50\n", 0),
    (["-F", "prelu", "--weight", "0.1", "--", "-2", "3"], "-0.2\n3\n", 0),
    (["-F", "prelu", "--", "2.50", "+7", "0x1.8p1", "1e0", "NaN", "-NaN",
      "+Infinity", "-0.0", "0.0", "-2.50", "-inf", "1e-400", "-1e-400"],
     "2.50\n+7\n0x1.8p1\n1e0\nNaN\n-NaN\n+Infinity\n-0\n0\n-0.625\n"
     "-inf\n0\n-0\n", 0),
    (["-F", "rrelu", "--", "2.50", "+7", "nan", "-0.0", "0x0p0", "-2",
      "INF"], "2.50\n+7\nnan\n-0\n0\n-0.4583333333333333\nINF\n", 0),
    (["-F", "prelu", "--weight", "1", "--", "-2.50", "-0x1p0", "-1e0"],
     "-2.5\n-1\n-1\n", 0),
    (["-F", "prelu", "--weight=-0", "--", "-1", "0", "-0", "2.0"],
     "0\n-0\n0\n2.0\n", 0),
    (["-F", "rrelu", "--lower", "0.1", "--upper", "0.3", "--", "-3"],
     "-0.6000000000000001\n", 0),
    (["-F", "rrelu", "--lower", "0", "--upper", "5e-324", "--",
      "-1e308"], "-0\n", 0),
    (["-F", "rrelu", "--lower", "0", "--upper", "1.5e-323", "--",
      "-1e300"], "-9.881312916824931e-24\n", 0),
    (["-F", "rrelu", "--lower", "0.2", "--upper", "0.2", "--", "-1"],
     "-0.2\n", 0),
    (["-F", "rrelu", "--lower", "0", "--upper", "-0", "--", "-1", "0"],
     "-0\n0\n", 0),
    (["-g", "-F", "rrelu", "--", "1", "-1", "0", "-0", "nan", "-nan",
      "inf", "-inf", "2.50"],
     "1\n0.22916666666666666\n0.22916666666666666\n"
     "0.22916666666666666\nnan\n-nan\n1\n0.22916666666666666\n1\n", 0),
    (["-g", "-F", "prelu", "--weight=-0", "--", "-1", "0", "1"],
     "-0\n-0\n1\n", 0),
    (["-g", "-F", "rrelu", "--lower", "1.5e308", "--upper=1.7e308", "--",
      "-1", "1"], "inf\n1\n", 0),
    (["--dtype", "bfloat16", "-F", "prelu", "2.50", "NaN", "--", "-0",
      "-1e-50"], "2.5\nnan\n-0\n-0\n", 0),
    # (1e-9 is +0 in float16: the slope, as at 0)
    (["--dtype", "float16", "-g", "-F", "rrelu", "--", "-1", "1e-9",
      "1e-3", "-nan"], "0.2291\n0.2291\n1\n-nan\n", 0),
]

# (arguments, standard input, expected output): other bytes pass through
STDIN_CASES = [
    (["--dtype", "bfloat16", "--invalid=ignore"],
     "  1.001\t-2 \n\nabc 3.14159\r\n0x1.01p0", "  1\t0 \n\nabc 3.14\r\n1"),
    (["--dtype", "float16", "-d", ",", "-f", "1,3"], "1.0009765625,x,-0\n",
     "1.001,x,0\n"),
    (["--dtype", "float32", "--csv", "-f", "2"], 'a,"0.1",b\n',
     'a,"0.1",b\n'),
]

CLI_ERRORS = [
    ["--dtype", "Float32", "1"], ["--dtype", "fp16", "1"],
    ["--dtype", "FLOAT16", "1"], ["--dtype", "", "1"],
    ["--dtype", "float16 ", "1"], ["--dtype", "bf16", "1"],
    ["--dtype"], ["-t", "float32", "1"],
    ["-F", "hardshrink", "--lambd", "-1", "1"],
    ["-F", "softshrink", "--lambd=-1e-300", "1"],
    ["-F", "softshrink", "--lambd", "inf", "1"],
    ["-F", "softshrink", "--lambd", "nan", "1"],
    ["-F", "threshold", "--threshold", "inf", "--value", "0", "1"],
    ["-F", "relu", "--lambd", "0.5", "1"],
    ["-F", "threshold", "--lambd", "0.5", "--threshold", "0", "--value",
     "0", "1"],
    ["-F", "hardshrink", "--value", "1", "1"],
    # rrelu's bounds and prelu's weight: finite, the lower not above the
    # upper (the defaults count: 1/8 and 1/3), and only with their
    # function
    ["-F", "rrelu", "--lower", "0.3", "--upper", "0.1", "1"],
    ["-F", "rrelu", "--upper", "0.1", "1"],
    ["-F", "rrelu", "--lower", "0.5", "1"],
    ["-F", "rrelu", "--lower", "inf", "1"],
    ["-F", "rrelu", "--upper", "nan", "1"],
    ["-F", "rrelu", "--lower", "-1e400", "1"],
    ["-F", "prelu", "--weight", "inf", "1"],
    ["-F", "prelu", "--weight", "-nan", "1"],
    ["-F", "prelu", "--weight", "1e400", "1"],
    ["-F", "rrelu", "--weight", "0.1", "1"],
    ["-F", "prelu", "--lower", "0.1", "1"],
    ["-F", "prelu", "--upper", "0.1", "1"],
    ["-F", "prelu", "-a", "0.1", "1"],
    ["-F", "rrelu", "--alpha", "0.1", "1"],
    ["-l", "--weight", "0.1", "1"],
    ["-F", "relu", "--upper", "1", "1"],
    ["-F", "softshrink", "--lower", "0", "1"],
]

# usage errors whose message must name these options
CLI_ERRORS_NAMING = [
    (["-F", "threshold", "--value", "0", "1"], ["--threshold"]),
    (["-F", "threshold", "--threshold", "0", "1"], ["--value"]),
    (["-F", "threshold", "1"], ["--threshold", "--value"]),
    (["--dtype", "float16", "-F", "threshold", "--value", "0", "1"],
     ["--threshold"]),
    (["-F", "hardshrink", "--lambd", "-1", "1"], ["--lambd"]),
    (["-F", "rrelu", "--lower", "0.3", "--upper", "0.1", "1"],
     ["--lower", "--upper"]),
    (["-F", "prelu", "--weight", "nan", "1"], ["--weight"]),
    (["-F", "rrelu", "--upper", "inf", "1"], ["--upper"]),
]


def cli_checks(relu, tally):
    group = "cli examples"
    for args, want, status in CLI_CASES:
        r = subprocess.run([relu] + args, capture_output=True, check=False)
        got = r.stdout.decode(errors="replace")
        if got == want and r.returncode == status and not r.stderr:
            tally.ok(group)
        else:
            tally.fail(group, f"relu {' '.join(args)}: expected {want!r} "
                              f"(exit {status}), got {got!r} (exit "
                              f"{r.returncode}, stderr "
                              f"{r.stderr.decode(errors='replace')!r})")
    for args, data, want in STDIN_CASES:
        r = subprocess.run([relu] + args, input=data.encode(),
                           capture_output=True, check=False)
        got = r.stdout.decode(errors="replace")
        if got == want and r.returncode == 0 and not r.stderr:
            tally.ok(group)
        else:
            tally.fail(group, f"relu {' '.join(args)} < {data!r}: expected "
                              f"{want!r}, got {got!r} (exit {r.returncode}, "
                              f"stderr {r.stderr.decode(errors='replace')!r})")
    group = "cli errors"
    for args in CLI_ERRORS:
        r = subprocess.run([relu] + args, capture_output=True, check=False)
        if r.returncode == 1 and not r.stdout and r.stderr:
            tally.ok(group)
        else:
            tally.fail(group, f"relu {' '.join(args)}: expected a usage "
                              f"error (exit 1, nothing on stdout), got exit "
                              f"{r.returncode}, stdout {r.stdout[:80]!r}")
    for args, names in CLI_ERRORS_NAMING:
        r = subprocess.run([relu] + args, capture_output=True, check=False)
        err = r.stderr.decode(errors="replace")
        if r.returncode == 1 and not r.stdout and \
                all(n in err for n in names):
            tally.ok(group)
        else:
            tally.fail(group, f"relu {' '.join(args)}: expected exit 1 and a "
                              f"message naming {' '.join(names)}, got exit "
                              f"{r.returncode}, stderr {err[:200]!r}")


def float64_items(seed, count):
    """The float64 path against the same reference: random doubles and
    the kink values written as repr, whose kept texts are then shortest
    too."""
    rng = random.Random(seed)
    bits = kink_bits(FLOAT64) + [rng.getrandbits(64) for _ in range(count)]
    return [(shortest_text(FLOAT64, b), b) for b in bits
            if not FLOAT64.is_nan(b)]


def has_dtype(relu):
    r = subprocess.run([relu, "--dtype", "float32", "1"],
                       capture_output=True, check=False)
    return r.returncode == 0


# --- Self-test of the reference ---------------------------------------------

def brute_round(table, values, q):
    """Nearest by search over a sorted table of (value, bits) of all finite
    values >= 0 of a format (values: the values alone), ties to the even
    bit pattern, inf at or beyond max + (max - previous)/2; for q >= 0."""
    i = bisect.bisect_left(values, q)
    if i == len(values):
        mx, prev = values[-1], values[-2]
        if q >= mx + (mx - prev) / 2:
            return "inf"
        return table[-1][1]
    if values[i] == q:
        return table[i][1]
    lo, hi = table[i - 1], table[i]
    dl, dh = q - lo[0], hi[0] - q
    if dl < dh:
        return lo[1]
    if dh < dl:
        return hi[1]
    return lo[1] if lo[1] % 2 == 0 else hi[1]


def self_test(full):
    """Check the reference's own code; return the number of failures."""
    rng = random.Random(12345)
    failures = 0

    def fail(msg):
        nonlocal failures
        failures += 1
        if failures <= 30:
            print("SELF-TEST FAILED:", msg)

    count = 200_000 if full else 20_000
    # float16 against struct 'e' and float32 against struct 'f': a double
    # is an exact rational, so both round it once.
    for fmt, code, ucode in ((FLOAT16, "<e", "<H"), (FLOAT32, "<f", "<I")):
        for i in range(count):
            if i % 2:
                d = struct.unpack("<d", struct.pack("<Q",
                                                    rng.getrandbits(64)))[0]
            else:  # near the format's range
                d = rng.uniform(-1, 1) * 2.0 ** rng.randrange(
                    fmt.emin - fmt.p - 3, fmt.emax + 3)
            if d != d:
                continue
            try:
                want = struct.unpack(ucode, struct.pack(code, d))[0]
            except OverflowError:
                want = (fmt.sign if d < 0 else 0) | fmt.inf
            if d in (float("inf"), float("-inf")):
                continue
            got = fmt.round_signed(Fraction(d), str(d).startswith("-"))
            if got != want:
                fail(f"{fmt} round {d!r}: {fmt.hex(got)} != struct "
                     f"{fmt.hex(want)}")
        # midpoints of doubles-representable neighbours, exactly, and the
        # overflow threshold
        for _ in range(count // 10):
            b = rng.randrange(0, fmt.inf - 1)
            a_, b_ = fmt.decode(b)[2], fmt.decode(b + 1)[2] \
                if b + 1 < fmt.inf else fmt.max + fmt.ulp_max
            mid = (a_ + b_) / 2
            d = float(mid)  # exact: p + 1 bits
            assert Fraction(d) == mid
            try:
                want = struct.unpack(ucode, struct.pack(code, d))[0]
            except OverflowError:
                want = fmt.inf
            if fmt.round(False, mid) != want:
                fail(f"{fmt} midpoint {d!r}")
        # the overflow threshold, and the largest double below it
        threshold = float(fmt.max + fmt.ulp_max / 2)
        below = struct.unpack("<d", struct.pack(
            "<Q", struct.unpack("<Q", struct.pack("<d", threshold))[0] - 1))[0]
        try:
            struct.pack(code, threshold)
            fail(f"{fmt}: struct does not overflow at the threshold")
        except OverflowError:
            pass
        if fmt.round(False, Fraction(threshold)) != fmt.inf or \
                struct.unpack(ucode, struct.pack(code, below))[0] != \
                fmt.round(False, Fraction(below)):
            fail(f"{fmt} overflow threshold")
    # decoding against struct
    for b in range(1 << 16):
        kind, negative, mag = FLOAT16.decode(b)
        f = struct.unpack("<e", struct.pack("<H", b))[0]
        g = struct.unpack("<f", struct.pack("<I", b << 16))[0]
        for fmt, val, (k2, n2, m2) in ((FLOAT16, f, (kind, negative, mag)),
                                       (BFLOAT16, g, BFLOAT16.decode(b))):
            if val != val:
                ok = k2 == "nan" and n2 == (struct.pack("<d", val)[7] >> 7)
            elif val in (float("inf"), float("-inf")):
                ok = k2 == "inf" and n2 == (val < 0)
            else:
                ok = k2 == "fin" and Fraction(abs(val)) == m2 and \
                    n2 == (struct.pack("<d", val)[7] >> 7 == 1)
            if not ok:
                fail(f"{fmt} decode {b:#06x}")
            if k2 != "nan" and fmt.round(n2, m2 if m2 is not None else 0) \
                    != b and k2 == "fin":
                fail(f"{fmt} round-trip {b:#06x}")
    for _ in range(count):
        b = rng.getrandbits(32)
        val = struct.unpack("<f", struct.pack("<I", b))[0]
        kind, negative, mag = FLOAT32.decode(b)
        if kind == "fin" and (Fraction(abs(val)) != mag or
                              FLOAT32.round(negative, mag) != b):
            fail(f"float32 decode {b:#010x}")
    # bfloat16 and float16 against a brute-force nearest search, on
    # rationals that are not doubles: midpoints +- tiny, random fractions
    for fmt in (BFLOAT16, FLOAT16):
        table = sorted((fmt.decode(b)[2], b) for b in range(fmt.inf))
        values = [v for v, _ in table]
        qs = []
        for b in range(0, fmt.inf, 1 if full else 7):
            lo = fmt.decode(b)[2]
            hi = fmt.decode(b + 1)[2] if b + 1 < fmt.inf else \
                fmt.max + fmt.ulp_max
            mid = (lo + hi) / 2
            qs += [mid, mid + Fraction(1, 10 ** 70), mid - mid * pow2(-80)]
        for _ in range(count // 4):
            e = rng.randrange(fmt.emin - fmt.p - 4, fmt.emax + 3)
            qs.append(Fraction(rng.getrandbits(70) + 1, 1 << 69) * pow2(e))
            qs.append(Fraction(rng.randrange(1, 10 ** 12),
                               rng.randrange(1, 10 ** 12)) * pow2(e))
        for q in qs:
            want = brute_round(table, values, q)
            want = fmt.inf if want == "inf" else want
            if fmt.round(False, q) != want or \
                    fmt.round(True, q) != want | fmt.sign:
                fail(f"{fmt} brute force at {q}")
    # the parser against float() and float.fromhex() through FLOAT64
    for i in range(count // 4):
        d = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        if d != d or d in (float("inf"), float("-inf")):
            continue
        texts = [repr(d), f"{d:.25e}", f"{d:.3e}", f"{d:.17g}", d.hex(),
                 f"{rng.randrange(10 ** 30)}.{rng.randrange(10 ** 30)}"
                 f"e{rng.randrange(-340, 300)}",
                 f".{rng.randrange(10 ** 20)}E+{rng.randrange(0, 20)}"]
        for t in texts:
            want = float.fromhex(t) if "x" in t else float(t)
            got = read(FLOAT64, t)
            wbits = struct.unpack("<Q", struct.pack("<d", want))[0]
            if got != wbits:
                fail(f"parse {t!r}: {FLOAT64.hex(got)} != {want!r}")
        # shortest and layout against repr
        b = struct.unpack("<Q", struct.pack("<d", d))[0]
        r = repr(d)
        if r.endswith(".0"):
            r = r[:-2]
        if shortest_text(FLOAT64, b) != r:
            fail(f"shortest {d!r}: {shortest_text(FLOAT64, b)}")
    for t, ok in (("1", True), ("-2.5", True), (".5", True), ("5.", True),
                  ("1E+3", True), ("0x1.8p3", True), ("0X.8P-1", True),
                  ("0x1", True), ("INFINITY", True), ("-NaN", True),
                  ("1_000", False), ("1,5", False), ("0x", False),
                  ("1e", False), (".", False), ("abc", False),
                  ("1.5x", False), ("nan(1)", False), ("0x1p", False)):
        if (parse_number(t) is not None) != ok:
            fail(f"grammar {t!r}")
    if read(BFLOAT16, "1.0039062500000000008673617379884035472059622406"
                      "95953369140625") != read(BFLOAT16, "1.0078125"):
        fail("README's 1 + 2^-8 + 2^-60 example")
    # input texts read exactly; shortest against numpy
    for fmt in (BFLOAT16, FLOAT16):
        step = 1 if full else 13
        for b in range(0, 1 << 16, step):
            for style in range(6):
                t = input_text(fmt, b, style)
                got = read(fmt, t)
                if fmt.is_nan(b):
                    ok = fmt.is_nan(got) and (got & fmt.sign) == (b & fmt.sign)
                else:
                    ok = got == b
                if not ok:
                    fail(f"{fmt} input text {t!r} for {fmt.hex(b)}")
            if numpy is not None and fmt is FLOAT16 and \
                    not fmt.is_nan(b) and (b & 0x7fff) not in (0, fmt.inf):
                mine = shortest_candidates(fmt, b)
                if numpy_digits(fmt, b) not in mine:
                    fail(f"float16 {fmt.hex(b)}: numpy "
                         f"{numpy_digits(fmt, b)} vs {mine}")
    if numpy is not None:
        for _ in range(count // 10):
            b = rng.getrandbits(32)
            if (b & FLOAT32.exp_mask) == FLOAT32.exp_mask or \
                    not b & 0x7fffffff:
                continue
            mine = shortest_candidates(FLOAT32, b)
            if numpy_digits(FLOAT32, b) not in mine:
                fail(f"float32 {b:#010x}: numpy {numpy_digits(FLOAT32, b)}"
                     f" vs {mine}")
    # expected() on hand-worked cases
    cases = [
        (BFLOAT16, Config("hardtanh", False, [], hi="0.3"), "0.5",
         "0.30078125"),
        (FLOAT16, Config("leaky_relu", False, []), "-1e-9", "-0"),
        (FLOAT16, Config("leaky_relu", False, []), "70000", "inf"),
        (FLOAT16, Config("hardtanh", False, [], lo="0.1", hi="1e5"), "inf",
         "inf"),
        (FLOAT16, Config("hardtanh", False, [], lo="0.1", hi="1e5"), "0",
         "0.0999755859375"),
        (FLOAT16, Config("hardtanh", True, [], lo="0.1", hi="1e5"),
         "0.0999755859375", "0"),
        (FLOAT16, Config("hardtanh", False, [], lo="-2", hi="0"), "-0", "0"),
        (FLOAT16, Config("hardtanh", False, [], lo="-1e-50", hi="1e-50"),
         "-1", "-0"),
        (FLOAT16, Config("hardtanh", False, [], lo="-1e-50", hi="1e-50"),
         "-0", "-0"),
        (FLOAT16, Config("leaky_relu", False, [], alpha="-3"), "-0", "0"),
        (FLOAT16, Config("leaky_relu", False, [], alpha="-3"), "0", "-0"),
        (FLOAT16, Config("leaky_relu", False, [], alpha="-3"), "-30000",
         "inf"),
        (FLOAT16, Config("leaky_relu", True, [], alpha="0.2"), "-1",
         "0.199951171875"),
        (FLOAT16, Config("relu6", False, []), "-0", "0"),
        (FLOAT16, Config("relu6", True, []), "6", "0"),
        (FLOAT16, Config("relu", True, []), "0", "0"),
        (FLOAT16, Config("leaky_relu", True, []), "0", "0.010002136"),
        # threshold, hardshrink, softshrink
        (FLOAT16, Config("threshold", False, [], threshold="1",
                         value="0.1"), "1", "0.0999755859375"),
        (BFLOAT16, Config("threshold", False, [], threshold="1",
                          value="0.1"), "1.0078125", "1.0078125"),
        (FLOAT16, Config("threshold", False, [], threshold="0.9999999999",
                         value="1e300"), "1", "1"),
        (FLOAT16, Config("threshold", False, [], threshold="0.9999999999",
                         value="1e300"), "0.99951171875", "inf"),
        (FLOAT16, Config("threshold", False, [], threshold="-1e-50",
                         value="1e-50"), "-0", "-0"),
        (FLOAT16, Config("threshold", False, [], threshold="-1e-50",
                         value="1e-50"), "-6e-8", "0"),
        (FLOAT16, Config("threshold", False, [], threshold="0",
                         value="-0"), "0", "-0"),
        (FLOAT16, Config("threshold", True, [], threshold="-0",
                         value="5"), "0", "0"),
        (FLOAT16, Config("threshold", True, [], threshold="-0.3",
                         value="5"), "-0.2998046875", "1"),
        (FLOAT16, Config("threshold", False, [], threshold="-0.3",
                         value="-7.3"), "-inf", "-7.30078125"),
        (FLOAT16, Config("hardshrink", False, []), "-0.5", "0"),
        (FLOAT16, Config("hardshrink", False, []), "-0.50048828125",
         "-0.50048828125"),
        (FLOAT16, Config("hardshrink", False, [], lambd="0"), "-0", "0"),
        (FLOAT16, Config("hardshrink", False, [], lambd="0.1"),
         "0.0999755859375", "0"),
        (BFLOAT16, Config("hardshrink", False, [], lambd="0.1"),
         "0.10009765625", "0.10009765625"),
        (FLOAT16, Config("hardshrink", True, [], lambd="0"), "-0", "0"),
        (FLOAT16, Config("hardshrink", True, [],
                         lambd="1.7976931348623157e308"), "-inf", "1"),
        (FLOAT16, Config("hardshrink", False, [],
                         lambd="1.7976931348623157e308"), "-65504", "0"),
        (FLOAT16, Config("softshrink", False, []), "-2", "-1.5"),
        (FLOAT16, Config("softshrink", False, []), "-inf", "-inf"),
        (FLOAT16, Config("softshrink", False, [], lambd="0.1"), "1",
         "0.89990234375"),
        (FLOAT16, Config("softshrink", False, [], lambd="0.9999999999"),
         "-1", "-0"),
        (FLOAT16, Config("softshrink", False, [], lambd="1e300"), "inf",
         "inf"),
        (FLOAT16, Config("softshrink", False, [], lambd="1e300"), "-65504",
         "0"),
        (FLOAT16, Config("softshrink", False, [], lambd="0"), "-6e-8",
         "-6e-8"),
        (FLOAT16, Config("softshrink", True, []), "0.5", "0"),
        (FLOAT16, Config("softshrink", True, []), "-inf", "1"),
        # rrelu and prelu
        (FLOAT16, Config("prelu", False, []), "-0", "-0"),
        (FLOAT16, Config("prelu", False, []), "0", "0"),
        (FLOAT16, Config("prelu", False, [], weight="-0.5"), "0", "-0"),
        (FLOAT16, Config("prelu", False, [], weight="-0.5"), "-inf", "inf"),
        (FLOAT16, Config("prelu", False, [], weight="1.5"), "-1.0009765625",
         "-1.501953125"),  # 1537.5 2^-10 is a tie, to even (up)
        (FLOAT16, Config("prelu", False, [], weight="1.5"), "-1.0029296875",
         "-1.50390625"),  # 1540.5 2^-10 is a tie, to even (down)
        (FLOAT16, Config("prelu", False, [], weight="0.5"), "-6e-8", "-0"),
        (FLOAT16, Config("prelu", False, [], weight="0.5"), "-1.8e-7",
         "-1.2e-7"),  # -1.5 min_sub: a tie, to even (2 min_sub)
        (FLOAT16, Config("prelu", False, [], weight="1e5"), "-1", "-inf"),
        (FLOAT16, Config("prelu", True, [], weight="1e5"), "-1", "inf"),
        (FLOAT16, Config("prelu", True, [], weight="1e5"), "inf", "1"),
        (FLOAT16, Config("prelu", True, [], weight="-0"), "0", "-0"),
        (FLOAT16, Config("prelu", False, [], weight="1"), "65504", "65504"),
        (BFLOAT16, Config("rrelu", True, []), "-1", "0.2294921875"),
        (BFLOAT16, Config("rrelu", False, [], lower=TINY, upper="1.5"),
         "-1.0234375", "-0.765625"),  # 0.767578125: a tie, to even
        (BFLOAT16, Config("rrelu", False, [], lower="-" + TINY,
                          upper="1.5"), "-1.0078125", "-0.7578125"),
        (FLOAT16, Config("rrelu", False, [], lower="-0", upper="-0"), "-1",
         "0"),
        (FLOAT16, Config("rrelu", False, [], lower="-0", upper="0"), "-1",
         "-0"),
        (FLOAT16, Config("rrelu", False, [], lower="-0", upper="-0"), "0",
         "-0"),
        (FLOAT16, Config("rrelu", False, [], lower="1.5e308",
                         upper="1.7e308"), "-1e-7", "-inf"),
        (FLOAT16, Config("rrelu", True, [], lower="1.5e308",
                         upper="1.7e308"), "-1", "inf"),
        (FLOAT16, Config("rrelu", False, [], lower="-3", upper="-1"),
         "-40000", "inf"),
    ]
    for fmt, cfg, x, want in cases:
        got = expected(fmt, cfg, read(fmt, x))
        if got != read(fmt, want):
            fail(f"expected {fmt} {cfg} at {x}: {describe(fmt, got)}, "
                 f"want {want}")
    # rrelu's slope in double arithmetic, against Python's floats; the
    # sum traps: the double slope is 0.75, the exact one is not
    for lo, up in (("0.1", "0.3"), ("0.1", "0.2"), (TINY, "1.5"),
                   ("-" + TINY, "1.5"), ("0", "5e-324"), ("0", "1.5e-323"),
                   ("1.5e308", "1.7e308"), ("-0", "-0"), ("-0", "0"),
                   ("0", "-0"), ("0.125", "0.3333333333333333"),
                   ("-3", "-1"), ("1e-30", "1e-30")):
        cfg = Config("rrelu", False, [], lower=lo, upper=up)
        want = (float(lo) + float(up)) / 2
        got = float(param_key(cfg.slope))
        if cfg.slope[1]:  # param_key's Fraction has no -0
            got = -abs(got)
        if struct.pack("<d", got) != struct.pack("<d", want):
            fail(f"rrelu slope ({lo} + {up})/2: {got!r}, want {want!r}")
    for sign in ("", "-"):
        cfg = Config("rrelu", False, [], lower=sign + TINY, upper="1.5")
        lo, up = read_param(sign + TINY), read_param("1.5")
        exact = (param_key(lo) + param_key(up)) / 2
        if param_key(cfg.slope) != Fraction(3, 4) or exact == Fraction(3, 4):
            fail(f"rrelu slope {sign}2^-60 + 1.5 is no trap")
    for fmt in (FLOAT16, BFLOAT16, FLOAT32):
        text, xb = double_rounding_alpha(fmt)
        alpha = read_param(text)
        exact = fmt.decode(xb)[2] * alpha[2]
        once = fmt.round(True, exact)
        twice = fmt.round(True, FLOAT64.decode(FLOAT64.round(True, exact))[2])
        if once == twice:
            fail(f"{fmt}: the double-rounding alpha {text} is no trap")
        # softshrink's traps: x - lambd rounded through a double must
        # differ, at the trap's input and at every input of its parity
        # in (1, 2) and (-2, -1), and the random ones too
        for text, xb in softshrink_traps(fmt):
            once, twice = softshrink_once_twice(fmt, text, xb)
            if once == twice:
                fail(f"{fmt}: the softshrink lambd {text} is no trap")
            step = 2 if fmt.nbits == 16 else 1 << 12
            for b in range(xb, fmt.one + (1 << fmt.mbits), step):
                for neg in (0, fmt.sign):
                    cfg = Config("softshrink", False, [], lambd=text)
                    got = expected(fmt, cfg, b | neg)
                    if got != softshrink_once_twice(fmt, text, b | neg)[0] \
                            or got == softshrink_once_twice(
                                fmt, text, b | neg)[1]:
                        fail(f"{fmt}: softshrink {text} at "
                             f"{fmt.hex(b | neg)} is no trap")
        for text, xb in shrink_trap_items(fmt, 0, 40):
            once, twice = softshrink_once_twice(fmt, text, xb)
            cfg = Config("softshrink", False, [], lambd=text)
            if once == twice or expected(fmt, cfg, xb) != once:
                fail(f"{fmt}: softshrink {text} at {fmt.hex(xb)} is no "
                     f"trap")
        # the lambd just below a value: -0 from a negative input
        lam = below_value_lambd(fmt)
        xb = fmt.round(True, 8 * fmt.min_sub)
        if expected(fmt, Config("softshrink", False, [], lambd=lam), xb) \
                != fmt.sign:
            fail(f"{fmt}: softshrink {lam} at {fmt.hex(xb)} is not -0")
    print(f"self-test: {failures} failures")
    return failures


# --- Main -----------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("relu", nargs="?", help="the relu executable")
    parser.add_argument("--long", action="store_true",
                        help=f"{LONG_SAMPLE:,} float32 values per "
                             f"configuration instead of {DEFAULT_SAMPLE:,}")
    parser.add_argument("--sample", type=int, help="float32 random values "
                        "per configuration")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--max-shown", type=int, default=20, metavar="K",
                        help="mismatches printed per group (default 20)")
    parser.add_argument("--self-test", action="store_true",
                        help="check this reference's own code, without relu")
    parser.add_argument("--function", choices=["relu", "leaky_relu",
                                               "relu6", "hardtanh"] +
                        list(SHRINK) + list(SLOPED), action="append",
                        help="check only this function (the cli, input and "
                             "format groups are then left out)")
    parser.add_argument("--only", choices=sorted(FORMATS) + ["float64"],
                        action="append", help="check only this format")
    args = parser.parse_args(argv)
    if args.sample is None:
        args.sample = LONG_SAMPLE if args.long else DEFAULT_SAMPLE
    if not args.self_test and not args.relu:
        parser.error("RELU is required")
    return args


def tasks_for(relu, fmt, cfgs, items, section, chunk, prefix=None,
              label=None):
    """Tasks for check_group, one per chunk of inputs with every
    configuration (so that each process meets each value in one place);
    items a list, or (spec tuple, length) for inputs the workers generate
    themselves."""
    if prefix is None:
        prefix = ["--dtype", fmt.name]
    named = [(cfg, f"{section} {label or fmt.name} {cfg.name}")
             for cfg in cfgs]
    lazy = isinstance(items, tuple)
    n = items[1] if lazy else len(items)
    for start in range(0, n, chunk):
        piece = items[0] + (n, start, start + chunk) if lazy \
            else items[start:start + chunk]
        yield (relu, fmt.name, prefix, named, piece)


def task_cost(task):
    """A rough cost of a check_group task, to start the costliest first:
    inputs times configurations, more for wider formats (their values
    are seldom met twice, and their digits take longer)."""
    _, fmt_name, _, cfgs, items = task
    n = items[-1] - items[-2] if isinstance(items, tuple) else len(items)
    weight = {"float64": 12, "float32": 4}.get(fmt_name, 1)
    return n * len(cfgs) * weight


def main(argv):
    args = parse_args(argv)
    start = time.monotonic()
    if args.self_test:
        return 1 if self_test(args.long) else 0
    if numpy is None:
        print("numpy not found: the comparison with numpy's shortest digits "
              "is skipped")
    formats = args.only or ["bfloat16", "float16", "float32", "float64"]
    tally = Tally(args.max_shown)
    tasks = []
    chunk = 8192

    def wanted(func):
        return not args.function or func in args.function

    def configs(fmt):  # the configurations of the functions asked for
        return [c for c in globals()["configs"](fmt) if wanted(c.func)]
    for name in formats:
        if name == "float64":
            # The float64 path against the same reference, with no --dtype
            # (as relu has always run) and with --dtype float64 and double
            # when relu has --dtype. Kept inputs are copied as text there,
            # so the input rounding shows through leaky_relu(alpha 1) on
            # negative texts.
            cfgs = configs(FLOAT16)
            items = (("float64", args.seed, 2000),
                     len(float64_items(args.seed, 2000)))
            negative = [(t, read(FLOAT64, t)) for t in
                        (u if u.startswith("-") else
                         "-" + u.lstrip("+") for u, _ in
                         rounding_items(FLOAT64, args.seed))]
            one = Config("leaky_relu", False, ["-l", "--alpha=1"],
                         alpha="1", name="leaky_relu(1)")
            prefixes = [([], "float64")]
            if has_dtype(args.relu):
                prefixes += [(["--dtype", "float64"], "float64(--dtype)"),
                             (["--dtype", "double"], "double")]
            for prefix, label in prefixes:
                if label == "double":  # an alias: the others take these
                    cfgs = [c for c in cfgs if c.func not in SHRINK and
                            c.func not in SLOPED]
                tasks += tasks_for(args.relu, FLOAT64, cfgs, items,
                                   "sample", (items[1] + 3) // 4, prefix,
                                   label)
                if not args.function:
                    tasks += tasks_for(args.relu, FLOAT64, [one], negative,
                                       "input", chunk, prefix, label)
            continue
        fmt = FORMATS[name]
        cfgs = configs(fmt)
        if fmt.nbits == 16:
            tasks += tasks_for(args.relu, fmt, cfgs,
                               (("exhaustive", fmt.name), 1 << 16),
                               "exhaustive", chunk)
        else:
            n = len(kink_bits(fmt)) + 3 + args.sample
            tasks += tasks_for(args.relu, fmt, cfgs,
                               (("float32", args.sample, args.seed), n),
                               "sample", 50_000 if args.long else
                               (n + 7) // 8)
        for alpha, xb in trap_items(fmt, args.seed, 40):
            if not wanted("leaky_relu"):
                break
            cfg = Config("leaky_relu", False, ["-l", "--alpha=" + alpha],
                         alpha=alpha, name="leaky_relu(traps)")
            near = [xb, fmt.next_up(xb), fmt.next_down(xb)]
            tasks += tasks_for(args.relu, fmt, [cfg],
                               [(input_text(fmt, b, i), b)
                                for i, b in enumerate(near)],
                               "product", chunk)
        for i, (alpha, xb) in enumerate(trap_items(fmt, args.seed + 1, 40)):
            # the same traps through prelu's weight and rrelu's bounds,
            # whose sum (2 alpha, or alpha + alpha) and half are exact
            func = ("prelu", "rrelu")[i % 2]
            if not wanted(func):
                continue
            if func == "prelu":
                cfg = Config("prelu", False, ["-F", "prelu", "--weight",
                                              alpha], weight=alpha,
                             name="prelu(traps)")
            else:
                lower, upper = (alpha, alpha) if i % 4 == 1 else \
                    ("0", repr(2 * float(alpha)))
                cfg = Config("rrelu", False, ["-F", "rrelu", "--lower",
                                              lower, "--upper=" + upper],
                             lower=lower, upper=upper, name="rrelu(traps)")
                assert cfg.slope == read_param(alpha)
            near = [xb, fmt.next_up(xb), fmt.next_down(xb)]
            tasks += tasks_for(args.relu, fmt, [cfg],
                               [(input_text(fmt, b, i), b)
                                for i, b in enumerate(near)],
                               "product", chunk)
        for lambd, xb in shrink_trap_items(fmt, args.seed, 40):
            if not wanted("softshrink"):
                break
            cfg = Config("softshrink", False, ["-F", "softshrink",
                                               "--lambd=" + lambd],
                         lambd=lambd, name="softshrink(traps)")
            near = [xb, fmt.next_up(xb), fmt.next_down(xb)]
            tasks += tasks_for(args.relu, fmt, [cfg],
                               [(input_text(fmt, b, i), b)
                                for i, b in enumerate(near)],
                               "difference", chunk)
        ritems = rounding_items(fmt, args.seed)
        if not args.function:
            tasks += tasks_for(args.relu, fmt,
                               [Config("relu", False, []), identity_config()],
                               ritems, "input", chunk)
    print(f"{len(tasks)} runs of relu; checking on {args.jobs} processes")
    sys.stdout.flush()
    if args.jobs > 1:
        # the self-test on one of the processes, beside the runs; the
        # costliest runs first, so that no process is left with a long
        # one at the end
        order = sorted(range(len(tasks)), key=lambda i: -task_cost(tasks[i]))
        with multiprocessing.Pool(args.jobs) as pool:
            self_tested = pool.apply_async(self_test, (False,))
            done = pool.map(check_group, [tasks[i] for i in order],
                            chunksize=1)
            failures_before = self_tested.get()
        results = [None] * len(tasks)
        for i, r in zip(order, done):
            results[i] = r
    else:
        failures_before = self_test(False)
        results = [check_group(t) for t in tasks]
    if failures_before:
        tally.fail("self-test", f"{failures_before} failures")
    for group, checked, failures in (r for rs in results for r in rs):
        tally.ok(group, checked - len(failures))
        for message in failures:
            tally.fail(group, message)
    if any(n in FORMATS for n in formats) and not args.function:
        format_checks(args.relu, tally, args.seed)
        cli_checks(args.relu, tally)
    tally.summary()
    print(f"numpy comparison: {'on' if numpy is not None else 'skipped'}; "
          f"{time.monotonic() - start:.1f} s")
    return 1 if tally.failed_total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
