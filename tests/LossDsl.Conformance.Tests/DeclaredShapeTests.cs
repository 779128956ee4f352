using System.IO;
using System.Linq;
using LossDsl.Cli.Eval;
using LossDsl.Cli.Formulas;
using Xunit;

namespace LossDsl.Conformance.Tests;

/// <summary>
/// A loss that is not in the catalogue gets PyTorch's shape handling from its own <c>shape</c> clauses: the tool has no
/// per-loss code. Declared here at run time (as <c>eval --loss-file</c> does), it answers PyTorch's cross_entropy fixture
/// cases of the (N, C, d1) layout exactly.
/// </summary>
public class DeclaredShapeTests
{
    private const string Declaration = """
        loss class_nll(input, const index target) = logsumexp(input) - input[target]
        shape classes(input, target), batchmean
        """;

    [Theory]
    [InlineData("cross_entropy-f64-sum-2x4x3")]
    [InlineData("cross_entropy-f32-mean-2x4x3")]
    public void ANewClassIndexLoss_TakesTheClassAxisAtDim1(string id)
    {
        var compiled = LossFileCompiler.Compile("/virtual/class_nll.loss", Declaration);
        Assert.False(compiled.Failed, compiled.FirstError);
        var line = File.ReadLines(Path.Combine(Conformance.FixtureDirectory, "cross_entropy.jsonl")).First(l => l.Contains($"\"id\":\"{id}\""));
        var result = Fixtures.RunLine(new Evaluator(), line.Replace("\"loss\":\"cross_entropy\"", "\"loss\":\"class_nll\""), 1);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void BatchMean_IsAcceptedWhereDeclared_AndRefusedElsewhere()
    {
        var compiled = LossFileCompiler.Compile("/virtual/class_nll.loss", Declaration);
        Assert.False(compiled.Failed, compiled.FirstError);
        const string inputs = "\"inputs\":{\"input\":{\"shape\":[2,3],\"data\":[0.1,0.2,0.3,1,2,3]},\"target\":{\"shape\":[2],\"data\":[0,2],\"dtype\":\"int64\"}}";
        var sum = new Evaluator().EvaluateLine("{\"id\":1,\"loss\":\"class_nll\",\"options\":{\"reduction\":\"sum\"}," + inputs + "}");
        var batchMean = new Evaluator().EvaluateLine("{\"id\":2,\"loss\":\"class_nll\",\"options\":{\"reduction\":\"batchmean\"}," + inputs + "}");
        Assert.Null(batchMean.Error);
        Assert.Equal(sum.Loss!.Data[0] / 2, batchMean.Loss!.Data[0], 15);

        Assert.True(RegisteredLosses.EnsureLoaded(out var problem), problem);
        var refused = new Evaluator().EvaluateLine("{\"id\":3,\"loss\":\"nll_loss\",\"options\":{\"reduction\":\"batchmean\"}," + inputs + "}");
        Assert.Contains("batchmean is not a valid value for reduction", refused.Error);
    }
}
