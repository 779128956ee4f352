using System;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>
/// Double-double arithmetic (about 106 significant bits) for the reference values of the accuracy tests.
/// Finite values only: the reference functions handle infinities and NaN before they get here.
/// </summary>
internal readonly struct DD
{
    public readonly double Hi;
    public readonly double Lo;

    public DD(double hi, double lo = 0) { Hi = hi; Lo = lo; }

    public static implicit operator DD(double d) => new(d);

    public double Value => Hi + Lo;

    public static DD TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        double e = (a - (s - bb)) + (b - bb);
        return new DD(s, e);
    }

    private static DD QuickTwoSum(double a, double b)
    {
        double s = a + b;
        return new DD(s, b - (s - a));
    }

    public static DD TwoProd(double a, double b)
    {
        double p = a * b;
        return new DD(p, System.Math.FusedMultiplyAdd(a, b, -p));
    }

    public static DD operator +(DD a, DD b)
    {
        if (double.IsInfinity(a.Hi + b.Hi)) return a.Hi + b.Hi;
        DD s = TwoSum(a.Hi, b.Hi);
        DD t = TwoSum(a.Lo, b.Lo);
        double c = s.Lo + t.Hi;
        DD u = QuickTwoSum(s.Hi, c);
        c = t.Lo + u.Lo;
        return QuickTwoSum(u.Hi, c);
    }

    public static DD operator -(DD a) => new(-a.Hi, -a.Lo);
    public static DD operator -(DD a, DD b) => a + (-b);

    public static DD operator *(DD a, DD b)
    {
        DD p = TwoProd(a.Hi, b.Hi);
        double c = p.Lo + (a.Hi * b.Lo + a.Lo * b.Hi);
        return QuickTwoSum(p.Hi, c);
    }

    public static DD operator /(DD a, DD b)
    {
        double q1 = a.Hi / b.Hi;
        DD r = a - b * q1;
        double q2 = r.Hi / b.Hi;
        r = r - b * q2;
        double q3 = r.Hi / b.Hi;
        return QuickTwoSum(q1, q2) + q3;
    }

    /// <summary>Exact scaling by 2^k (unless the parts leave the normal range).</summary>
    public DD ScaleB(int k) => new(System.Math.ScaleB(Hi, k), System.Math.ScaleB(Lo, k));

    public static DD Sqrt(DD a)
    {
        if (a.Hi == 0) return 0;
        double s = System.Math.Sqrt(a.Hi);
        DD r = a - TwoProd(s, s);
        return TwoSum(s, r.Hi / (2 * s));
    }

    public static readonly DD Ln2 = new(0.6931471805599453, 2.3190468138462996e-17);
    public static readonly DD PiOver2 = new(1.5707963267948966, 6.123233995736766e-17);
}
