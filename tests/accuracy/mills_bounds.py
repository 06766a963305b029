#!/usr/bin/env python3
"""Recompute, with mpmath, the constants that the error bound of gelu's fast
path rests on (the Mills ratio table in src/exact/gelu.cpp), and fail if one
of them no longer holds.

Usage: mills_bounds.py    (a few seconds; CTest runs it as
                           accuracy.mills_bounds)

R(t) = Phi(-t) / phi(t); the table holds a_n = R^(n)(t0) / n! for
t0 = i/8, i in [0, 296], n <= 13: a_0..a_4 in double-double, the rest in
double, evaluated at h = t - t0, |h| <= 1/16 + 2^-40.
"""

import sys

import mpmath
from mpmath import mp, mpf

STEP = mpf(1) / 8
SIZE = 297
HEAD = 5  # coefficients kept in double-double
LAST = 13  # the highest power of h
H_MAX = STEP / 2 + mpf(2) ** -40
U = mpf(2) ** -53


def mills(t):
    return mpmath.sqrt(mp.pi / 2) * mpmath.exp(t * t / 2) * mpmath.erfc(
        t / mpmath.sqrt(2))


def derivatives(t, count, r0=None):
    """R(t), R'(t), ..., R^(count)(t), from R'' = R + tR' and onwards."""
    d = [mills(t) if r0 is None else r0]
    d.append(t * d[0] - 1)
    for n in range(1, count):
        d.append(t * d[n] + n * d[n - 1])
    return d


def coefficients(t, r0=None):
    d = derivatives(t, LAST, r0)
    return [d[n] / mpmath.factorial(n) for n in range(LAST + 1)]


def log2(x):
    return float(mpmath.log(x, 2))


def main():
    failures = []

    def claim(text, value, limit):
        ok = value <= limit
        print(f"{'ok  ' if ok else 'FAIL'} {text}: {value:.4g} "
              f"(claimed <= {limit})")
        if not ok:
            failures.append(text)

    with mp.workprec(800):
        t = 37 * mpf(1)
        f = t
        for k in range(64, 0, -1):
            f = t + k / f
        claim("log2 of the relative error of 64 levels of the continued "
              "fraction at 37", log2(abs(1 / f - mills(t)) / mills(t)), -370)

    with mp.workprec(1200):
        head_growth = tail_growth = 0
        for i in range(SIZE):
            t0 = i * STEP
            r = mills(t0)
            a = coefficients(t0, r)
            b = coefficients(t0, r * (1 + mpf(2) ** -600))
            growth = [abs(x - y) / abs(x) / mpf(2) ** -600
                      for x, y in zip(a, b)]
            head_growth = max(head_growth, max(growth[:HEAD]))
            tail_growth = max(tail_growth, max(growth[HEAD:]))
        claim("log2 of the cancellation of the recurrence, a_0..a_4",
              log2(head_growth), 38)
        claim("log2 of the cancellation of the recurrence, a_5..a_13",
              log2(tail_growth), 104)

    with mp.workprec(300):
        degree = LAST - HEAD
        gamma = 2 * degree * U / (1 - 2 * degree * U)
        series = head_ratio = spread = 0
        for i in range(SIZE):
            t0 = i * STEP
            low = max(t0 - H_MAX, mpf(0))  # h >= 0 next to t = 0
            a = coefficients(t0)
            r_min = mills(t0 + H_MAX)
            truncation = (abs(derivatives(low, LAST + 1)[LAST + 1]) /
                          mpmath.factorial(LAST + 1) * H_MAX ** (LAST + 1))
            tail = sum(abs(a[n]) * H_MAX ** n for n in range(HEAD, LAST + 1))
            series = max(series, (truncation + (gamma + U) * tail) / r_min)
            for j in range(HEAD):
                rest = sum(abs(a[n]) * H_MAX ** (n - j)
                           for n in range(j + 1, LAST + 1))
                head_ratio = max(head_ratio, rest / abs(a[j]))
            spread = max(spread, mills(low) / r_min)
        claim("log2 of truncation and the double tail, in units of R",
              log2(series), -72.7)
        claim("|h s| / |a_j| in the double-double steps", float(head_ratio),
              1 / 16)
        claim("R(t0 - |h|) / R(t)", float(spread), 1.1)

    with mp.workprec(300):
        c = 1 / mpmath.sqrt(2 * mp.pi)
        hi = mpf(float(c))
        lo = mpf(float(c - hi))
        claim("log2 of the error of 1/sqrt(2 pi) as a double-double",
              log2(abs(c - hi - lo)), -108)
        print(f"     1/sqrt(2 pi) = {float(hi).hex()} + {float(lo).hex()}")

    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
