using System;
using System.Linq;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Kernels.Tests;

[CollectionDefinition(nameof(StreamingTests), DisableParallelization = true)]
public sealed class StreamingCollection;

/// <summary>
/// The streaming path of the elementwise kernels (non-temporal stores past the caches, the loop peeled to the alignment
/// of the first gradient; issue 15): turned on for every size (ElementLoops.NonTemporalBytes = 1), it writes the same
/// gradients, element for element, as the ordinary stores, at every offset of the gradient span from the alignment, and
/// its value differs only by the order of the sum. The setting is process-wide: these tests run alone and restore it.
/// </summary>
[Collection(nameof(StreamingTests))]
public class StreamingTests : IDisposable
{
    private readonly int _bytes = ElementLoops.NonTemporalBytes, _threshold = LossParallel.Threshold;

    public StreamingTests() => LossParallel.Threshold = int.MaxValue; // one piece: the streaming decision is per call

    public void Dispose()
    {
        ElementLoops.NonTemporalBytes = _bytes;
        LossParallel.Threshold = _threshold;
    }

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(6 * r.NextDouble() - 3)).ToArray();
    }

    // The call with ordinary stores, then streamed, on gradient spans that start at each offset of a larger array.
    private static void Check(int n, Func<float[], float[], int, float> call)
    {
        for (int offset = 0; offset < 17; offset++)
        {
            ElementLoops.NonTemporalBytes = int.MaxValue;
            float[] g1 = new float[n + 17], g2 = new float[n + 17];
            float plain = call(g1, g2, offset);
            ElementLoops.NonTemporalBytes = 1;
            float[] s1 = new float[n + 17], s2 = new float[n + 17];
            float streamed = call(s1, s2, offset);
            Assert.Equal(g1, s1);
            Assert.Equal(g2, s2);
            Assert.True(Math.Abs(streamed - plain) <= 1e-5f * Math.Max(1f, Math.Abs(plain)), $"n {n}, offset {offset}: {streamed} vs {plain}");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(47)]
    [InlineData(1000)]
    [InlineData(4099)]
    public void MseLoss_BothGradients_SameAsOrdinaryStores(int n)
    {
        float[] x = Random(n, 1), y = Random(n, 2);
        Check(n, (g1, g2, o) => MseLoss.ForwardBackward(x, y, g1.AsSpan(o, n), g2.AsSpan(o, n)));
    }

    [Theory]
    [InlineData(47)]
    [InlineData(4099)]
    public void BceWithLogits_WeightedInputGradient_SameAsOrdinaryStores(int n)
    {
        float[] x = Random(n, 3), y = Random(n, 4).Select(v => (v + 3) / 6).ToArray(), w = Random(n, 5);
        Check(n, (g1, _, o) => BinaryCrossEntropyWithLogits.ForwardBackward(x, y, g1.AsSpan(o, n), default, Reduction.Sum, 0.5f, w));
    }

    [Theory]
    [InlineData(47)]
    [InlineData(4099)]
    public void HuberLoss_ReductionNoneWithUpstream_SameAsOrdinaryStores(int n)
    {
        float[] x = Random(n, 6), y = Random(n, 7), up = Random(n, 8), output = new float[n];
        Check(n, (g1, _, o) => { HuberLoss.ForwardBackward(x, y, output, up, g1.AsSpan(o, n), default); return output.Sum(); });
    }

    [Theory]
    [InlineData(47)]
    [InlineData(4099)]
    public void GradientHessian_SameAsOrdinaryStores(int n)
    {
        float[] x = Random(n, 9), y = Random(n, 10), hess = new float[n];
        Check(n, (g1, g2, o) => { float v = MseLoss.GradientHessian(x, y, g1.AsSpan(o, n), g2.AsSpan(o, n), default, default); return v; });
    }
}
