using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Text.Json;
using LossDsl.Losses;
using LossDsl.Tensors;

namespace LossDsl.Benchmarks;

/// <summary>
/// Interleaved pairs (issue 15): each case times the generated kernel (A) and its baseline (B) alternately, A B then
/// B A, many times in one process, and reports the median of the per-pair ratios A / B with their quartiles. Drift of
/// the machine (the other vCPU busy, frequency) hits both halves of a pair alike, so the ratio is steadier than two
/// separate medians. The baseline is the hand-written loop of the width this process runs (Vector512, 256 or 128, as
/// the DOTNET_EnableAVX512=0 / DOTNET_EnableAVX=0 flags leave it), TensorPrimitives.Add (the memory ceiling of a
/// forward+backward pass: two reads, one write) or, for cross_entropy, PyTorch's recorded one-thread time (benchmarks/results/torch_cross_entropy.json;
/// the pair's ratio is then generated / that constant).
/// Run it with DOTNET_TieredCompilation=0 (fully optimised code from the first call) and pinned to one core:
///   DOTNET_TieredCompilation=0 taskset -c 1 dotnet run -c Release --project benchmarks/LossDsl.Benchmarks -- --pairs
/// options: --pairs-count K (default 41), --short (CI smoke: 3 pairs, small sizes), --only TABLE (fb, fwd, ceiling,
/// stream, layout, small, ctc, ce), --loss NAME (one loss's rows), --json PATH (the results, for
/// --pairs-report), and --pairs-report OUT.md IN1.json IN2.json ... (the tables of docs/performance.md from the runs).
/// </summary>
public static class Pairs
{
    private sealed record Case(string Table, string Loss, int N, string Baseline, Func<double> A, Func<double> B, double RecordedNs = double.NaN);

    /// <summary>One measured case, as written to the JSON file.</summary>
    public sealed record Result(string Table, string Loss, int N, string Baseline, double GenNs, double BaseNs, double Median, double P25, double P75, double Min, double Max, int Count);

    /// <summary>One run: where, when, what.</summary>
    public sealed record Run(string Isa, string Date, string Runtime, bool TieredCompilation, List<Result> Results, string? Machine = null);

    /// <summary>The processor's model name and the ISA extensions that decide the paths (from /proc/cpuinfo on Linux).</summary>
    public static string Machine
    {
        get
        {
            string model = "unknown processor", flags = "";
            int cores = 0; // the machine's, not Environment.ProcessorCount: taskset -c 1 leaves the process one
            try
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("processor", StringComparison.Ordinal)) cores++;
                    else if (line.StartsWith("model name", StringComparison.Ordinal)) model = line[(line.IndexOf(':') + 1)..].Trim();
                    else if (line.StartsWith("flags", StringComparison.Ordinal) && flags.Length == 0) flags = line;
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            bool has(string f) => flags.Split(' ').Contains(f);
            return $"{model}, {(cores > 0 ? cores : Environment.ProcessorCount)} logical cores, " + (has("avx512f") ? "AVX-512F and AVX2" : has("avx2") ? "AVX2, no AVX-512" : "no AVX2");
        }
    }

    public static string Isa => Vector512.IsHardwareAccelerated ? "AVX-512 (Vector512)"
        : Vector256.IsHardwareAccelerated ? "AVX2 (Vector256; DOTNET_EnableAVX512=0)"
        : Vector128.IsHardwareAccelerated ? "SSE4 (Vector128; DOTNET_EnableAVX=0)" : "scalar (DOTNET_EnableHWIntrinsic=0)";

    public static int Execute(string[] args)
    {
        int count = 41;
        bool quick = false;
        string? json = null, only = null, lossFilter = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pairs": break;
                case "--pairs-count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--short": quick = true; break;
                case "--json": json = args[++i]; break;
                case "--only": only = args[++i]; break;
                case "--loss": lossFilter = args[++i]; break;
                case "--pairs-report": return PairsReport.Write(args[i + 1], args.Skip(i + 2).ToArray());
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (quick) count = 3;
        LossParallel.MaxThreads = 1;
        bool tiered = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") != "0";
        if (tiered && !quick) Console.Error.WriteLine("warning: set DOTNET_TieredCompilation=0 for fully optimised code from the first call");
        var results = new List<Result>();
        Console.WriteLine($"# {Isa}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {count} pairs, ratio = generated / baseline (median [p25, p75])");
        foreach (var c in Cases(quick).Where(c => (only is null || c.Table == only) && (lossFilter is null || c.Loss == lossFilter)))
        {
            var r = Measure(c, count, quick);
            results.Add(r);
            Console.WriteLine(FormattableString.Invariant($"{r.Table,-9} {r.Loss,-34} {r.N,10:N0} vs {r.Baseline,-10} gen {r.GenNs / 1e3,10:F2} us  ratio {r.Median:F3} [{r.P25:F3}, {r.P75:F3}]"));
        }
        if (json is not null)
        {
            var run = new Run(Isa, DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC",
                System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, tiered, results, Machine);
            File.WriteAllText(json, JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    private static Result Measure(Case c, int count, bool quick)
    {
        // Warm-up (and, with tiering on, enough calls to reach the optimised tier), then a batch size of about 2 ms.
        var warm = Stopwatch.StartNew();
        int calls = 0;
        bool recorded = !double.IsNaN(c.RecordedNs);
        while ((warm.ElapsedMilliseconds < (quick ? 5 : 200) || calls < 2) && calls < 1000) { c.A(); if (!recorded) c.B(); calls++; }
        double one = Math.Max(Time(c.A, 1), 1);
        int reps = (int)Math.Clamp(2e6 / one, 1, 100_000);
        if (quick) reps = Math.Min(reps, 10);
        var ratios = new double[count];
        var ta = new double[count];
        var tb = new double[count];
        for (int p = 0; p < count; p++)
        {
            if (recorded) { ta[p] = Time(c.A, reps); tb[p] = c.RecordedNs; }
            else if ((p & 1) == 0) { ta[p] = Time(c.A, reps); tb[p] = Time(c.B, reps); }
            else { tb[p] = Time(c.B, reps); ta[p] = Time(c.A, reps); }
            ratios[p] = ta[p] / tb[p];
        }
        Array.Sort(ratios);
        return new Result(c.Table, c.Loss, c.N, c.Baseline, Quantile(ta, 0.5), Quantile(tb, 0.5), Quantile(ratios, 0.5),
            Quantile(ratios, 0.25), Quantile(ratios, 0.75), ratios[0], ratios[^1], count);
    }

    private static double sink;

    // ns per call over a batch.
    private static double Time(Func<double> f, int reps)
    {
        long t0 = Stopwatch.GetTimestamp();
        double s = 0;
        for (int r = 0; r < reps; r++) s += f();
        long t1 = Stopwatch.GetTimestamp();
        sink += s;
        return (t1 - t0) * 1e9 / Stopwatch.Frequency / reps;
    }

    private static double Quantile(double[] values, double q)
    {
        var v = values.OrderBy(x => x).ToArray();
        double pos = q * (v.Length - 1);
        int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
        return v[lo] + (v[hi] - v[lo]) * (pos - lo);
    }

    // The hand-written loop of this process's width.
    private static Func<float[], float[], float[], float> HandFB(string loss) => (loss, Vector512.IsHardwareAccelerated, Vector256.IsHardwareAccelerated) switch
    {
        ("mse", true, _) => Fused<float>.MseFB, ("mse", false, true) => Fused256<float>.MseFB, ("mse", _, _) => Fused128<float>.MseFB,
        ("bce", true, _) => Fused<float>.BceFB, ("bce", false, true) => Fused256<float>.BceFB, ("bce", _, _) => Fused128<float>.BceFB,
        ("focal", true, _) => Fused<float>.FocalFB, ("focal", false, true) => Fused256<float>.FocalFB, ("focal", _, _) => Fused128<float>.FocalFB,
        ("logcosh", true, _) => Fused<float>.LogCoshFB, ("logcosh", false, true) => Fused256<float>.LogCoshFB, ("logcosh", _, _) => Fused128<float>.LogCoshFB,
        ("poisson", true, _) => Fused<float>.PoissonFB, ("poisson", false, true) => Fused256<float>.PoissonFB, ("poisson", _, _) => Fused128<float>.PoissonFB,
        _ => throw new ArgumentException(loss),
    };

    private static Func<float[], float[], float> HandFwd(string loss) => (loss, Vector512.IsHardwareAccelerated, Vector256.IsHardwareAccelerated) switch
    {
        ("mse", true, _) => Fused<float>.MseFwd, ("mse", false, true) => Fused256<float>.MseFwd, ("mse", _, _) => Fused128<float>.MseFwd,
        ("bce", true, _) => Fused<float>.BceFwd, ("bce", false, true) => Fused256<float>.BceFwd, ("bce", _, _) => Fused128<float>.BceFwd,
        _ => throw new ArgumentException(loss),
    };

    private static float HandFBNone(float[] x, float[] y, float[] o, float[] dy, float[] g) => Vector512.IsHardwareAccelerated ? Fused<float>.MseFBNone(x, y, o, dy, g)
        : Vector256.IsHardwareAccelerated ? Fused256<float>.MseFBNone(x, y, o, dy, g) : Fused128<float>.MseFBNone(x, y, o, dy, g);

    private static float HandMseStreamed(float[] x, float[] y, float[] g) => Vector512.IsHardwareAccelerated ? Fused<float>.MseFBStreamed(x, y, g)
        : Vector256.IsHardwareAccelerated ? Fused256<float>.MseFBStreamed(x, y, g) : Fused128<float>.MseFBStreamed(x, y, g);

    /// <summary>
    /// Eight placements of <paramref name="arrays"/> arrays of <paramref name="n"/> floats (an input and a target, then
    /// outputs), allocated one after another on the pinned heap behind a spacer of 0, 8, .., 56 bytes.
    /// </summary>
    private static List<float[][]> Consecutive(int n, int arrays)
    {
        var rng = new Random(7);
        var placements = new List<float[][]>();
        for (int k = 0; k < 8; k++)
        {
            _ = GC.AllocateUninitializedArray<byte>(8 * k, pinned: true);
            var a = new float[arrays][];
            for (int j = 0; j < arrays; j++) a[j] = GC.AllocateUninitializedArray<float>(n, pinned: true);
            for (int i = 0; i < n; i++) { a[0][i] = 6 * rng.NextSingle() - 3; a[1][i] = 6 * rng.NextSingle() - 3; }
            for (int j = 2; j < arrays; j++) Array.Fill(a[j], 1f);
            placements.Add(a);
        }
        return placements;
    }

    private static string HandName => Vector512.IsHardwareAccelerated ? "hand V512" : Vector256.IsHardwareAccelerated ? "hand V256" : "hand V128";

    private static IEnumerable<Case> Cases(bool quick)
    {
        int[] sizes = quick ? new[] { 4_096 } : new[] { 4_096, 262_144, 16_777_216 };
        foreach (int n in sizes)
        {
            var d = Data<float>.Get(n);
            // the baseline writes the same output array: two arrays of other alignment would time their alignment, not the kernels
            float[] x = d.X, yr = d.YReg, yp = d.YProb, ys = d.YSign, yc = d.YCount, g = d.Grad, g2 = g;
            const int rl = LossBenchmarks<float>.RowLength;
            // forward + backward, mean, gradient of the input: against the hand-written loop of this width
            yield return new("fb", "mse_loss", n, HandName, () => MseLoss.ForwardBackward(x, yr, g, default), () => HandFB("mse")(x, yr, g2));
            yield return new("fb", "binary_cross_entropy_with_logits", n, HandName, () => BinaryCrossEntropyWithLogits.ForwardBackward(x, yp, g, default), () => HandFB("bce")(x, yp, g2));
            yield return new("fb", "sigmoid_focal_loss", n, HandName, () => SigmoidFocalLoss.ForwardBackward(x, yp, g, default), () => HandFB("focal")(x, yp, g2));
            yield return new("fb", "log_cosh", n, HandName, () => LogCosh.ForwardBackward(x, yr, rl, g, default), () => HandFB("logcosh")(x, yr, g2));
            yield return new("fb", "poisson_nll_loss", n, HandName, () => PoissonNllLoss.ForwardBackward(x, yc, g), () => HandFB("poisson")(x, yc, g2));
            // forward only, mean
            yield return new("fwd", "mse_loss", n, HandName, () => MseLoss.Forward(x, yr), () => HandFwd("mse")(x, yr));
            yield return new("fwd", "binary_cross_entropy_with_logits", n, HandName, () => BinaryCrossEntropyWithLogits.Forward(x, yp), () => HandFwd("bce")(x, yp));
            // the same kernel with its gradient streamed past the caches and not, at every size: where the default
            // threshold (ElementLoops.NonTemporalBytes, 16 MiB per output) should be
            yield return new("stream", "mse_loss", n, "not streamed", () => Streamed(1, () => MseLoss.ForwardBackward(x, yr, g, default)),
                () => Streamed(int.MaxValue, () => MseLoss.ForwardBackward(x, yr, g, default)));
            // the tensor API on dense tensors (DenseTensors: the span kernel on their memory, new output tensors) against
            // the span method writing preallocated arrays: what the tensor API costs on top of the kernel
            var tx = Tensor.Create(x, [n]);
            var ty = Tensor.Create(yr, [n]);
            float[] gt = d.T1; // a scratch array, as long as the input
            yield return new("tensor", "mse_loss", n, "span", () => MseLoss.Tensors.ForwardBackward(tx, ty, out _, out _)[0], () => MseLoss.ForwardBackward(x, yr, g2, gt));
            // the general path (TensorLoss: copies, broadcasting), which other calls take
            var general = new LossArguments { Float32 = true, Inputs = { ["input"] = LossTensor.From<float>(tx), ["target"] = LossTensor.From<float>(ty) }, Gradients = { "input", "target" } };
            yield return new("tensor", "mse_loss via Evaluate", n, "span", () => MseLoss.Tensors.Evaluate(general).Loss.Data[0], () => MseLoss.ForwardBackward(x, yr, g2, gt));
            // the memory-bound family against the ceiling of its traffic
            Func<double> add = () => { TensorPrimitives.Add<float>(x, yr, g2); return 0; };
            yield return new("ceiling", "mse_loss", n, "TP.Add", () => MseLoss.ForwardBackward(x, yr, g, default), add);
            yield return new("ceiling", "l1_loss", n, "TP.Add", () => L1Loss.ForwardBackward(x, yr, g, default), add);
            yield return new("ceiling", "huber_loss", n, "TP.Add", () => HuberLoss.ForwardBackward(x, yr, g, default), add);
            yield return new("ceiling", "smooth_l1_loss", n, "TP.Add", () => SmoothL1Loss.ForwardBackward(x, yr, g, default), add);
            yield return new("ceiling", "hinge_embedding_loss", n, "TP.Add", () => HingeEmbeddingLoss.ForwardBackward(x, ys, g), add);
            // the floor of the loss's own arithmetic: the hand-written mse loop of this width, streamed as TP.Add streams
            if (n == 16_777_216) yield return new("ceiling", "mse_loss (hand-written, streamed)", n, "TP.Add", () => HandMseStreamed(x, yr, g2), add);
        }
        // three arrays allocated one after another, as a caller allocates input, target and gradient: with a power-of-two
        // length each lies 4 KB and a few bytes past the one before, where a gradient store ahead of the next loads stalls
        // them (4K aliasing). Each call runs all eight placements of the three arrays (8-byte steps of their alignment).
        foreach (int n in quick ? new[] { 4_096 } : new[] { 4_096, 65_536 })
        {
            var placements = Consecutive(n, 3);
            yield return new("layout", "mse_loss", n, HandName,
                () => { double s = 0; foreach (var a in placements) s += MseLoss.ForwardBackward(a[0], a[1], a[2], default); return s; },
                () => { double s = 0; foreach (var a in placements) s += HandFB("mse")(a[0], a[1], a[2]); return s; });
            // reduction 'none': five arrays, input, target, output, upstream gradient and gradient (ElementLoops.Map)
            var five = Consecutive(n, 5);
            yield return new("layout", "mse_loss, none", n, HandName,
                () => { double s = 0; foreach (var a in five) { MseLoss.ForwardBackward(a[0], a[1], a[2], a[3], a[4], default); s += a[2][0]; } return s; },
                () => { double s = 0; foreach (var a in five) s += HandFBNone(a[0], a[1], a[2], a[3], a[4]); return s; });
        }
        // the fixed cost per call: small N, where argument checks and dispatch weigh
        foreach (int n in quick ? new[] { 16 } : new[] { 16, 64, 256, 1_024, 4_096 })
        {
            var d = Data<float>.Get(n);
            float[] x = d.X, yr = d.YReg, yp = d.YProb, g = d.Grad, g2 = g;
            yield return new("small", "mse_loss", n, HandName, () => MseLoss.ForwardBackward(x, yr, g, default), () => HandFB("mse")(x, yr, g2));
            yield return new("small", "mse_loss, forward", n, HandName, () => MseLoss.Forward(x, yr), () => HandFwd("mse")(x, yr));
            yield return new("small", "binary_cross_entropy_with_logits", n, HandName, () => BinaryCrossEntropyWithLogits.ForwardBackward(x, yp, g, default), () => HandFB("bce")(x, yp, g2));
        }
        // ctc_loss: the generated forward + backward against the two runtime calls per sample it made before issue 15
        foreach (string shape in quick ? new[] { "50x16x20x10" } : new[] { "50x16x20x10", "200x32x40x40" })
        {
            var d = CtcData.Get(shape);
            yield return new("ctc", "ctc_loss " + shape, d.Samples, "two calls",
                () => CtcLoss.ForwardBackward(d.X32, d.Targets, d.InputLengths, d.TargetLengths, d.RowLength, d.G32, classes: d.Classes), () => d.TwoCallsF32());
        }
        // cross_entropy: the generated kernel against PyTorch's recorded one-thread time (scripts/bench_torch.py)
        foreach (int c in quick ? new[] { 1_000 } : new[] { 1_000, 32_000 })
        {
            double torch = TorchCe(c);
            if (double.IsNaN(torch) && !quick) continue;
            var d = CeData.Get(4_096, c);
            yield return new("ce", "cross_entropy", c, "torch 1t", () => CrossEntropy.ForwardBackward(d.X, d.Target, c, d.Grad), () => 0, double.IsNaN(torch) ? 1e9 : torch);
        }
    }

    private static double Streamed(int threshold, Func<float> call)
    {
        int saved = ElementLoops.NonTemporalBytes;
        ElementLoops.NonTemporalBytes = threshold;
        try { return call(); }
        finally { ElementLoops.NonTemporalBytes = saved; }
    }

    private static double TorchCe(int c)
    {
        const string path = "benchmarks/results/torch_cross_entropy.json";
        if (!File.Exists(path)) return double.NaN;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
            if (r.GetProperty("c").GetInt32() == c && r.GetProperty("threads").GetInt32() == 1 && r.GetProperty("n").GetInt32() == 4_096)
                return r.GetProperty("median_ns").GetDouble();
        return double.NaN;
    }
}
