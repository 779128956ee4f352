using System;
using System.Linq;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Semantics;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// The binder's errors as data (Semantics/BindError): each kind has its diagnostic, and what a caller needs to know
/// about an error (a function's template that recurses) is read from its kind, not from its message.
/// </summary>
public class BindErrorTests
{
    private static Model.CompiledUnit Compile(string text) => Compiler.Compile(new Model.FormulaSource("/src/f.loss", text,
        Model.SourceMap.File, "N", null, "public", Model.EquatableArray<DiagnosticInfo>.Empty));

    [Fact]
    public void EveryKind_HasADescriptorOfTheGenerator()
    {
        var ids = Descriptors.All.Select(d => d.Id).ToHashSet();
        foreach (BindErrorKind kind in Enum.GetValues(typeof(BindErrorKind)))
            Assert.Contains(new BindError(kind, default, Model.EquatableArray<string>.Empty).DiagnosticId, ids);
        Assert.Equal(Descriptors.BadFunction.Id, new BindError(BindErrorKind.Recursion, default, Model.EquatableArray<string>.Empty).DiagnosticId);
    }

    [Fact]
    public void ARecursion_IsReportedInEachFunction_AndAgainForTheLossThatUsesThem()
    {
        const string text = "fn f(a) = g(a) + 1\nfn g(a) = f(a)\nloss p(x) = f(x)";
        var unit = Compile(text);
        Assert.Empty(unit.Losses);
        var recursions = unit.Diagnostics.Where(d => d.Id == Descriptors.BadFunction.Id).ToList();
        Assert.All(recursions, d => Assert.Contains("calls itself", d.Arguments[0]));
        // Checking f meets f again in g's body (line 1), checking g meets g in f's (line 0); binding the loss binds f's
        // template, which meets f in g's body again: that recursion, and only it, is passed on to the loss.
        Assert.Equal(new[] { 0, 1, 1 }, recursions.Select(d => d.Span!.StartLine).OrderBy(line => line));
        Assert.Equal(recursions.Count, unit.Diagnostics.Count);
    }

    [Fact]
    public void AFunctionsOtherErrors_AreReportedOnce_NotAgainAtEachUse()
    {
        var unit = Compile("fn f(a) = a + nope\nloss p(x) = f(x)\nloss q(x) = f(2 * x)");
        Assert.Empty(unit.Losses);
        var unknown = Assert.Single(unit.Diagnostics, d => d.Id == Descriptors.UnknownName.Id);
        Assert.Equal("nope", unknown.Arguments[0]);
        Assert.DoesNotContain(unit.Diagnostics, d => d.Id == Descriptors.InternalError.Id);
    }
}
