using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>
/// Resolves names, checks types (real vs bool), checks options and aggregates, and lowers syntax to <see cref="Expr"/>.
/// Collects its errors as <see cref="BindError"/>s (located as diagnostics when it returns) and returns null for a loss
/// it cannot bind; it never throws on bad input. One concern per file: this one binds a loss clause by clause;
/// Declarations (inputs, options), Expressions (scopes and types), Functions, Subscripts, Pairs (<c>sum_pairs</c>),
/// LossShapes (the rules of elementwise, row and whole losses) and Requires. Lifting the aggregates out of the bound body
/// is a calculus step (<see cref="AggregateLifting"/>).
/// </summary>
internal sealed partial class Binder
{
    /// <summary>The position of the current element in its row (0, 1, ...), inside row aggregates; a declared name shadows it.</summary>
    public const string ColumnName = "column";

    /// <summary>The number of the current row (0, 1, ...) of a row loss; a declared name shadows it.</summary>
    public const string RowName = "row";

    private static readonly IReadOnlyDictionary<string, double> s_constants = new Dictionary<string, double>
    {
        ["pi"] = Math.PI,
        ["e"] = Math.E,
        ["inf"] = double.PositiveInfinity,
    };

    private readonly FormulaSource _source;
    /// <summary>What this binder refused, in order; located as diagnostics when it returns (<see cref="Diagnostics"/>).</summary>
    private readonly List<BindError> _errors = new();
    private readonly List<NamedExpr> _names = new();
    private readonly Dictionary<string, Expr> _scope = new(StringComparer.Ordinal);
    private bool _failed;

    private readonly IReadOnlyDictionary<string, FunctionSyntax> _functions;
    private readonly Dictionary<string, (Expr? Body, Expr?[] Gradients)?> _templates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _binding;

    private Binder(FormulaSource source, IReadOnlyDictionary<string, FunctionSyntax> functions, HashSet<string>? binding = null)
    {
        _source = source;
        _functions = functions;
        _binding = binding ?? new HashSet<string>(StringComparer.Ordinal);
    }

    public static BoundLoss? Bind(FormulaSource source, LossSyntax loss, List<DiagnosticInfo> diagnostics, IReadOnlyDictionary<string, FunctionSyntax>? functions = null)
    {
        var binder = new Binder(source, functions ?? new Dictionary<string, FunctionSyntax>());
        var bound = binder.BindLoss(loss);
        diagnostics.AddRange(binder.Diagnostics());
        return bound;
    }

    /// <summary>Binds a function on its own, reporting what is wrong in it (uses of a broken function fail quietly).</summary>
    public static void CheckFunction(FormulaSource source, FunctionSyntax function, List<DiagnosticInfo> diagnostics, IReadOnlyDictionary<string, FunctionSyntax> functions)
    {
        var binder = new Binder(source, functions);
        binder.BindFunction(function);
        diagnostics.AddRange(binder.Diagnostics());
    }

    /// <summary>The errors, located in the source.</summary>
    private IEnumerable<DiagnosticInfo> Diagnostics() => _errors.Select(e =>
        new DiagnosticInfo(e.DiagnosticId, _source.Map.Locate(_source.Path, _source.Text, e.Range.Start, e.Range.Length), e.Arguments));

    /// <summary>Refuses something: the loss (or function) being bound fails.</summary>
    private void Report(BindErrorKind kind, TextRange range, params string[] args)
    {
        _failed = true;
        _errors.Add(new BindError(kind, range, args.ToEquatableArray()));
    }

    private BoundLoss? BindLoss(LossSyntax loss)
    {
        var (inputs, options) = BindDeclarations(loss);
        var body = BindReal(loss.Body);
        var meanBy = BindMeanClause(loss.MeanBy, "by");
        var meanPer = BindMeanClause(loss.MeanPer, "per");
        var gradients = new Expr?[inputs.Count];
        foreach (var clause in loss.Gradients)
        {
            int index = inputs.FindIndex(i => i.Name == clause.Input);
            var gradient = BindReal(clause.Expression!);
            if (index < 0) { Report(BindErrorKind.UnknownName, clause.InputRange, clause.Input); continue; }
            if (inputs[index].IsConst) { Report(BindErrorKind.BadGradient, clause.InputRange, $"'{clause.Input}' is const: it has no gradient to declare"); continue; }
            if (gradients[index] is not null) { Report(BindErrorKind.DuplicateName, clause.InputRange, clause.Input); continue; }
            if (gradient is not null && ExprWalker.Any(gradient, e => e is Aggregate)) { Report(BindErrorKind.BadGradient, clause.Expression!.Range, "a gradient clause is elementwise: it cannot use sum(...) or mean(...)"); continue; }
            gradients[index] = gradient;
        }
        if (_failed || body is null) return null;
        if (ExprBudget.Check(new[] { body }, "formula") is { } tooBig)
        {
            Report(BindErrorKind.TooComplex, loss.Body.Range, tooBig);
            return null;
        }

        // Lift the aggregates out: the body becomes the outer formula of a row (or whole) loss.
        var (outer, aggregates) = AggregateLifting.Lift(body);
        var shape = aggregates.Count == 0 ? LossShape.Elementwise
            : aggregates[0].Kind is AggregateKind.SumAll or AggregateKind.MeanAll ? LossShape.Whole : LossShape.Row;
        if (!CheckShape(loss, shape, outer, aggregates, inputs)) return null;
        var requires = BindRequires(loss, shape, inputs, options);
        var shapeRules = BindShapes(loss, inputs, options);
        if (_failed) return null;

        string declaration = _source.Text.Substring(loss.Range.Start, Math.Min(loss.Range.Length, _source.Text.Length - loss.Range.Start));
        return new BoundLoss(loss.Name, loss.Documentation, declaration, inputs.ToEquatableArray(), options.ToEquatableArray(),
            shape, outer, aggregates.ToEquatableArray(), AggregateLifting.LiftNames(_names, aggregates).Distinct().ToEquatableArray(), gradients.ToEquatableArray())
            {
                MeanBy = meanBy, MeanPer = meanPer, Subscripted = _subscripted.OrderBy(x => x, StringComparer.Ordinal).ToEquatableArray(),
                Hessian = loss.Hessian is { } hessianClause ? hessianClause with { Range = default } : null,
                Requires = requires,
                ShapeRules = shapeRules,
            };
    }
}
