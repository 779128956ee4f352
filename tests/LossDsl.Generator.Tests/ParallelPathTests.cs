using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// The parallel path pins spans, so it is emitted only where the compilation allows unsafe code; elementwise losses
/// split by elements, row losses by rows, whole losses not at all. Either way the generated code compiles.
/// </summary>
public class ParallelPathTests
{
    private const string Formula = "loss pinball(input, target; tau = 0.5) = max(tau * (target - input), (tau - 1) * (target - input))";

    private static (string Source, Compilation Output) Generate(string formula, bool allowUnsafe)
    {
        var driver = GeneratorHarness.Driver(new[] { (AdditionalText)new LossFile("/src/p.loss", formula) });
        var compilation = GeneratorHarness.Compilation().WithOptions(
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: allowUnsafe, nullableContextOptions: NullableContextOptions.Enable));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        Assert.Empty(result.Diagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return (result.GeneratedSources.Single().SourceText.ToString(), output);
    }

    [Fact]
    public void WithUnsafeCode_AnElementwiseLossSplitsLargeCalls()
    {
        var (source, _) = Generate(Formula, allowUnsafe: true);
        Assert.Contains("if (LossParallel.ShouldSplit(n)) return RunChunked<T>(", source);
        Assert.Contains("private unsafe struct Chunks<T> : IChunkedKernel<T>", source);
    }

    [Fact]
    public void WithoutUnsafeCode_TheLossRunsOnTheCallingThread()
    {
        var (source, _) = Generate(Formula, allowUnsafe: false);
        Assert.DoesNotContain("LossParallel", source);
    }

    [Fact]
    public void RowLossesSplitByRows_WholeLossesDoNot()
    {
        var (rows, _) = Generate("loss row_mse(input, target) = mean((input - target)^2)", allowUnsafe: true);
        Assert.Contains("if (rows > 1 && LossParallel.ShouldSplit(n)) return RunChunked<T>(", rows);
        Assert.Contains("LossParallel.RowsPerChunk(rowLength)", rows);
        var (whole, _) = Generate("loss whole_rmse(input, target) = sqrt(mean_all((input - target)^2))", allowUnsafe: true);
        Assert.DoesNotContain("LossParallel", whole);
    }
}
