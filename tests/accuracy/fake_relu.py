#!/usr/bin/env python3
"""A stand-in for relu --dtype, right or wrong on purpose, to show that
dtype_family.py and dtype_check.py catch wrong answers.

Usage: FAKE_RELU_MODE=MODE fake_relu.py --dtype NAME -F FUNC [-g]
           [--alpha A] [--beta B] [--threshold T] [--approximate tanh]
           [-j N] < numbers
       FAKE_RELU_MODE=MODE fake_relu.py --dtype NAME -F threshold|hardshrink|
           softshrink [-g] [--threshold T --value V] [--lambd L] < numbers

Reads one number per line and prints one result per line, from
reference.py. MODE (default `correct`):
  correct   the exact value rounded once to the dtype, shortest text;
  double    the correctly rounded double, rounded again to the dtype (the
            double rounding README forbids);
  lastbit   correct, but the last bit flipped in one result in 50;
  negzero   correct, but -0 printed as 0;
  params32  the parameters rounded to float32 first (PyTorch's way);
  ftz       subnormal results flushed to zero;
  nansign   every NaN printed as `nan`;
  digits    9 (float32) or 5 significant digits instead of the shortest;
  dtypeparams  (threshold, hardshrink, softshrink) the parameters rounded
            to the dtype first (rrelu, prelu: the slope);
  exactslope  (rrelu) the slope (lower + upper)/2 exact, not in double
            arithmetic.

threshold, hardshrink, softshrink, rrelu and prelu are dtype_check.py's
own reference (expected()), except where a mode breaks it; `double` rounds softshrink's
x - lambd to a double first, `params32` and `dtypeparams` round threshold,
value and lambd. Each wrong mode must make dtype_check.py fail, e.g.:
  FAKE_RELU_MODE=double tests/accuracy/dtype_check.py \
      tests/accuracy/fake_relu.py --only bfloat16 --function softshrink

Each wrong mode must make dtype_family.py fail, e.g. (a few minutes each;
the fake is as slow as the reference):
  FAKE_RELU_MODE=double tests/accuracy/dtype_family.py \
      tests/accuracy/fake_relu.py --jobs 1 --only sigmoid --only silu \
      --only elu --only softplus --sample16 100 --sample32 100
"""

import math
import os
import struct
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dtype_check as dc  # noqa: E402
import dtype_family as fam  # noqa: E402
import reference  # noqa: E402


def parse(argv):
    opts = {"dtype": "float64", "func": "relu", "deriv": False, "alpha": 1.0,
            "beta": 1.0, "threshold": 20.0, "approximate": "none"}
    names = {"--dtype": "dtype", "-F": "func", "--function": "func",
             "--alpha": "alpha", "-a": "alpha", "--beta": "beta",
             "--threshold": "threshold", "--approximate": "approximate",
             "--value": "value", "--lambd": "lambd", "--weight": "weight",
             "--lower": "lower", "--upper": "upper",
             "-j": "jobs", "--jobs": "jobs"}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-g", "--grad", "--derivative"):
            opts["deriv"] = True
        elif "=" in a and a.split("=")[0] in names:
            key, _, value = a.partition("=")
            opts[names[key]] = value
        elif a in names:
            opts[names[a]] = argv[i + 1]
            i += 1
        elif a.startswith("-a") and len(a) > 2:
            opts["alpha"] = a[2:]
        else:
            sys.exit(f"fake_relu: unexpected argument {a!r}")
        i += 1
    opts["texts"] = {k: opts[k] for k in ("threshold", "value", "lambd",
                                          "weight", "lower", "upper")
                     if k in opts and isinstance(opts[k], str)}
    for key in ("alpha", "beta", "threshold"):
        opts[key] = float(opts[key])
    if opts["func"] == "gelu" and opts["approximate"] == "tanh":
        opts["func"] = "gelu_tanh"
    return opts


def to_float32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


def shrink_config(mode, o, fmt):
    """dtype_check's Config for threshold, hardshrink or softshrink, with
    the parameters the mode makes wrong."""
    texts = dict(o["texts"])
    if mode in ("params32", "dtypeparams"):
        pf = dc.FLOAT32 if mode == "params32" else fmt
        for k, t in texts.items():
            b = dc.read(pf, t)
            texts[k] = dc.shortest_text(pf, b)
    return dc.Config(o["func"], o["deriv"], [], **texts)


def shrink_bits(mode, cfg, o, fmt, xb):
    """threshold, hardshrink, softshrink: dtype_check's expected(), or
    the mistake the mode names."""
    if mode == "double" and o["func"] == "softshrink" and not o["deriv"]:
        kind, negative, mag = fmt.decode(xb)
        x64 = dc.FLOAT64.round(negative, mag) if kind == "fin" else \
            (dc.FLOAT64.sign if negative else 0) | dc.FLOAT64.inf
        r = dc.expected(dc.FLOAT64, cfg, x64)  # x - lambd as a double
        kind, negative, mag = dc.FLOAT64.decode(r)
        if kind == "fin":
            return fmt.round(negative, mag)
    return dc.expected(fmt, cfg, xb)


def sloped_bits(mode, cfg, fmt, xb):
    """rrelu, prelu: dtype_check's expected(), or the mistake the mode
    names: `double` rounds slope*x to a double first, `exactslope` takes
    rrelu's (lower + upper)/2 exactly rather than in double arithmetic,
    `params32` and `dtypeparams` round the slope to float32 or the dtype
    first."""
    if mode == "exactslope" and cfg.func == "rrelu":
        lo, up = dc.read_param(cfg.lower_text), dc.read_param(cfg.upper_text)
        total = dc.param_key(lo) + dc.param_key(up)
        cfg.slope = ("fin", total < 0, abs(total) / 2)
    if mode in ("params32", "dtypeparams") and cfg.slope[0] == "fin":
        pf = dc.FLOAT32 if mode == "params32" else fmt
        cfg.slope = pf.decode(pf.round(cfg.slope[1], cfg.slope[2]))
    kind, negative, mag = fmt.decode(xb)
    if mode == "double" and not cfg.deriv and kind == "fin" and \
            (negative or mag == 0) and cfg.slope[0] == "fin":
        sign = negative != cfg.slope[1]
        d = dc.FLOAT64.decode(dc.FLOAT64.round(sign, mag * cfg.slope[2]))
        if d[0] == "fin":
            return fmt.round(sign, d[2])
    return dc.expected(fmt, cfg, xb)


def main():
    mode = os.environ.get("FAKE_RELU_MODE", "correct")
    o = parse(sys.argv[1:])
    shrink = o["func"] in dc.SHRINK
    fmt = fam.FORMATS[o["dtype"]]
    cfg = shrink_config(mode, o, fmt) if shrink else None
    sloped = o["func"] in dc.SLOPED
    if sloped:
        cfg = dc.Config(o["func"], o["deriv"], [], **o["texts"])
    texts = {}  # shortest texts by bits
    tgt = fam.TARGETS[o["dtype"]]
    params = (o["alpha"], o["beta"], o["threshold"])
    if mode == "params32":
        params = tuple(to_float32(p) for p in params)
    out = []
    for line in sys.stdin:
        xb = dc.read(fmt, line.strip())
        if fmt.is_nan(xb):
            out.append("nan" if mode == "nansign" or not xb & fmt.sign
                       else "-nan")
            continue
        if shrink:
            bits = shrink_bits(mode, cfg, o, fmt, xb)
        elif sloped:
            bits = sloped_bits(mode, cfg, fmt, xb)
            if bits == dc.ANY_NAN:
                bits = fmt.nan(False)
        elif mode == "double":
            x = fam.value_of(fmt, xb)
            v = reference.correctly_rounded(o["func"], o["deriv"], x,
                                            *params)
            bits = fam.bits_of_any(fmt, v)
        else:
            x = fam.value_of(fmt, xb)
            v = reference.correctly_rounded(o["func"], o["deriv"], x,
                                            *params, target=tgt)
            bits = fam.bits_of(fmt, v)
        kind, negative, mag = fmt.decode(bits)
        if mode == "lastbit" and kind == "fin" and mag != 0 and \
                (xb * 2654435761) % 50 == 7:
            bits ^= 1
        if mode == "ftz" and kind == "fin" and 0 < mag < dc.pow2(fmt.emin):
            bits &= fmt.sign
        text = texts.get(bits)
        if text is None:
            text = texts[bits] = dc.shortest_text(fmt, bits)
        if mode == "negzero" and text == "-0":
            text = "0"
        if mode == "digits" and kind == "fin" and mag != 0:
            v = float(mag) * (-1 if negative else 1)
            text = f"{v:.{9 if fmt.nbits == 32 else 5}g}"
        out.append(text)
    sys.stdout.write("".join(t + "\n" for t in out))


if __name__ == "__main__":
    main()
