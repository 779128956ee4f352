using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>The pipeline caches: models are equatable values, so unchanged input is never recompiled or re-emitted.</summary>
public class IncrementalityTests
{
    private static readonly string[] s_steps = { StepNames.FileSources, StepNames.Compiled, StepNames.Models, StepNames.Diagnostics };

    internal static (GeneratorDriver Driver, CSharpCompilation Compilation, List<AdditionalText> Files) FirstRun(params (string Path, string Text)[] files)
    {
        var compilation = GeneratorHarness.Compilation("namespace App { public static class Program { } }");
        var texts = files.Select(f => (AdditionalText)new LossFile(f.Path, f.Text)).ToList();
        var driver = GeneratorHarness.Driver(texts);
        return (driver.RunGenerators(compilation), compilation, texts);
    }

    private static readonly (string, string)[] s_files =
    {
        ("/src/mse.loss", "loss mse(x, y) = (x - y)^2"),
        ("/src/l1.loss", "loss l1(x, y) = abs(x - y)"),
    };

    [Fact]
    public void AddingAnUnrelatedSyntaxTree_LeavesEveryStepCachedOrUnchanged()
    {
        var (driver, compilation, _) = FirstRun(s_files);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", new CSharpParseOptions(LanguageVersion.Preview))));
        var result = driver.GetRunResult().Results.Single();
        foreach (var step in s_steps)
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {output.Reason}");
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void EditingOneLossFile_RecompilesOnlyThatFile()
    {
        var (driver, compilation, texts) = FirstRun(s_files);
        var edited = new LossFile("/src/l1.loss", "loss l1(x, y) = 2 * abs(x - y)");
        var old = texts.First(t => t.Path == "/src/l1.loss");
        driver = driver.ReplaceAdditionalText(old, edited).RunGenerators(compilation);
        var compiled = driver.GetRunResult().Results.Single().TrackedSteps[StepNames.Compiled];
        var reasons = compiled.SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void EditingOnlyATrailingComment_RecompilesButDoesNotReemitCode()
    {
        var (driver, compilation, texts) = FirstRun(("/src/mse.loss", "loss mse(x, y) = (x - y)^2"));
        var old = texts.Single();
        driver = driver.ReplaceAdditionalText(old, new LossFile("/src/mse.loss", "loss mse(x, y) = (x - y)^2\n// a comment")).RunGenerators(compilation);
        var models = driver.GetRunResult().Results.Single().TrackedSteps[StepNames.Models].SelectMany(s => s.Outputs).ToList();
        var compiled = driver.GetRunResult().Results.Single().TrackedSteps[StepNames.Compiled].SelectMany(s => s.Outputs).ToList();
        Assert.All(compiled, o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        Assert.All(models, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void TrackedOutputs_HoldNoSymbolsSyntaxOrCompilation()
    {
        var (driver, _, _) = FirstRun(s_files);
        var result = driver.GetRunResult().Results.Single();
        // Roslyn's own input node holds the compilation (the generator reads one bool from it: is unsafe code allowed).
        foreach (var step in result.TrackedSteps.Where(s => s.Key != WellKnownGeneratorInputs.Compilation).SelectMany(s => s.Value))
            foreach (var (value, _) in step.Outputs)
                AssertNoRoslynObjects(value, new HashSet<object>(ReferenceEqualityComparer.Instance), 0);
    }

    private static void AssertNoRoslynObjects(object? value, HashSet<object> seen, int depth)
    {
        if (value is null || depth > 40 || value is string || value.GetType().IsPrimitive || value is System.Enum) return;
        Assert.False(value is ISymbol or SyntaxNode or Compilation or SyntaxTree or Location, $"found {value.GetType().Name} in a tracked output");
        if (!value.GetType().IsValueType && !seen.Add(value)) return;
        if (value is System.Collections.IEnumerable items)
        {
            foreach (var item in items) AssertNoRoslynObjects(item, seen, depth + 1);
            return;
        }
        foreach (var field in value.GetType().GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
            AssertNoRoslynObjects(field.GetValue(value), seen, depth + 1);
    }
}

public class ModelEqualityTests
{
    [Fact]
    public void CompilingTheSameTextTwice_GivesEqualUnits()
    {
        var text = System.IO.File.ReadAllText(GeneratorHarness.RepositoryFile("definitions/sigmoid_focal_loss.loss"));
        var a = Compiler.Compile(new Model.FormulaSource("/x.loss", text, Model.SourceMap.File, "N", null, "public", Model.EquatableArray<Diagnostics.DiagnosticInfo>.Empty));
        var b = Compiler.Compile(new Model.FormulaSource("/x.loss", text, Model.SourceMap.File, "N", null, "public", Model.EquatableArray<Diagnostics.DiagnosticInfo>.Empty));
        Assert.Equal(a.Losses[0].Loss.Inputs, b.Losses[0].Loss.Inputs);
        Assert.Equal(a.Losses[0].Loss.Body, b.Losses[0].Loss.Body);
        Assert.Equal(a.Losses[0].Loss.Names, b.Losses[0].Loss.Names);
        Assert.Equal(a.Losses[0].Loss.DeclaredGradients, b.Losses[0].Loss.DeclaredGradients);
        Assert.Equal(a.Losses[0].Gradients, b.Losses[0].Gradients);
        Assert.Equal(a.Losses[0], b.Losses[0]);
        Assert.Equal(a, b);
    }

    [Fact]
    public void InsertingLinesAboveALoss_LeavesItsSourceCachedWhileItsDiagnosticsMove()
    {
        // 'unused' has no gradient path: LOSS017 points at it, and must follow it down two lines.
        const string text = "loss warned(x, unused) = x^2 + sign(unused)";
        var (driver, compilation, texts) = IncrementalityTests.FirstRun(("/src/w.loss", text));
        var first = driver.GetRunResult().Results.Single();
        var before = Assert.Single(first.Diagnostics, d => d.Id == "LOSS017");
        Assert.Equal(0, before.Location.GetLineSpan().StartLinePosition.Line);

        driver = driver.ReplaceAdditionalText(texts.Single(), new LossFile("/src/w.loss", "// a comment\n// another\n" + text)).RunGenerators(compilation);
        var result = driver.GetRunResult().Results.Single();
        var after = Assert.Single(result.Diagnostics, d => d.Id == "LOSS017");
        Assert.Equal(2, after.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(before.Location.GetLineSpan().StartLinePosition.Character, after.Location.GetLineSpan().StartLinePosition.Character);

        Assert.All(result.TrackedSteps[StepNames.Models].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Models: {o.Reason}"));
        var sourceOutputs = result.TrackedOutputSteps["SourceOutput"].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(sourceOutputs, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Equal(first.GeneratedSources.Single().SourceText.ToString(), result.GeneratedSources.Single().SourceText.ToString());
    }
}
