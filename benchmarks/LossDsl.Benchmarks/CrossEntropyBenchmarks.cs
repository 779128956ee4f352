using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using LossDsl.Losses;

namespace LossDsl.Benchmarks;

/// <summary>
/// cross_entropy (torch.nn.functional.cross_entropy with class indices), float32, N rows of C logits, reduction mean,
/// no weight, no label smoothing, no ignored row. Method names are Ce_Variant_Pass as in <see cref="LossBenchmarks{T}"/>:
/// Generated (CrossEntropy.Forward / ForwardBackward), Tp (per row: TensorPrimitives Max, Subtract, Exp, Sum, then
/// log and the gradient softmax - onehot scaled by 1/N with TensorPrimitives.Multiply; one preallocated row temporary),
/// Naive (scalar loops: max, exp and sum, scale) and Fused (a hand-written Vector512 loop with the BCL's Vector512.Exp;
/// three passes per row, the row stays in cache). FB = loss and gradient w.r.t. the logits; Fwd = loss only.
/// Run alone: --filter '*CrossEntropyRows*' (the report reads Type CrossEntropyRows and the parameters N and C).
/// </summary>
[MemoryDiagnoser]
public class CrossEntropyRows
{
    [Params(4_096)]
    public int N;

    [Params(1_000, 32_000)]
    public int C;

    private CeData d = null!;

    [GlobalSetup]
    public void Setup()
    {
        LossParallel.MaxThreads = 1; // one thread, like PyTorch's column it is compared with
        d = CeData.Get(N, C);
    }

    // ---- generated ----
    [Benchmark] public float Ce_Generated_FB() => CrossEntropy.ForwardBackward(d.X, d.Target, C, d.Grad);
    [Benchmark] public float Ce_Generated_Fwd() => CrossEntropy.Forward(d.X, d.Target, C);

    // ---- baselines ----
    [Benchmark] public float Ce_Tp_FB() => CeBaselines.TpFB(d.X, d.Target, C, d.Grad, d.Row);
    [Benchmark] public float Ce_Tp_Fwd() => CeBaselines.TpFwd(d.X, d.Target, C, d.Row);
    [Benchmark] public float Ce_Naive_FB() => CeBaselines.NaiveFB(d.X, d.Target, C, d.Grad);
    [Benchmark] public float Ce_Fused_FB() => CeBaselines.FusedFB(d.X, d.Target, C, d.Grad);
    [Benchmark] public float Ce_Fused_Fwd() => CeBaselines.FusedFwd(d.X, d.Target, C);
}

/// <summary>Logits x ~ U(-3, 3), N x C row-major; targets uniform in 0 .. C-1; Grad (N x C) and Row (C) touched once.</summary>
public sealed class CeData
{
    private static readonly Dictionary<(int, int), CeData> Cache = new();

    public float[] X = null!, Grad = null!, Row = null!;
    public int[] Target = null!;

    public static CeData Get(int n, int c)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue((n, c), out var d)) return d;
            var rng = new Random(1234 + n + c);
            var x = new float[(long)n * c];
            for (long i = 0; i < x.LongLength; i++) x[i] = (float)(6 * rng.NextDouble() - 3);
            var t = new int[n];
            for (int i = 0; i < n; i++) t[i] = rng.Next(c);
            d = new CeData { X = x, Target = t, Grad = new float[(long)n * c], Row = new float[c] };
            Array.Fill(d.Grad, 1f); Array.Fill(d.Row, 1f);
            Cache[(n, c)] = d;
            return d;
        }
    }
}

public static class CeBaselines
{
    /// <summary>Per row: m = Max, t = Exp(x - m), s = Sum(t), loss += m + log s - x[target]; grad = t / (s N), grad[target] -= 1/N.</summary>
    public static float TpFB(float[] x, int[] target, int c, float[] grad, float[] row)
    {
        int n = target.Length;
        float invN = 1f / n, total = 0f;
        for (int r = 0; r < n; r++)
        {
            var xr = new ReadOnlySpan<float>(x, r * c, c);
            var gr = new Span<float>(grad, r * c, c);
            float m = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, m, row);
            TensorPrimitives.Exp(row, row);
            float s = TensorPrimitives.Sum(row);
            total += m + MathF.Log(s) - xr[target[r]];
            TensorPrimitives.Multiply(row, invN / s, gr);
            gr[target[r]] -= invN;
        }
        return total * invN;
    }

    public static float TpFwd(float[] x, int[] target, int c, float[] row)
    {
        int n = target.Length;
        float total = 0f;
        for (int r = 0; r < n; r++)
        {
            var xr = new ReadOnlySpan<float>(x, r * c, c);
            float m = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, m, row);
            TensorPrimitives.Exp(row, row);
            total += m + MathF.Log(TensorPrimitives.Sum(row)) - xr[target[r]];
        }
        return total / n;
    }

    /// <summary>Scalar: per row a max loop, an exp-and-sum loop that stores exp in the gradient, and a scaling loop.</summary>
    public static float NaiveFB(float[] x, int[] target, int c, float[] grad)
    {
        int n = target.Length;
        float invN = 1f / n, total = 0f;
        for (int r = 0; r < n; r++)
        {
            int o = r * c;
            float m = float.NegativeInfinity;
            for (int j = 0; j < c; j++) m = MathF.Max(m, x[o + j]);
            float s = 0f;
            for (int j = 0; j < c; j++) { float e = MathF.Exp(x[o + j] - m); grad[o + j] = e; s += e; }
            total += m + MathF.Log(s) - x[o + target[r]];
            float k = invN / s;
            for (int j = 0; j < c; j++) grad[o + j] *= k;
            grad[o + target[r]] -= invN;
        }
        return total * invN;
    }

    /// <summary>Vector512: per row a max pass (4 accumulators), an exp pass that stores exp(x - m) in the gradient and sums it, and a scaling pass.</summary>
    public static float FusedFB(float[] xa, int[] target, int c, float[] ga)
    {
        int n = target.Length, w = Vector512<float>.Count;
        float invN = 1f / n, total = 0f;
        ref float x0 = ref MemoryMarshal.GetArrayDataReference(xa);
        ref float g0 = ref MemoryMarshal.GetArrayDataReference(ga);
        for (int r = 0; r < n; r++)
        {
            ref float x = ref Unsafe.Add(ref x0, (nint)r * c);
            ref float g = ref Unsafe.Add(ref g0, (nint)r * c);
            float m = RowMax(ref x, c);
            var mv = Vector512.Create(m);
            var s0 = Vector512<float>.Zero; var s1 = s0;
            int j = 0;
            for (; j <= c - 2 * w; j += 2 * w)
            {
                var e0 = Vector512.Exp(Vector512.LoadUnsafe(ref x, (nuint)j) - mv);
                var e1 = Vector512.Exp(Vector512.LoadUnsafe(ref x, (nuint)(j + w)) - mv);
                e0.StoreUnsafe(ref g, (nuint)j); e1.StoreUnsafe(ref g, (nuint)(j + w));
                s0 += e0; s1 += e1;
            }
            for (; j <= c - w; j += w)
            {
                var e0 = Vector512.Exp(Vector512.LoadUnsafe(ref x, (nuint)j) - mv);
                e0.StoreUnsafe(ref g, (nuint)j); s0 += e0;
            }
            float s = Vector512.Sum(s0 + s1);
            for (; j < c; j++) { float e = MathF.Exp(Unsafe.Add(ref x, j) - m); Unsafe.Add(ref g, j) = e; s += e; }
            total += m + MathF.Log(s) - Unsafe.Add(ref x, target[r]);
            float k = invN / s;
            var kv = Vector512.Create(k);
            j = 0;
            for (; j <= c - w; j += w) (Vector512.LoadUnsafe(ref g, (nuint)j) * kv).StoreUnsafe(ref g, (nuint)j);
            for (; j < c; j++) Unsafe.Add(ref g, j) *= k;
            Unsafe.Add(ref g, target[r]) -= invN;
        }
        return total * invN;
    }

    public static float FusedFwd(float[] xa, int[] target, int c)
    {
        int n = target.Length, w = Vector512<float>.Count;
        float total = 0f;
        ref float x0 = ref MemoryMarshal.GetArrayDataReference(xa);
        for (int r = 0; r < n; r++)
        {
            ref float x = ref Unsafe.Add(ref x0, (nint)r * c);
            float m = RowMax(ref x, c);
            var mv = Vector512.Create(m);
            var s0 = Vector512<float>.Zero; var s1 = s0;
            int j = 0;
            for (; j <= c - 2 * w; j += 2 * w)
            {
                s0 += Vector512.Exp(Vector512.LoadUnsafe(ref x, (nuint)j) - mv);
                s1 += Vector512.Exp(Vector512.LoadUnsafe(ref x, (nuint)(j + w)) - mv);
            }
            for (; j <= c - w; j += w) s0 += Vector512.Exp(Vector512.LoadUnsafe(ref x, (nuint)j) - mv);
            float s = Vector512.Sum(s0 + s1);
            for (; j < c; j++) s += MathF.Exp(Unsafe.Add(ref x, j) - m);
            total += m + MathF.Log(s) - Unsafe.Add(ref x, target[r]);
        }
        return total / n;
    }

    private static float RowMax(ref float x, int c)
    {
        int w = Vector512<float>.Count, j = 0;
        var m0 = Vector512.Create(float.NegativeInfinity); var m1 = m0; var m2 = m0; var m3 = m0;
        for (; j <= c - 4 * w; j += 4 * w)
        {
            m0 = Vector512.Max(m0, Vector512.LoadUnsafe(ref x, (nuint)j));
            m1 = Vector512.Max(m1, Vector512.LoadUnsafe(ref x, (nuint)(j + w)));
            m2 = Vector512.Max(m2, Vector512.LoadUnsafe(ref x, (nuint)(j + 2 * w)));
            m3 = Vector512.Max(m3, Vector512.LoadUnsafe(ref x, (nuint)(j + 3 * w)));
        }
        for (; j <= c - w; j += w) m0 = Vector512.Max(m0, Vector512.LoadUnsafe(ref x, (nuint)j));
        var mv = Vector512.Max(Vector512.Max(m0, m1), Vector512.Max(m2, m3));
        float m = float.NegativeInfinity;
        for (int l = 0; l < w; l++) m = MathF.Max(m, mv[l]);
        for (; j < c; j++) m = MathF.Max(m, Unsafe.Add(ref x, j));
        return m;
    }
}
