using System;
using BenchmarkDotNet.Attributes;
using LossDsl.Losses;

namespace LossDsl.Benchmarks;

/// <summary>
/// ctc_loss (torch.nn.functional.ctc_loss), forward + backward and forward only, reduction mean, blank 0: N samples
/// of T time steps over C classes, targets of S labels in 1..C-1 (padded), target lengths S/2..S, input lengths T.
/// log_probs are log_softmax of U(-3, 3) logits, laid out (N, T, C) as the generated API takes them (PyTorch's
/// (T, N, C) transposed). Compare with <c>scripts/bench_ctc_torch.py</c> on the same sizes.
/// Run alone: --filter '*CtcSequences*'.
/// </summary>
[MemoryDiagnoser]
public class CtcSequences
{
    [Params("50x16x20x10", "200x32x40x40")]
    public string Shape = "50x16x20x10";

    /// <summary>LossParallel.MaxThreads: 1 for the one-thread comparison, 2 for the samples on both cores.</summary>
    [Params(1, 2)]
    public int Threads = 1;

    private int _classes, _rowLength;
    private float[] _x32 = null!, _g32 = null!;
    private double[] _x64 = null!, _g64 = null!;
    private int[] _targets = null!, _inputLengths = null!, _targetLengths = null!;

    [GlobalSetup]
    public void Setup()
    {
        LossParallel.MaxThreads = Threads; // PyTorch's 1- and 2-thread times are in torch_ctc.json
        var p = Array.ConvertAll(Shape.Split('x'), int.Parse);
        int t = p[0], n = p[1], c = p[2], s = p[3];
        _classes = c;
        _rowLength = t * c;
        var rng = new Random(42);
        _x64 = new double[n * t * c];
        for (int i = 0; i < n * t; i++)
        {
            var row = _x64.AsSpan(i * c, c);
            double max = double.NegativeInfinity, sum = 0;
            for (int k = 0; k < c; k++) { row[k] = 6 * rng.NextDouble() - 3; max = Math.Max(max, row[k]); }
            for (int k = 0; k < c; k++) sum += Math.Exp(row[k] - max);
            for (int k = 0; k < c; k++) row[k] -= max + Math.Log(sum);
        }
        _x32 = Array.ConvertAll(_x64, v => (float)v);
        _g64 = new double[_x64.Length];
        _g32 = new float[_x32.Length];
        _targets = new int[n * s];
        for (int i = 0; i < _targets.Length; i++) _targets[i] = 1 + rng.Next(c - 1);
        _inputLengths = new int[n];
        Array.Fill(_inputLengths, t);
        _targetLengths = new int[n];
        for (int i = 0; i < n; i++) _targetLengths[i] = s / 2 + rng.Next(s - s / 2 + 1);
    }

    /// <summary>The runtime's CTC methods called per sample as the generated code calls them, unscaled (adjoint 1).</summary>
    public float Samples(bool fused)
    {
        int rows = _inputLengths.Length, width = _targets.Length / rows;
        float total = 0;
        for (int r = 0; r < rows; r++)
        {
            var x = _x32.AsSpan(r * _rowLength, _rowLength);
            var g = _g32.AsSpan(r * _rowLength, _rowLength);
            var labels = _targets.AsSpan(r * width, width);
            if (fused) total += Ctc.NegativeLogLikelihoodWithGradient<float>(x, labels, _inputLengths[r], _targetLengths[r], 0, _classes, g);
            else
            {
                g.Clear();
                total += Ctc.NegativeLogLikelihood<float>(x, labels, _inputLengths[r], _targetLengths[r], 0, _classes);
                Ctc.Gradient<float>(x, labels, _inputLengths[r], _targetLengths[r], 0, _classes, 1f, g);
            }
        }
        return total;
    }

    [Benchmark] public float Ctc_F32_FB() => CtcLoss.ForwardBackward(_x32, _targets, _inputLengths, _targetLengths, _rowLength, _g32, classes: _classes);
    [Benchmark] public float Ctc_F32_Fwd() => CtcLoss.Forward(_x32, _targets, _inputLengths, _targetLengths, _rowLength, classes: _classes);
    [Benchmark] public double Ctc_F64_FB() => CtcLoss.ForwardBackward(_x64, _targets, _inputLengths, _targetLengths, _rowLength, _g64, classes: _classes);
    [Benchmark] public double Ctc_F64_Fwd() => CtcLoss.Forward(_x64, _targets, _inputLengths, _targetLengths, _rowLength, classes: _classes);
}

/// <summary>
/// A quick same-process timing of ctc_loss forward + backward (float32, one thread, both shapes of
/// <see cref="CtcSequences"/>): <c>--ctc-timing [reps]</c> prints the median of the repetitions in microseconds.
/// </summary>
public static class CtcTiming
{
    public static int Run(string[] args)
    {
        int reps = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 21;
        foreach (var shape in new[] { "50x16x20x10", "200x32x40x40" })
        {
            var b = new CtcSequences { Shape = shape, Threads = 1 };
            b.Setup();
            for (int i = 0; i < 20; i++) b.Ctc_F32_FB();
            var fb = Time(() => b.Ctc_F32_FB(), reps);
            var fwd = Time(() => b.Ctc_F32_Fwd(), reps);
            Console.WriteLine($"ctc {shape} float32 1 thread: forward+backward {fb:F1} us, forward {fwd:F1} us (median of {reps})");
            // The row function's two contracts side by side, interleaved: value then gradient method (alpha twice), and
            // the fused method (alpha and beta once each), over every sample of the batch.
            var separate = new double[reps];
            var fused = new double[reps];
            for (int r = 0; r < reps; r++)
            {
                separate[r] = Time(() => b.Samples(fused: false), 1);
                fused[r] = Time(() => b.Samples(fused: true), 1);
            }
            Array.Sort(separate);
            Array.Sort(fused);
            Console.WriteLine($"    per-sample calls: value + gradient {separate[reps / 2]:F1} us, fused {fused[reps / 2]:F1} us, ratio {separate[reps / 2] / fused[reps / 2]:F2}");
        }
        return 0;
    }

    private static double Time(Func<float> f, int reps)
    {
        var times = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            int calls = 0;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            do { f(); calls++; } while (sw.Elapsed.TotalMilliseconds < 50);
            times[r] = sw.Elapsed.TotalMilliseconds * 1000 / calls;
        }
        Array.Sort(times);
        return times[reps / 2];
    }
}
