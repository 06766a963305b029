#!/usr/bin/env python3
"""The functions over a record (softmax, softmin, log_softmax) through the
rest of the interface: -z, --format/--precision, --header, --drop-header,
-f by numbers, ranges and names, fields some records lack, --csv quoting,
the --invalid modes, write and read faults while a record is held, the
16 MiB record limit, rows of thousands of elements, -j 2, records without
a terminator, empty input, records of separators only, CRLF, and -g.

usage: record_stream.py RELU

Written from README.md and the man page alone (never from src/): every
expected byte comes from README's rules and from an mpmath reference here
(high precision, rounded to float64 by integer arithmetic, printed as the
shortest round-trip text laid out as README says), never from running
relu. A NaN output may print as nan or -nan (README does not say which).
"""
import math
import os
import random
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile

from mpmath import mp, mpf

RELU = os.path.abspath(sys.argv[1])
ENV = dict(os.environ, LC_ALL="C")
passed = failed = 0
NAN = b"\x00NAN\x00"  # stands for nan or -nan in an expected output


# --- The reference ----------------------------------------------------------

NUMBER = re.compile(
    rb"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    rb"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)"
    rb"(?:[pP][+-]?[0-9]+)?"
    rb"|inf|infinity|nan)\Z", re.I)


def parse(token):
    """README's number grammar: the double of a token, or None."""
    if not NUMBER.match(token):
        return None
    text = token.decode()
    body = text.lstrip("+-")
    if body[:2].lower() == "0x":
        v = float.fromhex(body)
        return -v if text.startswith("-") else v
    return float(text)


def round_double(v):
    """An mpf rounded to the nearest double, ties to even, with subnormals
    and overflow to inf; a zero result keeps v's sign."""
    sign, man, exp, _ = v._mpf_
    neg = sign == 1
    if man == 0:
        return -0.0 if neg else 0.0
    top = exp + man.bit_length() - 1
    if top > 1023:
        return -math.inf if neg else math.inf
    q = max(top - 52, -1074)
    shift = q - exp
    if shift <= 0:
        m = man << -shift
    elif shift > man.bit_length():
        m = 0
    else:
        m = man >> shift
        rem = man - (m << shift)
        half = 1 << (shift - 1)
        if rem > half or (rem == half and m & 1):
            m += 1
    r = math.ldexp(m, q) if m else 0.0
    return -r if neg else r


def row_exact(fn, grad, xs):
    """The outputs as mpf at the current precision; every x finite, the
    maximum (after softmin's negation) at some index."""
    m = mpf(max(xs))
    d = [mp.fsub(mpf(x), m, exact=True) for x in xs]
    e = [mp.exp(t) for t in d]
    top = d.index(0)
    others = mp.fsum(e[:top] + e[top + 1:])  # the sum without one maximum
    s = 1 + others
    rest = [others if i == top else s - e[i] for i in range(len(xs))]
    if fn == "log_softmax":
        if grad:
            return [r / s for r in rest]  # 1 - softmax_i
        lg = mp.log1p(others)
        return [t - lg for t in d]
    y = [t / s for t in e]
    if not grad:
        return y
    return [y[i] * rest[i] / s for i in range(len(xs))]


def row(fn, grad, xs):
    """fn (or its derivative with grad) over the vector xs: floats, the
    special values as README's "Over a record" says."""
    n = len(xs)
    neg = fn == "softmin"
    v = [-x for x in xs] if neg else list(xs)
    nan = [math.nan] * n
    if any(math.isnan(x) for x in v) or v.count(math.inf) >= 2 \
            or all(x == -math.inf for x in v):
        return nan
    if math.inf in v:  # the limit: 1 there, 0 elsewhere
        hot = [x == math.inf for x in v]
        if fn == "log_softmax":
            return [(0.0 if h else 1.0) if grad else (0.0 if h else -math.inf)
                    for h in hot]
        assert not grad, "the sign of these zeros is not in README"
        return [1.0 if h else 0.0 for h in hot]
    finite = [i for i, x in enumerate(v) if x != -math.inf]
    out = [None] * n
    for i in range(n):
        if v[i] == -math.inf:  # e^-inf = 0
            out[i] = (1.0 if grad else -math.inf) if fn == "log_softmax" \
                else (-0.0 if neg and grad else 0.0)
    sub = [v[i] for i in finite]
    prec = 200
    while True:
        mp.prec = prec
        exact = row_exact(fn, grad, sub)
        mp.prec = prec + 20
        slack = mpf(2) ** (40 - prec)  # far above the error of a few ops
        done = True
        for i, t in zip(finite, exact):
            if neg and grad:
                t = -t  # softmin' = -y(1 - y)
            lo = round_double(t * (1 - slack))
            hi = round_double(t * (1 + slack))
            if lo != hi or math.copysign(1, lo) != math.copysign(1, hi):
                done = False
                break
            out[i] = lo
        if done:
            mp.prec = 53
            return out
        prec *= 2


def shortest(v):
    """README: the shortest text that reads back, fixed for exponents -4 to
    15, else 1.5e+20; -0, inf, -inf, nan."""
    if math.isnan(v):
        return NAN
    if math.isinf(v):
        return b"inf" if v > 0 else b"-inf"
    r = repr(v)
    if r.endswith(".0"):
        r = r[:-2]
    return r.encode()


def printf(fmt, v):
    """--format / -p: what glibc's printf prints (Python's % rounds alike)."""
    if math.isnan(v):
        return NAN
    return (fmt % v).encode()


def texts(fn, grad, tokens, fmt=None):
    """The output texts of a row given as number texts."""
    ys = row(fn, grad, [parse(t.encode() if isinstance(t, str) else t)
                        for t in tokens])
    return [printf(fmt, y) if fmt else shortest(y) for y in ys]


def sm(*tokens, fn="softmax", grad=False, fmt=None, sep=b" "):
    """One record's outputs joined by sep (for expectations by hand)."""
    return sep.join(texts(fn, grad, tokens, fmt))


# --- A model of the stream for records without --csv ------------------------

def quote_token(tok):
    out = ""
    for c in tok[:64]:
        if c in b"'\\":
            out += "\\" + chr(c)
        elif 0x20 <= c < 0x7f:
            out += chr(c)
        else:
            out += "\\x%02x" % c
    return "'" + out + "'" + ("..." if len(tok) > 64 else "")


def cut_list(spec, names):
    """-f: cut's numbers and ranges, and names of the header (simple ones)."""
    def number(item):
        if item.isdigit():
            return int(item)
        return names.index(item) + 1

    chosen = []
    for item in re.split(r"[, ]", spec):
        if "-" in item:
            a, b = item.split("-")
            lo = number(a) if a else 1
            hi = number(b) if b else math.inf
            chosen.append((lo, hi))
        else:
            chosen.append((number(item), number(item)))
    return lambda k: any(lo <= k <= hi for lo, hi in chosen)


def options(args):
    o = dict(fn="relu", grad=False, d=None, z=False, fields=None, header=0,
             drop=False, invalid="abort", fmt=None)
    it = iter(args)
    for a in it:
        if a == "-F":
            o["fn"] = next(it)
        elif a == "-g":
            o["grad"] = True
        elif a == "-d":
            o["d"] = next(it).encode()
        elif a == "-z":
            o["z"] = True
        elif a == "-f":
            o["fields"] = next(it)
        elif a == "--header":
            o["header"] = 1
        elif a.startswith("--header="):
            o["header"] = int(a.split("=")[1])
        elif a == "--drop-header":
            o["drop"] = True
        elif a.startswith("--invalid="):
            o["invalid"] = a.split("=")[1]
        elif a == "--format":
            o["fmt"] = next(it)
        elif a == "-p":
            o["fmt"] = "%%.%sf" % next(it)
        elif a == "-j":
            next(it)
        else:
            raise ValueError(f"the model does not know {a}")
    return o


def split_fields(body, o):
    """A record's fields as (start, end) of their number text (blanks
    around it left out with -d), and the field ranges."""
    blanks = b" \t\n" if o["z"] else b" \t"
    fields = []
    if o["d"] is None:
        for m in re.finditer(rb"[^" + re.escape(blanks) + rb"]+", body):
            fields.append((m.start(), m.end()))
        return fields
    pos = 0
    for part in body.split(o["d"]):
        stripped = part.strip(blanks)
        lead = len(part) - len(part.lstrip(blanks))
        fields.append((pos + lead, pos + lead + len(stripped)))
        pos += len(part) + 1
    return fields


def model(args, data):
    """(status, stdout, stderr) of relu ARGS < data, from README's rules."""
    o = options(args)
    term = b"\0" if o["z"] else b"\n"
    records = data.split(term)
    last = records.pop()  # b"" when the input ends with a terminator
    records = [r + term for r in records] + ([last] if last else [])
    out, err, status = b"", "", 0
    select_field = None
    for line, rec in enumerate(records, 1):
        body, end = (rec[:-1], term) if rec.endswith(term) else (rec, b"")
        if body.endswith(b"\r"):
            body, end = body[:-1], b"\r" + end
        spans = split_fields(body, o)
        if line <= o["header"]:
            if line == 1 and o["fields"] is not None:
                names = [body[a:b].decode() for a, b in spans]
                select_field = cut_list(o["fields"], names)
            if not o["drop"]:
                out += rec
            continue
        if select_field is None:
            select_field = cut_list(o["fields"], []) if o["fields"] \
                else (lambda k: True)
        chosen = [(k, a, b) for k, (a, b) in enumerate(spans, 1)
                  if select_field(k) and b > a]
        bad = [(k, body[a:b]) for k, a, b in chosen
               if parse(body[a:b]) is None]
        if bad:
            if o["invalid"] != "ignore":
                for k, tok in bad:
                    err += (f"relu: line {line}, field {k}: invalid number: "
                            f"{quote_token(tok)}\n")
            if o["invalid"] == "abort":
                return 2, out, err.encode()
            if o["invalid"] == "fail":
                status = 2
            out += rec
            continue
        if not chosen:
            out += rec
            continue
        ys = texts(o["fn"], o["grad"], [body[a:b] for _, a, b in chosen],
                   o["fmt"])
        pieces, pos = [], 0
        for (_, a, b), y in zip(chosen, ys):
            pieces += [body[pos:a], y]
            pos = b
        out += b"".join(pieces) + body[pos:] + end
    return status, out, err.encode()


# --- Running relu and comparing ---------------------------------------------

def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def same(want, got):
    """got equals want, each NAN marker in want matching nan or -nan."""
    if NAN not in want:
        return want == got
    pattern = b"-?nan".join(re.escape(p) for p in want.split(NAN))
    return re.fullmatch(pattern, got, re.S) is not None


def run(args, data=None, **kw):
    r = subprocess.run([RELU, *args], input=data,
                       stdin=subprocess.DEVNULL if data is None else None,
                       capture_output=True, env=ENV, timeout=120, **kw)
    return r.returncode, r.stdout, r.stderr


def expect(name, args, data, status, out, err):
    got = run(args, data)
    ok = got[0] == status and same(out, got[1]) and got[2] == err
    check(name, ok, f"relu {args!r} < {data!r:.200}\n"
          f"  want {(status, out, err)!r:.600}\n  got  {got!r:.600}")


def modelled(name, args, data):
    """A case whose expectation is the model's."""
    expect(name, args, data, *model(args, data))


SM = ["-F", "softmax"]
SMIN = ["-F", "softmin"]
LSM = ["-F", "log_softmax"]

# --- 1. -z: records end at NUL, newline is a blank between fields -----------
modelled("z-newline-inside", SM + ["-z"], b"1 2\n3\x00-1\x00")
modelled("z-fields-across-lines", LSM + ["-z"], b"0.5\n\n-2\t7\n\x00")
modelled("z-crnul", SMIN + ["-z"], b"1 2\r\x00")
modelled("z-no-final-nul", SM + ["-z"], b"1\n2\x003\n4")
modelled("z-header-names", SM + ["-z", "--header", "-f", "b-c"],
         b"a b\nc\x001 2 3\x004\n5 6\x00")
modelled("z-invalid-line-is-record", SM + ["-z", "--invalid=warn"],
         b"1\n2\n3\x00x 1\x00")
modelled("z-invalid-abort", SM + ["-z"], b"1\n2\x00\n3 y\x004\x00")
# -d with -z: a newline next to a number is a blank around it (README:
# with -z newline is a blank too; with -d blanks around a number are kept).
modelled("z-delimited-newline", SM + ["-z", "-d", ","], b"1,2\n,\n3\x00")
modelled("z-grad", LSM + ["-z", "-g"], b"1\n2\n3\x00")

# --- 2. --format and --precision format every output -------------------------
modelled("format-precision", SM + ["-p", "3"], b"1 2 3\n0 0\n")
modelled("format-e-minus-inf", LSM + ["--format", "%.5e"], b"1 -inf 2\n")
modelled("format-g-grad", SMIN + ["-g", "--format", "%g"], b"1 2 3 4\n")
modelled("format-width-flags", SM + ["--format", "[%+09.4f]"],
         b"0.5 -0.5\n")
modelled("format-nan-row", SM + ["-p", "2"], b"1 nan 3\n")
modelled("format-percent", LSM + ["--format", "%.2E%%"], b"-1 1\n")
modelled("format-inf-limit", SM + ["-p", "1"], b"inf 5 -inf\n")

# --- 3. --header, --drop-header, -f by names, ranges, missing fields ---------
modelled("header-pass", SM + ["--header"], b"a b c\n1 2 3\n")
modelled("header-two", SMIN + ["--header=2"], b"a b\n1 x\n1 2\n")
modelled("header-drop", SM + ["--header", "--drop-header", "-f", "w"],
         b"id w\n1 5\n2 -1\n")
modelled("header-names-range", LSM + ["-d", ",", "--header", "-f", "b-c"],
         b"a,b,c,d\n9,1,2,3\n9,0,0,0\n")
modelled("header-names-open", SM + ["-d", ",", "--header", "-f", "b-"],
         b"a,b,c\nx,1,2\nx,3\n")
modelled("header-drop-two", SMIN + ["--header=2", "--drop-header", "-f",
                                    "b-c"], b"a b c\nx y z\n1 2 3\n4 5\n")
modelled("header-drop-z", LSM + ["-z", "--header", "--drop-header", "-f",
                                 "a,c"], b"a\nb\nc\x001 2 3\x00")
modelled("header-invalid-line", SM + ["--header=2", "--invalid=warn"],
         b"x y\n1 q\n1 2\nw 1\n")
modelled("fields-range", SM + ["-f", "2-3"], b"9 1 2 8\n9 5\n9\n")
modelled("fields-open-start", SMIN + ["-f", "-2"], b"1 2 3\n7\n")
modelled("fields-missing-some", LSM + ["-d", ",", "-f", "2,4"],
         b"a,1,b,2\na,3\na\na,,b,\n")
modelled("fields-empty-is-no-element", SM + ["-d", ",", "-f", "1-3"],
         b"1,,2\n,,\n , 3 ,\n")
expect("header-with-arguments", SM + ["--header", "1 2"], None, 0,
       sm("1", "2") + b"\n",
       b"relu: --header ignored with command-line input\n")
expect("header-unknown-name", SM + ["--header", "-f", "z"], b"a b\n1 2\n",
       1, b"", b"relu: invalid --fields: no field named 'z' in the header: "
       b"it has 'a', 'b'\n")

# --- 4. --csv quoting inside held records ------------------------------------
expect("csv-quoted-numbers", SM + ["--csv"], b'"1","2",3\n', 0,
       b'"%s","%s",%s\n' % tuple(texts("softmax", False, ["1", "2", "3"])),
       b"")
expect("csv-quoted-blanks", SMIN + ["--csv"], b'" 1 ",2\n', 0,
       b'" %s ",%s\n' % tuple(texts("softmin", False, ["1", "2"])), b"")
expect("csv-newline-in-text", SM + ["--csv", "-f", "2-"],
       b'"a\nb",1,2\n"c,d",3,"4"\n', 0,
       b'"a\nb",%s,%s\n' % tuple(texts("softmax", False, ["1", "2"])) +
       b'"c,d",%s,"%s"\n' % tuple(texts("softmax", False, ["3", "4"])), b"")
expect("csv-quote-in-unquoted", SM + ["--csv", "--invalid=fail"],
       b'1,ab"c\n1,2\n', 2, b'1,ab"c\n' + sm("1", "2", sep=b",") + b"\n",
       b"relu: line 1, field 2: quote inside an unquoted field: 'ab\"c'\n")
expect("csv-text-after-quote", SM + ["--csv", "--invalid=warn"],
       b'"1"5,2\n', 0, b'"1"5,2\n',
       b"relu: line 1, field 1: text after a closing quote: '\"1\"5'\n")
expect("csv-unclosed-selected-abort", SM + ["--csv"],
       b'1,2\n3,"4\n5,6\n', 2, sm("1", "2", sep=b",") + b"\n",
       b"relu: line 2, field 2: quote not closed at the end of the input\n")
expect("csv-unclosed-selected-warn", SM + ["--csv", "--invalid=warn"],
       b'1,2\n3,"4\n5,6\n', 0, sm("1", "2", sep=b",") + b'\n3,"4\n5,6\n',
       b"relu: line 2, field 2: quote not closed at the end of the input\n")
expect("csv-header-names-quoted", LSM + ["--csv", "--header", "-f", "x,y"],
       b'"x","y",n\n"1",2,"a, b"\n', 0,
       b'"x","y",n\n"%s",%s,"a, b"\n' % tuple(
           texts("log_softmax", False, ["1", "2"])), b"")
expect("csv-crlf", SM + ["--csv"], b'"1",2\r\n3,"4"\r\n', 0,
       b'"%s",%s\r\n' % tuple(texts("softmax", False, ["1", "2"])) +
       b'%s,"%s"\r\n' % tuple(texts("softmax", False, ["3", "4"])), b"")

# --- 5. --invalid with a bad field in the middle of a stream -----------------
STREAM = b"1 2\n3 x 4\n5 6\n"
for mode in ("abort", "fail", "warn", "ignore"):
    modelled(f"invalid-{mode}", SM + [f"--invalid={mode}"], STREAM)
modelled("invalid-two-in-record-warn", SMIN + ["--invalid=warn"],
         b"1 2\na 1 b\n3 4\n")
modelled("invalid-two-in-record-fail", LSM + ["--invalid=fail"],
         b"a 1 b\n1 2\n")
modelled("invalid-unselected-passes", SM + ["-f", "1,3"], b"1 x 2\n")
modelled("invalid-delimited-blanks", SM + ["-d", ",", "--invalid=warn"],
         b"1, 2 \n1, y ,2\n")
modelled("invalid-last-record-no-newline", SM + ["--invalid=fail"],
         b"1 2\n3 z")
modelled("invalid-grad-abort", SM + ["-g"], b"1 2\n3 1e\n4 5\n")

# --- 11. Terminators, empty input, separators only, CRLF, arguments ----------
modelled("end-no-terminator", SM, b"1 2\n3 4")
modelled("end-empty-input", SM, b"")
modelled("end-separators-only", SM, b"   \n\t\n\n1 2\n")
modelled("end-delimiters-only", SMIN + ["-d", ","], b",,,\n,\n1,2\n")
modelled("end-crlf", LSM, b"1 2\r\n\r\n3 4 5\r\n")
modelled("end-crlf-delimited", SM + ["-d", ","], b"1,2\r\n")
modelled("end-blanks-kept", SM, b"  1\t 2  \n")
expect("end-arguments-are-records", SM + ["--", "1 2", "-3", "4\t5"], None,
       0, sm("1", "2") + b"\n1\n" + sm("4", "5", sep=b"\t") + b"\n", b"")
# Arguments: each one is asked for; an empty or blank one is invalid unless
# -f leaves out field 1; one holding a newline is two records, numbered as
# one argument in messages.
expect("args-invalid-warn", SM + ["--invalid=warn", "1 x", "2 3"], None, 0,
       b"1 x\n" + sm("2", "3") + b"\n",
       b"relu: argument 1, field 2: invalid number: 'x'\n")
expect("args-newline-two-records", SM + ["--", "1 2\n3"], None, 0,
       sm("1", "2") + b"\n1\n", b"")
expect("args-newline-abort", SMIN + ["--", "1 2\nx"], None, 2,
       sm("1", "2", fn="softmin") + b"\n",
       b"relu: argument 1, field 1: invalid number: 'x'\n")
expect("args-empty", SM + [""], None, 2, b"",
       b"relu: argument 1, field 1: invalid number: ''\n")
expect("args-blank-first", LSM + [" ", "1 2"], None, 2, b"",
       b"relu: argument 1, field 1: invalid number: ''\n")
expect("args-empty-unselected", SM + ["-f", "2", "", "1 5"], None, 0,
       b"\n1 1\n", b"")

# --- 12. -g: the diagonal of the Jacobian ------------------------------------
GRAD_ROWS = b"1 2 3\n-1 0 1 10\n0 0\n1e-3 2e-3\n-30 30\n0.5 -700 1\n"
for fn in ("softmax", "softmin", "log_softmax"):
    # softmin's -inf is softmax's +inf, whose zero derivatives README does
    # not sign: only softmax and log_softmax get a -inf element.
    extra = b"" if fn == "softmin" else b"-inf 0 1\n"
    modelled(f"grad-{fn}", ["-F", fn, "-g"], GRAD_ROWS + extra)
    modelled(f"value-{fn}", ["-F", fn], GRAD_ROWS + b"inf 1 2\n1 nan\n")
modelled("grad-log-softmax-inf", LSM + ["-g"], b"inf 1 -inf\n")


# --- 6. Write faults while a record is held ----------------------------------

def sh(command, data=b""):
    """A shell command with relu on PATH: (status, stdout, stderr)."""
    env = dict(ENV, PATH=os.path.dirname(RELU) + os.pathsep + ENV["PATH"])
    r = subprocess.run(["sh", "-c", command], input=data, env=env,
                       capture_output=True, timeout=120)
    return r.returncode, r.stdout, r.stderr


def expect_sh(name, command, data, status, out, err):
    got = sh(command, data)
    check(name, got[0] == status and same(out, got[1]) and got[2] == err,
          f"{command} < {data!r:.100}: got {got!r:.400}")


# Distinct rows, repeated: the expectation of a big input is the join of
# each row's, so every byte of several MB is checked.
rng = random.Random(20261203)


def random_row(k):
    return b" ".join(repr(round(rng.uniform(-30, 30), rng.randrange(1, 17)))
                     .encode() for _ in range(k))


ROWS = [random_row(rng.randrange(1, 40)) for _ in range(250)]
ROWS_OUT = {}


def rows_out(fn, grad=False):
    if (fn, grad) not in ROWS_OUT:
        ROWS_OUT[fn, grad] = [
            b" ".join(texts(fn, grad, r.split(b" "))) for r in ROWS]
    return ROWS_OUT[fn, grad]


def stream(rows, times):
    return b"".join(r + b"\n" for r in rows) * times


BIG = stream(ROWS, 30)  # about 3.4 MB
BIG_SM = stream(rows_out("softmax"), 30)
FULL = b"relu: write error: No space left on device\n"
BADF = b"relu: write error: Bad file descriptor\n"

expect_sh("write-dev-full-argument", "relu -F softmax '1 2' > /dev/full",
          b"", 1, b"", FULL)
expect_sh("write-dev-full-stream", "relu -F softmax > /dev/full", BIG,
          1, b"", FULL)
expect_sh("write-dev-full-jobs", "relu -F log_softmax -j 2 > /dev/full", BIG,
          1, b"", FULL)
expect_sh("write-dev-full-unterminated",
          "relu -F softmin > /dev/full", b"1 2 3", 1, b"", FULL)
expect_sh("write-closed-stdout-argument", "relu -F softmax '1 2' >&-",
          b"", 1, b"", BADF)
expect_sh("write-closed-stdout-stream", "relu -F softmax >&-", BIG,
          1, b"", BADF)
for mode, status in (("warn", 0), ("fail", 2)):
    args = SM + [f"--invalid={mode}"]
    want = model(args, STREAM)
    for how, redirect in (("full", "2> /dev/full"), ("closed", "2>&-")):
        got = sh(f"exec relu {' '.join(args)} {redirect}", STREAM)
        check(f"write-stderr-{how}-{mode}",
              (got[0], got[1]) == (status, want[1]) and want[0] == status,
              f"got {got!r}")
# Under abort the message is lost, the records before it are not.
got = sh("exec relu -F softmax 2> /dev/full", STREAM)
check("write-stderr-full-abort", got[:2] == model(SM, STREAM)[:2],
      f"got {got!r}")


def reader_goes_away(name, ignore_sigpipe, args):
    """relu over a big input, its reader closing after one line: killed
    quietly by SIGPIPE, or with SIGPIPE ignored one message and exit 1."""
    with tempfile.TemporaryFile() as f:
        f.write(BIG * 4)
        f.seek(0)
        preexec = (lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN)) \
            if ignore_sigpipe else None
        p = subprocess.Popen([RELU, *args], stdin=f, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=ENV,
                             preexec_fn=preexec)
        first = p.stdout.readline()
        p.stdout.close()
        try:
            err = p.stderr.read()
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            check(name, False, "relu hung after its reader went away")
            return
        if ignore_sigpipe:
            ok = p.returncode == 1 and \
                err == b"relu: write error: Broken pipe\n"
        else:
            ok = p.returncode == -signal.SIGPIPE and err == b""
        check(name, ok and first == BIG_SM.split(b"\n")[0] + b"\n",
              f"status {p.returncode}, stderr {err!r}, first {first!r}")


for jobs in ("1", "2"):
    reader_goes_away(f"write-reader-goes-away-sigpipe-j{jobs}", False,
                     SM + ["-j", jobs])
    reader_goes_away(f"write-reader-goes-away-epipe-j{jobs}", True,
                     SM + ["-j", jobs])


# --- 7. Read faults while a record is held -----------------------------------

expect_sh("read-directory", "relu -F softmax < /", b"", 1, b"",
          b"relu: read error: Is a directory\n")
expect_sh("read-closed-stdin", "relu -F log_softmax <&-", b"", 1, b"",
          b"relu: read error: Bad file descriptor\n")


def read_fails_mid_record(name, args):
    """stdin a TCP socket that is reset once relu has read a whole record
    and the start of the next: the read fails (ECONNRESET) while a record
    is held. README: exit 1, 'read error'; the whole record before it is
    written. (What becomes of the held part README does not say.)"""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname())
    peer, _ = server.accept()
    server.close()
    p = subprocess.Popen([RELU, *args], stdin=client.fileno(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=ENV)
    client.close()
    peer.sendall(b"1 2\n3 ")
    want_first = sm("1", "2") + b"\n"
    first = b""
    while len(first) < len(want_first) and \
            select.select([p.stdout], [], [], 30)[0]:
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk:
            break
        first += chunk
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
    peer.close()
    try:
        rest, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        check(name, False, "relu hung after its input was reset")
        return
    out = first + rest
    check(name, p.returncode == 1 and out.startswith(want_first) and
          err == b"relu: read error: Connection reset by peer\n",
          f"status {p.returncode}, out {out!r}, err {err!r}")
    held = out[len(want_first):]
    print(f"     (held record after the read error: {held!r})")


read_fails_mid_record("read-reset-mid-record", SM)
read_fails_mid_record("read-reset-mid-record-jobs", SM + ["-j", "2"])


def prompt(name, args):
    """README: output appears as input arrives; a record's results show as
    soon as it ends, before more input."""
    p = subprocess.Popen([RELU, *args], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, env=ENV, bufsize=0)
    p.stdin.write(b"1 2\n3")
    ready = select.select([p.stdout], [], [], 10)[0]
    first = os.read(p.stdout.fileno(), 4096) if ready else b""
    p.stdin.write(b" 4\n")
    p.stdin.close()
    rest = p.stdout.read()
    p.wait(timeout=30)
    check(name, (first, rest) == (sm("1", "2") + b"\n", sm("3", "4") + b"\n"),
          f"first {first!r}, rest {rest!r}")


prompt("prompt-record-shows-when-it-ends", SM)
prompt("prompt-record-shows-when-it-ends-jobs", SM + ["-j", "2"])

# --- 8. The 16 MiB record limit ----------------------------------------------

LIMIT = 16 << 20


def long_record(total):
    """A record of total bytes, its newline included: two numbers and one
    long unselected field (which has no limit of its own)."""
    return b"1 2 " + b"y" * (total - 5) + b"\n"


two = sm("1", "2") + b" "
before, after = b"3 4\n", b"5 6\n"
before_out, after_out = sm("3", "4") + b"\n", sm("5", "6") + b"\n"
for label, total in (("under", LIMIT - 1), ("at", LIMIT)):
    rec = long_record(total)
    got = run(SM + ["-f", "1-2"], before + rec + after)
    want = (0, before_out + two + rec[4:] + after_out, b"")
    check(f"limit-{label}", got == want,
          f"status {got[0]}, {len(got[1])} bytes, err {got[2]!r:.200}")
over = long_record(LIMIT + 1)
TOO_LONG = b"relu: line 2: record longer than 16 MiB\n"
for mode, status, out, err in (
        ("abort", 2, before_out, TOO_LONG),
        ("fail", 2, before_out + over + after_out, TOO_LONG),
        ("warn", 0, before_out + over + after_out, TOO_LONG),
        ("ignore", 0, before_out + over + after_out, b"")):
    got = run(SM + ["-f", "1-2", f"--invalid={mode}"], before + over + after)
    check(f"limit-over-{mode}", got == (status, out, err),
          f"status {got[0]}, {len(got[1])} bytes (want {len(out)}), "
          f"same {got[1] == out}, err {got[2]!r:.200}")
got = run(SM + ["-f", "1-2", "--invalid=warn", "-j", "2"],
          before + over + after)
check("limit-over-warn-jobs", got == (0, before_out + over + after_out,
                                      TOO_LONG),
      f"status {got[0]}, {len(got[1])} bytes, err {got[2]!r:.200}")

# Longer than 16 MiB with no terminator at all; -z (a line is a record);
# --csv, where the line is the one where the record began.
tail = over[:-1] + b"y"
got = run(SM + ["-f", "1-2", "--invalid=warn"], tail)
check("limit-over-unterminated",
      got == (0, tail, b"relu: line 1: record longer than 16 MiB\n"),
      f"status {got[0]}, {len(got[1])} bytes, err {got[2]!r:.200}")
z_over = over[:-1] + b"\0"
got = run(SM + ["-z", "-f", "1-2", "--invalid=warn"], b"1\n2\0" + z_over)
check("limit-over-z", got == (0, sm("1", "2", sep=b"\n") + b"\0" + z_over,
                              TOO_LONG),
      f"status {got[0]}, {len(got[1])} bytes, err {got[2]!r:.200}")
got = run(SM + ["--csv", "-d", " ", "-f", "2", "--invalid=warn"],
          b'"a\nb" 1\n' + over)
check("limit-over-csv-line",
      got == (0, b'"a\nb" 1\n' + over,
              b"relu: line 3: record longer than 16 MiB\n"),
      f"status {got[0]}, {len(got[1])} bytes, err {got[2]!r:.200}")
# A selected field over 1 MiB is an invalid field of its held record.
huge = b"-" + b"1" * (1 << 20)
for mode, status in (("warn", 0), ("abort", 2)):
    got = run(SM + [f"--invalid={mode}"], b"1 2\n1 " + huge + b"\n3 4\n")
    rest = b"1 " + huge + b"\n" + sm("3", "4") + b"\n"
    want_out = sm("1", "2") + b"\n" + (rest if mode == "warn" else b"")
    check(f"field-over-1mib-{mode}", got == (
        status, want_out, b"relu: line 2, field 2: field longer than 1 MiB: '"
        + huge[:64] + b"'...\n"),
        f"status {got[0]}, {len(got[1])} bytes, err {got[2]!r:.200}")


# --- 9. Rows of 5,000 to 50,000 elements -------------------------------------

def wide(name, args, n, sep=b" "):
    tokens = [repr(rng.choice([rng.uniform(-5, 5), rng.uniform(-700, 700),
                               rng.gauss(0, 1e-3)])).encode()
              for _ in range(n)]
    o = options(args)
    want = sep.join(texts(o["fn"], o["grad"], tokens)) + b"\n"
    got = run(args, sep.join(tokens) + b"\n")
    at = next((i for i, (a, b) in enumerate(zip(want, got[1])) if a != b),
              None)
    check(name, got == (0, want, b""),
          f"status {got[0]}, err {got[2]!r:.200}, first difference at {at}")


wide("wide-softmax-5000", SM, 5000)
wide("wide-log-softmax-grad-5000", LSM + ["-g"], 5000)
wide("wide-softmin-delimited-20000", SMIN + ["-d", ","], 20000, b",")
wide("wide-log-softmax-50000", LSM, 50000)


# --- 10. -j 2 gives the bytes of -j 1 ----------------------------------------

for fn, grad in (("softmax", False), ("log_softmax", True)):
    args = ["-F", fn] + (["-g"] if grad else [])
    want = stream(rows_out(fn, grad), 30)
    for jobs in ("1", "2"):
        got = run(args + ["-j", jobs], BIG)
        check(f"jobs-{fn}{'-grad' if grad else ''}-j{jobs}",
              got == (0, want, b""),
              f"status {got[0]}, {len(got[1])} of {len(want)} bytes, "
              f"err {got[2]!r:.200}")

# Quoted CSV whose text holds line breaks and commas, a bad field far in:
# -j 2 cuts only at record ends outside quotes, and the messages and status
# are one thread's.
CSV_ROWS = [b'"t\n%d, x",' % i + r.replace(b" ", b",") for i, r in
            enumerate(ROWS[:100])]
csv_out = [b'"t\n%d, x",' % i + r.replace(b" ", b",") for i, r in
           enumerate(rows_out("softmin")[:100])]
csv_in = stream(CSV_ROWS, 60)
csv_bad = stream(CSV_ROWS, 30) + b"z,1,q\n" + stream(CSV_ROWS, 30)
for jobs in ("1", "2"):
    args = SMIN + ["--csv", "-f", "2-", "-j", jobs]
    got = run(args, csv_in)
    check(f"jobs-csv-quoted-newlines-j{jobs}",
          got == (0, stream(csv_out, 60), b""),
          f"status {got[0]}, {len(got[1])} bytes, err {got[2]!r:.200}")
    # The line in the message is left out here: see the end.
    message = re.compile(rb"relu: line [0-9]+, field 3: invalid number: 'q'\n")
    got = run(args + ["--invalid=fail"], csv_bad)
    want = stream(csv_out, 30) + b"z,1,q\n" + stream(csv_out, 30)
    check(f"jobs-csv-fail-j{jobs}", got[:2] == (2, want) and
          message.fullmatch(got[2]),
          f"status {got[0]}, {len(got[1])} bytes, err {got[2]!r:.200}")
    got = run(args, csv_bad)
    check(f"jobs-csv-abort-j{jobs}", got[:2] == (2, stream(csv_out, 30)) and
          message.fullmatch(got[2]),
          f"status {got[0]}, {len(got[1])} bytes, err {got[2]!r:.200}")

# --- Where relu disagrees with README ----------------------------------------
# README, Semantics (--csv): "Messages name the line where the record
# began, which is its record number unless quoted fields before it hold
# line breaks." relu's elementwise functions do; its functions over a
# record name the record number instead, and with -j 2 a number that is
# neither (README, -j: messages are those of one thread, byte for byte).
expect("csv-line-of-record-start", SM + ["--csv", "-f", "2",
                                         "--invalid=warn"],
       b'"a\nb",2\n3,x\n', 0, b'"a\nb",1\n3,x\n',
       b"relu: line 3, field 2: invalid number: 'x'\n")
expect("csv-line-of-record-start-malformed",
       SM + ["--csv", "-f", "2", "--invalid=warn"],
       b'"a\nb",2\n2,"1"5\n', 0, b'"a\nb",1\n2,"1"5\n',
       b"relu: line 3, field 2: text after a closing quote: '\"1\"5'\n")
csv_bad_line = 2 * len(CSV_ROWS) * 30 + 1  # every record before spans 2
csv_jobs = {}
for jobs in ("1", "2"):
    csv_jobs[jobs] = run(SMIN + ["--csv", "-f", "2-", "-j", jobs,
                                 "--invalid=fail"], csv_bad)
    check(f"jobs-csv-line-j{jobs}", csv_jobs[jobs][2] ==
          b"relu: line %d, field 3: invalid number: 'q'\n" % csv_bad_line,
          f"err {csv_jobs[jobs][2]!r}")
check("jobs-csv-message-j2-is-j1", csv_jobs["1"] == csv_jobs["2"],
      f"-j 1: {csv_jobs['1'][2]!r}, -j 2: {csv_jobs['2'][2]!r}")
# README, --csv: a quote still open at the end of the input is reported
# "whether or not the field is selected", and "an unselected one passes
# through unchanged"; the record's selected fields are still its vector
# (relu -F relu converts them). relu's functions over a record leave the
# whole record unconverted.
expect("csv-unclosed-unselected-warn",
       SM + ["--csv", "-f", "1", "--invalid=warn"],
       b'5,"4\n5,6\n', 0, b'1,"4\n5,6\n',
       b"relu: line 1, field 2: quote not closed at the end of the input\n")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
