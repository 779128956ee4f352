using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace LossDsl.Package.Tests;

/// <summary>The result of one <c>dotnet</c> command: its exit code and its standard output and error, interleaved.</summary>
internal sealed record CliResult(string Command, int ExitCode, string Output)
{
    public override string ToString() => $"$ {Command}\n(exit code {ExitCode})\n{Output}";
}

/// <summary>
/// Runs the <c>dotnet</c> CLI as a child process, the way a user would in a terminal. Build servers are disabled
/// (<c>--disable-build-servers</c>): a long-lived MSBuild node or compiler server would keep the redirected output open
/// after the command ends, and would outlive the test.
/// </summary>
internal static class DotnetCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The dotnet executable that runs these tests (set by the SDK), else the one on the PATH.</summary>
    private static string Executable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static CliResult Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        // The test host runs inside `dotnet test`, whose MSBuild variables would leak into the child build.
        foreach (var key in new List<string>(KeysOf(start.Environment)))
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"`dotnet {string.Join(' ', arguments)}` did not finish in {Timeout}:\n{output}");
        }
        process.WaitForExit(); // drains the asynchronous output
        lock (output) return new CliResult("dotnet " + string.Join(' ', arguments), process.ExitCode, output.ToString());
    }

    private static IEnumerable<string> KeysOf(IDictionary<string, string?> environment)
    {
        foreach (var pair in environment) yield return pair.Key;
    }
}
