using System;
using Xunit;

namespace LossDsl.Runtime.Tests.Math;

/// <summary>
/// LossMath.IsExactReciprocal: where it holds, a generated kernel multiplies by 1 / d instead of dividing by d (a per-call
/// divisor such as smooth_l1's beta), so x / d and x * (1 / d) must be the same bits for every x.
/// </summary>
public class ExactReciprocalTests
{
    [Theory]
    [InlineData(1.0, true)]
    [InlineData(0.5, true)]
    [InlineData(2.0, true)]
    [InlineData(-4.0, true)]
    [InlineData(0.125, true)]
    [InlineData(3.0, false)]
    [InlineData(0.1, false)]
    [InlineData(0.75, false)]
    [InlineData(0.0, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void PowersOfTwo_Qualify(double d, bool expected)
    {
        Assert.Equal(expected, LossMath.IsExactReciprocal((float)d));
        Assert.Equal(expected, LossMath.IsExactReciprocal(d));
    }

    [Fact]
    public void TheRangeEnds_QualifyOnlyWhereTheReciprocalIsNormal()
    {
        Assert.True(LossMath.IsExactReciprocal(MathF.ScaleB(1f, 126)));   // 1 / 2^126 = 2^-126, the smallest normal float
        Assert.False(LossMath.IsExactReciprocal(MathF.ScaleB(1f, 127)));  // 2^-127 is subnormal
        Assert.True(LossMath.IsExactReciprocal(MathF.ScaleB(1f, -126)));  // 2^126
        Assert.False(LossMath.IsExactReciprocal(MathF.ScaleB(1f, -127))); // subnormal divisor
        Assert.False(LossMath.IsExactReciprocal(System.Math.ScaleB(1.0, 1023)));
        Assert.True(LossMath.IsExactReciprocal(System.Math.ScaleB(1.0, 1022)));
    }

    [Fact]
    public void WhereItHolds_TheQuotientIsTheProductBitForBit()
    {
        var rng = new Random(20261207);
        float[] divisors = { 1f, 0.5f, 2f, -0.25f, 1024f, MathF.ScaleB(1f, 126), MathF.ScaleB(1f, -126) };
        int checkedCount = 0;
        foreach (var d in divisors)
        {
            Assert.True(LossMath.IsExactReciprocal(d));
            float r = 1f / d;
            for (int k = 0; k < 20_000; k++)
            {
                // every bit pattern is fair: normal, subnormal, infinite and NaN numerators, large and small
                float x = BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31));
                float quotient = x / d, product = x * r;
                Assert.True(BitConverter.SingleToInt32Bits(quotient) == BitConverter.SingleToInt32Bits(product) || (float.IsNaN(quotient) && float.IsNaN(product)),
                    $"{x:R} / {d:R} = {quotient:R} but {x:R} * {r:R} = {product:R}");
                double xd = BitConverter.Int64BitsToDouble(rng.NextInt64() ^ ((long)rng.Next(2) << 63));
                double q = xd / d, p = xd * (1.0 / d);
                Assert.True(BitConverter.DoubleToInt64Bits(q) == BitConverter.DoubleToInt64Bits(p) || (double.IsNaN(q) && double.IsNaN(p)), $"{xd:R} / {d:R}");
                checkedCount++;
            }
        }
        Assert.Equal(divisors.Length * 20_000, checkedCount);
    }

    [Fact]
    public void WhereItDoesNot_TheProductCanDiffer()
    {
        // 3 is not a power of two: x * (1 / 3) is not always x / 3, which is why the kernel keeps the division then
        int differ = 0;
        for (int k = 1; k <= 1000; k++) if (k / 3f != k * (1f / 3f)) differ++;
        Assert.True(differ > 0);
        Assert.False(LossMath.IsExactReciprocal(3f));
    }
}
