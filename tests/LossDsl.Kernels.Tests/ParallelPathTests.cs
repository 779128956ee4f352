using System;
using System.Linq;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Kernels.Tests;

[CollectionDefinition(nameof(ParallelPathTests), DisableParallelization = true)]
public sealed class ParallelPathCollection;

/// <summary>
/// The generated kernels' parallel path (LossParallel): the same bits whatever the number of threads, the same
/// gradients as the single-piece path (each element's or row's gradient is computed by the same code), values that
/// differ from it only in summation order, and no allocation on the calling thread. The settings are process-wide,
/// so these tests run alone (a collection without parallelization) and restore them.
/// </summary>
[Collection(nameof(ParallelPathTests))]
public class ParallelPathTests : IDisposable
{
    private readonly int _threshold = LossParallel.Threshold, _threads = LossParallel.MaxThreads;

    public void Dispose()
    {
        LossParallel.Threshold = _threshold;
        LossParallel.MaxThreads = _threads;
    }

    private static float[] Random(int n, int seed, float scale = 3f)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(scale * (2 * r.NextDouble() - 1))).ToArray();
    }

    /// <summary>
    /// Runs <paramref name="call"/> (value, gradient) with the path off, then on with 1, 2 and 3 threads. The value may
    /// differ from the single piece's by the summation order (<paramref name="relative"/>: loose enough for the scalar
    /// path's one float accumulator over ~200,000 terms, DOTNET_EnableHWIntrinsic=0).
    /// </summary>
    private static void Check(Func<float[], float> call, int gradLength, float relative)
    {
        LossParallel.Threshold = int.MaxValue;
        var serialGrad = new float[gradLength];
        float serial = call(serialGrad);

        LossParallel.Threshold = 0; // floors at 2 * ChunkLength
        float? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            LossParallel.MaxThreads = threads;
            var grad = new float[gradLength];
            float value = call(grad);
            first ??= value;
            Assert.Equal(BitConverter.SingleToInt32Bits(first.Value), BitConverter.SingleToInt32Bits(value)); // bit for bit
            Assert.True(Math.Abs(value - serial) <= relative * Math.Abs(serial), $"{threads} threads: {value} vs single piece {serial}");
            Assert.Equal(serialGrad, grad); // element for element, exactly
        }
    }

    [Fact]
    public void ElementwiseLoss_SameBitsForAnyThreadCount()
    {
        int n = 3 * LossParallel.ChunkLength + 1234;
        float[] x = Random(n, 1), y = Random(n, 2);
        Check(g => BinaryCrossEntropyWithLogits.ForwardBackward(x, y, g, default), n, 1e-3f);
        Check(g => MseLoss.ForwardBackward(x, y, g, default, Reduction.Sum), n, 1e-3f);
    }

    /// <summary>The Forward methods (RunForward, no gradient arguments) take the parallel path too: reduced, the same
    /// bits for any thread count; per element, exactly the single piece's values.</summary>
    [Fact]
    public void ForwardOnly_SameBitsForAnyThreadCount()
    {
        int n = 3 * LossParallel.ChunkLength + 1234;
        float[] x = Random(n, 3), y = Random(n, 4);
        Check(_ => BinaryCrossEntropyWithLogits.Forward(x, y), 0, 1e-3f);
        Check(_ => MseLoss.Forward(x, y, Reduction.Sum), 0, 1e-3f);

        LossParallel.Threshold = int.MaxValue;
        var serial = new float[n];
        MseLoss.Forward(x, y, serial);
        LossParallel.Threshold = 0;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            LossParallel.MaxThreads = threads;
            var output = new float[n];
            MseLoss.Forward(x, y, output);
            Assert.Equal(serial, output);
        }
    }

    [Fact]
    public void RowLoss_SplitsByRows_SameBitsForAnyThreadCount()
    {
        const int classes = 1000, rows = 300;
        float[] x = Random(rows * classes, 3);
        var r = new Random(4);
        int[] target = Enumerable.Range(0, rows).Select(i => i % 7 == 0 ? -100 : r.Next(classes)).ToArray(); // some rows left out
        Check(g => CrossEntropy.ForwardBackward(x, target, classes, g, labelSmoothing: 0.1f), rows * classes, 1e-3f);
    }

    [Fact]
    public void RowFunctionLoss_SplitsOneSamplePerChunk_SameBitsForAnyThreadCount()
    {
        // ctc_loss: 12 samples of T = 30 steps over C = 6 classes (log-softmax rows), 4 labels each (blank 0)
        const int samples = 12, time = 30, classes = 6, labels = 4;
        var r = new Random(7);
        var x = new float[samples * time * classes];
        for (int row = 0; row < samples * time; row++)
        {
            var z = Enumerable.Range(0, classes).Select(_ => 6 * r.NextDouble() - 3).ToArray();
            double lse = Math.Log(z.Sum(Math.Exp));
            for (int c = 0; c < classes; c++) x[row * classes + c] = (float)(z[c] - lse);
        }
        int[] targets = Enumerable.Range(0, samples * labels).Select(_ => 1 + r.Next(classes - 1)).ToArray();
        int[] inputLengths = Enumerable.Range(0, samples).Select(i => time - i).ToArray();
        int[] targetLengths = Enumerable.Range(0, samples).Select(i => 1 + i % labels).ToArray();
        Check(g => CtcLoss.ForwardBackward(x, targets, inputLengths, targetLengths, time * classes, g, classes: classes), x.Length, 1e-3f);
    }

    [Fact]
    public void ParallelPath_AllocatesNothingOnTheCallingThread()
    {
        int n = 4 * LossParallel.ChunkLength;
        float[] x = Random(n, 5), y = Random(n, 6), g = new float[n];
        LossParallel.Threshold = 0;
        LossParallel.MaxThreads = 2;
        MseLoss.ForwardBackward(x, y, g, default);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10; k++) MseLoss.ForwardBackward(x, y, g, default);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
