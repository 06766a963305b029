#!/usr/bin/env python3
"""Seeded random differential test of relu against tests/cli/model.py.

Usage: model_random.py RELU [SEED [RUNS]]

Each run draws options and many records from README's grammar and from
the whole byte range, runs RELU under LC_ALL=C, and compares stdout,
stderr and the exit status with the model exactly. Fields around the 1 MiB
limit are fed once from a file and once through a pipe in odd pieces.

--csv runs (CSV_RUNS_PER_RUN per 100 runs, from a generator of their own)
draw from the whole CSV grammar of README: quoted fields holding the
delimiter, CR, line breaks and doubled quotes, empty and blank quoted
fields, numbers quoted and unquoted with blanks around them, malformed
quoting of every kind (a quote inside an unquoted field, text after a
closing quote, a quote still open at the end of the input or of an
argument), CRLF, -z, delimiters other than the comma, headers of awkward
names (digits, commas, dashes, blanks, quotes, brackets, duplicates) with
--header[=N] and --drop-header, -f by names, name[k], ranges and numbers,
every --invalid mode and -j 1 to 4; a third are fed through a pipe in
small odd pieces. Two inputs of 500 KB with line breaks inside quotes go
through -j 1 to 4, in pieces too.

Each difference is shrunk to a small reproducer and printed; the last
line is `N passed, M failed` (runs). Exit status 1 if any run failed.
"""

import os
import random
import re
import shlex
import struct
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402

DEFAULT_SEED = 20261127
DEFAULT_RUNS = 1000
FAMILY_SHARE = 0.35             # runs of relu6, hardtanh, threshold, ...
CSV_RUNS_PER_RUN = 160          # --csv runs per 100 runs
SHOWN_REPRODUCERS = 12
TIMEOUT = 120

# ------------------------------------------------------------ generators

DELIMITER_CLASSES = [
    b"0123456789", b".", b"+-", b"eE", b"xX", b"pP", b"infatyINFATY",
    b" \t", b",;:|/", b"\r", b"\v\f", bytes(range(0x80, 0x100)),
    bytes(range(1, 9)), b"'\"\\%", b"\0",
]
FORMATS = [
    b"%.3f", b"%g", b"%e", b"%.17g", b"x=%g", b"%10.3E|", b"%-12f|", b"%+g",
    b"% e", b"%#g", b"%#.0f", b"%08.2f", b"%%%f%%", b"%a", b"%A", b"%.3a",
    b"%#a", b"%.0a", b"%.0e", b"%G", b"%F", b"%.30f", b"%.300g", b"%.f",
    b"[%+-10.4g]", b"%012a", b"%015.3e", b"%-+08.1f|", b"%60.40f",
    b"%#.0e", b"%#.0a", b"%.40e", b"%-9A|", b"%0+10.2F", b"% 012g",
    b"%.800f", b"%.1100e", b"%-+#30.20G|",
]
ALPHAS = [b"0", b"-0", b"0.5", b"0.1", b"0.2", b"1", b"3", b"-2", b"1e-300",
          b"1e300", b"0x1p-3", b"1.0000000000000002", b"2.5e-7", b"+0.01",
          b".3", b"7.", b"1e308", b"4.9406564584124654e-324", b"-1e-5"]
FAMOUS = [
    b"5e-324", b"4.9406564584124654e-324", b"2.4703282292062327e-324",
    b"2.4703282292062328e-324", b"2.2250738585072014e-308",
    b"2.2250738585072011e-308", b"1.7976931348623157e308",
    b"1.7976931348623158e308", b"1.7976931348623159e308",
    b"9007199254740993", b"0.1", b"1e16", b"1e15", b"1e-5", b"1e-4",
    b"123456789012345678", b"0", b"0.0", b"00", b"0e0", b"0x0p0", b"0x0",
    b"1e400", b"1e-400", b"1e999999999999999999999",
    b"1e-999999999999999999999", b"0x1p1024", b"0x1p-1075", b"0x1p-1074",
    b"0x1.fffffffffffff8p1023", b"0x1.fffffffffffffp1023",
    b"0x0.0000000000001p-1022", b"0x1p99999999999999999999",
    b"0x1p-99999999999999999999", b"0x.8", b"0x1.", b"0X1P+3", b"0xAbC.dEfp-7",
    b"1.", b".5", b"5.", b"1E+3", b"0.1000000000000000055511151231257827",
    b"1" * 400, b"0." + b"0" * 330 + b"1", b"1" * 20 + b"e-330",
    b"0x" + b"f" * 40 + b"p-1200", b"100", b"1e22", b"1e21", b"1e23",
]
NEAR = [
    b"0x", b"1e", b".", b"abc", b"1.5x", b"nan(1)", b"nan()", b"1_000",
    b"1,5", b"+", b"-", b"e5", b"0x.p1", b"infinit", b"in", b"nana",
    b"--1", b"+-1", b"0x1p", b"1e+", b".e1", b"0x1.8p3.5", b"1.5.5", b"0xg",
    b"0x1p1.5", b"1e1.5", b"1d5", b"1f", b"1L", b"0b101", b"1e+-3", b"i",
    b"infinityy", b"nanq", b"-nan-", b"+inf+", b"1..", b"..1", b"0x1pp3",
    b"\xef\xbc\x91", b"\xd9\xa1", b"1\x00", b"\x00", b"1\r", b"\r1", b"1\v",
    b"\f", b"1 5", b"'1'", b"\"1\"", b"%", b"\\", b"0x-1", b"0x+1", b"-0x",
    b"1e5e5", b"E5", b"1p3", b"0x1e", b"inf.", b".inf", b"0nan", b"NaN1",
]
SPECIAL_WORDS = [b"inf", b"infinity", b"nan"]


def random_case(rng, word):
    return bytes(c if rng.random() < 0.5 else c ^ 0x20 for c in word)


def random_decimal(rng):
    r = rng.random()
    if r < 0.3:
        v = rng.choice([rng.uniform(-10, 10), rng.uniform(-1e6, 1e6),
                        rng.gauss(0, 1e-3), 10 ** rng.uniform(-330, 308)])
        return repr(v).encode()
    if r < 0.45:            # any double, from its bits
        v = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        return repr(v).encode().replace(b"inf", b"1e999")
    digits = lambda n: bytes(rng.choice(b"0123456789") for _ in range(n))
    intpart = digits(rng.choice([0, 1, 1, 2, 3, 8, 17, 25]))
    frac = None
    if not intpart or rng.random() < 0.5:
        frac = digits(rng.choice([1, 1, 2, 5, 17, 30]) if not intpart
                      else rng.choice([0, 1, 3, 17]))
    text = intpart + (b"." + frac if frac is not None else b"")
    if rng.random() < 0.3:
        text += rng.choice([b"e", b"E"]) + rng.choice([b"", b"+", b"-"]) + \
            digits(rng.choice([1, 2, 3, 4]))
    return text


def random_hex(rng):
    hexd = lambda n: bytes(rng.choice(b"0123456789abcdefABCDEF")
                           for _ in range(n))
    intpart = hexd(rng.choice([0, 1, 1, 2, 14, 20]))
    frac = None
    if not intpart or rng.random() < 0.6:
        frac = hexd(rng.choice([1, 2, 13, 15]) if not intpart
                    else rng.choice([0, 1, 13, 20]))
    text = rng.choice([b"0x", b"0X"]) + intpart
    if frac is not None:
        text += b"." + frac
    if rng.random() < 0.8:
        text += rng.choice([b"p", b"P"]) + rng.choice([b"", b"+", b"-"]) + \
            str(rng.choice([0, 1, 3, 52, 1022, 1023, 1024, 1074, 1075,
                            1100, rng.randrange(2000)])).encode()
    return text


def random_number(rng):
    sign = rng.choice([b"", b"", b"-", b"-", b"+"])
    r = rng.random()
    if r < 0.45:
        body = random_decimal(rng)
        if body.startswith(b"-"):
            body, sign = body[1:], sign or b"-"
    elif r < 0.65:
        body = random_hex(rng)
    elif r < 0.75:
        body = random_case(rng, rng.choice(SPECIAL_WORDS))
    else:
        body = rng.choice(FAMOUS)
    return sign + body


def mutate(rng, token):
    r = rng.random()
    junk = rng.choice(b"xe.p_,+-fl0 \x00\x80\xffnaiXEP")
    i = rng.randrange(len(token) + 1)
    if r < 0.4:
        return token[:i] + bytes([junk]) + token[i:]
    if r < 0.7 and token:
        return token[:i] + token[i + 1:]
    return token + bytes([junk])


def random_token(rng):
    r = rng.random()
    if r < 0.7:
        return random_number(rng)
    if r < 0.8:
        return rng.choice(NEAR)
    if r < 0.9:
        return mutate(rng, random_number(rng))
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))


def random_record(rng, o, terminator):
    """One record's bytes (without terminator)."""
    n = rng.choice([0, 1, 1, 2, 3, 4, 6, 10])
    tokens = [family_token(rng, o) for _ in range(n)]
    if o["delimiter"] is None:
        blanks = b" \t\n" if o["zero"] else b" \t"
        gap = lambda: bytes(rng.choice(blanks)
                            for _ in range(rng.choice([1, 1, 1, 2, 5])))
        rec = b"".join((gap() if i else b"") + t
                       for i, t in enumerate(tokens))
        if rng.random() < 0.2:
            rec = gap() + rec
        if rng.random() < 0.2:
            rec += gap()
    else:
        pad = lambda: bytes(rng.choice(b" \t")
                            for _ in range(rng.choice([0, 0, 0, 1, 2])))
        parts = []
        for t in tokens:
            r = rng.random()
            if r < 0.1:
                t = b""
            elif r < 0.15:
                t = pad()
            parts.append(pad() + t + pad())
        rec = o["delimiter"].join(parts)
    rec = rec.replace(terminator, b"")
    if rng.random() < 0.15:
        rec += b"\r"
    return rec


def random_fields(rng):
    def one():
        a = rng.randrange(1, 6)
        return rng.choice([b"%d" % a, b"%d-" % a, b"-%d" % a,
                           b"%d-%d" % (a, a + rng.randrange(4))])
    return b",".join(one() for _ in range(rng.choice([1, 1, 2, 3])))


USAGE_ERRORS = [
    [b"-x"], [b"-lq"], [b"--foo"], [b"--foo=1"], [b"-a"], [b"--alpha"],
    [b"--fields"], [b"-d"], [b"--format"], [b"-p"], [b"--invalid"],
    [b"--leaky=0"], [b"--grad=1"], [b"--derivative="],
    [b"--zero-terminated=1"],
    [b"-f", b"0"], [b"-f", b"3-1"], [b"-f", b"a"], [b"-f", b"-"],
    [b"-f", b"1,,2"], [b"-f", b""], [b"-f", b"1-2-3"], [b"-f", b"0-"],
    [b"-f", b"-0"], [b"-f", b"1a"], [b"-f", b"18446744073709551615"],
    [b"-f", b"99999999999999999999999"], [b"-f", b","], [b"-f", b"1,"],
    [b"-a", b"inf"], [b"-a", b"nan"], [b"-a", b"abc"], [b"-a", b"1e400"],
    [b"-a", b""], [b"--alpha=-inf"], [b"--format", b"%d"],
    [b"--format", b"abc"], [b"--format", b"%"], [b"--format", b"%f%f"],
    [b"--format", b"%10000f"], [b"--format", b"%.10000f"],
    [b"--format", b"%lf"], [b"--format", b"%*f"], [b"--format", b"%5"],
    [b"--header=0"], [b"--header=abc"], [b"--header=-1"], [b"--header=1x"],
    [b"--header=18446744073709551616"], [b"--header=+-1"], [b"--header= -0"],
    [b"--invalid=bogus"], [b"--invalid", b"Abort"], [b"-d", b"ab"],
    [b"-d", b""], [b"-d", b"\n"], [b"-d", b"\xc3\xa9"], [b"-p", b"abc"],
    [b"-p", b"-1"], [b"-p", b"10000"], [b"-p", b"1.5"],
    [b"--de=1"], [b"--d", b","], [b"--h"], [b"--f", b"1"], [b"--he"],
    [b"--precision="], [b"--format="], [b"--invalid="], [b"--header="],
    [b"-f", b" "], [b"--bogus=\x01'"], [b"-\xff"], [b"-z", b"-d", b""],
    [b"-a", b"\x80"], [b"--header=\t"], [b"-f", b"1,\x7f"],
    [b"-j", b"0"], [b"--jobs=257"], [b"-j", b""], [b"--jobs=2x"],
]
# Valid lists that exercise cut's grammar at its edges.
EDGE_FIELDS = [b"1-1", b"01", b"2,1", b"1-", b"-1", b"1,1", b"3-,1",
               b"18446744073709551614", b"1 2", b"1\t3", b" 2", b"2 ",
               b"1, 3"]
# Long options by unique prefixes ("--deriv", "--prec 3", "--inv=warn").
PREFIXES = {b"--leaky": b"--le", b"--alpha": b"--al", b"--grad": b"--g",
            b"--derivative": b"--deriv", b"--fields": b"--fi",
            b"--delimiter": b"--deli", b"--invalid": b"--inv",
            b"--zero-terminated": b"--z", b"--format": b"--fo",
            b"--precision": b"--prec", b"--header": b"--hea",
            b"--jobs": b"--j", b"--function": b"--fu", b"--lambd": b"--la",
            b"--lower": b"--lo", b"--upper": b"--u", b"--weight": b"--w",
            b"--value": b"--va", b"--threshold": b"--th",
            b"--min-val": b"--mi", b"--max-val": b"--ma"}


def abbreviate(rng, args):
    """Shorten some long options to a unique prefix."""
    out = []
    for a in args:
        name, eq, value = a.partition(b"=")
        if name in PREFIXES and rng.random() < 0.3:
            a = rng.choice([PREFIXES[name], name[:len(PREFIXES[name]) + 1]]) \
                + eq + value
        out.append(a)
    return out


# ------------------------------------------------------------ the family

# Parameters: zeros of both signs, the defaults, kinks of other functions,
# subnormals, the largest doubles (whose sums overflow), texts of every
# kind; and values README refuses ("A parameter must be a finite number").
PARAMS = [b"0", b"-0", b"0.0", b"0.5", b"1", b"-1", b"2.5", b"0.25", b"6",
          b"-6", b"3", b"0.1", b"+0.25", b".5", b"5.", b"1e-5", b"-7.25",
          b"1e-300", b"-1e-300", b"1e308", b"-1e308", b"5e-324", b"-5e-324",
          b"0x1p-1074", b"1.7976931348623157e308", b"-1.7976931348623157e308",
          b"2.2250738585072014e-308", b"0x1.8p1", b"0.3333333333333333",
          b"123456.789", b"1e16", b"9007199254740993", b"0X1P+3", b"1E2"]
BAD_PARAMS = [b"inf", b"-inf", b"nan", b"-NaN", b"1e400", b"-1e999", b"abc",
              b"", b" 1", b"1 ", b"0x", b"1e", b"Infinity", b"1,5x", b"--1",
              b"0x1p99999"]
# Each function's parameters (README's Functions table).
FAMILY = {b"relu": [], b"leaky_relu": [b"--alpha"], b"leaky": [b"--alpha"],
          b"relu6": [], b"hardtanh": [b"--min-val", b"--max-val"],
          b"threshold": [b"--threshold", b"--value"],
          b"hardshrink": [b"--lambd"], b"softshrink": [b"--lambd"],
          b"rrelu": [b"--lower", b"--upper"], b"prelu": [b"--weight"]}
ALL_PARAMS = [b"--alpha", b"--min-val", b"--max-val", b"--beta",
              b"--threshold", b"--value", b"--lambd", b"--lower", b"--upper",
              b"--weight", b"--approximate"]
BAD_FUNCTIONS = [b"bogus", b"RELU", b"", b"relu ", b"leaky-relu", b"Relu6",
                 b"hard_tanh", b"prelu,", b"-1"]


def param_text(rng):
    """A finite parameter, most often from PARAMS."""
    r = rng.random()
    if r < 0.65:
        return rng.choice(PARAMS)
    if r < 0.85:
        return repr(rng.choice([rng.uniform(-10, 10), rng.uniform(0, 2),
                                rng.gauss(0, 1e-3)])).encode()
    return random_decimal(rng)


def near(text):
    """Texts of the double `text` denotes and of its neighbours, both
    signs: the inputs that hit a kink exactly (in other spellings: as the
    shortest text, in hexadecimal, with a sign) or miss it by one ulp."""
    v = model.parse_number(text)
    if v is None or not model.math.isfinite(v):
        return []
    out = [text, model.shortest(v), float.hex(v).encode(),
           model.shortest(model.math.nextafter(v, model.math.inf)),
           model.shortest(model.math.nextafter(v, -model.math.inf))]
    return out + [t[1:] if t.startswith(b"-") else b"-" + t.lstrip(b"+")
                  for t in out]


def option(rng, name, value):
    """--name value, --name=value, or an abbreviation (abbreviate)."""
    return rng.choice([[name, value], [name + b"=" + value]])


def random_family(rng):
    """Options for one of the family's elementwise functions, with random
    parameters, now and then refused ones (not finite, of another
    function, missing, negative, bounds the wrong way round, an unknown
    name). Return (argv options, kinks, per_field): kinks are input texts
    at and next to the function's kinks; per_field is true when --weight
    is to be one weight per selected field (added by add_weights)."""
    name = rng.choice([b"relu6", b"hardtanh", b"hardtanh", b"threshold",
                       b"threshold", b"hardshrink", b"softshrink",
                       b"softshrink", b"rrelu", b"prelu", b"prelu",
                       b"relu", b"leaky_relu", b"leaky"])
    kinks = [b"0", b"-0", b"0.0", b"-0.0", b"0x0p0", b"+0", b"-inf", b"inf",
             b"nan", b"-nan", b"1e-400", b"-1e-400"]
    groups = []                         # options, each with its value
    per_field = False

    def param(opt, value=None):
        if value is None:
            value = param_text(rng)
        groups.append(option(rng, opt, value))
        return value

    if name == b"relu6":
        kinks += near(b"6") + [b"6.000", b"0x1.8p2", b"+6e0"]
    elif name == b"hardtanh":
        lo, hi = sorted([param_text(rng), param_text(rng)],
                        key=model.parse_number)
        if rng.random() < 0.1:          # equal, or the wrong way round
            lo, hi = rng.choice([(hi, lo), (lo, lo), (b"0", b"-0")])
        if rng.random() < 0.8:
            kinks += near(param(b"--min-val", lo))
        else:
            kinks += near(b"-1")
        if rng.random() < 0.8:
            kinks += near(param(b"--max-val", hi))
        else:
            kinks += near(b"1")
    elif name == b"threshold":
        if rng.random() < 0.95:
            kinks += near(param(b"--threshold"))
        if rng.random() < 0.95:
            param(b"--value")
    elif name in (b"hardshrink", b"softshrink"):
        if rng.random() < 0.85:
            lambd = rng.choice([b"0", b"-0", b"0.5"]) \
                if rng.random() < 0.3 else param_text(rng)
            if lambd.startswith(b"-") and rng.random() < 0.8:
                lambd = lambd[1:]       # "must not be negative": now and then
            kinks += near(param(b"--lambd", lambd))
        else:
            kinks += near(b"0.5")
    elif name == b"rrelu":
        lo, hi = sorted([param_text(rng), param_text(rng)],
                        key=model.parse_number)
        r = rng.random()
        if r < 0.1:                     # a sum that overflows
            lo = hi = rng.choice([b"1e308", b"1.7976931348623157e308"])
            if rng.random() < 0.5:
                lo = hi = b"-" + lo
        elif r < 0.15:
            lo, hi = hi, lo
        if rng.random() < 0.7:
            param(b"--lower", lo)
        if rng.random() < 0.7:
            param(b"--upper", hi)
        kinks += [b"-1", b"1", b"-2.50", b"-1e308", b"-5e-324"]
    elif name == b"prelu":
        r = rng.random()
        if r < 0.4:
            param(b"--weight")
        elif r < 0.9:
            per_field = True
        kinks += [b"-1", b"1", b"-2.50", b"-1e308", b"-5e-324"]
    elif name != b"relu" and rng.random() < 0.7:    # leaky_relu
        param(b"--alpha")
        kinks += [b"-1", b"-1e308"]
    if rng.random() < 0.04:             # a parameter it does not have
        opt = rng.choice([p for p in ALL_PARAMS if p not in FAMILY[name]])
        param(opt, rng.choice([b"none", b"tanh"]) if opt == b"--approximate"
              else param_text(rng))
    if rng.random() < 0.04 and groups:  # one that is not finite
        i = rng.randrange(len(groups))
        groups[i] = groups[i][:1] + [rng.choice(BAD_PARAMS)] \
            if len(groups[i]) == 2 else \
            [groups[i][0].partition(b"=")[0] + b"=" + rng.choice(BAD_PARAMS)]
    if rng.random() < 0.03:
        name = rng.choice(BAD_FUNCTIONS)
    function = rng.choice([[b"-F", name], [b"-F" + name],
                           [b"--function", name], [b"--function=" + name]])
    if name == b"leaky_relu" and rng.random() < 0.3:
        function = [b"-l"]
    # -F where it stands among its parameters: the function is the last
    # -F or -l, and a parameter is checked against it once all are read.
    groups.insert(rng.randrange(len(groups) + 1), function)
    if rng.random() < 0.04:             # -l and -F: the last one wins
        groups.insert(rng.randrange(len(groups) + 1), [b"-l"])
    return [a for g in groups for a in g], kinks, per_field


def closed_fields(rng):
    """A closed -f list of 1 to 5 fields, in cut's syntax, in any order,
    with duplicates and ranges."""
    chosen = sorted(rng.sample(range(1, 8), rng.randint(1, 5)))
    items = []
    i = 0
    while i < len(chosen):
        j = i
        while j + 1 < len(chosen) and chosen[j + 1] == chosen[j] + 1:
            j += 1
        a, b = chosen[i], chosen[j]
        if a == b:
            items.append(b"%d" % a)
        elif a == 1 and rng.random() < 0.3:
            items.append(b"-%d" % b)
        else:
            items.append(b"%d-%d" % (a, b))
        i = j + 1
    if rng.random() < 0.2:
        items.append(rng.choice(items))     # fields are a set
    rng.shuffle(items)
    return rng.choice([b",", b",", b" "]).join(items)


def add_weights(rng, args, fields, names=None):
    """Add prelu's --weight W1,W2,..., one weight per field that the -f
    list `fields` selects (resolved against the header's `names` for a
    list of names); now and then one too many or too few, and none at
    all without -f (usage errors)."""
    count = None
    try:
        if fields is not None:
            if names is None:
                ranges = model.parse_fields(fields)
            else:
                ranges = model.resolve_named(model.parse_named(fields) or [],
                                             names)
            count = model.selected_count(ranges)
    except (model.Usage, model.Unspecified, TypeError):
        pass
    if count is None or rng.random() < 0.1:
        count = rng.randint(2, 5) if count is None else \
            max(count + rng.choice([-1, 1]), 2)
    if count < 2:               # a list of one weight is one weight
        count = 2
    weights = b",".join(param_text(rng) for _ in range(count))
    if rng.random() < 0.04:
        weights += rng.choice([b",", b",inf", b",abc", b",,1"])
    w = option(rng, b"--weight", weights)
    return w + args if rng.random() < 0.3 else args + w


def family_token(rng, o):
    """A token of the input: one at or next to a kink of the function
    (o["kinks"]) now and then."""
    if o.get("kinks") and rng.random() < 0.35:
        return rng.choice(o["kinks"])
    return random_token(rng)


def family_number(rng, o):
    if o.get("kinks") and rng.random() < 0.35:
        return rng.choice(o["kinks"])
    return random_number(rng)


def random_options(rng, stdin_input, named=False):
    """Return (argv options, option dict) for one run; `named`: no -f
    (the caller adds a list of names, and prelu's weights for it, when
    o["per_field"])."""
    o = {"delimiter": None, "zero": rng.random() < 0.15}
    args = []
    if o["zero"]:
        args.append(rng.choice([b"-z", b"--zero-terminated"]))
    o["per_field"] = False
    r = rng.random()
    if r < FAMILY_SHARE:
        family, o["kinks"], o["per_field"] = random_family(rng)
        args += family
        if rng.random() < 0.03:         # float64 is the default
            args += [b"--dtype", rng.choice([b"float64", b"double",
                                             b"Float64", b"float32"])]
    elif (r - FAMILY_SHARE) / (1 - FAMILY_SHARE) < 0.3:
        args.append(rng.choice([b"-l", b"--leaky"]))
    elif (r - FAMILY_SHARE) / (1 - FAMILY_SHARE) < 0.55:
        a = rng.choice(ALPHAS)
        args += rng.choice([[b"-a", a], [b"-a" + a], [b"--alpha=" + a],
                            [b"--alpha", a], [b"-la", a]])
    if rng.random() < 0.25:
        args.append(rng.choice([b"-g", b"--grad", b"--derivative"]))
    if rng.random() < 0.5:
        cls = rng.choice(DELIMITER_CLASSES)
        d = bytes([rng.choice(cls)])
        if o["zero"] and (d == b"\0" or rng.random() < 0.2):
            d = b"\n"
        o["delimiter"] = d
        if d == b"\0":                  # "-d '' is NUL, as in cut"
            args += rng.choice([[b"-d", b""], [b"--delimiter="]])
        else:
            args += rng.choice([[b"-d", d], [b"-d" + d],
                                [b"--delimiter=" + d]])
    fl = None
    if named:
        pass
    elif o["per_field"] and rng.random() < 0.9:
        fl = closed_fields(rng)
        args += rng.choice([[b"-f", fl], [b"--fields=" + fl]])
    elif rng.random() < 0.25:
        fl = random_fields(rng) if rng.random() < 0.9 else \
            rng.choice(EDGE_FIELDS)
        args += rng.choice([[b"-f", fl], [b"--fields=" + fl]])
    if o["per_field"] and not named:
        args = add_weights(rng, args, fl)
    if stdin_input and rng.random() < 0.25:
        args.append(rng.choice([b"--header", b"--header=1",
                                b"--header=2", b"--header=5", b"--header=+2",
                                b"--header= 1", b"--header=03",
                                b"--header=18446744073709551615"]))
    if rng.random() < 0.7:
        mode = rng.choice([b"abort", b"fail", b"warn", b"ignore"])
        args += rng.choice([[b"--invalid", mode], [b"--invalid=" + mode]])
    r = rng.random()
    if r < 0.12:
        args += [b"--format", rng.choice(FORMATS)]
    elif r < 0.17:
        args += [b"-p", str(rng.choice([0, 1, 3, 17, 40, 1000])).encode()]
    if rng.random() < 0.4:              # output is that of one thread
        n = b"%d" % rng.randint(1, 4)
        args += rng.choice([[b"-j", n], [b"-j" + n], [b"--jobs", n],
                            [b"--jobs=" + n]])
    return abbreviate(rng, args), o


def random_run(rng):
    """Return (argv, stdin bytes) of one run."""
    if rng.random() < 0.06:
        bad = list(rng.choice(USAGE_ERRORS))
        args, _ = random_options(rng, False)
        return args + bad + [b"--", b"1"], b"-1\n"
    stdin_input = rng.random() < 0.8
    args, o = random_options(rng, stdin_input)
    terminator = b"\0" if o["zero"] else b"\n"
    if stdin_input:
        records = [random_record(rng, o, terminator)
                   for _ in range(rng.randrange(1, 120))]
        data = terminator.join(records)
        if rng.random() < 0.75:
            data += terminator
        if not o["zero"] and rng.random() < 0.05:
            data = data.replace(b" ", b"\0", 1)
        if rng.random() < 0.3:
            return args + [b"-"], data
        return args, data
    operands = []
    for _ in range(rng.randrange(1, 20)):
        r = rng.random()
        if r < 0.05:
            operands.append(b"")
        elif r < 0.1:
            # Blanks, newlines and CRs, each CR before a record's end or
            # not: empty, blank, or a field of CRs.
            operands.append(bytes(rng.choice(b" \t\r\n")
                                  for _ in range(rng.randrange(1, 5))))
        elif r < 0.13:
            operands.append(family_token(rng, o) + rng.choice(
                [b"\n", b"\r\n", b"\n\r"]) + family_token(rng, o))
        elif r < 0.25:
            operands.append(random_record(rng, o, terminator))
        else:
            operands.append(family_token(rng, o))
    operands = [a.replace(b"\0", b"") or b"0" if a else a for a in operands]
    if any(a.startswith(b"-") for a in operands) or rng.random() < 0.5:
        return args + [b"--"] + operands, b""
    return operands + args, b""   # options after operands: getopt permutes


# ------------------------------------------------------------ CSV

# Delimiters for --csv: mostly the comma, and bytes that are blanks, digits,
# parts of numbers, CR, NUL and a high byte (never the quote: a usage error
# drawn on purpose below).
CSV_DELIMITERS = [b",", b",", b",", b",", b";", b"\t", b" ", b"|", b"\0",
                  b"\r", b"1", b".", b"-", b"e", b"'", b"\xff"]
# Header names that need care: digits, commas, dashes, blanks, quotes,
# brackets, empty, line breaks, duplicates (w and x come back often).
NAME_POOL = [b"w", b"w", b"x", b"x", b"w1", b"w2", b"id", b"name", b"2019",
             b"007", b"1", b"3", b"a,b", b"a-b", b"-", b"a b", b" lead",
             b"trail ", b"\ttab", b'say "hi"', b'"', b'""', b"", b"w[1]",
             b"a[b", b"x]", b"\xc3\xa9t\xc3\xa9", b"a;b", b"multi\nline",
             b"cr\rname", b"n'q", b"\\", b"-1", b"1e3", b"nan", b"a|b",
             b"1.5", b"e", b"x y z", b"0"]
CSV_TEXT = b"abcxyzAZ09 \t.,;|-+eE'\\\r\n\0\x7f\xc3\xa9"
# Malformed fields: a quote inside an unquoted field, text after a closing
# quote (the quote of a stray field is data: these never open a quote).
STRAY = [b'ab"c', b' "1"', b'1"', b'-1"', b' "-1 " ', b'x""', b'a"b"c',
         b'\t"', b'0"5']
AFTER = [b'"1"5', b'"a"b"c', b'"1" ', b'""x', b'"-1"\t', b'"2"""x',
         b'"a""b"c"d', b'"x"\r', b'"1"-', b'"" ']


def csv_quote(rng, text, always=False):
    """`text` as a CSV field: in quotes, `"` doubled, when it needs them
    (or always, or now and then)."""
    if always or rng.random() < 0.2 or not text or \
            any(c in text for c in b'",\r\n\0;\t |1.-e\'\xff') or \
            text != text.strip(b" \t"):
        return b'"' + text.replace(b'"', b'""') + b'"'
    return text


def csv_text(rng):
    return bytes(rng.choice(CSV_TEXT) for _ in range(rng.randrange(0, 9)))


def unquoted(rng, token, o):
    """`token` made safe as an unquoted field: no quote, delimiter or
    terminator in it (a CR may stay)."""
    for b in (b'"', o["delimiter"], o["terminator"]):
        token = token.replace(b, b"")
    return token


def csv_field(rng, o):
    """One field's bytes, drawn from the whole --csv grammar."""
    pad = lambda: bytes(rng.choice(b" \t" + (b"\n" if o["zero"] else b""))
                        for _ in range(rng.choice([0, 0, 0, 1, 2])))
    r = rng.random()
    if r < 0.3:                         # a number, unquoted, blanks around
        return unquoted(rng, pad() + family_number(rng, o) + pad(), o)
    if r < 0.5:                         # a number in quotes, blanks too
        number = family_number(rng, o) if rng.random() < 0.9 else \
            family_token(rng, o)
        return b'"' + (pad() + number + pad()).replace(b'"', b'""') + b'"'
    if r < 0.6:                         # quoted text: delimiters, CR, LF
        return csv_quote(rng, csv_text(rng), always=True)
    if r < 0.64:
        return b'""'
    if r < 0.68:
        return pad()                    # empty or blank, unquoted
    if r < 0.71:
        return b'"' + pad() + b'"'      # blank, quoted
    if r < 0.8:
        return unquoted(rng, rng.choice(NEAR), o)
    if r < 0.85:
        return unquoted(rng, family_token(rng, o), o)
    if r < 0.9:
        return rng.choice(STRAY).replace(o["delimiter"], b"")
    if r < 0.95:
        return rng.choice(AFTER).replace(o["delimiter"], b"")
    # a quoted number with a doubled quote or a delimiter inside
    return b'"' + family_number(rng, o) + rng.choice(
        [b'""', o["delimiter"], o["terminator"], b"\r"]) + b'"'


def csv_record(rng, o, width):
    n = width if rng.random() < 0.8 else rng.randrange(0, width + 3)
    rec = o["delimiter"].join(csv_field(rng, o) for _ in range(n))
    if rng.random() < 0.15:
        rec += b"\r"
    return rec


def name_in_list(rng, name):
    """A header name as -f writes it: in quotes, with "" for a quote, when
    it is all digits or holds a comma, dash, blank, quote or bracket."""
    if not name or name.isdigit() or \
            any(c in name for c in b',- \t"[]') or rng.random() < 0.1:
        return b'"' + name.replace(b'"', b'""') + b'"'
    return name


def named_list(rng, names):
    """A -f list by the header's names, ranges of them, name[k] and
    numbers, mixed, separated by commas or blanks; now and then a name the
    header does not have, or a range that runs backwards."""
    width = max(len(names), 1)

    def bound(n):
        """Field n (from 1) by its name, name[k] or number."""
        if n > len(names) or b"\0" in names[n - 1] or rng.random() < 0.2:
            return b"%d" % n
        name = names[n - 1]
        k = names[:n - 1].count(name)
        text = name_in_list(rng, name)
        if k or rng.random() < 0.05:
            text += b"[%d]" % k
        return text

    items = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        a = rng.randrange(1, width + 1)
        b = rng.randrange(a, width + 2)
        r = rng.random()
        if r < 0.05:
            items.append(rng.choice([b"nope", b'"no pe"', b"w[9]", b"x[3]",
                                     b'""[2]']))
        elif r < 0.5:
            items.append(bound(a))
        elif r < 0.65:
            items.append(bound(a) + b"-" + bound(b))
        elif r < 0.75:
            items.append(bound(a) + b"-")
        elif r < 0.85:
            items.append(b"-" + bound(a))
        elif r < 0.9 and b > a:
            items.append(bound(b) + b"-" + bound(a))      # backwards
        else:
            items.append(b"%d" % a)
    return rng.choice([b",", b",", b" ", b"\t"]).join(items)


def csv_options(rng):
    """Options of one --csv run: (argv, o); o says what the input needs."""
    o = {"zero": rng.random() < 0.12}
    o["terminator"] = b"\0" if o["zero"] else b"\n"
    args = [rng.choice([b"--csv", b"--csv", b"--cs"])]
    if o["zero"]:
        args.append(rng.choice([b"-z", b"--zero-terminated"]))
    d = b","
    if rng.random() < 0.3:
        d = rng.choice(CSV_DELIMITERS + ([b"\n"] if o["zero"] else []))
        if d == o["terminator"]:
            d = b";"
        args += [b"-d", d] if d != b"\0" else [b"--delimiter="]
        rng.shuffle(args)               # -d before or after --csv
    o["delimiter"] = d
    o["per_field"] = False
    r = rng.random()
    if r < 0.25:
        family, o["kinks"], o["per_field"] = random_family(rng)
        args += family
    elif r < 0.5:
        args.append(rng.choice([b"-l", b"--leaky"]))
    elif r < 0.6:
        args += [b"-a", rng.choice(ALPHAS)]
    if rng.random() < 0.2:
        args.append(b"-g")
    mode = rng.choice([b"abort", b"fail", b"warn", b"ignore", None])
    if mode:
        args += rng.choice([[b"--invalid", mode], [b"--invalid=" + mode]])
    r = rng.random()
    if r < 0.1:
        args += [b"--format", rng.choice(FORMATS[:20])]
    elif r < 0.15:
        args += [b"-p", rng.choice([b"0", b"3", b"17"])]
    if rng.random() < 0.5:
        args += [b"-j", b"%d" % rng.randint(1, 4)]
    return args, o


def csv_run(rng):
    """Return (argv, stdin bytes) of one --csv run: a header of awkward
    names or none, records from the whole grammar, a field list by names
    or numbers, now and then a quote left open at the end, malformed
    quoting anywhere, or CSV records as arguments."""
    args, o = csv_options(rng)
    if rng.random() < 0.02:             # the quote as the delimiter
        return args + rng.choice([[b"-d", b'"'], [b'-d"']]), b"1\n"
    term = o["terminator"]
    width = rng.choice([1, 2, 3, 4, 6])
    if rng.random() < 0.12:             # records as NUMBER arguments
        operands = [csv_record(rng, o, width).replace(b"\0", b"")
                    for _ in range(rng.randrange(1, 8))]
        if rng.random() < 0.4:          # a quote open at an argument's end
            i = rng.randrange(len(operands))
            operands[i] += b'"' + csv_text(rng).replace(b'"', b"") \
                .replace(b"\0", b"")
        fields = None
        if o["per_field"] and rng.random() < 0.9:
            fields = closed_fields(rng)
        elif rng.random() < 0.3:
            fields = random_fields(rng)
        if fields is not None:
            args += [b"-f", fields]
        if o["per_field"]:
            args = add_weights(rng, args, fields)
        return args + [b"--"] + operands, b""
    records = []
    names = None
    header = rng.random() < 0.6
    if header:
        names = [rng.choice(NAME_POOL) for _ in range(width)]
        fields = [csv_quote(rng, nm) for nm in names]
        if rng.random() < 0.1:          # a malformed header field
            fields[rng.randrange(width)] = rng.choice(STRAY + AFTER)
        records.append(o["delimiter"].join(fields)
                       + (b"\r" if rng.random() < 0.2 else b""))
        n = rng.choice([1, 1, 1, 2, 3])
        args.append(b"--header" if n == 1 and rng.random() < 0.5
                    else b"--header=%d" % n)
        if rng.random() < 0.3:
            args.append(rng.choice([b"--drop-header", b"--drop"]))
    elif rng.random() < 0.03:
        args.append(b"--drop-header")   # without --header: a usage error
    r = rng.random()
    fields = None
    if names and r < 0.55:
        # The names as relu reads them, unquoted (a name that blanks
        # surround is quoted by csv_quote, so it keeps them).
        fields = named_list(rng, names)
    elif r < 0.75 or o["per_field"] and r < 0.95:
        fields = closed_fields(rng) if o["per_field"] else \
            random_fields(rng)
        names = None
    elif r < 0.78:
        fields = b"w1,x"                # names without --header: cut's error
    if fields is not None:
        args += [b"-f", fields]
    if o["per_field"]:
        args = add_weights(rng, args, fields, names)
    records += [csv_record(rng, o, width)
                for _ in range(rng.randrange(0, 40))]
    data = term.join(records)
    if records and rng.random() < 0.8:
        data += term
    r = rng.random()
    if r < 0.08:                        # a quote open at the end
        data += b'"' + csv_text(rng).replace(b'"', b"") + rng.choice(
            [b"", term, b"\r" + term, term + b"-1,2" + term])
    elif r < 0.12 and data:             # a quote anywhere
        i = rng.randrange(len(data))
        data = data[:i] + b'"' + data[i:]
    if rng.random() < 0.1:
        args.append(b"-")
    return args, data


def named_run(rng):
    """A run without --csv whose -f names fields of the header (-d or runs
    of blanks, -z or not): the names are the first record's fields, without
    their blanks, and some of NAME_POOL that these separators allow."""
    args, o = random_options(rng, True, named=True)
    term = b"\0" if o["zero"] else b"\n"
    blanks = b" \t\n" if o["zero"] else b" \t"
    records = [random_record(rng, o, term)
               for _ in range(rng.randrange(1, 30))]
    if rng.random() < 0.5:              # a header of names, some awkward
        d = o["delimiter"]
        pool = [nm for nm in NAME_POOL if nm and term not in nm and
                (d is None and not any(c in blanks for c in nm) or
                 d is not None and d not in nm)]
        names = [rng.choice(pool) for _ in range(rng.randrange(1, 6))]
        records[0] = (d or b" ").join(names)
    first = records[0][:-1] if records[0].endswith(b"\r") else records[0]
    if o["delimiter"] is None:
        names = re.findall(b"[^" + re.escape(blanks) + b"]+", first)
    else:
        names = [f.strip(blanks) for f in first.split(o["delimiter"])]
    data = term.join(records) + term
    fields = named_list(rng, names)
    if o["per_field"]:
        args = add_weights(rng, args, fields, names)
    return args + [b"--header", b"-f", fields] + \
        ([b"--drop-header"] if rng.random() < 0.3 else []), data


def big_csv(rng):
    """About 500 KB of CSV with line breaks, delimiters and doubled quotes
    inside quoted fields, CRLF and LF: for -j, whose pieces must be cut at
    record ends outside quotes."""
    rows = [b'id,"note, with comma",w,"x"\r']
    for i in range(9000):
        note = rng.choice([b'"a\nb"', b'"multi\r\nline, ""q"""', b'plain',
                           b'"x,y"', b'""', b'"' + b"\n" * 3 + b'"'])
        w = repr(rng.uniform(-9, 9)).encode()
        x = repr(rng.gauss(0, 1e-3)).encode()
        rows.append(b'%d,%s,%s,"%s"' % (i, note, w, x)
                    + (b"\r" if i % 3 == 0 else b""))
    return b"\n".join(rows) + b"\n"


# ------------------------------------------------------------ running

ENV = dict(os.environ, LC_ALL="C")
PIECES = [1, 7, 4093, 65537, 13, 131071, 3, 262147]
# Small odd pieces, so that quotes, doubled quotes and CRLF fall across
# reads.
ODD_PIECES = [1, 2, 3, 5, 1, 8, 13, 1, 21, 34, 2, 55, 89, 3, 144, 233, 377]


def execute(relu, argv, data, feed="bytes"):
    """Run relu; feed is "bytes" (one write), "file", "pieces" (PIECES
    through a pipe) or "odd" (ODD_PIECES through a pipe)."""
    cmd = [relu] + argv
    if feed == "file":
        with tempfile.TemporaryFile() as f:
            f.write(data)
            f.seek(0)
            p = subprocess.run(cmd, stdin=f, capture_output=True, env=ENV,
                               timeout=TIMEOUT)
        return p.stdout, p.stderr, p.returncode
    if feed == "bytes":
        p = subprocess.run(cmd, input=data, capture_output=True, env=ENV,
                           timeout=TIMEOUT)
        return p.stdout, p.stderr, p.returncode
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=ENV)
    got = {}
    def drain(key, stream):
        got[key] = stream.read()
    readers = [threading.Thread(target=drain, args=(k, s))
               for k, s in (("out", p.stdout), ("err", p.stderr))]
    for t in readers:
        t.start()
    try:
        pos, i = 0, 0
        sizes = ODD_PIECES if feed == "odd" else PIECES
        while pos < len(data):
            n = sizes[i % len(sizes)]
            os.write(p.stdin.fileno(), data[pos:pos + n])
            pos += n
            i += 1
        p.stdin.close()
    except BrokenPipeError:
        pass
    for t in readers:
        t.join(TIMEOUT)
    p.wait(TIMEOUT)
    return got["out"], got["err"], p.returncode


def matches(want, got):
    out, err, status = got
    if want.status is None:            # README leaves it open
        return True
    if out != want.stdout or status != want.status:
        return False
    if isinstance(want.stderr, bytes):
        return err == want.stderr
    return want.stderr.fullmatch(err) is not None


def differs(relu, argv, data, feed="bytes"):
    return not matches(model.run(argv, data), execute(relu, argv, data, feed))


# ------------------------------------------------------------ shrinking

def drop_header(argv):
    return [a for a in argv if not a.startswith(b"--header")]


def split_records(argv, data):
    try:
        o = model.parse_options(argv)
    except (model.Usage, model.Unspecified):
        return [data]
    t = b"\0" if o.zero else b"\n"
    if o.csv:                           # CSV records, quotes and all
        return [data[r.span[0]:r.span[1]]
                for r in model.csv_records(data, o.delimiter, t)]
    pieces = data.split(t)
    last = pieces.pop()
    recs = [p + t for p in pieces] + ([last] if last else [])
    return recs


def shrink_bytes(relu, make, rec, budget):
    """Greedily drop chunks of `rec` while make(rec) still differs."""
    n = max(len(rec) // 2, 1)
    while n >= 1 and budget > 0:
        i, changed = 0, False
        while i < len(rec) and budget > 0:
            cand = rec[:i] + rec[i + n:]
            budget -= 1
            if cand != rec and differs(relu, *make(cand)):
                rec, changed = cand, True
            else:
                i += n
        if not changed:
            n //= 2
    return rec


def shrink_args(relu, argv, data, budget=40):
    """Drop arguments that do not matter."""
    i = 0
    while i < len(argv) and budget > 0:
        cand = argv[:i] + argv[i + 1:]
        budget -= 1
        if differs(relu, cand, data):
            argv = cand
        else:
            i += 1
    return argv


def reproducers(relu, argv, data, feed):
    """Return up to three small (argv, data) that still differ: one record
    or one operand, shrunk, with the arguments that matter."""
    if feed != "bytes" or not differs(relu, argv, data):
        return [(argv, data)]
    try:
        operands = model.parse_options(argv).operands
    except (model.Usage, model.Unspecified):
        return [(shrink_args(relu, argv, data), data)]
    if operands and operands != [b"-"]:
        opts = drop_header(argv[:argv.index(b"--")] if b"--" in argv
                           else argv[len(operands):])
        pieces = operands
        make = lambda op: (opts + [b"--", op], b"")
    else:
        opts = drop_header(argv)
        pieces = split_records(argv, data)
        make = lambda rec: (opts, rec)
    found = []
    for piece in pieces:
        if differs(relu, *make(piece)):
            found.append(piece)
            if len(found) == 3:
                break
    if not found and not operands and len(pieces) > 1:
        # A header may be needed (names in -f, --drop-header): the first
        # record, then each other one, with all the arguments.
        first = pieces[0]
        make = lambda rec: (argv, first + rec)
        found = [p for p in pieces[1:] if differs(relu, *make(p))][:3]
    if not found:
        return [(shrink_args(relu, argv, data, 60), data)]
    piece = shrink_bytes(relu, make, found[0], 60)
    a, d = make(piece)
    return [(shrink_args(relu, a, d, 30), d)] + [make(p) for p in found[1:]]


def ansi_c(arg):
    """`arg` as a bash $'...' word."""
    def one(b):
        if b in b"'\\":
            return "\\" + chr(b)
        return chr(b) if 0x20 <= b < 0x7F else "\\x%02x" % b
    return "$'" + "".join(one(b) for b in arg) + "'"


def show(relu, argv, data):
    cmd = "relu " + " ".join(shlex.quote(a.decode("latin-1"))
                             if re.fullmatch(rb"[\x20-\x7e]*", a)
                             else ansi_c(a) for a in argv)
    if data:
        cmd = "printf %s " % shlex.quote(
            data.decode("latin-1").encode("unicode_escape").decode()
            .replace("%", "%%")) + "| " + cmd
    want = model.run(argv, data)
    out, err, status = execute(relu, argv, data)
    werr = want.stderr
    werr = repr(werr[:300]) if isinstance(werr, bytes) else \
        "/" + werr.pattern.decode("latin-1") + "/"
    text = (f"  $ {cmd}\n"
            f"    input  {data[:300]!r}\n"
            f"    model  {want.stdout[:300]!r} {werr} exit {want.status}\n"
            f"    relu   {out[:300]!r} {err[:300]!r} exit {status}")
    if out != want.stdout and len(min(out, want.stdout, key=len)) > 250:
        i = next((k for k, (a, b) in enumerate(zip(out, want.stdout))
                  if a != b), min(len(out), len(want.stdout)))
        text += (f"\n    stdout differs at byte {i} of {len(want.stdout)}"
                 f" (model) and {len(out)} (relu): model"
                 f" {want.stdout[max(i - 20, 0):i + 40]!r}, relu"
                 f" {out[max(i - 20, 0):i + 40]!r}")
    return text


# ------------------------------------------------------------ the runs

def limit_runs():
    """Fields around the 1 MiB limit, from a file and through a pipe."""
    runs = []
    for n in (model.MIB - 1, model.MIB, model.MIB + 1):
        digits = b"1" * n
        neg = b"-" + b"1" * (n - 1)
        runs += [
            ([], digits + b"\n-2\n"),
            (["--invalid=warn"], b"-3 " + neg + b" -4\n"),
            (["-d", ",", "--invalid=fail"], b"x," + neg + b",-5\n"),
            (["-l", "--invalid=ignore"], neg + b"\n-6"),
            (["-d", "1"], b"-" + b"2" * (n - 1) + b"1-7\n"),
            (["--header=2"], digits + b"x\n" + b"y" * n + b"\n-8\n"),
            (["-f", "2", "-d", ":"], neg + b"x:-9\n"),
            # --csv: "a field to be converted is limited to 1 MiB, quotes
            # included"; quoted text of any length streams through.
            (["--csv", "-l"], b'-1,"' + neg[:-2] + b'",-2\n'),
            (["--csv", "--invalid=warn"], b'"' + b" " * (n - 2) + b'"\n-3\n'),
            (["--csv", "-f", "2", "--invalid=fail"],
             b'-1,"' + neg[:-2] + b'"\r\n"a\n' + digits + b'",-4\r\n'),
            (["--csv", "-f", "1", "--invalid=warn"],
             b'"' + b'""' * (n // 2) + b'",-5\n-6,"' + b"x\n" * n),
            (["--csv", "-f", "2", "--invalid=fail"],
             b'-7,"' + neg[:-2] + b'\n'),
        ]
    return [([a.encode() for a in argv], data) for argv, data in runs]


def big_csv_runs(rng):
    """-j 1 to 4 on two inputs of 500 KB (relu reads 128 KiB at a time): a
    clean one, and one with a bad
    selected field, text after a closing quote and a quote left open at
    the end; one of each fed in pieces."""
    clean = big_csv(rng)
    i = clean.index(b"\n", len(clean) * 6 // 10) + 1
    j = clean.index(b"\n", len(clean) * 9 // 10) + 1
    dirty = clean[:i] + b'1,"a",-1x,"-2"\n' + clean[i:j] + b'5,"a"b,-3\n' \
        + clean[j:] + b'9,"open at the end\n-1,-2\n' 
    runs = []
    for data, tail, feed in ((clean, [b"--format", b"%.3e", b"-f", b"w-x"],
                              "pieces"),
                             (dirty, [b"--invalid=fail", b"-f", b"w,x"],
                              "pieces"),
                             (dirty, [b"-f", b"3,x"], "bytes")):
        for jobs in (b"1", b"2", b"3", b"4"):
            runs.append(([b"--csv", b"--header", b"-l", b"-j", jobs] + tail,
                         data, feed if jobs == b"4" else "bytes"))
    return runs


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    relu = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_SEED
    nruns = int(sys.argv[3]) if len(sys.argv) > 3 else DEFAULT_RUNS
    rng = random.Random(seed)
    cases = []
    for argv, data in limit_runs():
        cases += [(argv, data, "file"), (argv, data, "pieces")]
    cases += [(argv, data, "bytes") for argv, data in
              (random_run(rng) for _ in range(nruns))]
    # --csv runs draw from a generator of their own, so that the runs
    # above stay what they were for a seed; a third are fed through a
    # pipe in small odd pieces.
    crng = random.Random(seed * 7 + 1)
    for _ in range(nruns * CSV_RUNS_PER_RUN // 100):
        argv, data = csv_run(crng) if crng.random() < 0.85 else \
            named_run(crng)
        cases.append((argv, data, "odd" if crng.random() < 0.3 else "bytes"))
    cases += big_csv_runs(crng)
    passed = failed = 0
    shown = 0
    seen = set()
    cache = {}
    for i, (argv, data, feed) in enumerate(cases):
        if len(data) > 100000:          # -j N changes nothing (README)
            key = (tuple(a for k, a in enumerate(argv) if a != b"-j" and
                         (k == 0 or argv[k - 1] != b"-j")), data)
            if key not in cache:
                cache.clear()
                cache[key] = model.run(argv, data)
            want = cache[key]
        else:
            want = model.run(argv, data)
        got = execute(relu, argv, data, feed)
        if matches(want, got):
            passed += 1
            continue
        failed += 1
        if shown >= SHOWN_REPRODUCERS:
            continue
        shown += 1
        print(f"FAIL run {i} (seed {seed}, stdin fed as {feed}):")
        if len(data) > 10000:
            print(f"  relu {b' '.join(argv)!r} < input of {len(data)} bytes "
                  f"{data[:20]!r}...{data[-20:]!r}\n"
                  f"    model  {want.stdout[:60]!r}... "
                  f"({len(want.stdout)} bytes) {want.stderr!r:.200} "
                  f"exit {want.status}\n"
                  f"    relu   {got[0][:60]!r}... ({len(got[0])} bytes) "
                  f"{got[1][:200]!r} exit {got[2]}")
            continue
        for a, d in reproducers(relu, argv, data, feed):
            if (tuple(a), d) in seen:
                print(f"  (as above: {b' '.join(a)!r:.100} < {d!r:.60})")
            else:
                seen.add((tuple(a), d))
                print(show(relu, a, d))
        sys.stdout.flush()
    if failed > shown:
        print(f"({failed - shown} more failed runs not shown)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
