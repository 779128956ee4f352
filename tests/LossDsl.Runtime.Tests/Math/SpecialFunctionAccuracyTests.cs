using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Runtime.Intrinsics;
using Xunit;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>
/// The special functions (erf, erfc, log_ndtr, lgamma, digamma, trigamma) at every width, float and double, against
/// dense mpmath references (<c>special_reference.tsv</c>, written by scripts/make_special_reference.py at 40 digits):
/// about 2,500 points per function on the line plus log-spaced magnitudes and the neighbourhoods of the zeros. Where
/// a function is computed directly (x > 0 for the gamma family, everywhere for the others) the error is in ulps of
/// the reference; where the gamma family is reflected (x &lt; 0), near its zeros only an absolute accuracy is
/// possible, so it is in ulps of max(|f(x)|, 1). Each test name states its bounds; docs/language.md lists them.
/// Also their special values. Adding a special function: its struct below, its bound, its special values here, and its
/// reference points in scripts/make_special_reference.py.
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

    private const double Inf = double.PositiveInfinity, NaN = double.NaN;

    // PyTorch's values at the poles, infinities and NaN (torch.special.erf, erfc, log_ndtr, lgamma, digamma, polygamma(1, x)).
    [Theory, MemberData(nameof(Widths))]
    public void ErrorFunctions_SpecialValues(int width)
    {
        LossMathSpecialValueTests.Both<ErfFn>(width, 0, 0); LossMathSpecialValueTests.Both<ErfFn>(width, -0.0, -0.0); LossMathSpecialValueTests.Both<ErfFn>(width, Inf, 1); LossMathSpecialValueTests.Both<ErfFn>(width, -Inf, -1); LossMathSpecialValueTests.Both<ErfFn>(width, NaN, NaN);
        LossMathSpecialValueTests.Both<ErfFn>(width, 30, 1); LossMathSpecialValueTests.Both<ErfFn>(width, -30, -1);
        LossMathSpecialValueTests.Both<ErfcFn>(width, 0, 1); LossMathSpecialValueTests.Both<ErfcFn>(width, Inf, 0); LossMathSpecialValueTests.Both<ErfcFn>(width, -Inf, 2); LossMathSpecialValueTests.Both<ErfcFn>(width, NaN, NaN); LossMathSpecialValueTests.Both<ErfcFn>(width, 40, 0);
        LossMathSpecialValueTests.Both<LogNdtrFn>(width, 0, -System.Math.Log(2)); LossMathSpecialValueTests.Both<LogNdtrFn>(width, Inf, -0.0); LossMathSpecialValueTests.Both<LogNdtrFn>(width, -Inf, -Inf); LossMathSpecialValueTests.Both<LogNdtrFn>(width, NaN, NaN);
        LossMathSpecialValueTests.Expect<LogNdtrFn, double>(width, -1e200, -Inf); // -x^2/2 overflows, as in PyTorch
    }

    [Theory, MemberData(nameof(Widths))]
    public void GammaFunctions_SpecialValues(int width)
    {
        LossMathSpecialValueTests.Both<LgammaFn>(width, 1, 0); LossMathSpecialValueTests.Both<LgammaFn>(width, 2, 0); LossMathSpecialValueTests.Both<LgammaFn>(width, 0, Inf); LossMathSpecialValueTests.Both<LgammaFn>(width, -0.0, Inf);
        LossMathSpecialValueTests.Both<LgammaFn>(width, -1, Inf); LossMathSpecialValueTests.Both<LgammaFn>(width, -7, Inf); LossMathSpecialValueTests.Both<LgammaFn>(width, Inf, Inf); LossMathSpecialValueTests.Both<LgammaFn>(width, -Inf, Inf); LossMathSpecialValueTests.Both<LgammaFn>(width, NaN, NaN);
        LossMathSpecialValueTests.Expect<LgammaFn, double>(width, 1e306, Inf); LossMathSpecialValueTests.Expect<LgammaFn, double>(width, -1e300, Inf);
        LossMathSpecialValueTests.Both<DigammaFn>(width, 0, -Inf); LossMathSpecialValueTests.Both<DigammaFn>(width, -0.0, Inf); LossMathSpecialValueTests.Both<DigammaFn>(width, -1, NaN); LossMathSpecialValueTests.Both<DigammaFn>(width, -5, NaN);
        LossMathSpecialValueTests.Both<DigammaFn>(width, Inf, Inf); LossMathSpecialValueTests.Both<DigammaFn>(width, -Inf, NaN); LossMathSpecialValueTests.Both<DigammaFn>(width, NaN, NaN);
        LossMathSpecialValueTests.Both<TrigammaFn>(width, 0, Inf); LossMathSpecialValueTests.Both<TrigammaFn>(width, -2, Inf); LossMathSpecialValueTests.Both<TrigammaFn>(width, Inf, 0); LossMathSpecialValueTests.Both<TrigammaFn>(width, -Inf, NaN); LossMathSpecialValueTests.Both<TrigammaFn>(width, NaN, NaN);
    }
}

internal readonly struct ErfFn : IUnaryFn
{
    public static string Name => "Erf";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Erf(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Erf(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Erf(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Erf(x);
    public static DD Ref(double x) => SpecialReference.Value("Erf", x);
}

internal readonly struct ErfcFn : IUnaryFn
{
    public static string Name => "Erfc";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Erfc(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Erfc(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Erfc(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Erfc(x);
    public static DD Ref(double x) => SpecialReference.Value("Erfc", x);
}

internal readonly struct LogNdtrFn : IUnaryFn
{
    public static string Name => "LogNdtr";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.LogNdtr(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.LogNdtr(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.LogNdtr(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.LogNdtr(x);
    public static DD Ref(double x) => SpecialReference.Value("LogNdtr", x);
}

internal readonly struct LgammaFn : IUnaryFn
{
    public static string Name => "Lgamma";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Lgamma(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Lgamma(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Lgamma(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Lgamma(x);
    public static DD Ref(double x) => SpecialReference.Value("Lgamma", x);
}

internal readonly struct DigammaFn : IUnaryFn
{
    public static string Name => "Digamma";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Digamma(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Digamma(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Digamma(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Digamma(x);
    public static DD Ref(double x) => SpecialReference.Value("Digamma", x);
}

internal readonly struct TrigammaFn : IUnaryFn
{
    public static string Name => "Trigamma";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Trigamma(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Trigamma(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Trigamma(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Trigamma(x);
    public static DD Ref(double x) => SpecialReference.Value("Trigamma", x);
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
