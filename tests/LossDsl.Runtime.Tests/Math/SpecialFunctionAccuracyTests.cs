using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using Xunit;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>
/// The special functions (erf, erfc, log_ndtr, lgamma, digamma, trigamma) at every width, float and double, against
/// dense mpmath references (<c>special_reference.tsv</c>, written by scripts/make_special_reference.py at 40 digits):
/// about 2,500 points per function on the line plus log-spaced magnitudes and the neighbourhoods of the zeros. Where
/// a function is computed directly (x > 0 for the gamma family, everywhere for the others) the error is in ulps of
/// the reference; where the gamma family is reflected (x &lt; 0), near its zeros only an absolute accuracy is
/// possible, so it is in ulps of max(|f(x)|, 1). Each test name states its bounds; docs/language.md lists them.
/// </summary>
public class SpecialFunctionAccuracyTests
{
    public static TheoryData<int> Widths => new() { 0, 128, 256, 512 };

    private static void Check<F, T>(int width, double bound, double reflectedBound = 0)
        where F : IUnaryFn where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (xs, refs) = SpecialReference.Table(F.Name);
        bool isFloat = typeof(T) == typeof(float);
        T[] input = xs.Select(x => T.CreateTruncating(x)).ToArray();
        int padded = (input.Length + 15) / 16 * 16;
        Array.Resize(ref input, padded);
        for (int i = xs.Length; i < padded; i++) input[i] = T.One;
        T[] got = Harness.Run<F, T>(input, width);
        var direct = new Worst(); var reflected = new Worst();
        for (int i = 0; i < xs.Length; i++)
        {
            double g = double.CreateTruncating(got[i]);
            bool isReflected = reflectedBound > 0 && xs[i] < 0;
            double error = isReflected ? MixedError(g, refs[i], isFloat) : Harness.UlpError(g, refs[i], isFloat);
            (isReflected ? reflected : direct).Add(error, xs[i], g, refs[i].Value);
        }
        Harness.AssertMaxUlp(F.Name, typeof(T), width, direct.Result(xs.Length), bound);
        if (reflectedBound > 0)
            Harness.AssertMaxUlp(F.Name + " (x < 0, ulps of max(|f|, 1))", typeof(T), width, reflected.Result(xs.Length), reflectedBound);
    }

    /// <summary>Error in ulps of max(|reference|, 1): relative above 1, absolute below.</summary>
    private static double MixedError(double got, DD r, bool isFloat)
    {
        double rh = r.Value;
        if (System.Math.Abs(rh) >= 1 || double.IsNaN(rh) || double.IsNaN(got) || double.IsInfinity(got)) return Harness.UlpError(got, r, isFloat);
        return System.Math.Abs((got - r.Hi) - r.Lo) / (isFloat ? 1.1920928955078125e-7 : 2.220446049250313e-16);
    }

    private sealed class Worst
    {
        private double _max, _x = double.NaN, _got = double.NaN, _expected = double.NaN;
        public void Add(double error, double x, double got, double expected)
        {
            if (!(error <= _max)) { _max = double.IsNaN(error) ? double.PositiveInfinity : error; _x = x; _got = got; _expected = expected; }
        }
        public Harness.Result Result(int count) => new(_max, _x, double.NaN, _got, _expected, count);
    }

    // Float runs in double and is rounded once: correctly rounded at every reference point (0 ulp measured), bounded at 1.
    // Double: the largest error over the AVX-512, AVX2, SSE (no FMA) and scalar paths (CI runs all four), rounded up.
    [Theory, MemberData(nameof(Widths))] public void Erf_Float_AtMost1Ulp(int width) => Check<ErfFn, float>(width, 1);
    [Theory, MemberData(nameof(Widths))] public void Erf_Double_AtMost2Ulp(int width) => Check<ErfFn, double>(width, 2);
    [Theory, MemberData(nameof(Widths))] public void Erfc_Float_AtMost1Ulp(int width) => Check<ErfcFn, float>(width, 1);
    [Theory, MemberData(nameof(Widths))] public void Erfc_Double_AtMost7Ulp(int width) => Check<ErfcFn, double>(width, 7);
    [Theory, MemberData(nameof(Widths))] public void LogNdtr_Float_AtMost1Ulp(int width) => Check<LogNdtrFn, float>(width, 1);
    [Theory, MemberData(nameof(Widths))] public void LogNdtr_Double_AtMost9Ulp(int width) => Check<LogNdtrFn, double>(width, 9);
    [Theory, MemberData(nameof(Widths))] public void Lgamma_Float_AtMost1Ulp_Reflected1(int width) => Check<LgammaFn, float>(width, 1, 1);
    [Theory, MemberData(nameof(Widths))] public void Lgamma_Double_AtMost9Ulp_Reflected5(int width) => Check<LgammaFn, double>(width, 9, 5);
    [Theory, MemberData(nameof(Widths))] public void Digamma_Float_AtMost1Ulp_Reflected1(int width) => Check<DigammaFn, float>(width, 1, 1);
    [Theory, MemberData(nameof(Widths))] public void Digamma_Double_AtMost2_5Ulp_Reflected6(int width) => Check<DigammaFn, double>(width, 2.5, 6);
    [Theory, MemberData(nameof(Widths))] public void Trigamma_Float_AtMost1Ulp_Reflected1(int width) => Check<TrigammaFn, float>(width, 1, 1);
    [Theory, MemberData(nameof(Widths))] public void Trigamma_Double_AtMost3Ulp_Reflected4(int width) => Check<TrigammaFn, double>(width, 3, 4);
}

/// <summary>special_reference.tsv: function, x, and the exact value as a double-double hi lo.</summary>
internal static class SpecialReference
{
    private static readonly Lazy<Dictionary<string, (double[] X, DD[] Value)>> s_tables = new(Load);

    public static (double[] X, DD[] Value) Table(string name) => s_tables.Value[name];

    public static DD Value(string name, double x)
    {
        var (xs, values) = Table(name);
        int i = Array.BinarySearch(xs, x);
        return i >= 0 ? values[i] : throw new ArgumentOutOfRangeException(nameof(x), $"{name}({x:R}) is not in special_reference.tsv");
    }

    private static Dictionary<string, (double[] X, DD[] Value)> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Math", "special_reference.tsv");
        return File.ReadLines(path).Select(l => l.Split('\t'))
            .GroupBy(f => f[0])
            .ToDictionary(g => g.Key, g =>
            {
                var rows = g.Select(f => (X: Parse(f[1]), V: new DD(Parse(f[2]), Parse(f[3])))).OrderBy(r => r.X).ToArray();
                return (rows.Select(r => r.X).ToArray(), rows.Select(r => r.V).ToArray());
            });
    }

    private static double Parse(string s) => s switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
    };
}
