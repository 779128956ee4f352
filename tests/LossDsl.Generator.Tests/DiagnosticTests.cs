using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>One test per diagnostic ID: the ID, and the exact span (0-based line and column) in the .loss file or attribute string.</summary>
public class DiagnosticTests
{
    private static Diagnostic Single(string formula, string id)
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", formula) });
        Assert.Null(result.Exception);
        var matching = result.Diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count >= 1, $"expected {id}, got: {string.Join("; ", result.Diagnostics)}");
        Assert.Equal("/src/bad.loss", matching[0].Location.GetLineSpan().Path);
        return matching[0];
    }

    private static void AssertSpan(Diagnostic d, string formula, string expectedText, int line, int column)
    {
        var span = d.Location.GetLineSpan();
        Assert.Equal(line, span.StartLinePosition.Line);
        Assert.Equal(column, span.StartLinePosition.Character);
        Assert.Equal(expectedText, formula.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void LOSS001_UnexpectedCharacter()
    {
        const string f = "loss a(x) = x $ 2";
        AssertSpan(Single(f, "LOSS001"), f, "$", 0, 14);
    }

    [Fact]
    public void LOSS002_SyntaxError_WithRecoveryReportsSeveralErrors()
    {
        const string f = "loss a(x) = (x + \nloss b(x) = x * * 2\nloss c(x) = x";
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", f) });
        var errors = result.Diagnostics.Where(d => d.Id == "LOSS002").ToList();
        Assert.True(errors.Count >= 2, string.Join("; ", result.Diagnostics));
        AssertSpan(errors[0], f, "loss", 1, 0);
        AssertSpan(errors[1], f, "*", 1, 16);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "LossDsl.Losses.C.g.cs");
    }

    [Fact]
    public void LOSS003_InvalidNumber()
    {
        const string f = "loss a(x) = x * 1.2.3";
        AssertSpan(Single(f, "LOSS003"), f, "1.2.3", 0, 16);
    }

    [Fact]
    public void LOSS010_UnknownName()
    {
        const string f = "loss a(x) =\n    x - y";
        AssertSpan(Single(f, "LOSS010"), f, "y", 1, 8);
    }

    [Fact]
    public void LOSS011_UnknownFunction()
    {
        const string f = "loss a(x) = sinh(x)";
        AssertSpan(Single(f, "LOSS011"), f, "sinh", 0, 12);
    }

    [Fact]
    public void LOSS012_WrongArity()
    {
        const string f = "loss a(x) = exp(x, 2)";
        AssertSpan(Single(f, "LOSS012"), f, "exp(x, 2)", 0, 12);
    }

    [Fact]
    public void LOSS013_DuplicateName()
    {
        const string f = "loss a(x, x) = x";
        AssertSpan(Single(f, "LOSS013"), f, "x", 0, 10);
    }

    [Fact]
    public void LOSS014_TypeMismatch_ConditionUsedAsNumber()
    {
        const string f = "loss a(x) = (x < 1) * 2";
        AssertSpan(Single(f, "LOSS014"), f, "(x < 1)", 0, 12);
    }

    [Fact]
    public void LOSS014_TypeMismatch_NumberUsedAsCondition()
    {
        const string f = "loss a(x) = if x then 1 else 2";
        AssertSpan(Single(f, "LOSS014"), f, "x", 0, 15);
    }

    [Fact]
    public void LOSS015_OptionWithoutDefault()
    {
        const string f = "loss a(x; delta) = x * delta";
        AssertSpan(Single(f, "LOSS015"), f, "delta", 0, 10);
    }

    [Fact]
    public void LOSS016_InputOutsideAggregate()
    {
        const string f = "loss a(x) = mean(x) + x";
        AssertSpan(Single(f, "LOSS016"), f, "mean(x) + x", 0, 12);
    }

    [Fact]
    public void LOSS016_RowAndWholeAggregatesMixed()
    {
        const string f = "loss a(x) = mean(x) + mean_all(x)";
        AssertSpan(Single(f, "LOSS016"), f, "mean(x) + mean_all(x)", 0, 12);
    }

    [Fact]
    public void LOSS017_InputWithoutGradient_IsAWarning()
    {
        const string f = "loss a(x, y) = if y > 0 then x else -x";
        var d = Single(f, "LOSS017");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        AssertSpan(d, f, "y", 0, 10);
        Assert.Contains("only reaches the loss through non-differentiable operations", d.GetMessage());
    }

    [Fact]
    public void LOSS017_UnusedInput_SaysItIsNotUsed()
    {
        const string f = "loss a(x, y) = x^2";
        var d = Single(f, "LOSS017");
        AssertSpan(d, f, "y", 0, 10);
        Assert.Contains("'y' is not used by the loss", d.GetMessage());
    }

    [Fact]
    public void LOSS018_AttributeOnNonPartialClass()
    {
        const string source = "using LossDsl;\n[Loss(\"loss a(x) = x\")]\npublic static class Bad { }";
        var (result, _) = GeneratorHarness.Run(System.Array.Empty<(string, string)>(), source);
        var d = Assert.Single(result.Diagnostics, x => x.Id == "LOSS018");
        Assert.Equal(2, d.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void LOSS019_ReservedName()
    {
        const string f = "loss a(x, weight) = x * weight";
        AssertSpan(Single(f, "LOSS019"), f, "weight", 0, 10);
    }

    [Fact]
    public void LOSS020_EmptyFile()
    {
        var d = Single("// nothing here\n", "LOSS020");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
    }

    [Fact]
    public void LOSS021_DuplicateLoss()
    {
        const string f = "loss a(x) = x\nloss a(y) = y";
        AssertSpan(Single(f, "LOSS021"), f, "a", 1, 5);
    }

    [Fact]
    public void LOSS022_GradientOfConstInput()
    {
        const string f = "loss a(x, const y) = x * y\ngrad y = x";
        AssertSpan(Single(f, "LOSS022"), f, "y", 1, 5);
    }

    [Fact]
    public void AttributeString_DiagnosticPointsInsideTheLiteral()
    {
        const string source = "using LossDsl;\n[Loss(\"loss a(x) = x + foo\")]\npublic static partial class A;";
        var (result, _) = GeneratorHarness.Run(System.Array.Empty<(string, string)>(), source);
        var d = Assert.Single(result.Diagnostics, x => x.Id == "LOSS010");
        var span = d.Location.GetLineSpan();
        Assert.Equal(1, span.StartLinePosition.Line);
        Assert.Equal(23, span.StartLinePosition.Character);
        Assert.Equal("foo", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void BrokenFormulas_ReportDiagnostics_AndValidLossesAreStillGenerated()
    {
        var files = new[]
        {
            ("/src/good.loss", "loss good(x, y) = (x - y)^2"),
            ("/src/broken1.loss", "loss broken1(x) = x +"),
            ("/src/broken2.loss", "loss broken2(x) = unknown(x)"),
        };
        var (result, output) = GeneratorHarness.Run(files, "using LossDsl;\n[Loss(\"loss bad(x) = (\")]\npublic static partial class Bad;");
        Assert.Null(result.Exception);
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS002" && d.Location.GetLineSpan().Path == "/src/broken1.loss");
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS011");
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS002" && d.Location.GetLineSpan().Path == "Source0.cs");
        Assert.Equal("LossDsl.Losses.Good.g.cs", Assert.Single(result.GeneratedSources).HintName);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("CS"));
    }

    [Fact]
    public void EveryDescriptorHasADocumentedSection()
    {
        var docs = System.IO.File.ReadAllText(GeneratorHarness.RepositoryFile("docs/diagnostics.md"));
        foreach (var descriptor in LossDsl.Generator.Diagnostics.Descriptors.All)
            Assert.Contains(descriptor.Id, docs);
    }
}

public class DuplicateAcrossFilesTests
{
    [Fact]
    public void TheSameLossInTwoFiles_IsLOSS021_NotAGeneratorCrash()
    {
        var (result, _) = GeneratorHarness.Run(new[]
        {
            ("/src/a.loss", "loss huber_loss(input) = input"),
            ("/src/b.loss", "loss huberLoss(input) = input"),
            ("/src/c.loss", "loss other(input) = input"),
        });
        Assert.Null(result.Exception);
        Assert.Equal(2, result.Diagnostics.Count(d => d.Id == "LOSS021"));
        Assert.Equal("LossDsl.Losses.Other.g.cs", Assert.Single(result.GeneratedSources).HintName);
    }
}

/// <summary>Row-specific mistakes: indexing a scalar, a bad subscript, a class index used as a real, per-row inputs in an elementwise loss.</summary>
public class RowDiagnosticTests
{
    private static Diagnostic Single(string formula, string id)
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", formula) });
        Assert.Null(result.Exception);
        var d = result.Diagnostics.FirstOrDefault(x => x.Id == id);
        Assert.True(d is not null, $"expected {id}, got: {string.Join("; ", result.Diagnostics)}");
        return d!;
    }

    private static string Text(Diagnostic d, string formula) => formula.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);

    [Fact]
    public void LOSS023_IndexingAnOption()
    {
        const string f = "loss a(x, const index t; k = 1) = sum(x) * k[t]";
        Assert.Equal("k", Text(Single(f, "LOSS023"), f));
    }

    [Fact]
    public void LOSS023_SubscriptThatIsNotAnIndexInput()
    {
        const string f = "loss a(x, const y) = x[y]";
        Assert.Equal("y", Text(Single(f, "LOSS023"), f));
    }

    [Fact]
    public void LOSS014_LabelListUsedAsANumber()
    {
        const string f = "loss a(x, const labels t) = sum(x) * t";
        var d = Single(f, "LOSS014");
        Assert.Equal("t", Text(d, f));
        Assert.Equal(f.LastIndexOf('t'), d.Location.SourceSpan.Start);
        Assert.Contains("list of labels", d.GetMessage());
    }

    [Fact]
    public void LOSS024_IndexInputInAnElementwiseLoss()
    {
        const string f = "loss a(x, const index t) = x * 2";
        Assert.Equal("const index t", Text(Single(f, "LOSS024"), f));
    }

    [Fact]
    public void LOSS024_NonConstClassInput()
    {
        const string f = "loss a(x, class w) = sum(w * x)";
        Assert.Equal("class w", Text(Single(f, "LOSS024"), f));
    }

    [Fact]
    public void LOSS024_ExceptNamesNoOption()
    {
        const string f = "loss a(x, const index t except nothing) = x[t]";
        Assert.Equal("nothing", Text(Single(f, "LOSS024"), f));
    }

    [Fact]
    public void ClassIndexLoss_GeneratesIntIndices()
    {
        const string f = "loss pick(x, const index t except skip; skip = -1) = -x[t]\nmean by 1";
        var (result, output) = GeneratorHarness.Run(new[] { ("/src/pick.loss", f) });
        Assert.Empty(result.Diagnostics);
        var text = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("ReadOnlySpan<int> t", text);
        Assert.Contains("is out of range for", text);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }
}

public class ReduceOverNonRowTests
{
    [Fact]
    public void LOSS016_ReducingAPerRowValueOverTheRow()
    {
        const string f = "loss a(x, const row y) = sum(x) + sum(y)";
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", f) });
        var d = Assert.Single(result.Diagnostics, x => x.Id == "LOSS016");
        Assert.Equal("sum(y)", f.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }
}
