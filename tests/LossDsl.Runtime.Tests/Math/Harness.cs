using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Runtime.Intrinsics;
using Xunit;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>Runs a LossMath function over many inputs at one width and measures its error in ulps.</summary>
internal static class Harness
{
    public static readonly int[] AllWidths = [0, 128, 256, 512];

    public static bool IsFloat<T>() => typeof(T) == typeof(float);

    public static T FromDouble<T>(double d) where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.CreateTruncating(d);
    public static double ToDouble<T>(T v) where T : unmanaged, IBinaryFloatingPointIeee754<T> => double.CreateTruncating(v);

    /// <summary>Special values of T: zeros, infinities, NaN, extremes.</summary>
    public static double[] Specials<T>() where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var l = new List<double> { 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1, -1, 2, -2, 0.5, -0.5 };
        double[] extremes = IsFloat<T>()
            ? [float.Epsilon, float.MaxValue, 1.1754943508222875e-38]
            : [double.Epsilon, double.MaxValue, 2.2250738585072014e-308];
        foreach (double v in extremes)
        {
            l.Add(v);
            l.Add(-v);
        }
        return l.ToArray();
    }

    /// <summary>
    /// The standard sweep: specials; log-spaced magnitudes over the whole range of T (both signs);
    /// dense linear sweeps over [-1, 1], [-10, 10], [-100, 100], [-1000, 1000] and tiny [-1e-3, 1e-3];
    /// and random bit patterns (every exponent equally likely). All rounded to T.
    /// </summary>
    public static T[] Inputs<T>(int seed = 12345) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var l = new List<double>(Specials<T>());
        double minLog = IsFloat<T>() ? -45.2 : -323.3, maxLog = IsFloat<T>() ? 38.53 : 308.25;
        const int n = 6000;
        for (int i = 0; i <= n; i++)
        {
            double m = System.Math.Pow(10, minLog + (maxLog - minLog) * i / n);
            l.Add(m);
            l.Add(-m);
        }
        foreach (double r in new[] { 1e-3, 1.0, 10.0, 100.0, 1000.0 })
            for (int i = -3000; i <= 3000; i++) l.Add(r * i / 3000.0);
        var rng = new Random(seed);
        for (int i = 0; i < 8000; i++)
        {
            if (IsFloat<T>()) l.Add(BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31)));
            else l.Add(BitConverter.Int64BitsToDouble(rng.NextInt64() ^ ((long)rng.Next(2) << 63)));
        }
        return ToT<T>(l);
    }

    public static T[] ToT<T>(List<double> l) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Pad to a multiple of 16 lanes (with 1) so every width processes every input.
        int len = (l.Count + 15) / 16 * 16;
        var xs = new T[len];
        for (int i = 0; i < len; i++) xs[i] = i < l.Count ? FromDouble<T>(l[i]) : T.One;
        return xs;
    }

    public static T[] Run<F, T>(T[] xs, int width) where F : IUnaryFn where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var r = new T[xs.Length];
        switch (width)
        {
            case 0:
                for (int i = 0; i < xs.Length; i++) r[i] = F.S(xs[i]);
                break;
            case 128:
                for (int i = 0; i < xs.Length; i += Vector128<T>.Count) F.V128(Vector128.Create<T>(xs.AsSpan(i))).CopyTo(r, i);
                break;
            case 256:
                for (int i = 0; i < xs.Length; i += Vector256<T>.Count) F.V256(Vector256.Create<T>(xs.AsSpan(i))).CopyTo(r, i);
                break;
            case 512:
                for (int i = 0; i < xs.Length; i += Vector512<T>.Count) F.V512(Vector512.Create<T>(xs.AsSpan(i))).CopyTo(r, i);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(width));
        }
        return r;
    }

    public static T[] Run2<F, T>(T[] xs, T[] ys, int width) where F : IBinaryFn where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var r = new T[xs.Length];
        switch (width)
        {
            case 0:
                for (int i = 0; i < xs.Length; i++) r[i] = F.S(xs[i], ys[i]);
                break;
            case 128:
                for (int i = 0; i < xs.Length; i += Vector128<T>.Count)
                    F.V128(Vector128.Create<T>(xs.AsSpan(i)), Vector128.Create<T>(ys.AsSpan(i))).CopyTo(r, i);
                break;
            case 256:
                for (int i = 0; i < xs.Length; i += Vector256<T>.Count)
                    F.V256(Vector256.Create<T>(xs.AsSpan(i)), Vector256.Create<T>(ys.AsSpan(i))).CopyTo(r, i);
                break;
            case 512:
                for (int i = 0; i < xs.Length; i += Vector512<T>.Count)
                    F.V512(Vector512.Create<T>(xs.AsSpan(i)), Vector512.Create<T>(ys.AsSpan(i))).CopyTo(r, i);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(width));
        }
        return r;
    }

    /// <summary>
    /// Error of <paramref name="got"/> against the exact value <paramref name="r"/>, in ulps of T at the reference.
    /// Infinite when NaN-ness differs, or when either side is infinite (after rounding the reference to T) and they differ.
    /// </summary>
    public static double UlpError(double got, DD r, bool isFloat)
    {
        double rh = r.Hi + r.Lo;
        if (double.IsNaN(rh)) return double.IsNaN(got) ? 0 : double.PositiveInfinity;
        if (double.IsNaN(got)) return double.PositiveInfinity;
        double rt = isFloat ? (float)rh : rh;
        if (double.IsInfinity(rt) || double.IsInfinity(got)) return got == rt ? 0 : double.PositiveInfinity;
        if (got == rt) return 0;
        int e = rh == 0 ? int.MinValue : System.Math.ILogB(rh);
        e = System.Math.Max(e, isFloat ? -126 : -1022);
        double ulp = System.Math.ScaleB(1.0, e - (isFloat ? 23 : 52));
        return System.Math.Abs((got - r.Hi) - r.Lo) / ulp;
    }

    public readonly record struct Result(double MaxUlp, double WorstX, double WorstY, double Got, double Expected, int Count);

    public static Result Measure<F, T>(T[] xs, int width) where F : IUnaryFn where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] got = Run<F, T>(xs, width);
        double max = 0, wx = double.NaN, g = double.NaN, ex = double.NaN;
        for (int i = 0; i < xs.Length; i++)
        {
            double x = ToDouble(xs[i]);
            DD r = F.Ref(x);
            double err = UlpError(ToDouble(got[i]), r, IsFloat<T>());
            if (err > max || double.IsNaN(err)) { max = err; wx = x; g = ToDouble(got[i]); ex = r.Value; }
        }
        return new Result(max, wx, double.NaN, g, ex, xs.Length);
    }

    public static Result Measure2<F, T>(T[] xs, T[] ys, int width) where F : IBinaryFn where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] got = Run2<F, T>(xs, ys, width);
        double max = 0, wx = double.NaN, wy = double.NaN, g = double.NaN, ex = double.NaN;
        for (int i = 0; i < xs.Length; i++)
        {
            double x = ToDouble(xs[i]), y = ToDouble(ys[i]);
            DD r = F.Ref(x, y);
            double err = UlpError(ToDouble(got[i]), r, IsFloat<T>());
            if (err > max || double.IsNaN(err)) { max = err; wx = x; wy = y; g = ToDouble(got[i]); ex = r.Value; }
        }
        return new Result(max, wx, wy, g, ex, xs.Length);
    }

    /// <summary>Asserts the max error; appends the measurement to $LOSSMATH_ULP_REPORT when set.</summary>
    public static void AssertMaxUlp(string name, Type t, int width, Result r, double bound)
    {
        string line = $"{name}\t{t.Name}\t{(width == 0 ? "scalar" : "V" + width)}\tmax {r.MaxUlp:G4} ulp\tat x={r.WorstX:R} y={r.WorstY:R} got {r.Got:R} expected {r.Expected:R} ({r.Count} points)";
        string? report = Environment.GetEnvironmentVariable("LOSSMATH_ULP_REPORT");
        if (!string.IsNullOrEmpty(report))
            lock (typeof(Harness)) File.AppendAllText(report, line + Environment.NewLine);
        Assert.True(r.MaxUlp <= bound, $"bound {bound} ulp exceeded: {line}");
    }
}
