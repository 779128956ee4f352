using System;
using System.Collections.Generic;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LossDsl;
using LossDsl.Losses;

namespace LossDsl.Benchmarks;

/// <summary>float32: every loss, its baselines and the ceilings, in one class so that one run compares them.</summary>
public class F32 : LossBenchmarks<float> { }

/// <summary>float64: the same.</summary>
public class F64 : LossBenchmarks<double> { }

/// <summary>
/// Method names are Loss_Variant_Pass: Variant is Generated (the LossDsl kernel), Naive (scalar loop),
/// Tp (composed from TensorPrimitives with preallocated temporaries) or Fused (hand-written Vector512 loop with the
/// BCL's Vector512.Exp/Log); Pass is Fwd (reduction mean, value only) or FB (value and the input gradient, mean).
/// Ceiling_Add is TensorPrimitives.Add(x, y, dst) (two reads, one write: the traffic of FB), Ceiling_Sum is
/// TensorPrimitives.Sum(x). The report (Report.cs) parses these names.
/// </summary>
[MemoryDiagnoser]
public abstract class LossBenchmarks<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public const int RowLength = 1024; // log_cosh is a row loss: rows of 1024 (every N here is a multiple).

    [Params(4_096, 262_144, 16_777_216)]
    public int N;

    private Data<T> d = null!;

    // One thread: the goals compare single-threaded kernels (the parallel path is measured by ParallelScaling).
    [GlobalSetup]
    public void Setup()
    {
        LossParallel.MaxThreads = 1;
        d = Data<T>.Get(N);
    }

    // ---- ceilings ----
    [Benchmark] public void Ceiling_Add() => TensorPrimitives.Add<T>(d.X, d.YReg, d.Grad);
    [Benchmark] public T Ceiling_Sum() => TensorPrimitives.Sum<T>(d.X);

    // ---- generated kernels ----
    [Benchmark] public T Mse_Generated_Fwd() => typeof(T) == typeof(float) ? C(MseLoss.Forward(F(d.X), F(d.YReg))) : C(MseLoss.Forward(D(d.X), D(d.YReg)));
    [Benchmark] public T Mse_Generated_FB() => typeof(T) == typeof(float) ? C(MseLoss.ForwardBackward(F(d.X), F(d.YReg), FW(d.Grad), default)) : C(MseLoss.ForwardBackward(D(d.X), D(d.YReg), DW(d.Grad), default));
    [Benchmark] public T L1_Generated_Fwd() => typeof(T) == typeof(float) ? C(L1Loss.Forward(F(d.X), F(d.YReg))) : C(L1Loss.Forward(D(d.X), D(d.YReg)));
    [Benchmark] public T L1_Generated_FB() => typeof(T) == typeof(float) ? C(L1Loss.ForwardBackward(F(d.X), F(d.YReg), FW(d.Grad), default)) : C(L1Loss.ForwardBackward(D(d.X), D(d.YReg), DW(d.Grad), default));
    [Benchmark] public T Huber_Generated_Fwd() => typeof(T) == typeof(float) ? C(HuberLoss.Forward(F(d.X), F(d.YReg))) : C(HuberLoss.Forward(D(d.X), D(d.YReg)));
    [Benchmark] public T Huber_Generated_FB() => typeof(T) == typeof(float) ? C(HuberLoss.ForwardBackward(F(d.X), F(d.YReg), FW(d.Grad), default)) : C(HuberLoss.ForwardBackward(D(d.X), D(d.YReg), DW(d.Grad), default));
    [Benchmark] public T SmoothL1_Generated_Fwd() => typeof(T) == typeof(float) ? C(SmoothL1Loss.Forward(F(d.X), F(d.YReg))) : C(SmoothL1Loss.Forward(D(d.X), D(d.YReg)));
    [Benchmark] public T SmoothL1_Generated_FB() => typeof(T) == typeof(float) ? C(SmoothL1Loss.ForwardBackward(F(d.X), F(d.YReg), FW(d.Grad), default)) : C(SmoothL1Loss.ForwardBackward(D(d.X), D(d.YReg), DW(d.Grad), default));
    [Benchmark] public T HingeEmb_Generated_Fwd() => typeof(T) == typeof(float) ? C(HingeEmbeddingLoss.Forward(F(d.X), F(d.YSign))) : C(HingeEmbeddingLoss.Forward(D(d.X), D(d.YSign)));
    [Benchmark] public T HingeEmb_Generated_FB() => typeof(T) == typeof(float) ? C(HingeEmbeddingLoss.ForwardBackward(F(d.X), F(d.YSign), FW(d.Grad))) : C(HingeEmbeddingLoss.ForwardBackward(D(d.X), D(d.YSign), DW(d.Grad)));
    [Benchmark] public T Bce_Generated_Fwd() => typeof(T) == typeof(float) ? C(BinaryCrossEntropyWithLogits.Forward(F(d.X), F(d.YProb))) : C(BinaryCrossEntropyWithLogits.Forward(D(d.X), D(d.YProb)));
    [Benchmark] public T Bce_Generated_FB() => typeof(T) == typeof(float) ? C(BinaryCrossEntropyWithLogits.ForwardBackward(F(d.X), F(d.YProb), FW(d.Grad), default)) : C(BinaryCrossEntropyWithLogits.ForwardBackward(D(d.X), D(d.YProb), DW(d.Grad), default));
    [Benchmark] public T Focal_Generated_Fwd() => typeof(T) == typeof(float) ? C(SigmoidFocalLoss.Forward(F(d.X), F(d.YProb))) : C(SigmoidFocalLoss.Forward(D(d.X), D(d.YProb)));
    [Benchmark] public T Focal_Generated_FB() => typeof(T) == typeof(float) ? C(SigmoidFocalLoss.ForwardBackward(F(d.X), F(d.YProb), FW(d.Grad), default)) : C(SigmoidFocalLoss.ForwardBackward(D(d.X), D(d.YProb), DW(d.Grad), default));
    [Benchmark] public T LogCosh_Generated_Fwd() => typeof(T) == typeof(float) ? C(LogCosh.Forward(F(d.X), F(d.YReg), RowLength)) : C(LogCosh.Forward(D(d.X), D(d.YReg), RowLength));
    [Benchmark] public T LogCosh_Generated_FB() => typeof(T) == typeof(float) ? C(LogCosh.ForwardBackward(F(d.X), F(d.YReg), RowLength, FW(d.Grad), default)) : C(LogCosh.ForwardBackward(D(d.X), D(d.YReg), RowLength, DW(d.Grad), default));
    [Benchmark] public T PoissonNll_Generated_Fwd() => typeof(T) == typeof(float) ? C(PoissonNllLoss.Forward(F(d.X), F(d.YCount))) : C(PoissonNllLoss.Forward(D(d.X), D(d.YCount)));
    [Benchmark] public T PoissonNll_Generated_FB() => typeof(T) == typeof(float) ? C(PoissonNllLoss.ForwardBackward(F(d.X), F(d.YCount), FW(d.Grad))) : C(PoissonNllLoss.ForwardBackward(D(d.X), D(d.YCount), DW(d.Grad)));

    // ---- naive scalar loops ----
    [Benchmark] public T Mse_Naive_Fwd() => Naive<T>.MseFwd(d.X, d.YReg);
    [Benchmark] public T Mse_Naive_FB() => Naive<T>.MseFB(d.X, d.YReg, d.Grad);
    [Benchmark] public T L1_Naive_FB() => Naive<T>.L1FB(d.X, d.YReg, d.Grad);
    [Benchmark] public T Huber_Naive_FB() => Naive<T>.HuberFB(d.X, d.YReg, d.Grad);
    [Benchmark] public T SmoothL1_Naive_FB() => Naive<T>.SmoothL1FB(d.X, d.YReg, d.Grad);
    [Benchmark] public T HingeEmb_Naive_FB() => Naive<T>.HingeEmbFB(d.X, d.YSign, d.Grad);
    [Benchmark] public T Bce_Naive_Fwd() => Naive<T>.BceFwd(d.X, d.YProb);
    [Benchmark] public T Bce_Naive_FB() => Naive<T>.BceFB(d.X, d.YProb, d.Grad);
    [Benchmark] public T Focal_Naive_FB() => Naive<T>.FocalFB(d.X, d.YProb, d.Grad);
    [Benchmark] public T LogCosh_Naive_FB() => Naive<T>.LogCoshFB(d.X, d.YReg, d.Grad);
    [Benchmark] public T PoissonNll_Naive_FB() => Naive<T>.PoissonFB(d.X, d.YCount, d.Grad);

    // ---- composed from TensorPrimitives ----
    [Benchmark] public T Mse_Tp_Fwd() => Composed<T>.MseFwd(d.X, d.YReg, d.T1);
    [Benchmark] public T Mse_Tp_FB() => Composed<T>.MseFB(d.X, d.YReg, d.Grad, d.T1);
    [Benchmark] public T L1_Tp_FB() => Composed<T>.L1FB(d.X, d.YReg, d.Grad, d.T1);
    [Benchmark] public T Huber_Tp_FB() => Composed<T>.HuberFB(d.X, d.YReg, d.Grad, d.T1, d.T2, T.One);
    [Benchmark] public T SmoothL1_Tp_FB() => Composed<T>.HuberFB(d.X, d.YReg, d.Grad, d.T1, d.T2, T.One); // beta = 1: the same formulas
    [Benchmark] public T HingeEmb_Tp_FB() => Composed<T>.HingeEmbFB(d.X, d.YSign, d.Grad, d.T1, d.T2, d.I1);
    [Benchmark] public T Bce_Tp_Fwd() => Composed<T>.BceFwd(d.X, d.YProb, d.T1, d.T2);
    [Benchmark] public T Bce_Tp_FB() => Composed<T>.BceFB(d.X, d.YProb, d.Grad, d.T1, d.T2);
    [Benchmark] public T Focal_Tp_FB() => Composed<T>.FocalFB(d.X, d.YProb, d.Grad, d.T1, d.T2, d.T3, d.T4);
    [Benchmark] public T LogCosh_Tp_FB() => Composed<T>.LogCoshFB(d.X, d.YReg, d.Grad, d.T1, d.T2);
    [Benchmark] public T PoissonNll_Tp_FB() => Composed<T>.PoissonFB(d.X, d.YCount, d.Grad, d.T1);

    // ---- hand-fused Vector512 loops with the BCL's Exp/Log ----
    [Benchmark] public T Mse_Fused_Fwd() => Fused<T>.MseFwd(d.X, d.YReg);
    [Benchmark] public T Mse_Fused_FB() => Fused<T>.MseFB(d.X, d.YReg, d.Grad);
    [Benchmark] public T Bce_Fused_Fwd() => Fused<T>.BceFwd(d.X, d.YProb);
    [Benchmark] public T Bce_Fused_FB() => Fused<T>.BceFB(d.X, d.YProb, d.Grad);
    [Benchmark] public T Focal_Fused_FB() => Fused<T>.FocalFB(d.X, d.YProb, d.Grad);
    [Benchmark] public T LogCosh_Fused_FB() => Fused<T>.LogCoshFB(d.X, d.YReg, d.Grad);
    [Benchmark] public T PoissonNll_Fused_FB() => Fused<T>.PoissonFB(d.X, d.YCount, d.Grad);

    private static ReadOnlySpan<float> F(T[] a) => MemoryMarshal.Cast<T, float>(a);
    private static ReadOnlySpan<double> D(T[] a) => MemoryMarshal.Cast<T, double>(a);
    private static Span<float> FW(T[] a) => MemoryMarshal.Cast<T, float>(a.AsSpan());
    private static Span<double> DW(T[] a) => MemoryMarshal.Cast<T, double>(a.AsSpan());
    private static T C(float v) => T.CreateTruncating(v);
    private static T C(double v) => T.CreateTruncating(v);
}

/// <summary>
/// Inputs and buffers, made once per (type, N) and shared by every benchmark of the in-process run (so that the
/// DRAM size is not regenerated ~100 times). X ~ U(-3, 3); YReg ~ U(-3, 3); YProb ~ U(0, 1); YSign = +-1;
/// YCount in 0..5; Grad is the gradient output; T1..T4, I1 are the TensorPrimitives temporaries.
/// </summary>
public sealed class Data<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly Dictionary<int, Data<T>> Cache = new();

    public T[] X = null!, YReg = null!, YProb = null!, YSign = null!, YCount = null!, Grad = null!, T1 = null!, T2 = null!, T3 = null!, T4 = null!;
    public int[] I1 = null!;

    public static Data<T> Get(int n)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(n, out var d)) return d;
            var rng = new Random(42 + n);
            d = new Data<T>
            {
                X = Make(n, rng, r => 6 * r.NextDouble() - 3),
                YReg = Make(n, rng, r => 6 * r.NextDouble() - 3),
                YProb = Make(n, rng, r => r.NextDouble()),
                YSign = Make(n, rng, r => r.Next(2) == 0 ? -1.0 : 1.0),
                YCount = Make(n, rng, r => r.Next(6)),
                Grad = new T[n], T1 = new T[n], T2 = new T[n], T3 = new T[n], T4 = new T[n], I1 = new int[n],
            };
            // touch every page of the outputs and temporaries
            Array.Fill(d.Grad, T.One); Array.Fill(d.T1, T.One); Array.Fill(d.T2, T.One); Array.Fill(d.T3, T.One); Array.Fill(d.T4, T.One); Array.Fill(d.I1, 1);
            Cache[n] = d;
            return d;
        }
    }

    private static T[] Make(int n, Random rng, Func<Random, double> f)
    {
        var a = new T[n];
        for (int i = 0; i < n; i++) a[i] = T.CreateTruncating(f(rng));
        return a;
    }
}
