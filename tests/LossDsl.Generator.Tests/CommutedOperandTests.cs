using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// A sum or product written both ways round (a * b here, b * a there: focal loss's gradient holds p * (1 - p) and
/// (1 - p) * p) is one local (ExpressionEmitter.Orient): IEEE addition and multiplication commute exactly.
/// </summary>
public class CommutedOperandTests
{
    [Fact]
    public void AProductWrittenBothWaysRound_IsComputedOnce()
    {
        const string text = "loss a(x, y) = log(1 + (x * y)^2) + exp(-(y * x))";
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/a.loss", text) });
        Assert.Null(result.Exception);
        Assert.True(result.Diagnostics.IsEmpty, string.Join("; ", result.Diagnostics));
        string source = result.GeneratedSources.Single(s => s.HintName.Contains(".A.")).SourceText.ToString();
        int kernel = source.IndexOf("struct ValueKernel<", System.StringComparison.Ordinal);
        int method = source.IndexOf("public Vector256<T> Invoke256(int i)", kernel, System.StringComparison.Ordinal);
        string body = source[method..source.IndexOf("Add256", method, System.StringComparison.Ordinal)];
        // one product of x and y, in the orientation written first, shared by both uses
        Assert.True(Regex.Matches(body, @"\b(x \* y|y \* x)\b").Count == 1, body);
        Assert.Contains("x * y", body);
    }
}
