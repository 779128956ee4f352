using System;
using System.Collections.Generic;
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

    private CtcData _d = null!;

    [GlobalSetup]
    public void Setup()
    {
        LossParallel.MaxThreads = Threads; // PyTorch's 1- and 2-thread times are in torch_ctc.json
        _d = CtcData.Get(Shape);
    }

    [Benchmark] public float Ctc_F32_FB() => CtcLoss.ForwardBackward(_d.X32, _d.Targets, _d.InputLengths, _d.TargetLengths, _d.RowLength, _d.G32, classes: _d.Classes);
    [Benchmark] public float Ctc_F32_Fwd() => CtcLoss.Forward(_d.X32, _d.Targets, _d.InputLengths, _d.TargetLengths, _d.RowLength, classes: _d.Classes);
    [Benchmark] public double Ctc_F64_FB() => CtcLoss.ForwardBackward(_d.X64, _d.Targets, _d.InputLengths, _d.TargetLengths, _d.RowLength, _d.G64, classes: _d.Classes);
    [Benchmark] public double Ctc_F64_Fwd() => CtcLoss.Forward(_d.X64, _d.Targets, _d.InputLengths, _d.TargetLengths, _d.RowLength, classes: _d.Classes);
}

/// <summary>
/// One ctc_loss problem "TxNxCxS": N samples of T frames over C classes (log_softmax of U(-3, 3) logits, (N, T, C)),
/// padded targets of S labels in 1..C-1, target lengths S/2..S, input lengths T. Cached per shape.
/// </summary>
public sealed class CtcData
{
    private static readonly Dictionary<string, CtcData> Cache = new();

    public int Classes, RowLength, Samples, Labels;
    public float[] X32 = null!, G32 = null!;
    public double[] X64 = null!, G64 = null!;
    public int[] Targets = null!, InputLengths = null!, TargetLengths = null!;

    public static CtcData Get(string shape)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(shape, out var cached)) return cached;
            var p = Array.ConvertAll(shape.Split('x'), int.Parse);
            int t = p[0], n = p[1], c = p[2], s = p[3];
            var d = new CtcData { Classes = c, RowLength = t * c, Samples = n, Labels = s };
            var rng = new Random(42);
            d.X64 = new double[n * t * c];
            for (int i = 0; i < n * t; i++)
            {
                var row = d.X64.AsSpan(i * c, c);
                double max = double.NegativeInfinity, sum = 0;
                for (int k = 0; k < c; k++) { row[k] = 6 * rng.NextDouble() - 3; max = Math.Max(max, row[k]); }
                for (int k = 0; k < c; k++) sum += Math.Exp(row[k] - max);
                for (int k = 0; k < c; k++) row[k] -= max + Math.Log(sum);
            }
            d.X32 = Array.ConvertAll(d.X64, v => (float)v);
            d.G64 = new double[d.X64.Length];
            d.G32 = new float[d.X32.Length];
            d.Targets = new int[n * s];
            for (int i = 0; i < d.Targets.Length; i++) d.Targets[i] = 1 + rng.Next(c - 1);
            d.InputLengths = new int[n];
            Array.Fill(d.InputLengths, t);
            d.TargetLengths = new int[n];
            for (int i = 0; i < n; i++) d.TargetLengths[i] = s / 2 + rng.Next(s - s / 2 + 1);
            Cache[shape] = d;
            return d;
        }
    }

    /// <summary>
    /// The baseline of the `ctc` pairs table: ctc_loss forward + backward (mean, blank 0) as the row-function contract
    /// ran it before issue 15, two runtime calls per sample: <see cref="Ctc.NegativeLogLikelihood{T}"/> (alpha) for
    /// the value, then <see cref="Ctc.Gradient{T}"/> (alpha again, beta, the posterior) for the gradient.
    /// </summary>
    public float TwoCallsF32()
    {
        Array.Clear(G32);
        float total = 0f;
        for (int i = 0; i < Samples; i++)
        {
            var row = new ReadOnlySpan<float>(X32, i * RowLength, RowLength);
            var labels = new ReadOnlySpan<int>(Targets, i * Labels, Labels);
            float per = MathF.Max(TargetLengths[i], 1);
            float nll = Ctc.NegativeLogLikelihood(row, labels, InputLengths[i], TargetLengths[i], 0f, Classes);
            total += nll / per;
            Ctc.Gradient(row, labels, InputLengths[i], TargetLengths[i], 0f, Classes, 1f / (per * Samples), new Span<float>(G32, i * RowLength, RowLength));
        }
        return total / Samples;
    }
}
