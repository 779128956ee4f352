using LossDsl.Generator.Calculus;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Semantics;

/// <summary>
/// An input of a loss. <paramref name="Default"/> makes it optional (only for <c>const</c> inputs). It holds no source
/// location: the emit model stays equal when lines are inserted above the loss (locations travel with the diagnostics).
/// </summary>
internal sealed record InputModel(string Name, bool IsConst, double? Default)
{
    /// <summary>What one value covers: an element, a row, a class, or a row's class index.</summary>
    public Syntax.InputKind Kind { get; init; }
    /// <summary>For an index input: the option whose value marks a row to leave out.</summary>
    public string? Except { get; init; }
    public bool IsElement => Kind == Syntax.InputKind.Element;
}

/// <summary>An option: a scalar with a default, the same for every element.</summary>
internal sealed record OptionModel(string Name, bool IsBoolean, double Default);

/// <summary>One aggregate of a row or whole loss: the elementwise expression it sums (or averages).</summary>
internal sealed record AggregateModel(AggregateKind Kind, Expr Body)
{
    /// <summary>For a <see cref="AggregateKind.Gather"/>: the subscript it reads directly.</summary>
    public Gather? Source { get; init; }
    /// <summary>For an <see cref="AggregateKind.Extern"/>: the row function call that computes it.</summary>
    public RowCall? Call { get; init; }
    public bool IsMean => Kind is AggregateKind.Mean or AggregateKind.MeanAll;
    /// <summary>A <c>sum_pairs</c>: its passes run over j once per position i (ElementLoops.PairSum).</summary>
    public bool IsPair => Kind == AggregateKind.PairSum;
    /// <summary>Computed by a pass of its own kernel over the row (a subscript is read directly, a row function is C#).</summary>
    public bool HasKernel => Source is null && Call is null;
    public bool IsExtremum => Kind is AggregateKind.Max or AggregateKind.Min;
}

/// <summary>A subexpression that a <c>let</c> named, so that generated code keeps the user's name for it.</summary>
internal sealed record NamedExpr(Expr Expression, string Name);

internal enum LossShape { Elementwise, Row, Whole }

/// <summary>
/// A loss after binding: names resolved, types checked. For an elementwise loss <see cref="Body"/> is the loss of one
/// element; for a row or whole loss it is the outer formula over <see cref="AggregateRef"/>s and options, and
/// <see cref="Aggregates"/> hold the elementwise parts. <see cref="DeclaredGradients"/> holds, per input, the gradient a
/// <c>grad</c> clause states (used instead of the derived one), or null.
/// </summary>
internal sealed record BoundLoss(
    string Name,
    string Documentation,
    string Declaration,
    EquatableArray<InputModel> Inputs,
    EquatableArray<OptionModel> Options,
    LossShape Shape,
    Expr Body,
    EquatableArray<AggregateModel> Aggregates,
    EquatableArray<NamedExpr> Names,
    EquatableArray<Expr?> DeclaredGradients)
{
    /// <summary>The <c>mean by</c> expression: the mean divides by its sum over the counted rows (null: by their number).</summary>
    public Expr? MeanBy { get; init; }
    /// <summary>The <c>mean per</c> expression: the mean averages each row's loss divided by it (null: the loss itself).</summary>
    public Expr? MeanPer { get; init; }
    /// <summary>The index inputs that subscript an expression (<c>softmax(z)[t]</c>): class indices, checked like <c>x[t]</c>'s.</summary>
    public EquatableArray<string> Subscripted { get; init; }
    /// <summary>The <c>hessian</c> clause (its range cleared): the default policy of GradientHessian; null: as derived.</summary>
    public Syntax.HessianClause? Hessian { get; init; }
    /// <summary>The <c>require</c> clauses: preconditions on the options (checked first) and on element values (in the kernels).</summary>
    public EquatableArray<RequireModel> Requires { get; init; } = EquatableArray<RequireModel>.Empty;
    /// <summary>The <c>shape</c> clauses: the loss's tensor semantics, emitted as its definition's <c>ShapeRules</c>.</summary>
    public EquatableArray<ShapeRuleModel> ShapeRules { get; init; } = EquatableArray<ShapeRuleModel>.Empty;
}
