using System;
using System.Linq;
using System.Numerics;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// A cheap kernel (ElementLoops' pair step) runs its pairs where its gradient is aligned (ElementLoops.SumShifted256), yet
/// its reduced loss has the bits of the loop from the first element: the same as Forward's (which stores nothing, so
/// never shifts), for a gradient span at every offset from the alignment, with ordinary stores and streamed ones
/// (NonTemporalBytes = 1). Streamed, the loop used to be peeled to the gradient's alignment, and the sum then depended on
/// where the gradient lay. The setting is process-wide: these tests run with the streaming ones, alone.
/// </summary>
[Collection(nameof(StreamingTests))]
public class ShiftedSumTests : IDisposable
{
    private readonly int _bytes = ElementLoops.NonTemporalBytes, _threshold = LossParallel.Threshold;

    public ShiftedSumTests() => LossParallel.Threshold = int.MaxValue; // one piece: the shift is per call

    public void Dispose()
    {
        ElementLoops.NonTemporalBytes = _bytes;
        LossParallel.Threshold = _threshold;
    }

    public delegate T Value<T>(T[] x, T[] y);
    public delegate T Fused<T>(T[] x, T[] y, Span<T> inputGrad, Span<T> targetGrad);

    private static T[] Random<T>(int n, int seed) where T : IBinaryFloatingPointIeee754<T>
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => T.CreateTruncating(6 * r.NextDouble() - 3)).ToArray();
    }

    private static void Check<T>(int n, Value<T> forward, Fused<T> forwardBackward) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] x = Random<T>(n, n), y = Random<T>(n, n + 1);
        ElementLoops.NonTemporalBytes = int.MaxValue;
        T expected = forward(x, y);
        T[] expectedGrad = new T[n], expectedTargetGrad = new T[n];
        forwardBackward(x, y, expectedGrad, expectedTargetGrad);
        foreach (int bytes in new[] { int.MaxValue, 1 })
        {
            ElementLoops.NonTemporalBytes = bytes;
            for (int offset = 0; offset < 17; offset++)
            {
                T[] g = new T[n + 17], gt = new T[n + 17];
                T value = forwardBackward(x, y, g.AsSpan(offset, n), gt.AsSpan(offset, n));
                Assert.True(value.Equals(expected) && T.IsNegative(value) == T.IsNegative(expected),
                    $"n {n}, offset {offset}, streamed {bytes == 1}: {value} against Forward's {expected}");
                Assert.Equal(expectedGrad, g.AsSpan(offset, n).ToArray());
                Assert.Equal(expectedTargetGrad, gt.AsSpan(offset, n).ToArray());
            }
        }
    }

    // Short inputs do not shift (ElementLoops.ShiftedBytes, 8 KB): from 2,048 floats and 1,024 doubles on, lengths of
    // every remainder of a pair of the widest vector.
    public static TheoryData<int> Lengths => new() { 33, 257, 1024, 1031, 2048, 2053, 2062, 3000, 4099, 10007 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MseLoss(int n)
    {
        Check<float>(n, (x, y) => LossDsl.Losses.MseLoss.Forward(x, y, Reduction.Sum), (x, y, g, gt) => LossDsl.Losses.MseLoss.ForwardBackward(x, y, g, gt, Reduction.Sum));
        Check<double>(n, (x, y) => LossDsl.Losses.MseLoss.Forward(x, y), (x, y, g, gt) => LossDsl.Losses.MseLoss.ForwardBackward(x, y, g, gt));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void HuberLoss(int n)
    {
        Check<float>(n, (x, y) => LossDsl.Losses.HuberLoss.Forward(x, y, delta: 0.5f), (x, y, g, gt) => LossDsl.Losses.HuberLoss.ForwardBackward(x, y, g, gt, delta: 0.5f));
        Check<double>(n, (x, y) => LossDsl.Losses.HuberLoss.Forward(x, y, Reduction.Sum), (x, y, g, gt) => LossDsl.Losses.HuberLoss.ForwardBackward(x, y, g, gt, Reduction.Sum));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MseLossInputGradientOnlyWeighted(int n)
    {
        float[] w = Random<float>(n, 7).Select(v => v / 3 + 1).ToArray();
        Check<float>(n, (x, y) => LossDsl.Losses.MseLoss.Forward(x, y, weight: w), (x, y, g, _) => LossDsl.Losses.MseLoss.ForwardBackward(x, y, g, default, weight: w));
    }
}
