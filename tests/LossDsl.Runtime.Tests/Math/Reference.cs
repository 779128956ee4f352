using System;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>
/// Reference implementations in double-double (about 100 correct bits for the ranges tested), used to
/// measure both float and double results. Special values (NaN, infinities, zeros) follow IEEE / C99 / PyTorch.
/// </summary>
internal static class Reference
{
    private const int Squarings = 10;

    // e^r - 1 for |r| <= ~0.0004, Taylor in nested form: r (1 + r/2 (1 + r/3 (1 + ...))).
    private static DD Expm1Taylor(DD r)
    {
        DD acc = 1;
        for (int n = 14; n >= 2; n--) acc = 1 + (r / n) * acc;
        return r * acc;
    }

    // e^x - 1 for |x| <= 1 via e^x = (e^(x/2^10))^(2^10), carried as e^x - 1 to keep relative precision near 0.
    private static DD Expm1Reduced(DD x)
    {
        if (System.Math.Abs(x.Hi) < 1e-30) return x + x * x * 0.5;
        DD s = Expm1Taylor(x.ScaleB(-Squarings));
        for (int i = 0; i < Squarings; i++) s = (s + 2) * s;
        return s;
    }

    /// <summary>e^x * 2^extraScale (extraScale lets cosh reach past exp's overflow).</summary>
    public static DD Exp(DD x, int extraScale = 0)
    {
        if (double.IsNaN(x.Hi)) return double.NaN;
        if (x.Hi > 800) return double.PositiveInfinity;
        if (x.Hi < -800) return 0;
        double k = System.Math.Round(x.Hi / DD.Ln2.Hi);
        DD r = x - DD.Ln2 * k;
        DD m = 1 + Expm1Reduced(r);
        int scale = (int)k + extraScale;
        if (scale < -1000)
        {
            // Scale in two steps so the high part rounds only once, at the end.
            return new DD(System.Math.ScaleB(System.Math.ScaleB(m.Hi + m.Lo, 600), scale - 600));
        }
        DD result = m.ScaleB(scale);
        return double.IsInfinity(result.Hi) ? result.Hi : result;
    }

    public static DD Exp(double x) => double.IsPositiveInfinity(x) ? x : double.IsNegativeInfinity(x) ? 0 : Exp(new DD(x));

    public static DD Expm1(double x)
    {
        if (double.IsNaN(x) || x == 0) return x;
        if (x > 710) return double.PositiveInfinity;
        if (x < -100) return new DD(-1) + Exp(new DD(x));
        if (System.Math.Abs(x) <= 0.5) return Expm1Reduced(x);
        return Exp(new DD(x)) - 1;
    }

    // log(1 + a) = 2 atanh(a / (2 + a)), series in t = a / (2 + a), |t| <= 0.2.
    private static DD Log1pSeries(DD a)
    {
        if (System.Math.Abs(a.Hi) < 1e-30) return a - a * a * 0.5;
        DD t = a / (2 + a);
        DD t2 = t * t;
        DD acc = new DD(1) / 61;
        for (int n = 29; n >= 0; n--) acc = acc * t2 + new DD(1) / (2 * n + 1);
        return (t * acc).ScaleB(1);
    }

    /// <summary>Natural log of a positive finite double-double.</summary>
    public static DD Log(DD x)
    {
        int e = System.Math.ILogB(x.Hi);
        DD m = new DD(System.Math.ScaleB(x.Hi, -e), System.Math.ScaleB(x.Lo, -e));
        if (m.Hi > 1.4142135623730951) { m = m.ScaleB(-1); e++; }
        return Log1pSeries(m - 1) + DD.Ln2 * e;
    }

    public static DD Log(double x)
    {
        if (double.IsNaN(x) || x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;
        return Log(new DD(x));
    }

    public static DD Log1p(DD a)
    {
        if (System.Math.Abs(a.Hi) <= 0.25) return Log1pSeries(a);
        return Log(1 + a);
    }

    public static DD Log1p(double x)
    {
        if (double.IsNaN(x) || x < -1) return double.NaN;
        if (x == -1) return double.NegativeInfinity;
        if (x == 0 || double.IsPositiveInfinity(x)) return x;
        return Log1p(new DD(x));
    }

    public static DD Sqrt(double x) => x < 0 || double.IsNaN(x) ? double.NaN : double.IsPositiveInfinity(x) || x == 0 ? x : DD.Sqrt(x);

    public static DD Tanh(double x)
    {
        if (double.IsNaN(x) || x == 0) return x;
        double a = System.Math.Abs(x);
        DD t;
        if (a > 40) t = 1;
        else if (a < 1e-100) t = a;
        else
        {
            DD e = Expm1(2 * a);
            t = e / (e + 2);
        }
        return x < 0 ? -t : t;
    }

    public static DD Cosh(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = System.Math.Abs(x);
        if (double.IsInfinity(a) || a > 720) return double.PositiveInfinity;
        return Exp(new DD(a), -1) + Exp(new DD(-a), -1);
    }

    public static DD Atan(double x)
    {
        if (double.IsNaN(x) || x == 0) return x;
        double a = System.Math.Abs(x);
        DD r;
        if (double.IsInfinity(a)) r = DD.PiOver2;
        else if (a < 1e-100) r = a;
        else
        {
            bool invert = a > 1;
            DD t = invert ? new DD(1) / a : a;
            for (int i = 0; i < 3; i++) t = t / (1 + DD.Sqrt(1 + t * t));
            DD t2 = t * t;
            DD acc = 0;
            for (int n = 40; n >= 0; n--)
            {
                DD c = new DD(1) / (2 * n + 1);
                acc = (n % 2 == 0 ? c : -c) + t2 * acc;
            }
            r = (t * acc).ScaleB(3);
            if (invert) r = DD.PiOver2 - r;
        }
        return x < 0 ? -r : r;
    }

    /// <summary>pow with C99 / PyTorch special cases; the magnitude e^(y log|x|) in double-double.</summary>
    public static DD Pow(double x, double y)
    {
        double p = System.Math.Pow(x, y); // special cases and sign
        if (double.IsNaN(p) || p == 0 || double.IsInfinity(p) || System.Math.Abs(p) == 1 || y == 1 || y == 0) return p;
        DD m = Exp(Log(new DD(System.Math.Abs(x))) * y);
        return p < 0 ? -m : m;
    }
}
