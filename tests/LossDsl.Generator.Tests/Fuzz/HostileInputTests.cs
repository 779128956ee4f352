using System;
using System.Linq;
using Xunit;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// The hostile texts of <see cref="HostileFormulas"/>, each compiled in a child process: a compiler that overflows its
/// stack on 20,000-deep nesting or a 200 KB sum kills the process it runs in (and in a build, the compiler server), so
/// the child's exit code is the assertion. Until the recursion limits land, the deep and long cases fail here.
/// </summary>
public class HostileInputTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in HostileFormulas.Cases.Keys.OrderBy(k => k, StringComparer.Ordinal)) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    [Trait(FuzzSettings.Trait, "Hostile")]
    public void HostileText_CompilesToDiagnostics_WithoutCrashing(string name)
    {
        // a guard against hangs, not a timing: long_product alone took 4-5 minutes on an idle 2-core machine here
        // (2026-12-07), and one CI run, with the other tests running beside it, passed the 6 minutes this was
        var (exitCode, output) = FuzzChild.Run(name, TimeSpan.FromMinutes(15));
        Assert.True(exitCode == 0, exitCode switch
        {
            -1 => $"'{name}' hung: {output}",
            1 => $"'{name}' broke a guarantee:\n{output}",
            _ => $"'{name}' crashed the compiler's process (exit code {exitCode}{(output.Contains("Stack overflow", StringComparison.Ordinal) ? ", stack overflow" : "")}):\n{FuzzReport.Clip(output, 1_500)}",
        });
    }
}
