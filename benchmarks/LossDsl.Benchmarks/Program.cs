using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace LossDsl.Benchmarks;

/// <summary>
/// dotnet run -c Release --project benchmarks/LossDsl.Benchmarks -- [options] [BenchmarkDotNet options, e.g. --filter '*F32*']
///   --short               smoke run for CI: 1 warm-up, 3 iterations of 50 ms (timings meaningless; CI must not gate on them)
///   --warmups K --iterations K --iteration-ms K   override the 2-core job (default 3 warm-ups, 15 iterations of 250 ms)
///   --torch PATH          PyTorch timings (scripts/bench_torch.py) merged into the report (default benchmarks/results/torch.json if present)
///   --torch-ce PATH       PyTorch cross_entropy timings (default benchmarks/results/torch_cross_entropy.json if present)
///   --section cross-entropy   rewrite only the cross_entropy section and goal 3 of the existing report (for a run
///                         with --filter '*CrossEntropyRows*'; the other sections and the hand-written notes stay)
///   --out PATH            the report (default docs/performance.md; "none" to skip)
///   --pairs ...           interleaved pairs against the hand-written loop of this process's width (Pairs.cs; issue 15)
///   --check               no timing: checks that every baseline computes the generated kernel's loss and gradient
///                         (cross_entropy too, N = 4096, C = 1000 and 32000, also against a double reference)
///   --report-only DIR     no run: rebuild the report from the *-report-full.json files in DIR
///   --ran "COMMAND"       (with --report-only, repeatable) the benchmark command(s) that produced those files, for the report
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] is "--pairs" or "--pairs-report") return Pairs.Execute(args);
        if (args.Length > 0 && args[0] == "--ctc-timing") return CtcTiming.Run(args);
        var rest = new List<string>();
        var runs = new List<string>();
        bool quick = false;
        int warmups = 3, iterations = 15, iterationMs = 250;
        string? torch = null, torchCe = null, reportOnly = null, section = null;
        string output = "docs/performance.md";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--short": quick = true; break;
                case "--check": return Check.Run();
                case "--warmups": warmups = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--iterations": iterations = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--iteration-ms": iterationMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--torch": torch = args[++i]; break;
                case "--torch-ce": torchCe = args[++i]; break;
                case "--section": section = args[++i]; break;
                case "--out": output = args[++i]; break;
                case "--report-only": reportOnly = args[++i]; break;
                case "--ran": runs.Add(args[++i]); break;
                default: rest.Add(args[i]); break;
            }
        }
        if (quick) { warmups = 1; iterations = 3; iterationMs = 50; }
        torch ??= File.Exists("benchmarks/results/torch.json") ? "benchmarks/results/torch.json" : null;
        torchCe ??= File.Exists("benchmarks/results/torch_cross_entropy.json") ? "benchmarks/results/torch_cross_entropy.json" : null;
        string? torchCtc = File.Exists("benchmarks/results/torch_ctc.json") ? "benchmarks/results/torch_ctc.json" : null;
        if (section is not null and not "cross-entropy") { Console.Error.WriteLine($"unknown --section {section} (only cross-entropy)"); return 2; }
        string command = "flock /tmp/lossdsl-build.lock dotnet run -c Release --project benchmarks/LossDsl.Benchmarks -- " + string.Join(" ", args.Select(Quote));

        if (reportOnly is not null)
        {
            var files = Directory.GetFiles(reportOnly, "*-report-full.json");
            if (section is not null) Report.WriteCrossEntropySection(files, torchCe, output, command, runs);
            else Report.Write(files, torch, output, command, null, runs, torchCe, torchCtc);
            return 0;
        }

        // In-process: no child process per benchmark (about 300 cases must fit in one run on 2 cores);
        // UnrollFactor 1 lets the DRAM size run few invocations per iteration.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(warmups)
            .WithIterationCount(iterations)
            .WithIterationTime(TimeInterval.FromMilliseconds(iterationMs))
            .WithUnrollFactor(1)
            .WithGcServer(false)
            .WithId(quick ? "Short" : "TwoCore");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(JsonExporter.Full)
            .AddExporter(MarkdownExporter.GitHub)
            .WithOption(ConfigOptions.DisableLogFile, false)
            .WithSummaryStyle(BenchmarkDotNet.Reports.SummaryStyle.Default.WithMaxParameterColumnWidth(20));

        if (!rest.Any(a => a is "--filter" or "-f" or "--list" or "--info")) rest.AddRange(new[] { "--filter", "*" });
        var started = DateTime.UtcNow;
        var summaries = BenchmarkSwitcher.FromTypes(new[] { typeof(F32), typeof(F64), typeof(CrossEntropyRows), typeof(CtcSequences), typeof(ParallelScaling) }).Run(rest.ToArray(), config).ToList();
        if (summaries.Count == 0) return 1;
        var jsons = summaries
            .SelectMany(s => Directory.GetFiles(s.ResultsDirectoryPath, "*-report-full.json"))
            .Distinct().Where(f => File.GetLastWriteTimeUtc(f) >= started).ToArray();
        if (output != "none")
        {
            if (section is not null) Report.WriteCrossEntropySection(jsons, torchCe, output, command);
            else Report.Write(jsons, torch, output, command, job, null, torchCe, torchCtc);
        }
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }

    private static string Quote(string a) => a.Any(char.IsWhiteSpace) || a.Contains('*') ? "'" + a + "'" : a;
}
