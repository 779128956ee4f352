using System;
using System.Collections.Generic;
using System.Numerics;
using Xunit;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>
/// The functions for arguments a caller bounds, which the CTC log-sum-exp uses: <c>ExpBounded</c> on [-87, 88] is
/// <c>Exp</c> bit for bit (one factor 2^k where Exp applies two), and <c>Log1pUnit</c> on [0, 2] is within 1 ulp of
/// log(1 + x) in float, and <c>Log1p</c> bit for bit below 1.99 (the same reduction; double: everywhere, it is Log1p).
/// </summary>
public class BoundedFunctionTests
{
    public static TheoryData<int> Widths => new() { 0, 128, 256, 512 };

    /// <summary>
    /// count + 1 values of T from lo to hi, evenly spaced in the float line's order for float (each binade sampled
    /// alike) and linearly for double; with the ends, the zeros and NaN.
    /// </summary>
    private static T[] Dense<T>(double lo, double hi, int count) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var l = new List<double> { lo, hi, 0.0, -0.0, double.NaN };
        for (int i = 0; i <= count; i++) l.Add(Interpolate<T>(lo, hi, (double)i / count));
        return Harness.ToT<T>(l);
    }

    private static double Interpolate<T>(double lo, double hi, double t) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            long a = FloatOrdinal((float)lo), b = FloatOrdinal((float)hi);
            return FromFloatOrdinal(a + (long)System.Math.Round((b - a) * t));
        }
        return lo + (hi - lo) * t;
    }

    // The order of floats as integers: negative floats below positive ones, adjacent floats one apart.
    private static long FloatOrdinal(float f)
    {
        int bits = BitConverter.SingleToInt32Bits(f);
        return bits < 0 ? -(long)(bits & int.MaxValue) : bits;
    }

    private static float FromFloatOrdinal(long o)
        => o < 0 ? BitConverter.Int32BitsToSingle((int)(-o) | int.MinValue) : BitConverter.Int32BitsToSingle((int)o);

    private static void AssertBitEqual<TF, TR, T>(T[] xs, int width, Func<T, bool> where)
        where TF : IUnaryFn where TR : IUnaryFn where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] got = Harness.Run<TF, T>(xs, width), want = Harness.Run<TR, T>(xs, width);
        int compared = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            if (!where(xs[i])) continue;
            compared++;
            bool same = T.IsNaN(want[i]) ? T.IsNaN(got[i]) : got[i].Equals(want[i]) && T.IsNegative(got[i]) == T.IsNegative(want[i]);
            Assert.True(same, $"{TF.Name} vs {TR.Name} ({typeof(T).Name}, width {width}) at x = {xs[i]}: {got[i]} vs {want[i]}");
        }
        Assert.True(compared > xs.Length / 2, $"only {compared} of {xs.Length} inputs compared");
    }

    [Theory, MemberData(nameof(Widths))]
    public void ExpBounded_Float_IsExp_BitForBit(int width)
        => AssertBitEqual<ExpBoundedFn, ExpFn, float>(Dense<float>(-87, 88, 2_000_000), width, _ => true);

    [Theory, MemberData(nameof(Widths))]
    public void ExpBounded_Double_IsExp_BitForBit(int width)
        => AssertBitEqual<ExpBoundedFn, ExpFn, double>(Dense<double>(-87, 88, 200_000), width, _ => true);

    [Theory, MemberData(nameof(Widths))]
    public void Log1pUnit_Float_UpTo2_AtMost1Ulp(int width)
        => Harness.AssertMaxUlp("Log1pUnit", typeof(float), width, Harness.Measure<Log1pUnitFn, float>(Dense<float>(0, 2, 1_000_000), width), 1);

    [Theory, MemberData(nameof(Widths))]
    public void Log1pUnit_Double_UpTo2_IsLog1p_BitForBit(int width)
        => AssertBitEqual<Log1pUnitFn, Log1pFn, double>(Dense<double>(0, 2, 200_000), width, _ => true);

    [Theory, MemberData(nameof(Widths))]
    public void Log1pUnit_Float_IsLog1p_BitForBit_Below1_99(int width)
        => AssertBitEqual<Log1pUnitFn, Log1pFn, float>(Dense<float>(0, 2, 1_000_000), width, x => !(x > 1.99f) && !float.IsNegative(x)); // -0 gives +0
}
