#!/usr/bin/env python3
"""Dense reference values of LossMath's special functions, from mpmath at 40 digits, for the runtime's accuracy tests
(tests/LossDsl.Runtime.Tests/Math/SpecialFunctionAccuracyTests.cs).

Each line: function, x, and the exact value as a double-double hi lo (hi = the value rounded to double, lo = the rest).
Every x is a float (so the float paths are measured on the same points). Run from the repository root:
    /usr/bin/python3 scripts/make_special_reference.py > tests/LossDsl.Runtime.Tests/Math/special_reference.tsv
"""
import struct
import mpmath as mp

mp.mp.dps = 40


def f32(v):
    return struct.unpack('f', struct.pack('f', float(v)))[0]


def linear(a, b, n):
    return [f32(a + (b - a) * i / (n - 1)) for i in range(n)]


def logspace(lo, hi, n, sign=1):
    return [f32(sign * 10 ** (lo + (hi - lo) * i / (n - 1))) for i in range(n)]


def near(points, widths=(1e-7, 1e-5, 1e-3), count=8):
    out = []
    for p in points:
        for w in widths:
            out += [f32(p + w * (k - count / 2) / count) for k in range(count + 1)]
    return out


def lgamma(x):
    return mp.re(mp.loggamma(x))


def log_ndtr(x):
    return mp.log(mp.erfc(-x / mp.sqrt(2)) / 2)


X0 = 1.4616321449683622  # digamma's positive zero
FUNCTIONS = {
    'Erf': (mp.erf, linear(-6, 6, 2401) + logspace(-30, 0, 121) + logspace(-30, 0, 121, -1)),
    'Erfc': (mp.erfc, linear(-6, 28, 2401) + logspace(-30, 0, 121)),
    'LogNdtr': (log_ndtr, linear(-40, 10, 2401) + logspace(1, 18, 171, -1) + logspace(-30, 0, 61, -1)),
    'Lgamma': (lgamma, linear(0, 12, 2401)[1:] + logspace(-37, 38, 301) + near([1.0, 2.0]) + linear(-12, -0.001, 1200)),
    'Digamma': (mp.digamma, linear(0, 12, 2401)[1:] + logspace(-37, 38, 301) + near([X0]) + linear(-12, -0.001, 1200)),
    'Trigamma': (lambda x: mp.polygamma(1, x), linear(0, 12, 2401)[1:] + logspace(-37, 38, 301) + linear(-12, -0.001, 1200)),
}

if __name__ == '__main__':
    for name, (f, xs) in FUNCTIONS.items():
        for x in sorted(set(xs)):
            if x <= 0 and name in ('Lgamma', 'Digamma', 'Trigamma') and x == int(x):
                continue  # poles
            v = f(mp.mpf(x))
            hi = float(v)
            lo = float(v - hi) if mp.isfinite(v) and abs(hi) != float('inf') else 0.0
            print(f'{name}\t{x!r}\t{hi!r}\t{lo!r}')
