using System;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// Double references of the special functions, for constant folding (<see cref="Functions"/>: <c>lgamma(0.5)</c> is a
/// constant in the generated code). Plain and slow, and accurate to a few ulp on their domains: the tests hold them to
/// LossMath's double path, which the runtime's accuracy tests hold to mpmath.
/// </summary>
internal static class SpecialReferences
{
    private const double SqrtPi = 1.7724538509055160;
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double InvSqrt2 = 0.70710678118654752;
    private const double LogSqrt2Pi = 0.91893853320467274; // log(sqrt(2 pi))

    /// <summary>erf by its series of positive terms, 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (1·3···(2n+1)), below 3; 1 - erfc above.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a >= 3) return Math.Sign(x) * (1 - ErfcContinuedFraction(a));
        double term = a, sum = a;
        for (int n = 1; term > 1e-17 * sum; n++)
        {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        return Math.Sign(x) * TwoOverSqrtPi * Math.Exp(-a * a) * sum;
    }

    /// <summary>erfc: 1 - erf below 0.5, the continued fraction above (no cancellation in the tail), 2 - erfc(-x) below 0.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < 0) return 2 - Erfc(-x);
        return x < 0.5 ? 1 - Erf(x) : ErfcContinuedFraction(x);
    }

    /// <summary>log Phi(x) = log(erfc(-x / sqrt 2) / 2), in the left tail from the continued fraction's logarithm (no underflow).</summary>
    public static double LogNdtr(double x)
    {
        if (double.IsNaN(x)) return x;
        double z = -x * InvSqrt2;
        if (z > 0.5) return -z * z - Math.Log(SqrtPi) + Math.Log(ContinuedFraction(z)) - Math.Log(2);
        double q = Erfc(-z) / 2, w = 1 - q; // q = 1 - Phi(x), at most about 0.69
        return w == 1 ? -q : Math.Log(w) * -q / (w - 1); // log1p(-q), exact to a few ulp (Goldberg)
    }

    /// <summary>erfc(x) = e^(-x^2) / sqrt(pi) K(x), x &gt; 0.</summary>
    private static double ErfcContinuedFraction(double x) => Math.Exp(-x * x) / SqrtPi * ContinuedFraction(x);

    /// <summary>K(x) = 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))), evaluated from its 1000th term back (converged from x = 0.5 on).</summary>
    private static double ContinuedFraction(double x)
    {
        if (double.IsPositiveInfinity(x)) return 0;
        double f = x;
        for (int k = 1000; k >= 1; k--) f = x + k / 2.0 / f;
        return 1 / f;
    }

    private static readonly double[] s_lanczos =
    {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    };

    /// <summary>log |Gamma(x)|: Lanczos (g = 7) from 0.5 on, the reflection formula below; +inf at the poles.</summary>
    public static double Lgamma(double x)
    {
        if (double.IsNaN(x)) return x;
        if (double.IsInfinity(x)) return double.PositiveInfinity;
        if (x < 0.5)
        {
            double s = SinPi(x);
            return s == 0 ? double.PositiveInfinity : Math.Log(Math.PI / Math.Abs(s)) - Lgamma(1 - x);
        }
        double z = x - 1, a = s_lanczos[0], t = z + 7.5;
        for (int i = 1; i < s_lanczos.Length; i++) a += s_lanczos[i] / (z + i);
        return LogSqrt2Pi + (z + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>psi(x): the recurrence up to 10, then the asymptotic series; the reflection formula below 0.</summary>
    public static double Digamma(double x)
    {
        if (double.IsNaN(x) || double.IsNegativeInfinity(x)) return double.NaN;
        if (x == 0) return -1 / x; // -inf at +0, +inf at -0
        if (x < 0)
        {
            double t = TanPi(x);
            return t == 0 ? double.NaN : Digamma(1 - x) - Math.PI / t;
        }
        double sum = 0;
        for (; x < 10; x++) sum -= 1 / x;
        double r = 1 / (x * x);
        double tail = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760 - r / 12))))));
        return sum + Math.Log(x) - 0.5 / x - tail;
    }

    /// <summary>psi'(x): the recurrence up to 10, then the asymptotic series; the reflection formula below 0.</summary>
    public static double Trigamma(double x)
    {
        if (double.IsNaN(x) || double.IsNegativeInfinity(x)) return double.NaN;
        if (x <= 0 && x == Math.Floor(x)) return double.PositiveInfinity;
        if (x < 0)
        {
            double s = SinPi(x);
            return Math.PI * Math.PI / (s * s) - Trigamma(1 - x);
        }
        double sum = 0;
        for (; x < 10; x++) sum += 1 / (x * x);
        double r = 1 / (x * x);
        double tail = 1 / x + r / 2 + r / x * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66 - r * (691.0 / 2730 - r * 7.0 / 6))))));
        return sum + tail;
    }

    /// <summary>sin(pi x), exact at the integers (x reduced to [-1/2, 1/2] first).</summary>
    private static double SinPi(double x)
    {
        double n = Math.Round(x), r = x - n;
        double s = Math.Sin(Math.PI * r);
        return Math.IEEERemainder(n, 2) == 0 ? s : -s;
    }

    /// <summary>tan(pi x), period 1: 0 at the integers.</summary>
    private static double TanPi(double x) => Math.Tan(Math.PI * (x - Math.Round(x)));
}
