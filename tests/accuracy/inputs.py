"""Seeded test inputs for the accuracy check of the rectifier family.

`generate(name, derivative, count, seed)` gives `count` inputs for one
function (value or derivative): fixed special values for every parameter
set, then about 30% spread log-uniformly over +-[1e-320, 1e308] and 70%
dense in the places where a correctly rounded result is hard: around 0,
kinks and thresholds (walking exact doubles ulp by ulp), where exp over-
and underflows, where results turn subnormal, in cancellation regions and
around the roots of the derivatives.
"""

import math
import random
import struct
from collections import namedtuple

import mpmath

Input = namedtuple("Input", "x alpha beta threshold kind")

DEFAULT = (1.0, 1.0, 20.0)  # (alpha, beta, threshold) for the others

# Parameter sets (alpha, beta, threshold) per function.
PARAMETERS = {
    "elu": [(a, 1.0, 20.0) for a in (1.0, 0.5, 2.0, 1e-3, 1e3, -1.0, -0.5)],
    "celu": [(a, 1.0, 20.0)
             for a in (1.0, 0.5, 2.0, 1e-3, 1e3, -1.0, -2.0, -1e-3)],
    "softplus": [(1.0, b, t) for b in (1.0, 2.0, 0.5, 1e-10, 1e10)
                 for t in (20.0, 0.0, -5.0, 1e3)],
}

# ln of the largest double and of the smallest subnormal: where e**x
# overflows and underflows.
EXP_OVER = 709.782712893384
EXP_UNDER = -745.1332191019411

WIDE_SHARE = 0.3


# --- Doubles as ordered integers, to step ulp by ulp ------------------------

def _ordered(x):
    """Map a double to an integer preserving order (-0 and +0 adjacent)."""
    i = struct.unpack("<q", struct.pack("<d", x))[0]
    return i if i >= 0 else -(i & 0x7FFFFFFFFFFFFFFF) - 1


def _from_ordered(i):
    if i < 0:
        i = (-(i + 1)) | -0x8000000000000000
    return struct.unpack("<d", struct.pack("<q", i))[0]


def step_ulps(x, k):
    """Return the double k representable steps above x (below for k < 0),
    staying finite."""
    top = _ordered(1.7976931348623157e308)
    return _from_ordered(max(-top - 1, min(top, _ordered(x) + k)))


# --- Samplers: each takes a random.Random and returns a double --------------

def wide(rng):
    """A double log-uniform in magnitude over [1e-320, 1e308], either
    sign, with a random mantissa."""
    x = math.ldexp(1 + rng.random(), rng.randint(-1063, 1022))
    return -x if rng.random() < 0.5 else x


def around(c):
    """Doubles near c: half at a few ulps (log-uniform up to 2**20 steps),
    half at a relative distance log-uniform in [1e-16, 1e-1]. Around 0:
    magnitudes log-uniform over [1e-320, 1e-1], subnormals included."""
    def sample(rng):
        sign = -1 if rng.random() < 0.5 else 1
        if c == 0:
            return sign * math.ldexp(1 + rng.random(), rng.randint(-1063, -4))
        if rng.random() < 0.5:
            return step_ulps(c, sign * int(2 ** rng.uniform(0, 20)))
        return c * (1 + sign * 10 ** rng.uniform(-16, -1))
    return sample


def interval(lo, hi):
    """A double uniform in [lo, hi]."""
    return lambda rng: rng.uniform(lo, hi)


def log_band(lo, hi):
    """A double of either sign, magnitude log-uniform in [lo, hi]."""
    def sample(rng):
        x = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        return -x if rng.random() < 0.5 else x
    return sample


# --- Roots of the derivatives ------------------------------------------------

def _sigmoid(t):
    return 1 / (1 + mpmath.exp(-t))


_K = mpmath.sqrt(2 / mpmath.pi)
_C = mpmath.mpf("0.044715")

_DERIVATIVES = {
    "silu": lambda t: _sigmoid(t) * (1 + t * (1 - _sigmoid(t))),
    "mish": lambda t: mpmath.diff(
        lambda u: u * mpmath.tanh(mpmath.log1p(mpmath.exp(u))), t),
    "gelu": lambda t: mpmath.ncdf(t) + t * mpmath.npdf(t),
    "gelu_tanh": lambda t: mpmath.diff(
        lambda u: u / 2 * (1 + mpmath.tanh(_K * (u + _C * u ** 3))), t),
}
_ROOT_GUESS = {"silu": -1.2785, "mish": -1.1916, "gelu": -0.7518,
               "gelu_tanh": -0.7524}
_roots = {}


def derivative_root(name):
    """The negative root of the derivative of `name` (silu, mish, gelu,
    gelu_tanh), as the nearest double, found with mpmath at 40 digits."""
    if name not in _roots:
        with mpmath.workdps(40):
            root = mpmath.findroot(_DERIVATIVES[name], _ROOT_GUESS[name])
        _roots[name] = float(root)
    return _roots[name]


# --- The hard places per function -------------------------------------------

def _exp_limits(scale=1.0):
    """Samplers around where e**(x/scale) over- and underflows."""
    return [around(scale * t) for t in (EXP_OVER, -EXP_OVER, EXP_UNDER,
                                        -EXP_UNDER)]


def hard_places(name, derivative, params):
    """Return (label, sampler) pairs for the hard regions of one function
    with one parameter set (alpha, beta, threshold)."""
    alpha, beta, threshold = params
    zero = [("near 0", around(0.0))]
    if name in ("elu", "selu"):
        a = abs(alpha) if name == "elu" else 1.76
        places = zero + [
            ("exp limits", lambda rng, s=_exp_limits(): rng.choice(s)(rng)),
            ("exp underflow", interval(-760.0, -700.0)),
            ("subnormal result", interval(-750 - math.log(a),
                                          -700 - math.log(a))),
            ("moderate", interval(-40.0, 40.0)),
        ]
    elif name == "celu":
        s = _exp_limits(alpha)
        lo, hi = sorted((-760 * abs(alpha), -690 * abs(alpha)))
        places = zero + [
            ("exp limits", lambda rng: -abs(rng.choice(s)(rng))),
            ("exp over/underflow", interval(lo, hi)),
            ("moderate", interval(-40 * abs(alpha), 40 * abs(alpha))),
        ]
    elif name in ("gelu", "gelu_tanh"):
        edge = (-40.0, -35.0) if name == "gelu" else (-25.0, -18.0)
        places = zero + [
            ("subnormal result", interval(*edge)),
            ("1 + erf cancels", interval(-40.0, -5.0)),
            ("moderate", interval(-10.0, 10.0)),
            ("near -1", around(-1.0)),
        ]
        if derivative:
            places.append(("derivative root", around(derivative_root(name))))
    elif name in ("silu", "mish"):
        places = zero + [
            ("exp limits", lambda rng, s=_exp_limits(): rng.choice(s)(rng)),
            ("subnormal result", interval(-760.0, -690.0)),
            ("large negative", interval(-60.0, -1.0)),
            ("moderate", interval(-10.0, 10.0)),
            ("near 1", interval(15.0, 60.0)),
            ("near -1", around(-1.0)),
        ]
        if derivative:
            places.append(("derivative root", around(derivative_root(name))))
    elif name == "softplus":
        ln_beta = math.log(beta)
        s = _exp_limits(1 / beta)
        places = zero + [
            ("threshold", around(threshold / beta)),
            ("exp limits", lambda rng: rng.choice(s)(rng)),
            ("subnormal result", interval((ln_beta - 760) / beta,
                                          (ln_beta - 690) / beta)),
            ("moderate", interval(-40 / beta, 40 / beta)),
        ]
    elif name in ("hardswish", "hardsigmoid"):
        # The kinks, 6 where the cap is reached for x + 3, and -1.5 where
        # the derivative of hardswish crosses zero.
        places = zero + [(f"around {k:g}", around(k))
                         for k in (-3.0, 3.0, -6.0, 6.0, -1.5)]
        places.append(("moderate", interval(-3.5, 3.5)))
    elif name == "sigmoid":
        places = zero + [
            ("exp limits", lambda rng, s=_exp_limits(): rng.choice(s)(rng)),
            ("subnormal result", log_band(690.0, 760.0)),
            ("near 1", interval(15.0, 45.0)),
            ("moderate", interval(-40.0, 40.0)),
        ]
    elif name == "tanh":
        places = zero + [
            ("subnormal result", log_band(340.0, 390.0)),
            ("near 1", log_band(10.0, 45.0)),
            ("moderate", interval(-20.0, 20.0)),
        ]
    elif name == "softsign":
        places = zero + [
            ("subnormal derivative", log_band(2.0 ** 500, 2.0 ** 540)),
            ("near 1", around(1.0)),
            ("near -1", around(-1.0)),
            ("large", log_band(1e10, 1e308)),
            ("moderate", interval(-10.0, 10.0)),
        ]
    elif name == "logsigmoid":
        places = zero + [
            ("exp limits", lambda rng, s=_exp_limits(): rng.choice(s)(rng)),
            ("subnormal result", interval(690.0, 760.0)),
            ("near 1", interval(-45.0, -15.0)),
            ("moderate", interval(-40.0, 40.0)),
        ]
    elif name == "tanhshrink":
        # x - tanh x ~ x**3/3 cancels near 0, down to the subnormal inputs;
        # it turns subnormal near |x| = 2**-340 and rounds to zero below
        # about 2**-357.5 (x**3/3 = 2**-1075); tanh x**2 ~ x**2 turns
        # subnormal near 2**-511 and vanishes near 2**-537.5; tanh
        # saturates from 19 on, where tanh x**2 = 1 - 4 e**-2|x| lies just
        # below 1, and x - 1 + (1 - tanh x) is a tie of doubles for |x| in
        # [2**53, 2**54), decided by the tiny term.
        places = zero + [
            ("subnormal input", lambda rng: (-1 if rng.random() < 0.5
                                             else 1) *
             math.ldexp(rng.randint(1, 2 ** 52 - 1), -1074)),
            ("tiny", log_band(2.0 ** -1074, 2.0 ** -30)),
            ("rounds to zero", log_band(2.0 ** -362, 2.0 ** -338)),
            ("square subnormal", log_band(2.0 ** -540, 2.0 ** -509)),
            ("small", log_band(2.0 ** -30, 2.0 ** -10)),
            ("series switch", around(2.0 ** -5)),
            ("below 1", log_band(2.0 ** -10, 1.0)),
            ("near 1", around(1.0)),
            ("near -1", around(-1.0)),
            ("moderate", interval(-19.0, 19.0)),
            ("saturates", log_band(19.0, 40.0)),
            ("cut-off 40", around(40.0)),
            ("x - 1 ties", log_band(2.0 ** 52, 2.0 ** 55)),
        ]
    else:
        raise KeyError(name)
    return places


def _specials(params):
    """Inputs every group has, for every parameter set."""
    tiny, big = 5e-324, 1.7976931348623157e308
    xs = [0.0, -0.0, math.inf, -math.inf, math.nan, tiny, -tiny, big, -big,
          2.0 ** -1022, -(2.0 ** -1022), 2.0 ** -1022 - tiny, 1.0, -1.0,
          3.0, -3.0, 6.0, -6.0]
    return [Input(x, *p, "special") for p in params for x in xs]


def generate(name, derivative, count, seed=0):
    """Return `count` Inputs for function `name` (its derivative when
    `derivative`), the same for the same seed: specials first, then wide
    and hard-place samples, parameter sets taken in turn."""
    params = PARAMETERS.get(name, [DEFAULT])
    rng = random.Random(f"{seed}:{name}:{int(derivative)}")
    inputs = _specials(params)[:count]
    places = [hard_places(name, derivative, p) for p in params]
    i = 0
    while len(inputs) < count:
        which = i % len(params)
        alpha, beta, threshold = params[which]
        if rng.random() < WIDE_SHARE:
            kind, x = "wide", wide(rng)
        else:
            kind, sampler = rng.choice(places[which])
            x = sampler(rng)
        inputs.append(Input(float(x), alpha, beta, threshold, kind))
        i += 1
    return inputs
