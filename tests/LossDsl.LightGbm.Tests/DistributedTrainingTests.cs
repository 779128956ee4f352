using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace LossDsl.LightGbm.Tests;

/// <summary>
/// LightGBM's data-parallel training with a formula objective: the GBDT sample's 'distributed' mode starts two worker
/// processes on 127.0.0.1 (free ports, bounded in time), each with half the rows and the generated gradients and
/// Hessians of its own rows, and compares their model with one machine trained on all the rows.
/// </summary>
public class DistributedTrainingTests
{
    [Fact]
    public async Task TwoLoopbackWorkers_TrainTheModelOfOneMachine()
    {
        var sample = Path.Combine(Root(), "samples", "LossDsl.Gbdt", "bin", "Release", "net10.0", "LossDsl.Gbdt.dll");
        Assert.True(File.Exists(sample), sample + " not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(sample);
        start.ArgumentList.Add("distributed");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4))) { process.Kill(entireProcessTree: true); Assert.Fail("timed out"); }
        var text = await output + await error;
        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("the two workers' models: max |difference| of test predictions 0.00E+000", text);
        Assert.Contains("Distributed training agrees with one machine.", text);
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LossDsl.sln"))) return dir.FullName;
        throw new InvalidOperationException("LossDsl.sln not found");
    }
}
