using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// The test assembly's entry point (the project sets GenerateProgramFile=false): <c>dotnet LossDsl.Generator.Tests.dll
/// hostile NAME</c> compiles one of <see cref="HostileFormulas"/> and prints what broke, so that a stack overflow
/// kills this child, not the test run. Without arguments it does nothing.
/// </summary>
public static class FuzzChild
{
    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "hostile") return 0;
        if (!HostileFormulas.Cases.TryGetValue(args[1], out var make))
        {
            Console.Error.WriteLine($"no hostile case named {args[1]}");
            return 2;
        }
        var text = make();
        CompilerOracle.Outcome? outcome = null;
        // A thread of the default stack size, as the generator gets in a build (the main thread's is larger).
        var thread = new Thread(() => outcome = CompilerOracle.Run(text));
        var clock = Stopwatch.StartNew();
        thread.Start();
        thread.Join();
        Console.WriteLine($"{args[1]}: {text.Length} characters in {clock.Elapsed.TotalSeconds:0.00} s, {outcome!.Unit?.Diagnostics.Count ?? 0} diagnostic(s), {outcome.Emitted.Count} loss(es) emitted");
        foreach (var p in outcome.Problems.Take(10)) Console.WriteLine($"PROBLEM {p.Cause}: {FuzzReport.Clip(p.Detail, 600)}");
        return outcome.Problems.Count == 0 ? 0 : 1;
    }

    /// <summary>Runs the child on one case; the exit code, and what it printed.</summary>
    public static (int ExitCode, string Output) Run(string caseName, TimeSpan timeout)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host) || !File.Exists(host))
            host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(FuzzChild).Assembly.Location);
        start.ArgumentList.Add("hostile");
        start.ArgumentList.Add(caseName);
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout.TotalSeconds:0} s\n{stdout.Result}");
        }
        process.WaitForExit();
        var err = stderr.Result;
        // A stack overflow prints the stack, innermost first: its first frames of the generator name the culprit.
        var frames = err.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("at LossDsl.Generator.", StringComparison.Ordinal))
            .Select(l => l.Split('(')[0].Substring(3)).Distinct().Take(6).ToList();
        if (err.Length > 2_000) err = err.Substring(0, 2_000) + "…";
        var summary = frames.Count > 0 ? "innermost generator frames: " + string.Join(" < ", frames) + "\n" : "";
        return (process.ExitCode, (summary + stdout.Result + err).Trim());
    }
}
