#!/usr/bin/env python3
"""A slow reference model of relu, written from README.md and the man page.

run(argv, stdin) returns what relu should write and its exit status. It
shares no code and no assumptions with src/: every rule below cites the
README sentence it comes from. Where README is silent the code says
AMBIGUOUS: either the model takes the reading relu has (and the report
lists it), or run() returns status None, meaning any outcome is accepted.
--format goes through the C library's snprintf, which is what "as in
printf(3)" means; --help and --version are not modelled.

Of the family (README's "Functions") it models the elementwise functions
whose values are exact double arithmetic: relu, leaky_relu, relu6,
hardtanh, threshold, hardshrink, softshrink, rrelu and prelu (one weight,
or one per selected field), their derivatives, and the options of every
function as far as a usage error goes. The smooth functions, the ones
over a record, --list and --dtype other than float64 are left open
(status None): tests/accuracy checks those.
"""

import ctypes
import itertools
import math
import re
from dataclasses import dataclass, field

MIB = 1 << 20          # "A field longer than 1 MiB is invalid"
TOKEN_SHOWN = 64       # "a token is cut after 64 bytes"
TRY = b"Try 'relu --help' for more information.\n"

# Numbers: "optional sign; decimals with optional fraction and exponent
# (1, -2.5, .5, 5., 1E+3); inf, infinity, nan in any case; hexadecimal
# floats (0x1.8p3)". Hexadecimal floats read as strtod reads them, so the
# binary exponent is optional (0x1.8), but at least one digit is needed.
DECIMAL = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
HEXADECIMAL = re.compile(
    rb"([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)"
    rb"(?:[pP][+-]?[0-9]+)?)")
SPECIAL = re.compile(rb"([+-]?)(inf|infinity|nan)", re.IGNORECASE)
BLANKS = b" \t"


class Usage(Exception):
    """A usage error: `message` is exact bytes, or a regex when README does
    not give the text (then only its documented shape is checked)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Unspecified(Exception):
    """README leaves the outcome open: any behaviour is accepted."""


@dataclass
class Result:
    stdout: bytes
    stderr: object      # bytes, or a compiled regex over the whole stderr
    status: int         # None: README leaves the outcome open


# The family: each function's parameters (README's Functions table, and
# the options list: --alpha is elu's and celu's too, --threshold
# softplus's, --approximate gelu's), and the functions modelled here.
PARAMETERS = {
    "relu": (), "leaky_relu": ("alpha",), "relu6": (),
    "hardtanh": ("min-val", "max-val"), "threshold": ("threshold", "value"),
    "hardshrink": ("lambd",), "softshrink": ("lambd",), "tanhshrink": (),
    "rrelu": ("lower", "upper"), "prelu": ("weight",), "elu": ("alpha",),
    "selu": (), "celu": ("alpha",), "gelu": ("approximate",), "silu": (),
    "mish": (), "softplus": ("beta", "threshold"), "hardswish": (),
    "hardsigmoid": (), "sigmoid": (), "tanh": (), "softsign": (),
    "logsigmoid": (), "softmax": (), "softmin": (), "log_softmax": (),
    "glu": (),
}
ALIASES = {b"leaky": "leaky_relu", b"swish": "silu"}
MODELLED = {"relu", "leaky_relu", "relu6", "hardtanh", "threshold",
            "hardshrink", "softshrink", "rrelu", "prelu"}
# --dtype: "float64 (the default), float32, bfloat16 or float16, with
# PyTorch's other names double, float and half as aliases (spelled
# exactly so, lowercase)". Only float64 is modelled.
DTYPES = {b"float64": True, b"double": True, b"float32": False,
          b"float": False, b"bfloat16": False, b"float16": False,
          b"half": False}


@dataclass
class Options:
    function: str = None         # -F or -l, the last one; None: not given
    alpha: float = 0.01
    params: dict = field(default_factory=dict)  # option name -> double
    given: list = field(default_factory=list)   # parameters given, in order
    weights: list = None         # --weight W1,W2,...: one per field
    narrow: bool = False         # --dtype other than float64
    grad: bool = False
    fields: list = None          # [(lo, hi)], None: every field
    delimiter: bytes = None      # None: runs of blanks
    header: int = 0
    header_given: bool = False
    invalid: str = "abort"
    zero: bool = False
    format: bytes = None         # a printf format for the C library
    precision: bytes = None
    operands: list = field(default_factory=list)
    fields_not_cut: object = None  # why a list of names is not cut's
    named: list = None           # the items of a list of names (parse_named)
    csv: bool = False            # --csv
    drop_header: bool = False    # --drop-header


def parse_number(token):
    """Return the double `token` denotes, or None if it is not a number."""
    if DECIMAL.fullmatch(token):
        return float(token)      # correctly rounded, as glibc's strtod
    m = HEXADECIMAL.fullmatch(token)
    if m:
        try:
            value = float.fromhex(m.group(2).decode())
        except OverflowError:
            value = math.inf
        return -value if m.group(1) == b"-" else value
    m = SPECIAL.fullmatch(token)
    if m:
        value = math.nan if m.group(2).lower() == b"nan" else math.inf
        return -value if m.group(1) == b"-" else value
    return None


def shortest(value):
    """The shortest text that reads back to `value` (fmt's "{}"): Python's
    repr without its ".0"; NaN shows its sign as printf does."""
    if math.isnan(value):
        return b"-nan" if math.copysign(1, value) < 0 else b"nan"
    text = repr(value)
    if text.endswith(".0"):
        text = text[:-2]
    return text.encode()


_libc = ctypes.CDLL(None)
_libc.snprintf.restype = ctypes.c_int


def printf(fmt, value):
    """Format `value` with a validated one-conversion `fmt` by the C
    library's own snprintf: README says "printf style" and the man page
    "as in printf(3)"."""
    size = 256
    while True:
        buf = ctypes.create_string_buffer(size)
        n = _libc.snprintf(buf, size, fmt, ctypes.c_double(value))
        if n < size:
            return buf.raw[:n]
        size = n + 1


# ---------------------------------------------------------------- options

# (long name, key, takes a value: "no", "yes" or "optional"), in --help's
# order. --grad and --derivative are one option.
LONG = [(b"help", "h", "no"), (b"leaky", "l", "no"), (b"alpha", "a", "yes"),
        (b"grad", "g", "no"), (b"derivative", "g", "no"),
        (b"fields", "f", "yes"), (b"delimiter", "d", "yes"),
        (b"csv", "csv", "no"),
        (b"header", "header", "optional"),
        (b"drop-header", "drop-header", "no"), (b"invalid", "invalid", "yes"),
        (b"zero-terminated", "z", "no"), (b"format", "format", "yes"),
        (b"precision", "p", "yes"), (b"version", "V", "no"),
        # The family's options (README's Usage).
        (b"function", "F", "yes"), (b"min-val", "param min-val", "yes"),
        (b"dtype", "dtype", "yes"),
        (b"max-val", "param max-val", "yes"), (b"beta", "param beta", "yes"),
        (b"threshold", "param threshold", "yes"),
        (b"value", "param value", "yes"), (b"lambd", "param lambd", "yes"),
        (b"lower", "param lower", "yes"), (b"upper", "param upper", "yes"),
        (b"weight", "param weight", "yes"),
        (b"approximate", "param approximate", "yes"),
        (b"list", "list", "no"), (b"jobs", "j", "yes")]
SHORT = {b"h": "no", b"l": "no", b"a": "yes", b"g": "no", b"f": "yes",
         b"d": "yes", b"z": "no", b"p": "yes", b"V": "no", b"F": "yes",
         b"j": "yes"}


def usage(text):
    return Usage(b"relu: " + text + b"\n" + TRY)


def usage_shaped(prefix=b"", contains=b""):
    """A usage error whose wording README leaves open: one line starting
    with `prefix` (and holding `contains`), then the hint."""
    return Usage(re.compile(re.escape(b"relu: " + prefix) + rb"[^\n]*"
                            + re.escape(contains) + rb"[^\n]*\n"
                            + re.escape(TRY) + rb"\Z"))


def is_operand(arg):
    """"No option is a digit, so a word of - and a digit or . is a NUMBER";
    negative numbers such as -inf are NUMBERs too, and so is -."""
    return not arg.startswith(b"-") or arg == b"-" or \
        re.match(rb"-[0-9.]", arg) is not None or \
        parse_number(arg) is not None


def long_option(arg):
    """Return (name, key, takes) for --NAME[=...], as getopt_long matches
    a unique prefix, or raise its message."""
    name = arg[2:].partition(b"=")[0]
    exact = [o for o in LONG if o[0] == name]
    if exact:
        return exact[0]
    found = [o for o in LONG if o[0].startswith(name)]
    if not found:
        raise usage(b"unrecognized option " + quote(arg))
    if len({(key, takes) for _, key, takes in found}) > 1:
        # getopt_long lists them in its table's order, not documented:
        # accept any order.
        names = [b" '--" + o[0] + b"'" for o in found]
        alternatives = b"|".join(re.escape(b"".join(p)) for p in
                                 itertools.permutations(names))
        raise Usage(re.compile(
            re.escape(b"relu: option " + quote(arg)
                      + b" is ambiguous; possibilities:")
            + b"(?:" + alternatives + b")\n" + re.escape(TRY) + rb"\Z"))
    return found[0]


def scan_options(argv):
    """Yield (key, value) for each option in order, as getopt_long with
    permutation reads them, and collect operands into the list yielded
    last as ("operands", list)."""
    operands = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == b"--":
            operands += argv[i:]
            break
        if is_operand(arg):
            operands.append(arg)
        elif arg.startswith(b"--"):
            name, key, takes = long_option(arg)
            eq, value = arg[2:].partition(b"=")[1:]
            if takes == "no" and eq:
                raise usage(b"option '--" + name
                            + b"' doesn't allow an argument")
            if takes == "yes" and not eq:
                if i == len(argv):
                    raise usage(b"option '--" + name
                                + b"' requires an argument")
                value, eq = argv[i], b"="
                i += 1
            yield key, (value if eq else None)
        else:
            j = 1
            while j < len(arg):
                c = arg[j:j + 1]
                j += 1
                takes = SHORT.get(c)
                if takes is None:
                    raise usage(b"invalid option -- " + quote(c))
                if takes == "no":
                    yield c.decode(), None
                    continue
                if j < len(arg):
                    value = arg[j:]
                elif i < len(argv):
                    value = argv[i]
                    i += 1
                else:
                    raise usage(b"option requires an argument -- '"
                                + c + b"'")
                yield c.decode(), value
                break
    yield "operands", operands


def parse_fields(text):
    """Return the ranges of a cut field list, or raise cut's message (GNU
    cut 9.1's set_fields: "--fields errors are cut's")."""
    ranges = []
    value, initial = 0, 1
    lhs = rhs = dash = False
    num_start = None

    def fail(msg):
        raise usage(b"invalid --fields: " + msg)

    i = 0
    while True:
        c = text[i:i + 1]
        if c == b"-":
            num_start = None
            if dash:
                fail(b"invalid field range")
            dash = True
            if lhs and value == 0:
                fail(b"fields are numbered from 1")
            initial = value if lhs else 1
            value = 0
        elif c in (b",", b" ", b"\t", b""):
            num_start = None
            if dash:
                dash = False
                if not lhs and not rhs:
                    fail(b"invalid range with no endpoint: -")
                if not rhs:
                    ranges.append((initial, math.inf))
                else:
                    if value < initial:
                        fail(b"invalid decreasing range")
                    ranges.append((initial, value))
            else:
                if value == 0:
                    fail(b"fields are numbered from 1")
                ranges.append((value, value))
            value = 0
            if c == b"":
                return ranges
            lhs = rhs = False
        elif c.isdigit():
            if num_start is None:
                num_start = i
            if dash:
                rhs = True
            else:
                lhs = True
            value = value * 10 + int(c)
            if value >= 2**64 - 1:
                end = num_start
                while text[end:end + 1].isdigit():
                    end += 1
                fail(b"field number " + quote(text[num_start:end])
                     + b" is too large")
        else:
            fail(b"invalid field value " + quote(text[i:]))
        i += 1


FORMAT = re.compile(rb"%([-+ #0]*)([0-9]*)(?:\.([0-9]*))?([fFeEgGaA])")


def check_format(fmt):
    """Raise a usage error unless `fmt` is text with exactly one conversion
    %[-+ #0][width][.precision][fFeEgGaA], %% aside, width and precision
    below 10000."""
    bad = usage_shaped(b"invalid --format " + quote(fmt))
    conversions = 0
    i = 0
    while i < len(fmt):
        if fmt[i:i + 1] != b"%":
            i += 1
            continue
        if fmt[i:i + 2] == b"%%":
            i += 2
            continue
        m = FORMAT.match(fmt, i)
        if not m:
            raise bad
        if int(m.group(2) or b"0") >= 10000 or \
                int(m.group(3) or b"0") >= 10000:
            raise bad
        conversions += 1
        i = m.end()
    if conversions != 1:
        raise bad


def parse_options(argv):
    """Return Options for argv (bytes), or raise Usage. "Options act in
    order: each checks its value when it is read"; a repeated option's
    last value wins."""
    o = Options()
    seen = set()
    for key, value in scan_options(argv):
        seen.add(key)
        if key in ("h", "V", "list"):
            raise Unspecified("--help, --version and --list are not "
                              "modelled")
        elif key == "F":
            # "-F NAME picks a function (the names are
            # torch.nn.functional's)", or an alias of the table. AMBIGUOUS:
            # README gives no message for an unknown name.
            if value in ALIASES:
                o.function = ALIASES[value]
            elif value.decode("latin-1") in PARAMETERS:
                o.function = value.decode()
            else:
                raise usage_shaped(b"invalid --function " + quote(value))
        elif key == "dtype":
            if value not in DTYPES:
                raise usage_shaped(b"invalid --dtype " + quote(value))
            o.narrow = not DTYPES[value]
        elif key == "param approximate":
            # "--approximate MODE  gelu: none (default) or tanh"
            if value not in (b"none", b"tanh"):
                raise usage_shaped(b"invalid --approximate " + quote(value))
            o.given.append("approximate")
        elif key == "param weight" and b"," in value:
            # "or one weight per selected field, --weight 0.1,0.2,0.3";
            # each a finite number, as every parameter.
            weights = [parse_number(w) for w in value.split(b",")]
            if any(w is None or not math.isfinite(w) for w in weights):
                raise usage_shaped(b"invalid --weight " + quote(value))
            o.weights = weights
            o.given.append("weight")
        elif key.startswith("param "):
            # "A parameter must be a finite number", checked when read.
            name = key[len("param "):]
            number = parse_number(value)
            if number is None or not math.isfinite(number):
                raise usage_shaped(b"invalid --" + name.encode() + b" "
                                   + quote(value))
            o.params[name] = number
            o.given.append(name)
            if name == "weight":
                o.weights = None        # "a repeated option's last value wins"
        elif key == "j":
            # "output, messages and exit status are those of one thread,
            # byte for byte": only the value (1 to 256, the man page says)
            # is checked.
            if not re.fullmatch(rb"[0-9]+", value) or \
                    not 1 <= int(value) <= 256:
                raise usage_shaped(b"invalid --jobs " + quote(value))
        elif key == "operands":
            o.operands = value
        elif key == "l":                # "-l is -F leaky_relu"
            o.function = "leaky_relu"
        elif key == "g":
            o.grad = True
        elif key == "z":
            o.zero = True
        elif key == "a":                # "-a without -F implies it"
            alpha = parse_number(value)
            if alpha is None or not math.isfinite(alpha):
                raise usage_shaped(b"invalid --alpha " + quote(value))
            o.alpha = alpha
            o.given.append("alpha")
        elif key == "csv":
            o.csv = True
        elif key == "drop-header":
            o.drop_header = True
        elif key == "f":
            if value == b"":
                raise usage_shaped(contains=b"the list of fields is empty")
            o.fields_not_cut = o.named = None
            try:
                o.fields = parse_fields(value)
            except Usage as u:
                # "A list that is not cut's is one of names only with
                # --header and standard input"; checked once all are read.
                # "and only if it has a name (`-f 3-1` is cut's, with
                # cut's error)".
                o.named = parse_named(value)
                if o.named is None or not any(
                        b is not None and b.name is not None
                        for item in o.named for b in (item.lo, item.hi)):
                    o.named = None
                    raise
                o.fields_not_cut = u
        elif key == "d":
            if len(value) > 1:
                raise usage_shaped()
            o.delimiter = value or b"\0"   # "-d '' is NUL, as in cut"
        elif key == "header":
            o.header_given = True
            if value is None:
                o.header = 1
            elif value == b"":          # "refused, with the reason"
                raise usage_shaped()
            elif (m := re.fullmatch(rb"[ \t\n\v\f\r]*\+?([0-9]+)", value)) \
                    and 0 < int(m[1]) < 2**64:  # "what numfmt takes"
                o.header = int(m[1])
            else:                       # "as numfmt refuses it"
                raise usage(b"invalid header value " + quote(value))
        elif key == "invalid":
            if value not in (b"abort", b"fail", b"warn", b"ignore"):
                raise usage_shaped()
            o.invalid = value.decode()
        elif key == "format":
            check_format(value)
            o.format = value
        elif key == "p":
            if not re.fullmatch(rb"[0-9]+", value) or int(value) >= 10000:
                raise usage_shaped(b"invalid --precision " + quote(value))
            o.precision = value
    # "-a without -F implies it"; -F and -l: the last one.
    o.function = o.function or \
        ("leaky_relu" if "alpha" in o.given else "relu")
    if o.function not in MODELLED:
        raise Unspecified("-F " + o.function + " is not modelled")
    if o.narrow:
        raise Unspecified("--dtype other than float64 is not modelled")
    family = family_errors(o)
    try:
        check_rest(o, seen)
    except Usage:
        # AMBIGUOUS: README does not order the checks made once all
        # options are read; with one of the family's and another, any
        # one-line usage error is accepted.
        if family:
            raise usage_shaped()
        raise
    if len(family) > 1:
        raise usage_shaped()
    if family:
        raise family[0]
    return o


def selected_count(ranges):
    """How many fields `ranges` select (fields are a set, as cut's), or
    None if the list is open (`2-`)."""
    if any(hi == math.inf for _, hi in ranges):
        return None
    count, end = 0, 0
    for lo, hi in sorted(ranges):
        lo = max(lo, end + 1)
        if hi >= lo:
            count += hi - lo + 1
            end = hi
    return count


def weights_error(o):
    """README: "-f must select exactly as many fields as there are
    weights, a closed list (2-4, not 2-), or it is a usage error (exit 1,
    before any input is read; with field names, once the header is
    read)". The message is not given."""
    if o.fields is None or selected_count(o.fields) != len(o.weights):
        return usage_shaped()
    return None


def family_errors(o):
    """The usage errors of the family's parameters, found once all options
    are read (the function is the last -F or -l)."""
    errors = []
    fn = o.function
    foreign = [n for n in dict.fromkeys(o.given) if n not in PARAMETERS[fn]]
    if foreign:
        # "A parameter ... one the function does not have is a usage
        # error": `relu: --alpha does not apply to softplus`. AMBIGUOUS:
        # which is named when there are several; the name is the
        # function's own, not the alias it was given by (`-F leaky` is
        # leaky_relu, as `-l` is).
        errors.append(Usage(re.compile(
            rb"relu: --(?:" + b"|".join(re.escape(n.encode())
                                        for n in foreign)
            + rb") does not apply to " + re.escape(fn.encode()) + b"\n"
            + re.escape(TRY) + rb"\Z")))
    p = o.params
    if fn == "threshold" and not ("threshold" in o.given and
                                  "value" in o.given):
        # "threshold's --threshold and --value are required, as PyTorch
        # gives them no defaults"
        errors.append(usage_shaped())
    # AMBIGUOUS: "Options act in order: each checks its value when it is
    # read", yet these bounds are checked once all options are read, and
    # only for the function that has them (relu's reading): `relu --lambd
    # -1 --help` prints the help, `relu -F relu --lambd -1` says that
    # --lambd does not apply to relu, `relu --lambd -1 -x` reports -x.
    if fn in ("hardshrink", "softshrink") and p.get("lambd", 0.5) < 0:
        errors.append(usage_shaped())   # "must not be negative"
    if fn == "rrelu" and p.get("lower", 0.125) > \
            p.get("upper", 0.3333333333333333):
        # man page: "the lower must not be above the upper"
        errors.append(usage_shaped())
    if fn == "hardtanh" and not p.get("min-val", -1.0) < \
            p.get("max-val", 1.0):
        # man page: "the first must be below the second"
        errors.append(usage_shaped())
    if fn == "prelu" and o.weights is not None and \
            o.fields_not_cut is None:   # names: once the header is read
        error = weights_error(o)
        if error:
            errors.append(error)
    return errors


def check_rest(o, seen):
    """The checks, once all options are read, of the options other than
    the family's."""
    # AMBIGUOUS: README does not say what --format together with
    if o.fields_not_cut is not None:
        if not o.header_given:
            raise o.fields_not_cut
        if o.operands and o.operands != [b"-"]:
            raise usage(b"field names in --fields need the header of "
                        b"standard input")
    else:
        o.named = None
    # --precision means (relu refuses it, "last wins" would take either).
    if "format" in seen and "p" in seen:
        raise Unspecified("--format with --precision")
    if o.precision is not None:
        o.format = b"%." + o.precision + b"f"
    if o.csv and o.delimiter is None:   # "--csv ... -d , by default"
        o.delimiter = b","
    if o.csv and o.delimiter == b'"':
        raise usage_shaped()            # "The quote cannot be the delimiter"
    if o.delimiter == (b"\0" if o.zero else b"\n"):
        raise usage_shaped()            # "cannot be the record terminator"
    # AMBIGUOUS: README does not say what --drop-header does without
    # --header ("reads --header's records"); relu refuses it, after the
    # checks above.
    if o.drop_header and not o.header_given:
        raise usage_shaped()


# ---------------------------------------------------------------- fields

# README: "With --header, -f also takes the names in the header's first
# record, as xsv's select does: names, ranges of names (w1-w3, w2-, -w2),
# and numbers, mixed. A name that is all digits or holds a comma, a dash,
# a blank or a quote is written in double quotes (-f '"2019","a-b"', with
# "" for a quote); name[k] is the field of that name after k others of it".
# Items are separated as cut's are, by one comma or blank ("items
# separated by commas or blanks").
LIST_SEPARATORS = b", \t"
# AMBIGUOUS: README lists the bytes that need quotes (comma, dash, blank,
# quote); relu also refuses [ and ] in an unquoted name (`-f 'a[b'` is
# cut's "invalid field value"), as the [k] suffix would make them unclear.
NOT_IN_NAME = b',- \t"[]'
# AMBIGUOUS: README gives no bound for k in name[k]; relu takes k up to
# 2^64 - 7. The model leaves k >= 2^63 unspecified.
INDEX_LIMIT = 2**63


@dataclass
class Bound:
    number: int = None           # a field number, or
    name: bytes = None           # a name and
    k: int = 0                   # the k of name[k]


@dataclass
class Item:
    text: bytes                  # as written, for "invalid decreasing range"
    lo: Bound = None             # None: from field 1 (`-w2`)
    hi: Bound = None             # None: to the last field (`w2-`)


def parse_bound(text, i):
    """Read one bound at text[i:]; return (Bound, next index) or None."""
    if text[i:i + 1] == b'"':
        name = bytearray()
        i += 1
        while True:
            if i >= len(text):
                return None             # an unclosed quoted name
            c = text[i:i + 1]
            if c == b'"':
                if text[i + 1:i + 2] == b'"':
                    name += b'"'
                    i += 2
                    continue
                i += 1
                break
            name += c
            i += 1
        bound = Bound(name=bytes(name))
    else:
        j = i
        while j < len(text) and text[j] not in NOT_IN_NAME:
            j += 1
        word = text[i:j]
        if not word:
            return None
        if word.isdigit():
            # A number, as cut reads it: fields are numbered from 1, and
            # cut refuses 2^64 - 1 and above ("is too large").
            if not 1 <= int(word) < 2**64 - 1:
                return None
            return Bound(number=int(word)), j
        bound = Bound(name=word)
        i = j
    if text[i:i + 1] == b"[":           # name[k]
        j = i + 1
        while text[j:j + 1].isdigit():
            j += 1
        if j == i + 1 or text[j:j + 1] != b"]":
            return None
        bound.k = int(text[i + 1:j])
        if bound.k >= INDEX_LIMIT:
            raise Unspecified("name[k] with a huge k")
        i = j + 1
    return bound, i


def parse_named(text):
    """Return the Items of a list of names and numbers, or None if `text`
    is not one (then cut's error stands)."""
    items = []
    i = 0
    while True:
        start = i
        lo = hi = None
        if text[i:i + 1] == b"-":       # -bound
            got = parse_bound(text, i + 1)
            if got is None:
                return None
            hi, i = got
        else:
            got = parse_bound(text, i)
            if got is None:
                return None
            lo, i = got
            hi = lo
            if text[i:i + 1] == b"-":   # bound- or bound-bound
                i += 1
                hi = None
                if i < len(text) and text[i] not in LIST_SEPARATORS:
                    got = parse_bound(text, i)
                    if got is None:
                        return None
                    hi, i = got
        items.append(Item(text[start:i], lo, hi))
        if i == len(text):
            return items
        if text[i] not in LIST_SEPARATORS:
            return None
        i += 1


def fields_error(message):
    """README's example: "relu: invalid --fields: no field named 'w9' in
    the header: it has 'name', 'w1'" then exit 1, with no hint to --help."""
    return b"relu: invalid --fields: " + message + b"\n"


def resolve_named(items, names):
    """Return the ranges that `items` select in a header of `names`, or
    raise Usage with fields_error's message."""
    def decreasing(item):
        # AMBIGUOUS: README gives cut's "invalid decreasing range" for
        # numbers only; relu refuses a range of names that runs backwards
        # the same way, naming the item as written, without the hint.
        return Usage(fields_error(b"invalid decreasing range "
                                  + quote(item.text)))

    def index(bound):
        if bound.number is not None:
            return bound.number
        # "name[k] is the field of that name after k others of it"; a
        # bare name is name[0], the first (xsv's select).
        seen = 0
        for n, name in enumerate(names, 1):
            if name == bound.name:
                if seen == bound.k:
                    return n
                seen += 1
        # AMBIGUOUS: README shows the message for a plain name only; relu
        # writes name[k] as 'name'[k], and k = 0 as a plain name.
        shown = quote(bound.name) + (b"[%d]" % bound.k if bound.k else b"")
        has = b", ".join(quote(n) for n in names) if names else \
            b"no fields"  # AMBIGUOUS: a header without fields (blanks)
        raise Usage(fields_error(b"no field named " + shown
                                 + b" in the header: it has " + has))

    ranges = []
    for item in items:
        lo = index(item.lo) if item.lo is not None else 1
        hi = index(item.hi) if item.hi is not None else math.inf
        if hi < lo:
            raise decreasing(item)
        ranges.append((lo, hi))
    return ranges


def quote(token):
    """The token as messages show it: non-printable bytes as \\xNN, cut
    after 64 bytes (README). AMBIGUOUS, README does not say: the quote and
    the backslash are escaped with a backslash (else \\x01 could be either
    one byte or four), and the cut is marked by "..." after the quote."""
    def show(b):
        if b in b"'\\":
            return b"\\" + bytes([b])
        return bytes([b]) if 0x20 <= b < 0x7F else b"\\x%02x" % b
    shown = b"".join(show(b) for b in token[:TOKEN_SHOWN])
    return b"'" + shown + b"'" + (b"..." if len(token) > TOKEN_SHOWN else b"")


class Abort(Exception):
    pass


# ---------------------------------------------------------------- CSV

@dataclass
class CsvField:
    raw: bytes          # the field's bytes as they came, quotes included
    kind: str           # "plain": unquoted, no quote in it
                        # "quoted": "...", closed, then a separator
                        # "stray": unquoted with a quote inside (ab"c)
                        # "after": text after a closing quote ("1"5)
                        # "open": a quote still open at the end of input


@dataclass
class CsvRecord:
    line: int           # the line where the record began
    fields: list        # CsvFields
    cr: bytes           # b"\r" if a CR came right before its end
    terminated: bool    # ended by a terminator (not by the input's end)
    span: tuple = None  # (start, end) of its bytes in the input


def csv_records(data, delimiter, terminator):
    """Split `data` into CSV records, as README's --csv item says, byte by
    byte:

    "a field that starts with `"` is quoted: inside it, the delimiter, CR,
    the record terminator and a doubled `""` are data, and the field ends
    at its closing quote. A record ends at a terminator outside quotes; a
    CR right before it is kept and belongs to no field". Unquoted fields
    run to the next delimiter or record end. Malformed quoting is read as
    Python's csv (strict=False) reads it: a quote inside an unquoted field
    is data; text after a closing quote runs on to the next separator, its
    quotes as data; a quote still open at the end of the input makes the
    rest of the input one field."""
    records = []
    pos, n = 0, len(data)
    line, counted = 1, 0
    # An unquoted run of bytes: up to a delimiter, a terminator or a CR
    # (a CR may or may not end the record: record_ends decides).
    run = re.compile(b"[^" + re.escape(delimiter + terminator + b"\r")
                     + b"]*")

    def record_ends(i):
        """A terminator, or a CR right before a terminator or the end of
        the input ("A CR right before the end of a record is kept and is
        not part of a field"), or the end of the input."""
        c = data[i:i + 1]
        return c == b"" or c == terminator or \
            (c == b"\r" and data[i + 1:i + 2] in (b"", terminator))

    while pos < n:
        # "Messages name the line where the record began, which is its
        # record number unless quoted fields before it hold line breaks."
        line += data.count(terminator, counted, pos)
        counted = start_of_record = pos
        fields = []
        while True:
            start = pos
            if data[pos:pos + 1] == b'"':
                i = pos + 1
                while True:
                    j = data.find(b'"', i)
                    if j >= 0 and data[j + 1:j + 2] == b'"':
                        i = j + 2       # a doubled quote is data
                        continue
                    break
                if j < 0:               # still open at the end
                    fields.append(CsvField(data[start:], "open"))
                    records.append(CsvRecord(line, fields, b"", False,
                                             (start_of_record, n)))
                    return records
                pos = j + 1
                kind = "quoted"
            else:
                kind = "plain"
            while not record_ends(pos) and data[pos:pos + 1] != delimiter:
                kind = "after" if kind == "quoted" else kind
                pos = max(run.match(data, pos).end(), pos + 1)
            raw = data[start:pos]
            if kind == "plain" and b'"' in raw:
                kind = "stray"
            fields.append(CsvField(raw, kind))
            if not record_ends(pos):    # a delimiter: another field
                pos += 1
                continue
            cr = b""
            if data[pos:pos + 1] == b"\r":
                cr = b"\r"
                pos += 1
            terminated = data[pos:pos + 1] == terminator
            pos += terminated
            records.append(CsvRecord(line, fields, cr, terminated,
                                     (start_of_record, pos)))
            break
    return records


def csv_name(field, blanks, terminator):
    """A header field's name for -f. AMBIGUOUS: README says only "the names
    in the header's first record". relu takes a quoted field's content,
    `""` read as `"`, blanks kept (`" b "` is ` b `); an unquoted field
    without its blanks, as the blanks around a number are not part of it;
    and a malformed field's bytes as they came, without blanks around them
    (and, for one still open at the end, without the input's last record
    terminator and a CR before it)."""
    raw = field.raw
    if field.kind == "quoted":
        return raw[1:-1].replace(b'""', b'"')
    if field.kind == "open":
        if raw.endswith(terminator):
            raw = raw[:-1]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
    return raw.strip(blanks)


class Stream:
    """Applies the options to records and collects stdout and stderr."""

    def __init__(self, o):
        self.o = o
        self.out = bytearray()
        self.err = bytearray()
        self.bad = False
        self.blanks = BLANKS + (b"\n" if o.zero else b"")
        # AMBIGUOUS: with --csv a quoted field can hold the delimiter; when
        # the delimiter is a blank (-d ' ', -d $'\t', -z -d $'\n') relu does
        # not take it as a blank around a number (`"-2 "` is not a number
        # with -d ' '). No other field holds the delimiter.
        self.quoted_blanks = bytes(b for b in self.blanks
                                   if bytes([b]) != o.delimiter)
        self.terminator = b"\0" if o.zero else b"\n"

    def selected(self, n):
        return self.o.fields is None or \
            any(lo <= n <= hi for lo, hi in self.o.fields)

    def weight(self, n):
        """prelu's weight for field n: "The weights go to the selected
        fields in field order, counted from the left whatever order -f
        names them in (fields are a set, as cut's)"; "A record with fewer
        fields converts those it has, each with its own field's weight"."""
        o = self.o
        if o.weights is None:
            return o.params.get("weight", 0.25)     # "nn.PReLU's 0.25"
        if getattr(self, "field_weights", None) is None:
            numbers = sorted({k for lo, hi in o.fields
                              for k in range(lo, hi + 1)})
            self.field_weights = dict(zip(numbers, o.weights))
        return self.field_weights[n]

    def slope(self, n):
        """The slope below 0 of the functions that are leaky ReLU with
        another name: "rrelu is PyTorch's evaluation mode: leaky ReLU with
        the slope (lower + upper)/2, computed in double arithmetic as
        PyTorch does (bounds whose sum overflows give an infinite slope)";
        "prelu is leaky ReLU with --weight"."""
        o = self.o
        if o.function == "rrelu":
            return (o.params.get("lower", 0.125)
                    + o.params.get("upper", 0.3333333333333333)) / 2
        if o.function == "prelu":
            return self.weight(n)
        return o.alpha

    def value(self, x, n):
        """The function's value (or derivative) at x in field n, as a
        double: the formulas of README's Functions table, the derivatives
        of Semantics and of the man page's section per function. Python's
        float operations are IEEE double operations, correctly rounded, so
        x - lambd and alpha*x are what Accuracy promises."""
        o = self.o
        fn = o.function
        p = o.params
        if math.isnan(x):
            return x                    # "NaN gives NaN"
        lambd = p.get("lambd", 0.5)
        lo, hi = p.get("min-val", -1.0), p.get("max-val", 1.0)
        if fn == "relu6":
            lo, hi = 0.0, 6.0
        if o.grad:
            # "at a kink, the one PyTorch takes: the left derivative at 0
            # for relu, leaky_relu (0, alpha), 0 at both bounds of relu6,
            # hardtanh"; "Their derivatives are 0 at the kinks"
            # (hardshrink, softshrink); threshold' is 0 at the threshold;
            # rrelu' and prelu' are the slope at 0 (man page: "that at 0").
            if fn == "relu":
                return 1.0 if x > 0 else 0.0
            if fn in ("relu6", "hardtanh"):
                return 1.0 if lo < x < hi else 0.0
            if fn == "threshold":
                return 1.0 if x > p["threshold"] else 0.0
            if fn in ("hardshrink", "softshrink"):
                return 1.0 if abs(x) > lambd else 0.0
            return 1.0 if x > 0 else self.slope(n)
        if fn == "relu":
            return x if x > 0 else 0.0
        if fn in ("relu6", "hardtanh"):
            # min(max(x, min_val), max_val). AMBIGUOUS: a bound of -0
            # (--min-val -0, --max-val -0) gives 0, as x = -0 does at a
            # bound of 0: relu writes every zero of hardtanh as 0, as
            # relu(-0) is 0; README does not speak of signed bounds.
            y = lo if x <= lo else hi if x >= hi else x
            return 0.0 if y == 0 and not lo < x < hi else y
        if fn == "threshold":           # "value if x <= threshold, else x"
            return p["value"] if x <= p["threshold"] else x
        if fn == "hardshrink":          # "0 if |x| <= lambd, else x"
            return 0.0 if abs(x) <= lambd else x
        if fn == "softshrink":
            # "x - lambd if x > lambd, x + lambd if x < -lambd, else 0":
            # no difference of doubles that are not equal is 0, so only
            # the third branch gives a zero, 0 (PyTorch's, and the exact
            # value's sign).
            if x > lambd:
                return x - lambd
            if x < -lambd:
                return x + lambd
            return 0.0
        # leaky_relu, rrelu, prelu: "x if x > 0, else slope*x"
        if x > 0:
            return x
        y = self.slope(n) * x
        # "that NaN is -nan on every processor" (0 x inf; and rrelu's
        # infinite slope gives "NaN at -0, as IEEE's product"): rrelu and
        # prelu are leaky ReLU with another slope. Python's own NaN would
        # have the sign of the processor it runs on.
        return math.copysign(math.nan, -1) if math.isnan(y) else y

    def keeps_text(self, x):
        """README: "Where the function returns its input unchanged (relu,
        leaky_relu, elu and celu for x > 0; relu6 and hardtanh strictly
        between their bounds; threshold above its threshold; hardshrink
        for |x| > lambd; softshrink with lambd 0, x not 0; ...; NaN) the
        result is written as its input text, byte for byte". README's
        list does not name rrelu and prelu: both are "leaky ReLU" with
        another slope, and the man page's rrelu example keeps `2.50`.
        softshrink(inf) with lambd > 0 is inf - lambd, computed: it is
        not in the list, so `INF` prints as `inf`."""
        o = self.o
        fn = o.function
        p = o.params
        if math.isnan(x):
            return True
        if fn in ("relu", "leaky_relu", "rrelu", "prelu"):
            return x > 0
        if fn == "relu6":
            return 0 < x < 6
        if fn == "hardtanh":
            return p.get("min-val", -1.0) < x < p.get("max-val", 1.0)
        if fn == "threshold":
            return x > p["threshold"]
        if fn == "hardshrink":
            return abs(x) > p.get("lambd", 0.5)
        if fn == "softshrink":
            return p.get("lambd", 0.5) == 0 and x != 0
        raise AssertionError(fn)

    def convert(self, token, n):
        """Return the output text for a number token in field n, or
        None."""
        x = parse_number(token)
        if x is None:
            return None
        y = self.value(x, n)
        if self.o.format is not None:   # "format every converted field"
            return printf(self.o.format, y)
        # "With -g, NaN is computed like any other value, so it prints as
        # nan or -nan, the input's sign kept, rather than as its input
        # text": the derivative keeps no text.
        if not self.o.grad and self.keeps_text(x):
            return token
        return shortest(y)

    def field(self, where, n, lead, core, trail, prefix):
        """Append one selected field; `prefix` is the record's output
        before it, written out if this field aborts. AMBIGUOUS: README's
        "writes everything before the bad field" could exclude the blanks
        around a delimited field's token; relu writes them, and so do we."""
        whole = lead + core + trail
        if len(whole) > MIB:
            problem = b"field longer than 1 MiB: "
            text = None
        else:
            problem = b"invalid number: "
            text = self.convert(core, n)
        if text is not None:
            return lead + text + trail
        self.invalid(b"relu: " + where + b", field %d: " % n + problem
                     + quote(core) + b"\n", prefix)
        return whole

    def has_no_field(self, arg):
        """README: an operand holds no field if it is empty or blank; a CR
        right before a record's end, or before the operand's end, is part
        of no field."""
        for rec in arg.split(self.terminator):
            if rec.endswith(b"\r"):
                rec = rec[:-1]
            if rec.strip(self.blanks):
                return False
        return True

    def empty_operand(self, where, arg):
        """`relu ''`: invalid number '', as numfmt says; the operand is
        passed through whole where --invalid passes bad fields through."""
        message = b"relu: " + where + b", field 1: invalid number: ''\n"
        if self.o.invalid == "abort":
            self.err += message
            raise Abort()
        self.bad = True
        if self.o.invalid != "ignore":
            self.err += message
        self.out += arg + self.terminator

    def record(self, where, rec, terminated):
        body, cr = rec, b""
        if body.endswith(b"\r"):        # "A CR right before the end of a
            body, cr = body[:-1], b"\r"  # record is kept", incl. at EOF
        out = bytearray()
        if self.o.delimiter is not None:
            for n, f in enumerate(body.split(self.o.delimiter), 1):
                if n > 1:
                    out += self.o.delimiter
                core = f.strip(self.blanks)
                if not self.selected(n) or not core:
                    out += f
                    continue
                start = len(f) - len(f.lstrip(self.blanks))
                end = start + len(core)
                out += self.field(where, n, f[:start], core, f[end:],
                                  bytes(out) + f[:start])
        else:
            runs = re.findall(b"[" + re.escape(self.blanks) + b"]+|[^"
                              + re.escape(self.blanks) + b"]+", body)
            n = 0
            for run in runs:
                if run[:1] and run[:1] in self.blanks:
                    out += run
                    continue
                n += 1
                if not self.selected(n):
                    out += run
                    continue
                out += self.field(where, n, b"", run, b"", bytes(out))
        out += cr + (self.terminator if terminated else b"")
        self.out += out

    def records(self, data, where_of, first_data_record=1):
        """Process `data`; where_of(k) names the k-th record (from 1), or
        with --csv the record that began on line k. Records before
        `first_data_record` are the header: written unchanged, unless
        --drop-header ("reads --header's records but does not write
        them")."""
        if self.o.csv:
            # "Header records (--header) are CSV records too."
            for k, rec in enumerate(csv_records(data, self.o.delimiter,
                                                self.terminator), 1):
                self.csv_record(where_of(rec.line), rec,
                                header=k < first_data_record)
            return
        keep = not self.o.drop_header
        pieces = data.split(self.terminator)
        last = pieces.pop()             # b"" if data ends with a terminator
        for k, rec in enumerate(pieces, 1):
            if k < first_data_record:
                if keep:
                    self.out += rec + self.terminator
            else:
                self.record(where_of(k), rec, True)
        if last:
            k = len(pieces) + 1
            if k < first_data_record:
                if keep:
                    self.out += last
            else:
                self.record(where_of(k), last, False)

    # ------------------------------------------------------------ --csv

    def invalid(self, message, prefix):
        """Report a bad field as --invalid says: abort writes `prefix` (the
        output before the bad token), the message, and stops; fail and warn
        report it; ignore is silent."""
        if self.o.invalid == "abort":
            self.out += prefix
            self.err += message
            raise Abort()
        self.bad = True
        if self.o.invalid != "ignore":
            self.err += message

    def csv_field(self, where, n, f, prefix):
        """Return the output of a selected, closed CSV field; `prefix` is
        the record's output before it."""
        o = self.o
        if f.kind == "plain":
            # "Unquoted fields follow the rules of -d."
            core = f.raw.strip(self.blanks)
            if not core:
                return f.raw            # "Empty and blank-only fields"
            start = len(f.raw) - len(f.raw.lstrip(self.blanks))
            end = start + len(core)
            return self.field(where, n, f.raw[:start], core, f.raw[end:],
                              prefix + f.raw[:start])
        head = b"relu: " + where + b", field %d: " % n
        # "a field to be converted is limited to 1 MiB, quotes included".
        # AMBIGUOUS: the message shows the field's first bytes, quotes and
        # blanks included, and the check comes before that of the quoting.
        if len(f.raw) > MIB:
            self.invalid(head + b"field longer than 1 MiB: " + quote(f.raw)
                         + b"\n", prefix)
            return f.raw
        if f.kind == "stray":
            # AMBIGUOUS: the token shown is the whole field, blanks around
            # it included (` "1"`), and abort writes nothing of it.
            self.invalid(head + b"quote inside an unquoted field: "
                         + quote(f.raw) + b"\n", prefix)
            return f.raw
        if f.kind == "after":
            self.invalid(head + b"text after a closing quote: "
                         + quote(f.raw) + b"\n", prefix)
            return f.raw
        # "A quoted field whose content is a number, blanks around it
        # allowed, is converted inside its quotes; an empty one passes
        # through; any other content is not a number."
        content = f.raw[1:-1]
        core = content.strip(self.quoted_blanks)
        if not core:
            # AMBIGUOUS: README names the empty `""`; relu passes a
            # blank-only one (`" "`) through too, as it passes blank-only
            # fields ("Empty and blank-only fields pass through").
            return f.raw
        x = self.convert(core, n) if b'"' not in core else None
        if x is not None:
            start = len(content) - len(content.lstrip(self.quoted_blanks))
            return (b'"' + content[:start] + x
                    + content[start + len(core):] + b'"')
        # AMBIGUOUS: the token shown is the quoted field, quotes included
        # (`'" x "'`), and abort writes nothing of it.
        self.invalid(head + b"invalid number: " + quote(f.raw) + b"\n",
                     prefix)
        return f.raw

    def csv_record(self, where, rec, header):
        o = self.o
        write = not (header and o.drop_header)
        out = bytearray()
        for n, f in enumerate(rec.fields, 1):
            if n > 1:
                out += o.delimiter
            head = b"relu: " + where + b", field %d: " % n
            selected = not header and self.selected(n)
            if f.kind == "open":
                # "a quote still open at the end of the input makes the
                # rest of the input one field ... reported whether or not
                # the field is selected, naming the line where its record
                # began and the field" (exit 2 with abort and fail).
                # AMBIGUOUS: relu reports it as --invalid says (ignore:
                # silently); abort writes an unselected field, and all
                # before it, before it stops, but nothing of a selected
                # one; a selected one over 1 MiB is reported as such too.
                before = bytes(out)
                if selected and len(f.raw) > MIB:
                    self.invalid(head + b"field longer than 1 MiB: "
                                 + quote(f.raw) + b"\n",
                                 before if write else b"")
                out += f.raw
                self.invalid(head + b"quote not closed at the end of the "
                             b"input\n",
                             (before if selected else bytes(out))
                             if write else b"")
                continue
            if not selected:
                out += f.raw            # "an unselected one passes through"
                continue
            out += self.csv_field(where, n, f, bytes(out))
        out += rec.cr + (self.terminator if rec.terminated else b"")
        if write:
            self.out += out


def header_names(s, data):
    """The names of the fields of the header's first record, as its fields
    are read. AMBIGUOUS, README does not say: a -d field's name is the
    field without the blanks around it (` a ` is `a`), and a header with
    no record at all has one empty name with -d and --csv, none without."""
    o = s.o
    if o.csv:
        records = csv_records(data, o.delimiter, s.terminator)
        if not records:
            return [b""]
        return [csv_name(f, s.blanks, s.terminator)
                for f in records[0].fields]
    first = data.split(s.terminator)[0]
    if first.endswith(b"\r"):
        first = first[:-1]
    if o.delimiter is not None:
        return [f.strip(s.blanks) for f in first.split(o.delimiter)]
    return re.findall(b"[^" + re.escape(s.blanks) + b"]+", first)


def run(argv, stdin=b""):
    """Return the Result of `relu ARGV < stdin` under LC_ALL=C; argv and
    stdin are bytes (str arguments are encoded as UTF-8)."""
    argv = [a.encode() if isinstance(a, str) else a for a in argv]
    try:
        o = parse_options(argv)
    except Usage as u:
        return Result(b"", u.message, 1)
    except Unspecified as u:
        return Result(b"", str(u).encode(), None)
    s = Stream(o)
    try:
        if o.operands and o.operands != [b"-"]:
            if o.header_given:          # "ignored with a warning, as numfmt"
                s.err += b"relu: --header ignored with command-line input\n"
            for i, arg in enumerate(o.operands, 1):
                where = b"argument %d" % i
                if s.selected(1) and s.has_no_field(arg):
                    # "an empty or blank one is invalid number: ''"
                    s.empty_operand(where, arg)
                else:
                    # AMBIGUOUS: a record terminator inside an argument
                    # splits it into records that keep its number. With
                    # --csv, one inside quotes is data, and each argument
                    # is read as an input of its own: a quote still open
                    # at its end ends with it, is reported ("argument 2,
                    # field 3: quote not closed at the end of the input")
                    # and does not swallow the next argument, whose fields
                    # are numbered from 1 ("Each NUMBER argument is one
                    # record"; relu numbers them on from the open one's).
                    s.records(arg + s.terminator, lambda k: where)
        else:
            if o.named is not None:
                try:
                    o.fields = resolve_named(o.named, header_names(s, stdin))
                except Usage as u:
                    # "A name the header does not have is an error that
                    # lists the names it has (exit 1, nothing written)"
                    return Result(b"", u.message, 1)
                if o.function == "prelu" and o.weights is not None and \
                        weights_error(o):
                    # "once the header is read": as the header's other
                    # errors (README's example), one line and no hint.
                    return Result(b"", re.compile(
                        rb"relu: [^\n]*weights[^\n]*\n\Z"), 1)
            s.records(stdin, lambda k: b"line %d" % k, o.header + 1)
    except Abort:
        return Result(bytes(s.out), bytes(s.err), 2)
    except Unspecified as u:
        return Result(b"", str(u).encode(), None)
    status = 2 if s.bad and o.invalid == "fail" else 0
    return Result(bytes(s.out), bytes(s.err), status)


if __name__ == "__main__":
    import os
    import sys
    r = run([os.fsencode(a) for a in sys.argv[1:]], sys.stdin.buffer.read())
    sys.stdout.buffer.write(r.stdout)
    err = r.stderr
    if not isinstance(err, bytes):
        err = b"(any text matching %r)\n" % err.pattern
    sys.stderr.buffer.write(err)
    sys.exit(3 if r.status is None else r.status)
