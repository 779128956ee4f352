using LossDsl.Generator.Calculus;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Semantics;

/// <summary>An input of a loss. <paramref name="Default"/> makes it optional (only for <c>const</c> inputs).</summary>
internal sealed record InputModel(string Name, bool IsConst, double? Default, SourceSpan Span);

/// <summary>An option: a scalar with a default, the same for every element.</summary>
internal sealed record OptionModel(string Name, bool IsBoolean, double Default);

/// <summary>One aggregate of a row or whole loss: the elementwise expression it sums (or averages).</summary>
internal sealed record AggregateModel(AggregateKind Kind, Expr Body)
{
    public bool IsMean => Kind is AggregateKind.Mean or AggregateKind.MeanAll;
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
    EquatableArray<Expr?> DeclaredGradients);
