using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Emit;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;
using LossDsl.Generator.Syntax;
using Microsoft.CodeAnalysis;

namespace LossDsl.Generator;

/// <summary>
/// The generator's stages opened up for a person at a terminal (<c>lossdsl show</c>): one formula text in, and per loss
/// its bound and simplified forms, its derivatives (and second derivatives for elementwise losses), the stable rewrites
/// that fired, the generated C#, and the diagnostics. Everything out is text or a Roslyn <see cref="Diagnostic"/>, so the
/// caller depends on no stage's types. Not used by the build: only the command-line tool calls it.
/// </summary>
internal static class Workbench
{
    /// <summary>Explains every loss of <paramref name="text"/> (the content of <paramref name="path"/>). Never throws.</summary>
    public static WorkbenchReport Explain(string path, string text, bool withCode = false)
    {
        var source = new FormulaSource(path, text, SourceMap.File, null, null, SourceReader.DefaultAccessibility, EquatableArray<DiagnosticInfo>.Empty);
        var unit = Compiler.Compile(source);
        var diagnostics = unit.Diagnostics.Select(d => d.ToDiagnostic()).ToList();
        var losses = new List<LossExplanation>();
        try
        {
            losses = OnLargeStack(() => ExplainCore(source, unit, withCode));
        }
        catch (Exception e)
        {
            var inner = e is InvalidOperationException { InnerException: { } x } ? x : e;
            diagnostics.Add(new DiagnosticInfo(Descriptors.InternalError.Id, source.Map.Locate(path, text, 0, 0),
                new[] { "explaining the formula: " + inner.GetType().Name + ": " + inner.Message }.ToEquatableArray()).ToDiagnostic());
        }
        return new WorkbenchReport(diagnostics, losses);
    }

    /// <summary>The names of the losses a text declares, as far as it parses (for reporting a file that does not compile).</summary>
    public static IReadOnlyList<string> DeclaredLossNames(string text)
    {
        try
        {
            return OnLargeStack(() => Parser.ParseWithFunctions(text).Losses.Select(l => l.Name).Where(n => n.Length > 0).Distinct().ToList());
        }
        catch (Exception)
        {
            return Array.Empty<string>();
        }
    }

    private static T OnLargeStack<T>(Func<T> stage) => Compiler.OnLargeStack(stage);

    private static List<LossExplanation> ExplainCore(FormulaSource source, CompiledUnit unit, bool withCode)
    {
        // The front half of Compiler again, keeping what it throws away: the bound loss before simplification.
        var (syntax, functionSyntax, _) = Parser.ParseWithFunctions(source.Text);
        var functions = new Dictionary<string, FunctionSyntax>(StringComparer.Ordinal);
        foreach (var fn in functionSyntax)
            if (!Binder.IsBuiltIn(fn.Name) && !functions.ContainsKey(fn.Name)) functions[fn.Name] = fn;
        var scratch = new List<DiagnosticInfo>();
        var bound = new Dictionary<string, BoundLoss>(StringComparer.Ordinal);
        foreach (var loss in syntax)
            if (!bound.ContainsKey(loss.Name) && Binder.Bind(source, loss, scratch, functions) is { } b) bound[loss.Name] = b;

        var result = new List<LossExplanation>();
        foreach (var model in unit.Losses)
        {
            if (!bound.TryGetValue(model.Loss.Name, out var loss)) continue;
            var simplified = loss with
            {
                Body = Simplifier.Simplify(loss.Body),
                Aggregates = loss.Aggregates.Select(a => a with { Body = Simplifier.Simplify(a.Body) }).ToEquatableArray(),
            };
            string? code = null, codeError = null;
            if (withCode)
            {
                var (emitted, error) = Compiler.EmitSafely(model, allowUnsafe: true);
                code = emitted;
                if (error is not null) codeError = error.ToDiagnostic().GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            }
            result.Add(new LossExplanation(
                loss.Name,
                model.ClassName,
                loss.Shape switch { LossShape.Elementwise => "elementwise", LossShape.Row => "row", _ => "whole" },
                loss.Declaration,
                Lines(loss),
                Lines(simplified),
                Derivatives(model, simplified),
                SecondDerivatives(simplified),
                Rewrites(loss),
                code,
                codeError));
        }
        return result;
    }

    /// <summary>The loss as formula lines: the aggregates A_j of a row or whole loss, then L.</summary>
    private static IReadOnlyList<string> Lines(BoundLoss loss)
    {
        var lines = new List<string>();
        string over = loss.Shape == LossShape.Row ? "the row" : "all elements";
        for (int j = 0; j < loss.Aggregates.Count; j++)
        {
            lines.Add($"A{j} = " + FormulaPrinter.PrintAggregate(loss.Aggregates[j], over));
        }
        lines.Add("L = " + FormulaPrinter.Print(loss.Body));
        return lines;
    }

    /// <summary>
    /// dL/dx per differentiable input. Elementwise: the derivative of the simplified body (before lowering, so it reads
    /// as the formula does), or the stated gradient. Row and whole losses: the generator's own lines, in terms of the
    /// aggregates A_j and their coefficients c_j = dL/dA_j.
    /// </summary>
    private static IReadOnlyList<string> Derivatives(LossModel model, BoundLoss simplified)
    {
        if (simplified.Shape != LossShape.Elementwise)
        {
            var formulas = LossEmitter.Formulas(model).Split('\n');
            return formulas.Where(l => l.StartsWith("dL/d", StringComparison.Ordinal) || l.StartsWith("dA", StringComparison.Ordinal))
                .Select(l => l + string.Concat(model.Scatters
                    .Where(sc => l.StartsWith($"dL/d{simplified.Inputs[sc.Input].Name} = ", StringComparison.Ordinal) && model.Loss.Aggregates[sc.Aggregate].Source is not null)
                    .Select(sc => $"; and c{sc.Aggregate} added at {FormulaPrinter.Print(model.Loss.Aggregates[sc.Aggregate].Source!)}")))
                .ToList();
        }
        var lines = new List<string>();
        for (int k = 0; k < simplified.Inputs.Count; k++)
        {
            if (simplified.Inputs[k].IsConst) continue;
            lines.Add($"dL/d{simplified.Inputs[k].Name} = " + Guarded(() => FormulaPrinter.Print(Gradient(simplified, k))));
        }
        return lines;
    }

    private static Expr Gradient(BoundLoss simplified, int k) =>
        simplified.DeclaredGradients[k] is { } stated ? Simplifier.Simplify(stated)
        : Differentiator.Derivative(simplified.Body, e => e is InputRef r && r.Index == k);

    /// <summary>Elementwise losses: d²L/dx² per differentiable input, the gradient differentiated again (symbolically).</summary>
    private static IReadOnlyList<string> SecondDerivatives(BoundLoss simplified)
    {
        var lines = new List<string>();
        if (simplified.Shape != LossShape.Elementwise) return lines;
        for (int k = 0; k < simplified.Inputs.Count; k++)
        {
            if (simplified.Inputs[k].IsConst) continue;
            int index = k;
            lines.Add($"d²L/d{simplified.Inputs[k].Name}² = " + Guarded(() =>
                FormulaPrinter.Print(Differentiator.Derivative(Gradient(simplified, index), e => e is InputRef r && r.Index == index))));
        }
        return lines;
    }

    private static string Guarded(Func<string> print)
    {
        try { return print(); }
        catch (Exception e) when (e is not InsufficientExecutionStackException) { return "(not available: " + e.Message + ")"; }
    }

    private static readonly Function[] s_stableForms = { Function.LogSigmoid, Function.Softplus, Function.Log1p, Function.Expm1, Function.Sigmoid };

    /// <summary>
    /// The stable rewrites that fired: every subexpression of the bound loss (before simplification) that the simplifier
    /// turns into a call of a stable form (log_sigmoid, softplus, log1p, expm1, sigmoid of a negation) that it was not
    /// already. Each distinct rewrite once, outermost first.
    /// </summary>
    private static IReadOnlyList<Rewrite> Rewrites(BoundLoss loss)
    {
        var found = new List<Rewrite>();
        var seen = new HashSet<Expr>(SameNode.Instance);
        int budget = 4000; // subexpressions examined: formulas are small, and show must stay quick on a huge one
        void Visit(Expr e)
        {
            if (budget-- <= 0 || !seen.Add(e)) return;
            if (e is not Call { Function: var f } || !s_stableForms.Contains(f))
            {
                var after = Simplifier.Simplify(e);
                if (after is Call { Function: var g } call && s_stableForms.Contains(g)
                    && (g != Function.Sigmoid || e is Binary { Op: BinaryOp.Subtract } && call.Argument is Unary { Op: UnaryOp.Negate }))
                {
                    var rewrite = new Rewrite(RuleOf(g), FormulaPrinter.Print(e), FormulaPrinter.Print(after));
                    if (!found.Contains(rewrite)) found.Add(rewrite);
                }
            }
            foreach (var child in ExprWalker.Children(e)) Visit(child);
        }
        foreach (var a in loss.Aggregates) Visit(a.Body);
        Visit(loss.Body);
        return found;
    }

    private static string RuleOf(Function f) => f switch
    {
        Function.LogSigmoid => "log(sigmoid(x)) → log_sigmoid(x)",
        Function.Softplus => "log(1 + exp(x)) → softplus(x)",
        Function.Log1p => "log(1 + x) → log1p(x)",
        Function.Expm1 => "exp(x) - 1 → expm1(x)",
        _ => "1 - sigmoid(x) → sigmoid(-x)",
    };
}

/// <summary>Nodes by identity: let-inlined trees share subtrees, each visited once.</summary>
internal sealed class SameNode : IEqualityComparer<Expr>
{
    public static readonly SameNode Instance = new();
    public bool Equals(Expr? x, Expr? y) => ReferenceEquals(x, y);
    public int GetHashCode(Expr obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
}

/// <summary>What <see cref="Workbench.Explain"/> found: the diagnostics of the text and every loss that compiled.</summary>
internal sealed record WorkbenchReport(IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<LossExplanation> Losses);

/// <summary>One loss explained, as text.</summary>
/// <param name="Bound">The loss as parsed and bound (lets inlined, names resolved), before any rewriting.</param>
/// <param name="Simplified">After the simplifier: constants folded, stable forms.</param>
/// <param name="Derivatives">dL/dx per differentiable input (row losses: in terms of the aggregates).</param>
/// <param name="SecondDerivatives">Elementwise losses: d²L/dx² per differentiable input.</param>
/// <param name="Code">The generated C#, when asked for.</param>
internal sealed record LossExplanation(
    string Name,
    string ClassName,
    string Kind,
    string Declaration,
    IReadOnlyList<string> Bound,
    IReadOnlyList<string> Simplified,
    IReadOnlyList<string> Derivatives,
    IReadOnlyList<string> SecondDerivatives,
    IReadOnlyList<Rewrite> Rewrites,
    string? Code,
    string? CodeError);

/// <summary>A stable rewrite that fired: the rule, and the subexpression before and after.</summary>
internal sealed record Rewrite(string Rule, string Before, string After);
