using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>Shape rules: what an elementwise, row or whole loss may read and declare, checked once its aggregates are lifted (LOSS016, LOSS019, LOSS024).</summary>
internal sealed partial class Binder
{
    /// <summary>
    /// The parameters the public API declares for itself, by loss shape, as camelCase: an input or option whose C# name
    /// is one of these would clash in the method signature (LOSS019). Nothing else is reserved: the implementation's own
    /// names cannot collide with a formula name (see <see cref="Emit.Names.Camel"/>).
    /// </summary>
    private static IReadOnlyDictionary<string, string> SignatureNames(LossShape shape) => shape switch
    {
        LossShape.Elementwise => new Dictionary<string, string>
        {
            ["reduction"] = "the reduction parameter", ["output"] = "the per-element output span", ["gradOutput"] = "the upstream gradient",
            ["weight"] = "the per-element weights of elementwise losses", ["hessianPolicy"] = "the Hessian policy of GradientHessian",
        },
        LossShape.Row => new Dictionary<string, string>
        {
            ["reduction"] = "the reduction parameter", ["output"] = "the per-row output span", ["gradOutput"] = "the upstream gradient",
            ["rowLength"] = "the row length of row losses",
        },
        _ => new Dictionary<string, string> { ["gradOutput"] = "the upstream gradient" },
    };


    /// <summary>A <c>mean by</c> or <c>mean per</c> expression: one value per row (LOSS016 where it reads elements or aggregates).</summary>
    private Expr? BindMeanClause(SyntaxNode? clause, string word)
    {
        if (clause is null) return null;
        var bound = BindReal(clause);
        if (bound is not null && ExprWalker.Any(bound, e => e is InputRef or ClassRef or ColumnRef or Aggregate or RowCall or Gather { IsClassInput: false }))
            Report(BindErrorKind.AggregateMisuse, clause.Range, $"'mean {word}' is one value per row: it may read options, index and row inputs, and class inputs at an index, not elements or aggregates");
        return bound;
    }

    /// <summary>
    /// The rules of the loss's shape, once its aggregates are lifted: no mix of row and whole aggregates, per-row inputs
    /// and 'mean' clauses in row losses only, no input named like a parameter of the API, 'row' and 'column' where they
    /// mean something, every input inside an aggregate in a loss with aggregates, hessian and gradient clauses on
    /// elementwise losses. False (reported) when one is broken.
    /// </summary>
    private bool CheckShape(LossSyntax loss, LossShape shape, Expr outer, List<AggregateModel> aggregates, List<InputModel> inputs)
    {
        if (aggregates.Select(a => a.Kind is AggregateKind.SumAll or AggregateKind.MeanAll).Distinct().Count() > 1)
        {
            Report(BindErrorKind.AggregateMisuse, loss.Body.Range, "A loss cannot mix row aggregates (sum, mean) with whole aggregates (sum_all, mean_all)");
            return false;
        }
        if (shape != LossShape.Row && inputs.FirstOrDefault(i => !i.IsElement) is { } perRow)
        {
            Report(BindErrorKind.BadInputKind, loss.Inputs.First(i => i.Name == perRow.Name).Range,
                $"'{perRow.Name}' is a{(perRow.Kind == InputKind.Index ? "n" : "")} {perRow.Kind.ToString().ToLowerInvariant()} input: those belong to row losses (with sum, mean, max, min or a subscript), not to elementwise or whole losses");
            return false;
        }
        if (shape == LossShape.Elementwise && (loss.MeanBy ?? loss.MeanPer) is { } meanClause)
        {
            Report(BindErrorKind.AggregateMisuse, meanClause.Range, $"'mean {(loss.MeanBy is null ? "per" : "by")}' belongs to row losses");
            return false;
        }
        var signature = SignatureNames(shape);
        foreach (var (name, range) in loss.Inputs.Select(i => (i.Name, i.Range)).Concat(loss.Options.Select(o => (o.Name, o.Range))))
            if (signature.TryGetValue(Emit.Names.PublicCamel(name), out var use))
                Report(BindErrorKind.ReservedName, range, name, use);
        if (_failed) return false;
        if (shape != LossShape.Row && (ExprWalker.Any(outer, e => e is RowNumberRef) || aggregates.Any(a => ExprWalker.Any(a.Body, e => e is RowNumberRef))))
        {
            Report(BindErrorKind.AggregateMisuse, loss.Body.Range, $"'{RowName}' is the number of the current row: it belongs to row losses (with sum, mean, max, min or a subscript)");
            return false;
        }
        if (ExprWalker.Any(outer, e => e is ColumnRef))
        {
            Report(BindErrorKind.AggregateMisuse, loss.Body.Range, $"'{ColumnName}' is the position of an element in its row: use it inside sum(...), mean(...), max(...), min(...) or a subscripted expression");
            return false;
        }
        if (shape != LossShape.Elementwise && ExprWalker.Any(outer, e => e is InputRef or ClassRef))
        {
            Report(BindErrorKind.AggregateMisuse, loss.Body.Range, "An input is read outside sum(...)/mean(...): in a loss with aggregates every input must be inside one");
            return false;
        }
        if (shape != LossShape.Elementwise && loss.Hessian is { } hessian)
        {
            Report(BindErrorKind.BadHessian, hessian.Range, "Only elementwise losses have generated second derivatives: a 'hessian' clause belongs to them");
            return false;
        }
        if (shape != LossShape.Elementwise && loss.Gradients.Count > 0)
        {
            Report(BindErrorKind.BadGradient, loss.Gradients[0].InputRange, "gradient clauses are supported on elementwise losses only");
            return false;
        }
        return true;
    }
}
