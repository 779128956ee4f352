using System;
using System.Collections.Generic;
using System.Numerics;
using Xunit;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>
/// Max ulp error of every LossMath function, for float and double, at every width (scalar, 128, 256, 512),
/// over <see cref="Harness.Inputs{T}"/> (specials, whole-range log sweep, dense linear sweeps, random bits),
/// against the double-double <see cref="Reference"/>. Each test name states its bound.
/// </summary>
public class LossMathAccuracyTests
{
    public static TheoryData<int> Widths => new() { 0, 128, 256, 512 };

    private static readonly float[] FloatInputs = Harness.Inputs<float>();
    private static readonly double[] DoubleInputs = Harness.Inputs<double>();

    private static void Check<F, T>(int width, double bound) where F : IUnaryFn where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] xs = typeof(T) == typeof(float) ? (T[])(object)FloatInputs : (T[])(object)DoubleInputs;
        Harness.AssertMaxUlp(F.Name, typeof(T), width, Harness.Measure<F, T>(xs, width), bound);
    }

    [Theory, MemberData(nameof(Widths))]
    public void Exp_Float_AtMost1Ulp(int width) => Check<ExpFn, float>(width, 1);

    [Theory, MemberData(nameof(Widths))]
    public void Exp_Double_AtMost1_5Ulp(int width) => Check<ExpFn, double>(width, 1.5);

    [Theory, MemberData(nameof(Widths))]
    public void Log_Float_AtMost1Ulp(int width) => Check<LogFn, float>(width, 1);

    [Theory, MemberData(nameof(Widths))]
    public void Log_Double_AtMost1Ulp(int width) => Check<LogFn, double>(width, 1);

    [Theory, MemberData(nameof(Widths))]
    public void Sqrt_Float_AtMost0_5Ulp(int width) => Check<SqrtFn, float>(width, 0.5);

    [Theory, MemberData(nameof(Widths))]
    public void Sqrt_Double_AtMost1Ulp(int width) => Check<SqrtFn, double>(width, 1);

    [Theory, MemberData(nameof(Widths))]
    public void Log1p_Float_AtMost1Ulp(int width) => Check<Log1pFn, float>(width, 1);

    [Theory, MemberData(nameof(Widths))]
    public void Log1p_Double_AtMost1_5Ulp(int width) => Check<Log1pFn, double>(width, 1.5);

    [Theory, MemberData(nameof(Widths))]
    public void Expm1_Float_AtMost1_5Ulp(int width) => Check<Expm1Fn, float>(width, 1.5);

    [Theory, MemberData(nameof(Widths))]
    public void Expm1_Double_AtMost2Ulp(int width) => Check<Expm1Fn, double>(width, 2);

    [Theory, MemberData(nameof(Widths))]
    public void Tanh_Float_AtMost2Ulp(int width) => Check<TanhFn, float>(width, 2);

    [Theory, MemberData(nameof(Widths))]
    public void Tanh_Double_AtMost2_5Ulp(int width) => Check<TanhFn, double>(width, 2.5);

    [Theory, MemberData(nameof(Widths))]
    public void Cosh_Float_AtMost1Ulp(int width) => Check<CoshFn, float>(width, 1);

    [Theory, MemberData(nameof(Widths))]
    public void Cosh_Double_AtMost1_5Ulp(int width) => Check<CoshFn, double>(width, 1.5);

    [Theory, MemberData(nameof(Widths))]
    public void Atan_Float_AtMost1Ulp(int width) => Check<AtanFn, float>(width, 1);

    [Theory, MemberData(nameof(Widths))]
    public void Atan_Double_AtMost1Ulp(int width) => Check<AtanFn, double>(width, 1);





}
