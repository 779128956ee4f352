using System;
using System.Runtime.Intrinsics;
using Xunit;

namespace LossDsl.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="Shifted.Exp{T}(Vector256{T})"/> and its Vector128 and Vector512 forms in float lanes, for arguments x &lt;= 0:
/// within 1e-7 relative of e^x (in double) down to the smallest normal result, 1 at 0, 0 for -inf and far below,
/// NaN for NaN, about the smallest normal float or less below it. Run on each SIMD path
/// (DOTNET_EnableAVX=0 is the Vector128 one without fused multiply-adds).
/// </summary>
public class ShiftedExpTests
{
    private static float[] Exp(float[] x)
    {
        var result = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            result[i] = Vector512.IsHardwareAccelerated ? Shifted.Exp(Vector512.Create(x[i])).ToScalar()
                : Vector256.IsHardwareAccelerated ? Shifted.Exp(Vector256.Create(x[i])).ToScalar()
                : Shifted.Exp(Vector128.Create(x[i])).ToScalar();
        }
        return result;
    }

    [Fact]
    public void NormalResults_AreWithin1e7Relative()
    {
        var x = new float[200_001];
        for (int i = 0; i < x.Length; i++) x[i] = -87.3f * i / (x.Length - 1);
        var e = Exp(x);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = System.Math.Exp(x[i]);
            Assert.True(System.Math.Abs(e[i] - expected) <= 1e-7 * expected, $"e^{x[i]:R} = {e[i]:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void SpecialArguments()
    {
        var e = Exp([0f, -0f, float.NegativeInfinity, -88f, -1000f, -1e30f, float.MinValue, float.NaN, -float.Epsilon]);
        Assert.Equal(1f, e[0]);
        Assert.Equal(1f, e[1]);
        for (int i = 2; i <= 6; i++) Assert.Equal(0f, e[i]);
        Assert.True(float.IsNaN(e[7]));
        Assert.Equal(1f, e[8]);
    }

    [Fact]
    public void SubnormalRange_IsZeroOrTiny()
    {
        var x = new float[1000];
        for (int i = 0; i < x.Length; i++) x[i] = -87.3f - 0.8f * i / x.Length;
        var e = Exp(x);
        for (int i = 0; i < x.Length; i++)
            Assert.True(e[i] >= 0 && e[i] <= 1.25e-38f && System.Math.Abs(e[i] - System.Math.Exp(x[i])) <= 1e-38, $"e^{x[i]:R} = {e[i]:R}");
    }
}
