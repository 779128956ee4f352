using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.Intrinsics;
using Xunit;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>Pow (special cases and accuracy), NaN-propagating Min/Max, comparisons, masks, Select, allocations.</summary>
public class LossMathBinaryTests
{
    public static TheoryData<int> Widths => new() { 0, 128, 256, 512 };
    private const double Inf = double.PositiveInfinity, NaN = double.NaN;

    private static readonly (double X, double Y, double Expected)[] PowCases =
    [
        (NaN, 0, 1), (0, 0, 1), (-0.0, 0, 1), (Inf, 0, 1), (-Inf, -0.0, 1), (2, 0, 1), (-2, 0, 1),
        (0, 2, 0), (0, 0.5, 0), (0, 3, 0), (-0.0, 3, -0.0), (-0.0, 2, 0), (-0.0, 0.5, 0),
        (0, -1, Inf), (0, -0.5, Inf), (-0.0, -3, -Inf), (-0.0, -2, Inf),
        (-2, 0.5, NaN), (-8, 1.0 / 3, NaN), (-2, 3, -8), (-2, 2, 4), (-2, -1, -0.5), (-3, 4, 81), (-0.5, -3, -8),
        (1, NaN, 1), (1, Inf, 1), (-1, Inf, 1), (-1, -Inf, 1), (-1, NaN, NaN),
        (2, Inf, Inf), (0.5, Inf, 0), (2, -Inf, 0), (0.5, -Inf, Inf), (-2, Inf, Inf), (-0.5, Inf, 0),
        (-Inf, 3, -Inf), (-Inf, 2, Inf), (-Inf, -3, -0.0), (-Inf, -2, 0), (-Inf, 0.5, Inf), (Inf, -2, 0), (Inf, 0.5, Inf),
        (NaN, 1, NaN), (2, NaN, NaN), (3, 2, 9), (1.5, 2, 2.25), (7, 1, 7), (2, 10, 1024), (4, 0.5, 2), (10, -1, 0.1),
    ];

    private static void PowSpecial<T>(int width) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var xs = new List<double>(); var ys = new List<double>();
        foreach (var c in PowCases) { xs.Add(c.X); ys.Add(c.Y); }
        T[] x = Harness.ToT<T>(xs), y = Harness.ToT<T>(ys);
        T[] got = Harness.Run2<PowFn, T>(x, y, width);
        for (int i = 0; i < PowCases.Length; i++)
        {
            T e = T.CreateTruncating(PowCases[i].Expected), g = got[i];
            bool ok = T.IsNaN(e) ? T.IsNaN(g) : g == e && T.IsNegative(g) == T.IsNegative(e);
            // Double vector pow is e^(y log|x|): ordinary finite results (not 0, 1, x, x*x) may be a few ulp off.
            if (!ok && typeof(T) == typeof(double) && width != 0 && T.IsFinite(e) && e != T.Zero && T.Sign(g) == T.Sign(e))
                ok = Harness.UlpError(double.CreateTruncating(g), double.CreateTruncating(e), false) <= 4;
            Assert.True(ok, $"Pow<{typeof(T).Name}> width {width}: pow({PowCases[i].X}, {PowCases[i].Y}) = {g}, expected {e}");
        }
    }

    [Theory, MemberData(nameof(Widths))]
    public void Pow_SpecialCases_PyTorchSemantics(int width)
    {
        PowSpecial<float>(width);
        PowSpecial<double>(width);
    }

    /// <summary>
    /// A uniform small whole exponent (0..4, focal's gamma) takes the multiplication path: the special values exactly as
    /// pow (x^0 = 1 for NaN, the sign of -0 and -inf), ordinary values within 4 ulp (float) or 8 ulp (double) of the correctly rounded power: up to three roundings, measured in ulps at the power of two below.
    /// </summary>
    private static void PowUniformWhole<T>(int width) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var xs = new List<double> { 0, -0.0, Inf, -Inf, NaN, 1, -1, 1e-30, -1e-30, 3e10, -3e10 };
        for (int i = 1; i <= 200; i++) { xs.Add(i * 0.0731); xs.Add(-i * 0.0731); }
        for (int k = 0; k <= 4; k++)
        {
            T[] x = Harness.ToT<T>(xs), y = Harness.ToT<T>(xs.ConvertAll(_ => (double)k));
            T[] got = Harness.Run2<PowFn, T>(x, y, width);
            for (int i = 0; i < x.Length; i++)
            {
                T e = T.CreateTruncating(System.Math.Pow(double.CreateTruncating(x[i]), k)), g = got[i];
                bool ok = T.IsNaN(e) ? T.IsNaN(g)
                    : !T.IsFinite(e) || e == T.Zero ? g == e && T.IsNegative(g) == T.IsNegative(e)
                    : Harness.UlpError(double.CreateTruncating(g), double.CreateTruncating(e), typeof(T) == typeof(float)) <= (typeof(T) == typeof(float) ? 4 : 8);
                Assert.True(ok, $"Pow<{typeof(T).Name}> width {width}: pow({x[i]}, {k}) = {g}, expected {e}");
            }
        }
    }

    [Theory, MemberData(nameof(Widths))]
    public void Pow_UniformSmallWholeExponent_Multiplies(int width)
    {
        PowUniformWhole<float>(width);
        PowUniformWhole<double>(width);
    }

    private static (T[] X, T[] Y) PowGrid<T>() where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        bool f = typeof(T) == typeof(float);
        var xv = new List<double>();
        for (int i = 0; i <= 300; i++)
        {
            double m = System.Math.Pow(10, (f ? -20.0 : -150.0) + (f ? 40.0 : 300.0) * i / 300);
            xv.Add(m); xv.Add(-m);
        }
        for (int i = 1; i <= 40; i++) { xv.Add(i * 0.25); xv.Add(-i * 0.25); }
        var yv = new List<double>();
        for (int i = -20; i <= 20; i++) { yv.Add(i); yv.Add(i + 0.5); }
        var rng = new Random(7);
        for (int i = 0; i < 40; i++) yv.Add(rng.NextDouble() * 60 - 30);
        yv.AddRange([1e-7, -1e-7, 123.0, -77.0, 1e9, -1e9]);
        var xs = new List<double>(); var ys = new List<double>();
        foreach (double x in xv) foreach (double y in yv) { xs.Add(x); ys.Add(y); }
        return (Harness.ToT<T>(xs), Harness.ToT<T>(ys));
    }

    // Float: computed in double and rounded once: at most 1 ulp. Double scalar: Math.Pow, at most 1 ulp.
    [Theory, MemberData(nameof(Widths))]
    public void Pow_Float_AtMost1Ulp(int width)
    {
        var (x, y) = PowGrid<float>();
        Harness.AssertMaxUlp("Pow", typeof(float), width, Harness.Measure2<PowFn, float>(x, y, width), 1);
    }

    [Fact]
    public void Pow_Double_Scalar_AtMost1Ulp()
    {
        var (x, y) = PowGrid<double>();
        Harness.AssertMaxUlp("Pow", typeof(double), 0, Harness.Measure2<PowFn, double>(x, y, 0), 1);
    }

    // Double vector: e^(y log|x|) with a double-precision product, so the error grows with |y ln|x||:
    // at most 3 (2 + |y ln|x||) ulp (a few ulp per unit of the exponent's magnitude, up to ~710).
    [Theory]
    [InlineData(128)] [InlineData(256)] [InlineData(512)]
    public void Pow_Double_Vector_AtMost3Times2PlusAbsYLnXUlp(int width)
    {
        var (x, y) = PowGrid<double>();
        double[] got = Harness.Run2<PowFn, double>(x, y, width);
        double worst = 0;
        string at = "";
        for (int i = 0; i < x.Length; i++)
        {
            double err = Harness.UlpError(got[i], Reference.Pow(x[i], y[i]), false);
            double t = System.Math.Abs(y[i] * System.Math.Log(System.Math.Abs(x[i])));
            double scaled = err / (2 + (double.IsFinite(t) ? t : 0));
            if (!(scaled <= worst)) { worst = scaled; at = $"pow({x[i]:R}, {y[i]:R}) = {got[i]:R}, err {err:G4} ulp"; }
        }
        Assert.True(worst <= 3, at);
        Harness.AssertMaxUlp("Pow(err/(2+|y ln x|))", typeof(double), width, new Harness.Result(worst, NaN, NaN, NaN, NaN, x.Length), 3);
        Assert.True(worst <= 3, at);
    }

    private static void MinMax<T>(int width) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] a = Harness.Inputs<T>(1), b = Harness.Inputs<T>(2);
        var rng = new Random(3);
        for (int i = 0; i < b.Length; i++) if (rng.Next(4) == 0) b[i] = a[rng.Next(a.Length)];
        // Every pair of zeros, and NaN beside a number, on both sides (the x86 vector min and max take a side there).
        T[] edge = [T.Zero, T.NegativeZero, T.NaN, T.One, -T.One, T.NegativeInfinity, T.PositiveInfinity];
        for (int i = 0, k = 0; k < edge.Length * edge.Length; i++, k++)
        {
            a[i] = edge[k / edge.Length];
            b[i] = edge[k % edge.Length];
        }
        T[] mn = Harness.Run2<MinFn, T>(a, b, width), mx = Harness.Run2<MaxFn, T>(a, b, width);
        // IEEE 754-2019 minimum and maximum (T.Min / T.Max): NaN if either is NaN, -0 below +0; a zero's sign counts.
        static bool Same(T got, T expected) => T.IsNaN(expected) ? T.IsNaN(got) : got == expected && T.IsNegative(got) == T.IsNegative(expected);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Same(mn[i], T.Min(a[i], b[i])), $"min({a[i]}, {b[i]}) = {mn[i]} ({typeof(T).Name}, width {width})");
            Assert.True(Same(mx[i], T.Max(a[i], b[i])), $"max({a[i]}, {b[i]}) = {mx[i]} ({typeof(T).Name}, width {width})");
        }
    }

    [Theory, MemberData(nameof(Widths))]
    public void Min_Max_PropagateNaN(int width)
    {
        MinMax<float>(width);
        MinMax<double>(width);
        Assert.True(float.IsNaN(LossMath.Max(float.NaN, 1f)) && float.IsNaN(LossMath.Max(1f, float.NaN)));
        Assert.True(double.IsNaN(LossMath.Min(double.NaN, 1.0)) && double.IsNaN(LossMath.Min(1.0, double.NaN)));
        Assert.True(double.IsNaN(LossMath.Max(Vector512.Create(1.0), Vector512.Create(NaN)).GetElement(3)));
        Assert.True(float.IsNaN(LossMath.Min(Vector128.Create(float.NaN), Vector128.Create(1f)).GetElement(1)));
        Assert.True(float.IsNaN(LossMath.Max(Vector256.Create(1f), Vector256.Create(float.NaN)).GetElement(7)));
    }

    // MaxZero / MinZero / MaxConstant / MinConstant (a side that is a constant of the formula): Max / Min's results, with
    // the sign of a zero and NaN, at every width, the constant written as the generated code writes it.
    private static void ConstantSide<T>() where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] xs = [T.NaN, -T.NaN, T.NegativeInfinity, -T.One, -T.Epsilon, T.NegativeZero, T.Zero, T.Epsilon, T.CreateTruncating(0.5), T.One, T.CreateTruncating(3), T.PositiveInfinity];
        static bool Same(T got, T expected) => T.IsNaN(expected) ? T.IsNaN(got) : got == expected && T.IsNegative(got) == T.IsNegative(expected);
        foreach (T x in xs)
        {
            T one = T.One, half = T.CreateTruncating(-0.5);
            var checks = new (string Name, T Expected, T S, Vector128<T> V1, Vector256<T> V2, Vector512<T> V3)[]
            {
                ("MaxZero", LossMath.Max(x, T.Zero), LossMath.MaxZero(x), LossMath.MaxZero(Vector128.Create(x)), LossMath.MaxZero(Vector256.Create(x)), LossMath.MaxZero(Vector512.Create(x))),
                ("MinZero", LossMath.Min(x, T.Zero), LossMath.MinZero(x), LossMath.MinZero(Vector128.Create(x)), LossMath.MinZero(Vector256.Create(x)), LossMath.MinZero(Vector512.Create(x))),
                ("MaxConstant 1", LossMath.Max(x, one), LossMath.MaxConstant(x, T.One), LossMath.MaxConstant(Vector128.Create(x), Vector128<T>.One), LossMath.MaxConstant(Vector256.Create(x), Vector256<T>.One), LossMath.MaxConstant(Vector512.Create(x), Vector512<T>.One)),
                ("MinConstant 1", LossMath.Min(x, one), LossMath.MinConstant(x, T.One), LossMath.MinConstant(Vector128.Create(x), Vector128<T>.One), LossMath.MinConstant(Vector256.Create(x), Vector256<T>.One), LossMath.MinConstant(Vector512.Create(x), Vector512<T>.One)),
                ("MaxConstant -0.5", LossMath.Max(x, half), LossMath.MaxConstant(x, T.CreateTruncating(-0.5)), LossMath.MaxConstant(Vector128.Create(x), Vector128.Create(T.CreateTruncating(-0.5))), LossMath.MaxConstant(Vector256.Create(x), Vector256.Create(T.CreateTruncating(-0.5))), LossMath.MaxConstant(Vector512.Create(x), Vector512.Create(T.CreateTruncating(-0.5)))),
                ("MinConstant -0.5", LossMath.Min(x, half), LossMath.MinConstant(x, T.CreateTruncating(-0.5)), LossMath.MinConstant(Vector128.Create(x), Vector128.Create(T.CreateTruncating(-0.5))), LossMath.MinConstant(Vector256.Create(x), Vector256.Create(T.CreateTruncating(-0.5))), LossMath.MinConstant(Vector512.Create(x), Vector512.Create(T.CreateTruncating(-0.5)))),
            };
            foreach (var c in checks)
            {
                Assert.True(Same(c.S, c.Expected), $"{c.Name}<{typeof(T).Name}>({x}) scalar = {c.S}, expected {c.Expected}");
                for (int lane = 0; lane < Vector128<T>.Count; lane++) Assert.True(Same(c.V1[lane], c.Expected), $"{c.Name}<{typeof(T).Name}>({x}) V128 = {c.V1[lane]}, expected {c.Expected}");
                for (int lane = 0; lane < Vector256<T>.Count; lane++) Assert.True(Same(c.V2[lane], c.Expected), $"{c.Name}<{typeof(T).Name}>({x}) V256 = {c.V2[lane]}, expected {c.Expected}");
                for (int lane = 0; lane < Vector512<T>.Count; lane++) Assert.True(Same(c.V3[lane], c.Expected), $"{c.Name}<{typeof(T).Name}>({x}) V512 = {c.V3[lane]}, expected {c.Expected}");
            }
        }
    }

    [Fact]
    public void MinMax_WithAConstantSide_AreMinMax_SignedZerosAndNaN()
    {
        ConstantSide<float>();
        ConstantSide<double>();
    }

    private static void Comparisons<T>() where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double[] vals = [double.NaN, -Inf, -1, -0.0, 0, 1, 2, Inf];
        foreach (double xd in vals)
            foreach (double yd in vals)
            {
                T x = T.CreateTruncating(xd), y = T.CreateTruncating(yd);
                var cases = new (bool S, Vector128<T> V1, Vector256<T> V2, Vector512<T> V3)[]
                {
                    (LossMath.LessThan(x, y), LossMath.LessThan(Vector128.Create(x), Vector128.Create(y)), LossMath.LessThan(Vector256.Create(x), Vector256.Create(y)), LossMath.LessThan(Vector512.Create(x), Vector512.Create(y))),
                    (LossMath.LessThanOrEqual(x, y), LossMath.LessThanOrEqual(Vector128.Create(x), Vector128.Create(y)), LossMath.LessThanOrEqual(Vector256.Create(x), Vector256.Create(y)), LossMath.LessThanOrEqual(Vector512.Create(x), Vector512.Create(y))),
                    (LossMath.GreaterThan(x, y), LossMath.GreaterThan(Vector128.Create(x), Vector128.Create(y)), LossMath.GreaterThan(Vector256.Create(x), Vector256.Create(y)), LossMath.GreaterThan(Vector512.Create(x), Vector512.Create(y))),
                    (LossMath.GreaterThanOrEqual(x, y), LossMath.GreaterThanOrEqual(Vector128.Create(x), Vector128.Create(y)), LossMath.GreaterThanOrEqual(Vector256.Create(x), Vector256.Create(y)), LossMath.GreaterThanOrEqual(Vector512.Create(x), Vector512.Create(y))),
                    (LossMath.Equal(x, y), LossMath.Equal(Vector128.Create(x), Vector128.Create(y)), LossMath.Equal(Vector256.Create(x), Vector256.Create(y)), LossMath.Equal(Vector512.Create(x), Vector512.Create(y))),
                    (LossMath.NotEqual(x, y), LossMath.NotEqual(Vector128.Create(x), Vector128.Create(y)), LossMath.NotEqual(Vector256.Create(x), Vector256.Create(y)), LossMath.NotEqual(Vector512.Create(x), Vector512.Create(y))),
                };
                bool[] expected = [xd < yd, xd <= yd, xd > yd, xd >= yd, xd == yd, xd != yd];
                for (int c = 0; c < cases.Length; c++)
                {
                    Assert.Equal(expected[c], cases[c].S);
                    Assert.True(expected[c] ? Vector128.EqualsAll(cases[c].V1.AsByte(), Vector128<byte>.AllBitsSet) : cases[c].V1 == Vector128<T>.Zero);
                    Assert.True(expected[c] ? Vector256.EqualsAll(cases[c].V2.AsByte(), Vector256<byte>.AllBitsSet) : cases[c].V2 == Vector256<T>.Zero);
                    Assert.True(expected[c] ? Vector512.EqualsAll(cases[c].V3.AsByte(), Vector512<byte>.AllBitsSet) : cases[c].V3 == Vector512<T>.Zero);
                }
            }
    }

    [Fact]
    public void Comparisons_ScalarBoolAndVectorMasks_AgreeIncludingNaN()
    {
        Comparisons<float>();
        Comparisons<double>();
    }

    [Fact]
    public void Masks_And_Or_Not_Select()
    {
        Assert.True(LossMath.And(true, true) && !LossMath.And(true, false) && LossMath.Or(false, true) && !LossMath.Or(false, false));
        Assert.True(LossMath.Not(false) && !LossMath.Not(true));
        Assert.Equal(2.0, LossMath.Select(true, 2.0, 3.0));
        Assert.Equal(3f, LossMath.Select(false, 2f, 3f));

        var x = Vector512.Create(0.0, 1, 2, 3, 4, 5, 6, 7);
        var m1 = LossMath.GreaterThan(x, Vector512.Create(2.0));   // 3..7
        var m2 = LossMath.LessThan(x, Vector512.Create(5.0));      // 0..4
        var sel = LossMath.Select(LossMath.And(m1, m2), Vector512.Create(1.0), Vector512<double>.Zero);
        Assert.Equal(Vector512.Create(0.0, 0, 0, 1, 1, 0, 0, 0), sel);
        sel = LossMath.Select(LossMath.Or(LossMath.Not(m1), LossMath.Not(m2)), Vector512.Create(1.0), Vector512<double>.Zero);
        Assert.Equal(Vector512.Create(1.0, 1, 1, 0, 0, 1, 1, 1), sel);

        var f = Vector128.Create(-1f, 0f, float.NaN, 2f);
        var sf = LossMath.Select(LossMath.GreaterThanOrEqual(f, Vector128<float>.Zero), f, Vector128.Create(9f));
        Assert.Equal(9f, sf[0]); Assert.Equal(0f, sf[1]); Assert.Equal(9f, sf[2]); Assert.Equal(2f, sf[3]);
        var f2 = Vector256.Create(1f);
        Assert.Equal(Vector256<float>.Zero, LossMath.Select(LossMath.And(LossMath.Equal(f2, f2), LossMath.NotEqual(f2, f2)), f2, Vector256<float>.Zero));
    }

    [Fact]
    public void NoAllocations()
    {
        Vector128<float> a = Vector128.Create(0.5f); Vector256<double> b = Vector256.Create(0.5); Vector512<float> c = Vector512.Create(0.5f);
        float s = 0.5f; double d = 0.5;
        void Work()
        {
            for (int i = 0; i < 100; i++)
            {
                a = LossMath.Erf(LossMath.Pow(LossMath.Log1p(LossMath.Expm1(a)), a)) + LossMath.Atan(LossMath.Tanh(a)) + LossMath.Sign(a);
                b = LossMath.LogNdtr(LossMath.Lgamma(LossMath.Cosh(b))) + LossMath.Max(LossMath.Log(b), LossMath.Exp(b)) + LossMath.Sqrt(b);
                c = LossMath.Select(LossMath.LessThan(c, c), c, LossMath.Digamma(LossMath.Pow(c, LossMath.Min(c, LossMath.Abs(c)))));
                s = LossMath.Erfc(LossMath.Pow(LossMath.Log1p(LossMath.Expm1(s)), s)) + LossMath.Atan(LossMath.Tanh(s)) + LossMath.Trigamma(LossMath.Cosh(s));
                d = LossMath.LogNdtr(LossMath.Lgamma(LossMath.Cosh(d))) + LossMath.Max(LossMath.Log(d), LossMath.Exp(d)) + LossMath.Digamma(LossMath.Log1p(d));
            }
        }
        Work();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Work();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
