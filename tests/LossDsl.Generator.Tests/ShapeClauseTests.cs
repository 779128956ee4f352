using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>The 'shape' clause: what it emits (the definition's ShapeRules, the tensor API) and its diagnostics (LOSS029, located).</summary>
public class ShapeClauseTests
{
    private static string Generated(string formula)
    {
        var (result, output) = GeneratorHarness.Run(new[] { ("/src/s.loss", formula) });
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return string.Concat(result.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void Rules_AreEmittedInDeclaredOrder_WithTheirArguments()
    {
        var source = Generated("loss c(input, const index target) = logsumexp(input) - input[target]\nshape rank(input, 2, 2), classes(input, target)\nshape same_rank else \"ranks {input}\"");
        Assert.Contains("ShapeRules { get; } = new global::LossDsl.Tensors.ShapeRule[] { new global::LossDsl.Tensors.RankRange(\"input\", 2, 2), " +
                        "new global::LossDsl.Tensors.ClassAxis(\"input\", \"target\"), new global::LossDsl.Tensors.SameRank(\"ranks {input}\") };", source);
    }

    [Fact]
    public void ALossWithoutShapeClauses_KeepsTheDefault_AndGetsTheTensorApi()
    {
        var source = Generated("loss m(input, target) = (input - target)^2");
        Assert.DoesNotContain("ShapeRules", source);
        Assert.Contains("public static class Tensors", source);
        Assert.Contains("ForwardBackward(global::System.Numerics.Tensors.ReadOnlyTensorSpan<float> input, global::System.Numerics.Tensors.ReadOnlyTensorSpan<float> target, out global::System.Numerics.Tensors.Tensor<float> inputGrad, out global::System.Numerics.Tensors.Tensor<float> targetGrad", source);
    }

    [Fact]
    public void TheTensorApi_TakesIntegersAsLong_AndLeavesOutOptionsARuleSets()
    {
        var source = Generated("loss l(input, const target, const index n; k = 1) = k * sum(if target > 0 then input else 0) - input[n]\nshape lists(input, target)");
        Assert.Contains("ReadOnlyTensorSpan<long> target", source);
        Assert.Contains("ReadOnlyTensorSpan<long> n", source);
        Assert.Contains("double k = 1.0", source);
    }

    [Fact]
    public void ALossNamedTensors_KeepsItsSpanApi_AndCompiles()
    {
        var source = Generated("loss tensors(x) = x^2");
        Assert.DoesNotContain("public static class Tensors\n", source.Replace("\r", ""));
    }

    [Theory]
    [InlineData("loss a(x, y) = (x - y)^2 shape alike(x, y)", "LOSS029", "alike")]
    [InlineData("loss a(x, y) = (x - y)^2 shape same(x)", "LOSS029", "same(x)")]
    [InlineData("loss a(x, y) = (x - y)^2 shape same(x, z)", "LOSS029", "z")]
    [InlineData("loss a(x, y) = (x - y)^2 shape rank(x, 1.5, 2)", "LOSS029", "1.5")]
    [InlineData("loss a(x, y) = (x - y)^2 shape rank(x, y, 2)", "LOSS029", "y")]
    [InlineData("loss a(x, y) = (x - y)^2 shape within(x) else \"m\"", "LOSS029", "within(x) else \"m\"")]
    [InlineData("loss a(x, y) = (x - y)^2 shape empty_mean(x)", "LOSS029", "x")]
    [InlineData("loss a(x, y) = (x - y)^2 shape same(x, y) else m", "LOSS002", "m")]
    [InlineData("loss a(x, y) = (x - y)^2 shape same(x, y", "LOSS002", "")]
    [InlineData("loss a(x, y) = (x - y)^2 shape 3", "LOSS002", "3")]
    public void ABadRule_IsReportedAtItsSpan(string formula, string id, string text)
    {
        var (result, output) = GeneratorHarness.Run(new[] { ("/src/bad.loss", formula) });
        Assert.Null(result.Exception);
        var d = result.Diagnostics.FirstOrDefault(d => d.Id == id);
        Assert.True(d is not null, string.Join("; ", result.Diagnostics));
        Assert.Equal(text, formula.Substring(d!.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Empty(output.GetDiagnostics().Where(x => x.Severity == DiagnosticSeverity.Error && !x.Id.StartsWith("LOSS")));
    }
}
