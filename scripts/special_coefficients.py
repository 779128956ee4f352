#!/usr/bin/env python3
"""Coefficients of LossMath's gamma-family polynomials (src/LossDsl.Runtime/Math/LossMath.Gamma.cs), from mpmath at 80 digits.

  lgamma(2 + t) = t * G(t),        |t| <= 0.5   (Chebyshev interpolant of G, written in powers of t)
  digamma(x)   = (x - x0) * H(u),  u = x - 1.5, |u| <= 0.5, x0 the positive root of digamma
  sin(pi r), cos(pi r):            Taylor series, |r| <= 0.5
  Bernoulli terms of the asymptotic series of lgamma, digamma and trigamma.

Run: /usr/bin/python3 scripts/special_coefficients.py  (prints C# literals; the file holds its output)."""
import mpmath as mp

mp.mp.dps = 80


def cheb_monomial(f, a, b, n):
    """Monomial coefficients (in s = (x - c) with c the centre) of the degree-n Chebyshev interpolant of f on [a, b]."""
    c, h = (a + b) / 2, (b - a) / 2
    nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / (n + 1)) for k in range(n + 1)]
    values = [f(c + h * u) for u in nodes]
    # Chebyshev coefficients
    coef = []
    for j in range(n + 1):
        s = sum(values[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / (n + 1)) for k in range(n + 1))
        coef.append(s * 2 / (n + 1))
    coef[0] /= 2
    # T_j(u) to monomials in u, then u = s / h
    mono = [mp.mpf(0)] * (n + 1)
    tprev, tcur = [mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]
    polys = [tprev, tcur]
    for j in range(2, n + 1):
        nxt = [mp.mpf(0)] * (j + 1)
        for i, v in enumerate(polys[-1]):
            nxt[i + 1] += 2 * v
        for i, v in enumerate(polys[-2]):
            nxt[i] -= v
        polys.append(nxt)
    for j in range(n + 1):
        for i, v in enumerate(polys[j]):
            mono[i] += coef[j] * v
    return [m / h ** i for i, m in enumerate(mono)]


def check(f, mono, a, b, c):
    worst = 0
    for k in range(2001):
        x = mp.mpf(a) + (mp.mpf(b) - mp.mpf(a)) * k / 2000
        p = mp.mpf(0)
        for m in reversed(mono):
            p = p * (x - c) + m
        worst = max(worst, abs(p / f(x) - 1))
    return worst


def emit(name, coefs):
    print(f"    // {name}: lowest power first")
    print("    private static readonly double[] " + name + " = [" + ", ".join(mp.nstr(c, 20, min_fixed=-1, max_fixed=-1) if False else repr(float(c)) for c in coefs) + "];")


def G(t):
    return mp.loggamma(2 + t) / t if abs(t) > mp.mpf(10) ** -30 else 1 - mp.euler + t * (mp.zeta(2) - 1) / 2

x0 = mp.findroot(mp.digamma, 1.46)
def H(x):
    return mp.digamma(x) / (x - x0) if abs(x - x0) > mp.mpf(10) ** -30 else mp.polygamma(1, x0) + (x - x0) * mp.polygamma(2, x0) / 2

if __name__ == "__main__":
    g = cheb_monomial(G, mp.mpf(-0.5), mp.mpf(0.5), 22)
    print("// lgamma G max rel error", mp.nstr(check(G, g, -0.5, 0.5, 0), 3))
    emit("LgammaG", g)
    h = cheb_monomial(H, mp.mpf(1), mp.mpf(2), 26)
    print("// digamma H max rel error", mp.nstr(check(H, h, 1, 2, mp.mpf(1.5)), 3))
    emit("DigammaH", h)
    x0hi = float(x0)
    print(f"// x0 = {x0hi!r} + {float(x0 - x0hi)!r}")
    sinc = [(-1) ** k * mp.pi ** (2 * k + 1) / mp.factorial(2 * k + 1) for k in range(13)]
    cosc = [(-1) ** k * mp.pi ** (2 * k) / mp.factorial(2 * k) for k in range(14)]
    emit("SinPi", sinc)
    emit("CosPi", cosc)
    b = [mp.bernoulli(2 * k) for k in range(1, 10)]
    emit("StirlingTerms /* B2k / (2k (2k-1)) */", [bk / (2 * k * (2 * k - 1)) for k, bk in enumerate(b, 1)])
    emit("DigammaTerms /* B2k / (2k) */", [bk / (2 * k) for k, bk in enumerate(b, 1)])
    emit("TrigammaTerms /* B2k */", b)
    print(f"// 0.5 log(2 pi) = {float(mp.log(2 * mp.pi) / 2)!r}; log(pi) = {float(mp.log(mp.pi))!r}")
