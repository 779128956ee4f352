using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.Intrinsics;
using Xunit;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>Special values (zeros with sign, infinities, NaN, domain edges) at every width, for float and double.</summary>
public class LossMathSpecialValueTests
{
    public static TheoryData<int> Widths => new() { 0, 128, 256, 512 };

    internal static void Expect<F, T>(int width, double x, double expected) where F : IUnaryFn where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The value in every lane position (other lanes hold ordinary numbers).
        var l = new List<double>();
        for (int i = 0; i < 16; i++) for (int j = 0; j < 16; j++) l.Add(i == j ? x : 0.25 * (j + 1));
        T[] xs = Harness.ToT<T>(l);
        T[] got = Harness.Run<F, T>(xs, width);
        T e = T.CreateTruncating(expected);
        for (int i = 0; i < 16; i++)
        {
            T g = got[i * 16 + i];
            bool ok = T.IsNaN(e) ? T.IsNaN(g) : g == e && T.IsNegative(g) == T.IsNegative(e);
            Assert.True(ok, $"{F.Name}<{typeof(T).Name}> width {width} lane {i}: f({x:R}) = {g}, expected {e}");
        }
    }

    internal static void Both<F>(int width, double x, double expected) where F : IUnaryFn
    {
        Expect<F, float>(width, x, expected);
        Expect<F, double>(width, x, expected);
    }

    private const double Inf = double.PositiveInfinity, NaN = double.NaN;

    [Theory, MemberData(nameof(Widths))]
    public void Exp_Log_Sqrt_SpecialValues(int width)
    {
        Both<ExpFn>(width, 0, 1); Both<ExpFn>(width, -0.0, 1); Both<ExpFn>(width, -Inf, 0); Both<ExpFn>(width, Inf, Inf);
        Both<ExpFn>(width, NaN, NaN); Both<ExpFn>(width, 1000, Inf); Both<ExpFn>(width, -1000, 0);
        Both<LogFn>(width, 0, -Inf); Both<LogFn>(width, -0.0, -Inf); Both<LogFn>(width, 1, 0); Both<LogFn>(width, -1, NaN);
        Both<LogFn>(width, Inf, Inf); Both<LogFn>(width, -Inf, NaN); Both<LogFn>(width, NaN, NaN);
        Both<SqrtFn>(width, -0.0, -0.0); Both<SqrtFn>(width, 0, 0); Both<SqrtFn>(width, -1, NaN); Both<SqrtFn>(width, Inf, Inf);
        Both<SqrtFn>(width, 4, 2); Both<SqrtFn>(width, NaN, NaN);
    }

    [Theory, MemberData(nameof(Widths))]
    public void Log1p_Expm1_SpecialValues(int width)
    {
        Both<Log1pFn>(width, 0, 0); Both<Log1pFn>(width, -0.0, -0.0); Both<Log1pFn>(width, -1, -Inf); Both<Log1pFn>(width, -2, NaN);
        Both<Log1pFn>(width, Inf, Inf); Both<Log1pFn>(width, -Inf, NaN); Both<Log1pFn>(width, NaN, NaN);
        Both<Log1pFn>(width, 1e-30, 1e-30); Both<Log1pFn>(width, -1e-30, -1e-30);
        Expect<Log1pFn, float>(width, float.Epsilon, float.Epsilon); Expect<Log1pFn, double>(width, double.Epsilon, double.Epsilon);
        Both<Expm1Fn>(width, 0, 0); Both<Expm1Fn>(width, -0.0, -0.0); Both<Expm1Fn>(width, -Inf, -1); Both<Expm1Fn>(width, Inf, Inf);
        Both<Expm1Fn>(width, NaN, NaN); Both<Expm1Fn>(width, 1e-30, 1e-30); Both<Expm1Fn>(width, -1e-30, -1e-30);
        Both<Expm1Fn>(width, 1000, Inf); Both<Expm1Fn>(width, -1000, -1);
        Expect<Expm1Fn, float>(width, float.Epsilon, float.Epsilon); Expect<Expm1Fn, double>(width, -double.Epsilon, -double.Epsilon);
    }

    [Theory, MemberData(nameof(Widths))]
    public void Tanh_Cosh_Atan_SpecialValues(int width)
    {
        Both<TanhFn>(width, 0, 0); Both<TanhFn>(width, -0.0, -0.0); Both<TanhFn>(width, Inf, 1); Both<TanhFn>(width, -Inf, -1);
        Both<TanhFn>(width, NaN, NaN); Both<TanhFn>(width, 50, 1); Both<TanhFn>(width, -50, -1); Both<TanhFn>(width, 1e-30, 1e-30);
        Both<CoshFn>(width, 0, 1); Both<CoshFn>(width, -0.0, 1); Both<CoshFn>(width, Inf, Inf); Both<CoshFn>(width, -Inf, Inf);
        Both<CoshFn>(width, NaN, NaN); Both<CoshFn>(width, 1000, Inf);
        Expect<CoshFn, float>(width, 89, System.Math.Cosh(89)); // e^89 overflows float, cosh(89) does not
        Both<AtanFn>(width, 0, 0); Both<AtanFn>(width, -0.0, -0.0); Both<AtanFn>(width, Inf, System.Math.PI / 2);
        Both<AtanFn>(width, -Inf, -System.Math.PI / 2); Both<AtanFn>(width, NaN, NaN); Both<AtanFn>(width, 1, System.Math.PI / 4);
        Both<AtanFn>(width, 1e-30, 1e-30);
    }

    [Theory, MemberData(nameof(Widths))]
    public void Abs_Sign(int width)
    {
        Both<AbsFn>(width, -0.0, 0); Both<AbsFn>(width, -Inf, Inf); Both<AbsFn>(width, -3, 3); Both<AbsFn>(width, NaN, NaN);
        Both<SignFn>(width, -3, -1); Both<SignFn>(width, 2, 1); Both<SignFn>(width, 0, 0); Both<SignFn>(width, -0.0, 0.0);
        Both<SignFn>(width, NaN, 0); /* torch.sign(NaN) == 0 */ Both<SignFn>(width, -Inf, -1); Both<SignFn>(width, Inf, 1); Both<SignFn>(width, 1e-40, 1);
    }

    [Theory, MemberData(nameof(Widths))]
    public void Sqrt_IsCorrectlyRounded(int width)
    {
        double[] d = Harness.Inputs<double>();
        double[] gd = Harness.Run<SqrtFn, double>(d, width);
        for (int i = 0; i < d.Length; i++) Assert.Equal(BitConverter.DoubleToInt64Bits(System.Math.Sqrt(d[i])), BitConverter.DoubleToInt64Bits(gd[i]));
        float[] f = Harness.Inputs<float>();
        float[] gf = Harness.Run<SqrtFn, float>(f, width);
        for (int i = 0; i < f.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(MathF.Sqrt(f[i])), BitConverter.SingleToInt32Bits(gf[i]));
    }
}

internal readonly struct AbsFn : IUnaryFn
{
    public static string Name => "Abs";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Abs(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Abs(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Abs(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Abs(x);
    public static DD Ref(double x) => System.Math.Abs(x);
}

internal readonly struct SignFn : IUnaryFn
{
    public static string Name => "Sign";
    public static T S<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Sign(x);
    public static Vector128<T> V128<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Sign(x);
    public static Vector256<T> V256<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Sign(x);
    public static Vector512<T> V512<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => LossMath.Sign(x);
    public static DD Ref(double x) => double.IsNaN(x) || x == 0 ? x : System.Math.Sign(x);
}
