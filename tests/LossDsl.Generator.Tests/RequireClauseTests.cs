using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>The 'require' clause: where its checks go in the generated code, and its diagnostics (LOSS028, located).</summary>
public class RequireClauseTests
{
    private static string Generated(string formula)
    {
        var (result, output) = GeneratorHarness.Run(new[] { ("/src/l.loss", formula) });
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return string.Concat(result.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void AClauseOnOptions_IsCheckedInRun_BeforeTheKernels()
    {
        var source = Generated("loss h(input, target; delta = 1.0) = delta * abs(input - target)\nrequire delta > 0 else \"delta must be positive, not {delta}\"");
        Assert.Contains("if (!(delta > T.Zero)) throw new ArgumentException(string.Create(global::System.Globalization.CultureInfo.InvariantCulture, $\"delta must be positive, not {delta}\"), \"delta\");", source);
        Assert.True(source.IndexOf("throw new ArgumentException(string.Create") < source.IndexOf("new ValueKernelCall<T>("));
        Assert.DoesNotContain("refused", source); // nothing in the kernels
    }

    [Fact]
    public void AClauseOnElements_IsAFlagSetInTheKernelsPass_AndThrownAfterIt()
    {
        var source = Generated("loss b(input, const target) = (input - target)^2\nrequire 0 <= input and input <= 1 else \"input \\\"out\\\" of {{0, 1}}\"");
        Assert.Contains("private readonly ref bool _refused0;", source);
        Assert.Contains("bool refused0 = false;", source);
        // Run's flag goes by reference through the call struct (the kernel specialised per call) and its loop into the kernel
        Assert.Contains("new ValueKernelCall<T>(input, target, weight, ref refused0, n, reduction, output)", source);
        Assert.Contains("_refused0 = ref refused0;", source);
        Assert.Contains("(_input, _target, _weight, ref _refused0, _n, _reduction, _output);", source);
        Assert.Contains("(input, target, weight, ref refused0);", source);
        Assert.Contains("Vector256.ExtractMostSignificantBits(", source);
        Assert.Contains("if (refused0) throw new ArgumentException(\"input \\\"out\\\" of {0, 1}\", \"input\");", source);
    }

    [Fact]
    public void ALossWithoutRequire_HasNoChecks()
    {
        var source = Generated("loss q(input, target) = (input - target)^2");
        Assert.DoesNotContain("refused", source);
        Assert.DoesNotContain("require", source);
    }

    [Fact]
    public void ARowLoss_RequiresOfItsOptions_AndComesAfterMeanBy()
    {
        var source = Generated("loss r(x, const index t; k = 1) = logsumexp(x) - x[t]\nrequire k == 1 or k == 2 else \"k\"\nmean by 1");
        Assert.Contains("if (!((k == T.One) || (k == T.CreateTruncating(2.0)))) throw new ArgumentException(\"k\", \"k\");", source);
    }

    [Theory]
    [InlineData("loss a(x) = x^2 require sum(x) > 0 else \"m\"", "LOSS028", "sum(x) > 0")]
    [InlineData("loss a(x) = sum(x^2) require x > 0 else \"m\"", "LOSS028", "x > 0")]
    [InlineData("loss a(x) = x^2 require 1 > 0 else \"m\"", "LOSS028", "1 > 0")]
    [InlineData("loss a(x; k = 1) = x^2 require k > 0 else \"bad {j}\"", "LOSS028", "\"bad {j}\"")]
    [InlineData("loss a(x; k = 1) = x^2 require k > 0 else \"bad {k\"", "LOSS028", "\"bad {k\"")]
    [InlineData("loss a(x; k = 1) = x^2 require k > 0 else \"bad }\"", "LOSS028", "\"bad }\"")]
    [InlineData("loss a(x) = x^2 require x else \"m\"", "LOSS014", "x")]
    [InlineData("loss a(x) = x^2 require x > 0 \"m\"", "LOSS002", "\"m\"")]
    [InlineData("loss a(x) = x^2 require x > 0 else m", "LOSS002", "m")]
    [InlineData("loss a(x) = x^2 require x > 0 else \"m", "LOSS001", "\"")]
    [InlineData("loss a(x) = x^2 require y > 0 else \"m\"", "LOSS010", "y")]
    public void ABadClause_IsReportedAtItsSpan(string formula, string id, string text)
    {
        var (result, output) = GeneratorHarness.Run(new[] { ("/src/bad.loss", formula) });
        Assert.Null(result.Exception);
        var d = result.Diagnostics.FirstOrDefault(d => d.Id == id);
        Assert.True(d is not null, string.Join("; ", result.Diagnostics));
        Assert.Equal(text, formula.Substring(d!.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Empty(output.GetDiagnostics().Where(x => x.Severity == DiagnosticSeverity.Error && !x.Id.StartsWith("LOSS")));
    }

    [Fact]
    public void InAnAttribute_TheMessageIsAnEscapedString_AndABadOneIsLocatedInIt()
    {
        const string good = "using LossDsl; namespace N; [Loss(\"loss a(x; k = 1) = k * x^2 require k > 0 else \\\"k is {k}\\\"\")] public static partial class A;";
        var (result, output) = GeneratorHarness.Run(System.Array.Empty<(string, string)>(), good);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("$\"k is {k}\"", string.Concat(result.GeneratedSources.Select(s => s.SourceText.ToString())));

        // in a raw string literal (no escapes) the span is exact; in one with escapes it is the whole literal
        const string bad = "using LossDsl; namespace N; [Loss(\"\"\"loss a(x; k = 1) = k * x^2 require k > 0 else \"k is {j}\" \"\"\")] public static partial class A;";
        (result, _) = GeneratorHarness.Run(System.Array.Empty<(string, string)>(), bad);
        var d = Assert.Single(result.Diagnostics, d => d.Id == "LOSS028");
        Assert.Equal("\"k is {j}\"", bad.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void AStringOutsideARequire_IsASyntaxError()
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", "loss a(x) = x + \"one\"") });
        var d = Assert.Single(result.Diagnostics, d => d.Id == "LOSS002");
        Assert.Equal("\"one\"", "loss a(x) = x + \"one\"".Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }
}
