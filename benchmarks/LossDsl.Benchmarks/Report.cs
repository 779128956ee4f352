using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Jobs;

namespace LossDsl.Benchmarks;

/// <summary>
/// Post-processing: reads BenchmarkDotNet's full JSON (and the PyTorch JSON of scripts/bench_torch.py) and writes
/// docs/performance.md: ns per element, GB/s against the bytes the loss must move, ratios of medians, the goals.
/// </summary>
public static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (string Key, string Name, bool MemoryBound, int Inputs)[] Losses =
    {
        ("Mse", "mse_loss", true, 2), ("L1", "l1_loss", true, 2), ("Huber", "huber_loss", true, 2),
        ("SmoothL1", "smooth_l1_loss", true, 2), ("HingeEmb", "hinge_embedding_loss", true, 2),
        ("Bce", "binary_cross_entropy_with_logits", false, 2), ("Focal", "sigmoid_focal_loss", false, 2),
        ("LogCosh", "log_cosh", false, 2), ("PoissonNll", "poisson_nll_loss", false, 2),
    };

    private sealed record Row(string Type, string Loss, string Variant, string Pass, int N, double MedianNs, double? Allocated, int C = 0)
    {
        /// <summary>ParallelScaling: LossParallel.MaxThreads.</summary>
        public int Threads { get; init; }
        /// <summary>CtcSequences: T x N x C x S.</summary>
        public string Shape { get; init; } = "";
    }

    /// <summary>The class of the cross_entropy benchmarks (parameters N and C): reported in its own section.</summary>
    private const string CeType = nameof(CrossEntropyRows);
    private const string CeHeading = "## float32 cross_entropy";
    private const string CeGoalPrefix = "3. **cross_entropy";

    private static List<Row> Read(IReadOnlyList<string> jsonFiles, List<JsonDocument> docs, SortedSet<string> jobInfos, ref JsonElement? host)
    {
        var rows = new List<Row>();
        foreach (var file in jsonFiles)
        {
            var doc = JsonDocument.Parse(File.ReadAllText(file));
            docs.Add(doc);
            var root = doc.RootElement;
            if (root.TryGetProperty("HostEnvironmentInfo", out var h)) host ??= h;
            foreach (var b in root.GetProperty("Benchmarks").EnumerateArray())
            {
                if (b.TryGetProperty("DisplayInfo", out var di)) jobInfos.Add(di.GetString()!.Split(": ", 2).Last().Split(" [")[0]);
                if (!b.TryGetProperty("Statistics", out var st) || st.ValueKind != JsonValueKind.Object) continue;
                string type = b.GetProperty("Type").GetString()!;
                string method = b.GetProperty("Method").GetString()!;
                var texts = b.GetProperty("Parameters").GetString()!.Split('&', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
                var pars = texts.Where(p => int.TryParse(p.Value, NumberStyles.Integer, Inv, out _)).ToDictionary(p => p.Key, p => int.Parse(p.Value, Inv));
                int n = pars.GetValueOrDefault("N"), c = pars.GetValueOrDefault("C");
                var extra = (Threads: pars.GetValueOrDefault("Threads"), Shape: texts.GetValueOrDefault("Shape") ?? "");
                double median = st.GetProperty("Median").GetDouble();
                double? alloc = b.TryGetProperty("Memory", out var m) && m.TryGetProperty("BytesAllocatedPerOperation", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null;
                var parts = method.Split('_');
                rows.Add((parts[0] == "Ceiling"
                    ? new Row(type, "Ceiling", parts[1], "", n, median, alloc, c)
                    : new Row(type, parts[0], parts[1], parts[2], n, median, alloc, c)) with { Threads = extra.Threads, Shape = extra.Shape });
            }
        }
        return rows;
    }

    private static Dictionary<(int N, int C, int Threads), double> ReadTorchCe(string? torchCeJson, List<JsonDocument> docs, out JsonElement? meta)
    {
        var torch = new Dictionary<(int, int, int), double>();
        meta = null;
        if (torchCeJson is null || !File.Exists(torchCeJson)) return torch;
        var doc = JsonDocument.Parse(File.ReadAllText(torchCeJson));
        docs.Add(doc);
        meta = doc.RootElement.GetProperty("meta");
        foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
            if (r.GetProperty("loss").GetString() == "Ce" && r.GetProperty("dtype").GetString() == "float32")
                torch[(r.GetProperty("n").GetInt32(), r.GetProperty("c").GetInt32(), r.GetProperty("threads").GetInt32())] = r.GetProperty("median_ns").GetDouble();
        return torch;
    }

    /// <summary>
    /// Rewrites only the cross_entropy section (and goal 3) of an existing report, leaving every other line as it is:
    /// for a run of CrossEntropyRows alone while other sections are edited or were produced by other runs.
    /// </summary>
    public static void WriteCrossEntropySection(IReadOnlyList<string> jsonFiles, string? torchCeJson, string output, string command, IReadOnlyList<string>? runs = null)
    {
        var docs = new List<JsonDocument>();
        JsonElement? host = null;
        var rows = Read(jsonFiles, docs, new SortedSet<string>(), ref host).Where(r => r.Type == CeType).ToList();
        var torchCe = ReadTorchCe(torchCeJson, docs, out var ceMeta);
        var section = CrossEntropySection(rows, torchCe, ceMeta, jsonFiles, runs is { Count: > 0 } ? runs : new[] { command });
        string goal = CrossEntropyGoal(rows, torchCe);
        var lines = File.Exists(output) ? File.ReadAllLines(output).ToList() : new List<string> { "# Performance", "" };
        int start = lines.FindIndex(l => l.StartsWith(CeHeading, StringComparison.Ordinal));
        if (start >= 0)
        {
            int end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
            lines.RemoveRange(start, (end < 0 ? lines.Count : end) - start);
        }
        else
        {
            start = lines.FindIndex(l => l.StartsWith("## Medians", StringComparison.Ordinal));
            if (start < 0) start = lines.FindIndex(l => l.StartsWith("## The goals", StringComparison.Ordinal));
            if (start < 0) start = lines.Count;
        }
        lines.InsertRange(start, section.TrimEnd('\n').Split('\n').Append(""));
        int g = lines.FindIndex(l => l.StartsWith(CeGoalPrefix, StringComparison.Ordinal));
        if (g >= 0) lines[g] = goal;
        File.WriteAllText(output, string.Join("\n", lines) + "\n");
        Console.WriteLine($"// cross_entropy section written to {output}");
        foreach (var d in docs) d.Dispose();
    }

    private static string CrossEntropySection(List<Row> rows, Dictionary<(int N, int C, int Threads), double> torch, JsonElement? torchMeta, IReadOnlyList<string> jsonFiles, IReadOnlyList<string> runs)
    {
        double? Get(string variant, string pass, int n, int c) => rows.FirstOrDefault(r => r.Variant == variant && r.Pass == pass && r.N == n && r.C == c)?.MedianNs;
        double? Alloc(string variant, string pass, int n, int c) => rows.FirstOrDefault(r => r.Variant == variant && r.Pass == pass && r.N == n && r.C == c)?.Allocated;
        double? Torch(int n, int c, int threads) => torch.TryGetValue((n, c, threads), out var v) ? v : null;
        var shapes = rows.Select(r => (r.N, r.C)).Distinct().OrderBy(s => s.C).ThenBy(s => s.N).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine($"{CeHeading}: forward + backward and forward only (N rows of C logits, class indices, reduction mean, gradient w.r.t. the logits)");
        sb.AppendLine();
        sb.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC (BenchmarkDotNet report: {string.Join(", ", jsonFiles.Select(Path.GetFileName))}; a separate run from the tables above)");
        foreach (var run in runs) sb.AppendLine($"- benchmark run: `{run}`");
        if (torchMeta is { } tm) sb.AppendLine($"- PyTorch: `{tm.GetProperty("command").GetString()}` (torch {tm.GetProperty("torch").GetString()}, {tm.GetProperty("date").GetString()}; `torch.nn.functional.cross_entropy(x, t)` then `.backward()`, `x.grad` reset each call, median of the repetitions)");
        sb.AppendLine("- inputs: logits x ~ U(-3, 3), row-major N x C float32; targets uniform in 0 .. C-1 (int32 for .NET, int64 for PyTorch); no class weight, no label smoothing, no ignored row");
        sb.AppendLine("- variants: **gen** = `CrossEntropy.ForwardBackward(x, target, C, grad)` / `CrossEntropy.Forward(x, target, C)`; **TP** = per row `TensorPrimitives.Max`, `Subtract`, `Exp`, `Sum`, `MathF.Log`, then the gradient (softmax - onehot) / N as `TensorPrimitives.Multiply` of the exp row by 1/(s N) and `-1/N` at the target, one preallocated row temporary; **naive** = scalar loops per row (max; exp stored in the gradient and summed; scale); **fused** = the same three passes per row by hand with `Vector512` and the BCL's `Vector512.Exp` (the row stays in cache between passes)");
        sb.AppendLine("- columns: **ms** = median per call of the generated kernel; **ns/logit** = that over N C; **GB/s** against the bytes that must move (forward: N C reads + N targets; forward+backward: also N C gradient writes); the ratios are speedups, that baseline's median over the generated kernel's (> 1 = the generated kernel is faster)");
        sb.AppendLine();
        sb.AppendLine("| pass | C | N | gen ms | ns/logit | GB/s | TP | naive | fused | torch 1t | torch 2t | alloc |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var pass in new[] { "FB", "Fwd" })
            foreach (var (n, c) in shapes)
                if (Get("Generated", pass, n, c) is { } gen)
                {
                    long bytes = (pass == "FB" ? 8L : 4L) * n * c + 4L * n;
                    string t1 = pass == "FB" ? Sp(Torch(n, c, 1), gen) : "", t2 = pass == "FB" ? Sp(Torch(n, c, 2), gen) : "";
                    sb.AppendLine($"| {(pass == "FB" ? "forward+backward" : "forward")} | {c:N0} | {n:N0} | {(gen / 1e6).ToString("F3", Inv)} | {(gen / ((double)n * c)).ToString("F3", Inv)} | {GBs(bytes, gen)} | {Sp(Get("Tp", pass, n, c), gen)} | {Sp(Get("Naive", pass, n, c), gen)} | {Sp(Get("Fused", pass, n, c), gen)} | {t1} | {t2} | {B(Alloc("Generated", pass, n, c))} |");
                }
        sb.AppendLine();
        sb.AppendLine("Medians (ms per call):");
        sb.AppendLine();
        sb.AppendLine("| benchmark | " + string.Join(" | ", shapes.Select(s => $"N = {s.N:N0}, C = {s.C:N0}")) + " |");
        sb.AppendLine("| --- | " + string.Join(" | ", shapes.Select(_ => "---:")) + " |");
        foreach (var g in rows.GroupBy(r => (r.Pass, r.Variant)).OrderBy(g => g.Key.Pass).ThenBy(g => g.Key.Variant))
            sb.AppendLine($"| Ce_{g.Key.Variant}_{g.Key.Pass} | " + string.Join(" | ", shapes.Select(s => g.FirstOrDefault(r => r.N == s.N && r.C == s.C) is { } r ? (r.MedianNs / 1e6).ToString("F3", Inv) : "")) + " |");
        foreach (var th in new[] { 1, 2 })
            if (torch.Keys.Any(k => k.Threads == th))
                sb.AppendLine($"| torch {th} thread(s) cross_entropy FB | " + string.Join(" | ", shapes.Select(s => Torch(s.N, s.C, th) is { } v ? (v / 1e6).ToString("F3", Inv) : "")) + " |");
        return sb.ToString();
    }

    private static string CrossEntropyGoal(List<Row> rows, Dictionary<(int N, int C, int Threads), double> torch)
    {
        var gen = rows.FirstOrDefault(r => r.Variant == "Generated" && r.Pass == "FB" && r.N == 4096 && r.C == 1000)?.MedianNs;
        double? t = torch.TryGetValue((4096, 1000, 1), out var v) ? v : null;
        if (gen is not { } g || t is not { } tt)
            return CeGoalPrefix + " forward+backward (N = 4096, C = 1000) >= 3x faster than PyTorch: not measured** (" + (gen is null ? "no CrossEntropyRows run" : "no PyTorch cross_entropy JSON") + ").";
        double r = tt / g;
        var tp = rows.FirstOrDefault(x => x.Variant == "Tp" && x.Pass == "FB" && x.N == 4096 && x.C == 1000)?.MedianNs;
        return $"{CeGoalPrefix} forward+backward (N = 4096, C = 1000) >= 3x faster than PyTorch 1.13 (one thread): {(r >= 3 ? "met" : "not met")}.** {r:F2}x (PyTorch {(tt / 1e6).ToString("F3", Inv)} ms, generated {(g / 1e6).ToString("F3", Inv)} ms per call" + (tp is { } p ? $"; the TensorPrimitives composition {(p / 1e6).ToString("F3", Inv)} ms, {p / g:F2}x" : "") + "; section \"float32 cross_entropy\").";
    }

    public static void Write(IReadOnlyList<string> jsonFiles, string? torchJson, string output, string command, Job? job, IReadOnlyList<string>? runs = null, string? torchCeJson = null, string? torchCtcJson = null)
    {
        JsonElement? host = null;
        var docs = new List<JsonDocument>();
        var jobInfos = new SortedSet<string>();
        var allRows = Read(jsonFiles, docs, jobInfos, ref host);
        var ceRows = allRows.Where(r => r.Type == CeType).ToList();
        var rows = allRows.Where(r => r.Type is "F32" or "F64").ToList();
        var ctcRows = allRows.Where(r => r.Type == nameof(CtcSequences)).ToList();
        var parallelRows = allRows.Where(r => r.Type == nameof(ParallelScaling)).ToList();
        var torchCe = ReadTorchCe(torchCeJson, docs, out var ceMeta);

        var torch = new Dictionary<(string Dtype, string Loss, int N, int Threads), double>();
        JsonElement? torchMeta = null;
        if (torchJson is not null && File.Exists(torchJson))
        {
            var doc = JsonDocument.Parse(File.ReadAllText(torchJson));
            docs.Add(doc);
            torchMeta = doc.RootElement.GetProperty("meta");
            foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
                torch[(r.GetProperty("dtype").GetString()!, r.GetProperty("loss").GetString()!, r.GetProperty("n").GetInt32(), r.GetProperty("threads").GetInt32())] = r.GetProperty("median_ns").GetDouble();
        }

        double? Get(string type, string loss, string variant, string pass, int n)
            => rows.FirstOrDefault(r => r.Type == type && r.Loss == loss && r.Variant == variant && r.Pass == pass && r.N == n)?.MedianNs;
        double? Alloc(string type, string loss, string variant, string pass, int n)
            => rows.FirstOrDefault(r => r.Type == type && r.Loss == loss && r.Variant == variant && r.Pass == pass && r.N == n)?.Allocated;
        double? Torch(string type, string loss, int n, int threads)
            => torch.TryGetValue((type == "F32" ? "float32" : "float64", loss, n, threads), out var v) ? v : null;

        var sizes = rows.Select(r => r.N).Distinct().OrderBy(n => n).ToArray();
        var types = rows.Select(r => r.Type).Distinct().OrderBy(t => t).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine("# Performance");
        sb.AppendLine();
        sb.AppendLine("Generated by the benchmark suite (`benchmarks/LossDsl.Benchmarks`, BenchmarkDotNet) and `scripts/bench_torch.py`; the sections up to the goals are generated (re-run instead of editing them); notes after them are written by hand.");
        sb.AppendLine();
        sb.AppendLine("## Run");
        sb.AppendLine();
        sb.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC (BenchmarkDotNet reports: {string.Join(", ", jsonFiles.Select(Path.GetFileName))})");
        foreach (var run in runs ?? Array.Empty<string>()) sb.AppendLine($"- benchmark run: `{run}`");
        sb.AppendLine($"- {(runs is { Count: > 0 } ? "report" : "command")}: `{command}`");
        if (torchMeta is { } tm) sb.AppendLine($"- PyTorch: `{tm.GetProperty("command").GetString()}` (torch {tm.GetProperty("torch").GetString()}, {tm.GetProperty("date").GetString()})");
        if (host is { } he)
        {
            string S(string p) => he.TryGetProperty(p, out var v) ? v.ToString() : "?";
            sb.AppendLine($"- machine: {S("ProcessorName")}, {S("PhysicalCoreCount")} cores / {S("LogicalCoreCount")} threads, {Caches()}; {S("OsVersion")}");
            sb.AppendLine($"- runtime: {S("RuntimeVersion")}, {S("Architecture")}, BenchmarkDotNet {S("BenchmarkDotNetVersion")}; Vector512 accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        }
        sb.AppendLine($"- BenchmarkDotNet job: {string.Join("; ", jobInfos)}; median of the iterations; one thread (in-process)");
        if (job is not null)
            sb.AppendLine($"- job: in-process, {job.Run.LaunchCount} launch, {job.Run.WarmupCount} warm-ups, {job.Run.IterationCount} iterations of {job.Run.IterationTime.ToMilliseconds()} ms, median of the iterations; one thread");
        sb.AppendLine("- inputs: x ~ U(-3, 3); targets U(-3, 3) (regression), U(0, 1) (logit losses), +-1 (hinge_embedding_loss), 0..5 (poisson_nll_loss); options at their defaults (huber delta 1, smooth_l1 beta 1, margin 1, focal alpha 0.25 gamma 2, poisson log_input); log_cosh, a row loss, in rows of 1024");
        sb.AppendLine();
        sb.AppendLine("Columns: **ns/elem** and **GB/s** of the generated kernel, GB/s against the bytes the loss must move (forward: 2 reads, forward+backward: 2 reads + 1 write of the input gradient, N elements each). **gen / Add** and **gen / Sum** are the generated kernel's median over the ceiling's (lower is better, 1.00 = on the ceiling). **naive**, **TP**, **fused**, **torch 1t**, **torch 2t** are speedups: that baseline's median over the generated kernel's (higher is better; > 1 means the generated kernel is faster). Naive = a scalar loop; TP = composed from `TensorPrimitives` calls with preallocated temporaries; fused = a hand-written Vector512 loop with the BCL's `Vector512.Exp/Log` (written for the MSE family's representative and the transcendental losses); torch = PyTorch forward+backward on 1 and 2 threads. **alloc** is bytes allocated per call by the generated kernel.");
        sb.AppendLine();

        foreach (var type in types)
        {
            int size = type == "F32" ? 4 : 8;
            string tname = type == "F32" ? "float32" : "float64";
            sb.AppendLine($"## {tname}, forward + backward (reduction mean, gradient w.r.t. the input)");
            sb.AppendLine();
            sb.AppendLine("| loss | N | ns/elem | GB/s | gen / Add | naive | TP | fused | torch 1t | torch 2t | alloc |");
            sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var n in sizes)
            {
                var add = Get(type, "Ceiling", "Add", "", n);
                if (add is { } ad) sb.AppendLine($"| *ceiling: TensorPrimitives.Add* | {n:N0} | {ad / n:F3} | {GBs(3L * n * size, ad)} | 1.00 | | | | | | {B(Alloc(type, "Ceiling", "Add", "", n))} |");
                foreach (var l in Losses)
                {
                    var g = Get(type, l.Key, "Generated", "FB", n);
                    if (g is null) continue;
                    double gen = g.Value;
                    sb.AppendLine($"| {l.Name} | {n:N0} | {gen / n:F3} | {GBs((l.Inputs + 1L) * n * size, gen)} | {R(gen, add)} | {Sp(Get(type, l.Key, "Naive", "FB", n), gen)} | {Sp(Get(type, l.Key, "Tp", "FB", n), gen)} | {Sp(Get(type, l.Key, "Fused", "FB", n), gen)} | {Sp(Torch(type, l.Key, n, 1), gen)} | {Sp(Torch(type, l.Key, n, 2), gen)} | {B(Alloc(type, l.Key, "Generated", "FB", n))} |");
                }
            }
            sb.AppendLine();
            sb.AppendLine($"## {tname}, forward only (reduction mean)");
            sb.AppendLine();
            sb.AppendLine("| loss | N | ns/elem | GB/s | gen / Sum | naive | TP | fused | alloc |");
            sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var n in sizes)
            {
                var sum = Get(type, "Ceiling", "Sum", "", n);
                if (sum is { } su) sb.AppendLine($"| *ceiling: TensorPrimitives.Sum (1 read)* | {n:N0} | {su / n:F3} | {GBs(1L * n * size, su)} | 1.00 | | | | {B(Alloc(type, "Ceiling", "Sum", "", n))} |");
                foreach (var l in Losses)
                {
                    var g = Get(type, l.Key, "Generated", "Fwd", n);
                    if (g is null) continue;
                    double gen = g.Value;
                    sb.AppendLine($"| {l.Name} | {n:N0} | {gen / n:F3} | {GBs((long)l.Inputs * n * size, gen)} | {R(gen, sum)} | {Sp(Get(type, l.Key, "Naive", "Fwd", n), gen)} | {Sp(Get(type, l.Key, "Tp", "Fwd", n), gen)} | {Sp(Get(type, l.Key, "Fused", "Fwd", n), gen)} | {B(Alloc(type, l.Key, "Generated", "Fwd", n))} |");
                }
            }
            sb.AppendLine();
        }

        if (ceRows.Count > 0)
        {
            sb.Append(CrossEntropySection(ceRows, torchCe, ceMeta, jsonFiles, runs is { Count: > 0 } ? runs : new[] { command }));
            sb.AppendLine();
        }

        if (ctcRows.Count > 0)
        {
            sb.Append(CtcSection(ctcRows, torchCtcJson, docs));
            sb.AppendLine();
        }
        if (parallelRows.Count > 0)
        {
            sb.Append(ParallelSection(parallelRows));
            sb.AppendLine();
        }

        // raw medians
        sb.AppendLine("## Medians (µs per call)");
        sb.AppendLine();
        sb.AppendLine("| type | benchmark | " + string.Join(" | ", sizes.Select(n => $"N = {n:N0}")) + " |");
        sb.AppendLine("| --- | --- | " + string.Join(" | ", sizes.Select(_ => "---:")) + " |");
        foreach (var g in rows.GroupBy(r => (r.Type, r.Loss, r.Variant, r.Pass)).OrderBy(g => g.Key.Type).ThenBy(g => g.Key.Loss == "Ceiling" ? "" : g.Key.Loss).ThenBy(g => g.Key.Pass).ThenBy(g => g.Key.Variant))
        {
            string name = g.Key.Loss == "Ceiling" ? "Ceiling_" + g.Key.Variant : $"{g.Key.Loss}_{g.Key.Variant}_{g.Key.Pass}";
            sb.AppendLine($"| {g.Key.Type} | {name} | " + string.Join(" | ", sizes.Select(n => g.FirstOrDefault(r => r.N == n) is { } r ? (r.MedianNs / 1000).ToString("F2", Inv) : "")) + " |");
        }
        foreach (var t in new[] { "float32", "float64" })
            foreach (var th in new[] { 1, 2 })
                if (torch.Keys.Any(k => k.Dtype == t && k.Threads == th))
                    foreach (var l in Losses)
                        if (torch.ContainsKey((t, l.Key, sizes.FirstOrDefault(), th)))
                            sb.AppendLine($"| {t} | torch {th} thread(s) {l.Key} FB | " + string.Join(" | ", sizes.Select(n => torch.TryGetValue((t, l.Key, n, th), out var v) ? (v / 1000).ToString("F2", Inv) : "")) + " |");
        sb.AppendLine();

        // goals
        sb.AppendLine("## The goals of issue 5 (float32, one thread, ratios of medians of this run)");
        sb.AppendLine();
        var memLines = new List<string>(); bool memOk = true, memAny = false;
        foreach (var l in Losses.Where(l => l.MemoryBound))
            foreach (var n in sizes)
                if (Get("F32", l.Key, "Generated", "FB", n) is { } g && Get("F32", "Ceiling", "Add", "", n) is { } a)
                {
                    memAny = true; double r = g / a; if (r > 1.05) memOk = false;
                    memLines.Add($"{l.Name} {n:N0}: {r:F2}");
                }
        sb.AppendLine($"1. **Memory-bound losses, forward+backward / TensorPrimitives.Add <= 1.05 at all three sizes: {(memAny ? (memOk ? "met" : "not met") : "not measured")}.** " + string.Join("; ", memLines) + ".");
        var trLines = new List<string>(); bool trOk = true, trAny = false;
        foreach (var l in Losses.Where(l => !l.MemoryBound))
            foreach (var n in sizes)
                if (Get("F32", l.Key, "Generated", "FB", n) is { } g && Get("F32", l.Key, "Fused", "FB", n) is { } f)
                {
                    trAny = true; double r = f / g; if (r < 1.3) trOk = false;
                    trLines.Add($"{l.Name} {n:N0}: {r:F2}x");
                }
        sb.AppendLine($"2. **Transcendental losses >= 1.3x faster than the hand-fused BCL Vector512.Exp/Log loop: {(trAny ? (trOk ? "met" : "not met") : "not measured")}.** Speedup (fused / generated): " + string.Join("; ", trLines) + ".");
        sb.AppendLine(CrossEntropyGoal(ceRows, torchCe));
        var tLines = new List<string>(); bool tOk = true, tAny = false;
        foreach (var l in Losses)
            foreach (var n in sizes)
                if (Get("F32", l.Key, "Generated", "FB", n) is { } g && Torch("F32", l.Key, n, 1) is { } t)
                {
                    tAny = true; double r = t / g; double need = n >= 262_144 ? 3 : 20; if (r < need) tOk = false;
                    tLines.Add($"{l.Name} {n:N0}: {r:F1}x{(r < need ? $" (< {need})" : "")}");
                }
        sb.AppendLine($"4. **Every loss >= 3x faster than PyTorch 1.13 (one thread) at N >= 262,144 and >= 20x at N = 4,096: {(tAny ? (tOk ? "met" : "not met") : "not measured (no PyTorch JSON)")}.** " + string.Join("; ", tLines) + ".");
        sb.AppendLine(ParallelGoal(parallelRows));
        var allocs = rows.Concat(ctcRows).Concat(parallelRows).Concat(ceRows).Where(r => r.Variant is "Generated" or "F32" or "F64").ToList();
        var nonZero = allocs.Where(r => r.Allocated is not 0.0).ToList();
        sb.AppendLine($"6. **0 bytes allocated per call in every generated kernel: {(allocs.Count == 0 ? "not measured" : nonZero.Count == 0 ? "met" : "not met")}** ({allocs.Count} generated benchmarks measured by the MemoryDiagnoser, the parallel path's included{(nonZero.Count == 0 ? ", all 0 B" : ": " + string.Join(", ", nonZero.Select(r => $"{r.Type} {r.Loss} {r.Pass} {r.N}{(r.Threads > 0 ? $" {r.Threads}t" : "")}{r.Shape}: {r.Allocated} B")))}).");
        sb.AppendLine("7. **Generator time (< 500 ms for the whole catalogue, incremental re-runs): measured by a test, not by this suite**: `tests/LossDsl.Generator.Tests/GeneratorTimeTests.cs` prints it (`dotnet test tests/LossDsl.Generator.Tests -c Release --filter GeneratorTime --logger \"console;verbosity=detailed\"`) and asserts that editing one .loss file re-runs only that file's stages; the numbers of the last run are in the notes below.");
        sb.AppendLine();

        // keep the hand-written notes of the existing report
        if (File.Exists(output))
        {
            string old = File.ReadAllText(output);
            int notes = old.IndexOf("\n## Notes (by hand)", StringComparison.Ordinal);
            if (notes >= 0) sb.Append(old[(notes + 1)..]);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, sb.ToString());
        Console.WriteLine($"// report written to {output}");
        foreach (var d in docs) d.Dispose();
    }

    /// <summary>ctc_loss: the generated kernel against PyTorch 1.13 (scripts/bench_ctc_torch.py) on the same shapes.</summary>
    private static string CtcSection(List<Row> rows, string? torchJson, List<JsonDocument> docs)
    {
        var torch = new Dictionary<(string Shape, string Dtype, string Pass, int Threads), double>();
        string? meta = null;
        if (torchJson is not null && File.Exists(torchJson))
        {
            var doc = JsonDocument.Parse(File.ReadAllText(torchJson));
            docs.Add(doc);
            var m = doc.RootElement.GetProperty("meta");
            meta = $"`{m.GetProperty("command").GetString()}` (torch {m.GetProperty("torch").GetString()}, {m.GetProperty("date").GetString()})";
            foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
                torch[(r.GetProperty("shape").GetString()!, r.GetProperty("dtype").GetString()!, r.GetProperty("pass").GetString()!, r.GetProperty("threads").GetInt32())] = r.GetProperty("median_ns").GetDouble();
        }
        var sb = new StringBuilder();
        sb.AppendLine("## ctc_loss (issue 4)");
        sb.AppendLine();
        sb.AppendLine("Shapes T x N x C x S (time steps, samples, classes, labels per target); reduction mean; log_probs a log_softmax of U(-3, 3). " +
                      "**speedup** = PyTorch's median / the generated kernel's, each on 1 thread and on 2 (the generated kernel's samples are split over LossParallel's threads)." + (meta is null ? " (no PyTorch JSON)" : " PyTorch: " + meta + "."));
        sb.AppendLine();
        sb.AppendLine("| shape | dtype | pass | generated 1t µs | torch 1t µs | speedup 1t | generated 2t µs | torch 2t µs | speedup 2t | alloc |");
        sb.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var g in rows.GroupBy(r => (r.Shape, r.Variant, r.Pass)).OrderBy(g => g.Key.Shape.Length).ThenBy(g => g.Key.Shape).ThenBy(g => g.Key.Variant).ThenByDescending(g => g.Key.Pass))
        {
            string dtype = g.Key.Variant == "F32" ? "float32" : "float64";
            var one = g.FirstOrDefault(r => r.Threads <= 1);
            var two = g.FirstOrDefault(r => r.Threads == 2);
            double? t1 = torch.TryGetValue((g.Key.Shape, dtype, g.Key.Pass, 1), out var a) ? a : null, t2 = torch.TryGetValue((g.Key.Shape, dtype, g.Key.Pass, 2), out var b) ? b : null;
            string Us(double? ns) => ns is { } v ? (v / 1000).ToString("F1", Inv) : "";
            sb.AppendLine($"| {g.Key.Shape} | {dtype} | {(g.Key.Pass == "FB" ? "forward+backward" : "forward")} | {Us(one?.MedianNs)} | {Us(t1)} | {(one is null ? "" : Sp(t1, one.MedianNs))} | {Us(two?.MedianNs)} | {Us(t2)} | {(two is null ? "" : Sp(t2, two.MedianNs))} | {B((two ?? one)?.Allocated)} |");
        }
        return sb.ToString();
    }

    /// <summary>The parallel path: forward+backward at 16.7M on 1 and 2 threads (LossParallel.MaxThreads).</summary>
    private static string ParallelSection(List<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Parallel path, float32 forward+backward (LossParallel.MaxThreads 1 and 2)");
        sb.AppendLine();
        sb.AppendLine("| loss | N | 1 thread ms | 2 threads ms | speedup | alloc (2 threads) |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var g in rows.GroupBy(r => (r.Loss, r.N)))
        {
            var one = g.FirstOrDefault(r => r.Threads == 1);
            var two = g.FirstOrDefault(r => r.Threads == 2);
            string name = Losses.FirstOrDefault(l => l.Key == g.Key.Loss).Name ?? g.Key.Loss;
            sb.AppendLine($"| {name} | {g.Key.N:N0} | {(one is null ? "" : (one.MedianNs / 1e6).ToString("F2", Inv))} | {(two is null ? "" : (two.MedianNs / 1e6).ToString("F2", Inv))} | {(one is not null && two is not null ? (one.MedianNs / two.MedianNs).ToString("F2", Inv) + "x" : "")} | {B(two?.Allocated)} |");
        }
        return sb.ToString();
    }

    private static string ParallelGoal(List<Row> rows)
    {
        var compute = new[] { "Bce", "Focal", "LogCosh", "PoissonNll" };
        var lines = new List<string>();
        bool ok = true, any = false;
        foreach (var g in rows.Where(r => compute.Contains(r.Loss)).GroupBy(r => r.Loss))
            if (g.FirstOrDefault(r => r.Threads == 1) is { } one && g.FirstOrDefault(r => r.Threads == 2) is { } two)
            {
                any = true;
                double sp = one.MedianNs / two.MedianNs;
                if (sp < 1.8) ok = false;
                lines.Add($"{Losses.First(l => l.Key == g.Key).Name} {sp:F2}x");
            }
        return $"5. **Parallel path, >= 1.8x one thread on compute-bound losses at 16.7M, the same bits for any thread count: {(any ? (ok ? "met" : "not met") : "not measured (no ParallelScaling run)")}.** " +
               (any ? string.Join("; ", lines) + " (section \"Parallel path\"); the bits are asserted equal for 1, 2 and 3 threads by LossDsl.Kernels.Tests/ParallelPathTests." : "");
    }

    private static string GBs(long bytes, double ns) => (bytes / ns).ToString("F1", Inv);
    private static string R(double gen, double? baseline) => baseline is { } b ? (gen / b).ToString("F2", Inv) : "";
    private static string Sp(double? baseline, double gen) => baseline is { } b ? (b / gen).ToString(b / gen >= 10 ? "F0" : "F2", Inv) + "x" : "";
    private static string B(double? bytes) => bytes is { } b ? b.ToString("F0", Inv) + " B" : "";

    private static string Caches()
    {
        try
        {
            var dir = "/sys/devices/system/cpu/cpu0/cache";
            var parts = Directory.GetDirectories(dir, "index*").OrderBy(d => d).Select(d =>
            {
                string level = File.ReadAllText(Path.Combine(d, "level")).Trim(), type = File.ReadAllText(Path.Combine(d, "type")).Trim();
                string size = File.ReadAllText(Path.Combine(d, "size")).Trim();
                return type == "Instruction" ? null : $"L{level} {size}";
            }).Where(s => s is not null);
            return "caches per core " + string.Join(", ", parts);
        }
        catch { return "caches unknown"; }
    }
}
