using System.Collections.Generic;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// Aggregate lifting, the first calculus step of a row or whole loss: every aggregate, row function call and subscript
/// of the bound body becomes an <see cref="AggregateModel"/> (identical ones once), and the body the outer formula over
/// <see cref="AggregateRef"/>s. Differentiation then works on the outer formula and each summand apart.
/// </summary>
internal static class AggregateLifting
{
    /// <summary>The outer formula and the aggregates, inner ones first (an aggregate only reads earlier ones); none for an elementwise body.</summary>
    public static (Expr Outer, List<AggregateModel> Aggregates) Lift(Expr body)
    {
        var aggregates = new List<AggregateModel>();
        var outer = Lift(body, aggregates);
        return (outer, aggregates);
    }

    private static Expr Lift(Expr e, List<AggregateModel> aggregates) => e switch
    {
        // Post-order: an aggregate's inner aggregates are lifted first, so every aggregate only reads earlier ones.
        Aggregate a => new AggregateRef(IndexOf(aggregates, new AggregateModel(a.Kind, Lift(a.Body, aggregates)))),
        // A row function's value is computed by its C# method, one pass of its own: an aggregate without a summand.
        RowCall c => new AggregateRef(IndexOf(aggregates, new AggregateModel(AggregateKind.Extern, Constant.Zero) { Call = c })),
        // x[t] is the sum over the row of (column == t ? x : 0): the gradient machinery sees that; Run reads x[t] directly.
        Gather g => new AggregateRef(IndexOf(aggregates, new AggregateModel(AggregateKind.Gather,
            new Conditional(new Binary(BinaryOp.Equal, ColumnRef.Instance, g.Index), g.IsClassInput ? new ClassRef(g.Input, g.Name) : new InputRef(g.Input, g.Name), Constant.Zero))
            { Source = g })),
        _ => ExprWalker.MapChildren(e, x => Lift(x, aggregates)),
    };

    /// <summary>
    /// The let names in the terms of the lifted formula: a name over aggregates (<c>let lse = logsumexp(x)</c>) names the
    /// outer formula's expression over <see cref="AggregateRef"/>s, so generated code keeps it; a name within a summand
    /// stays as it is. A name whose aggregate the loss never computes (an unused let) is dropped.
    /// </summary>
    public static IEnumerable<NamedExpr> LiftNames(IEnumerable<NamedExpr> names, List<AggregateModel> aggregates)
    {
        bool found = true;
        Expr LiftExisting(Expr e) => e switch
        {
            Aggregate a when aggregates.IndexOf(new AggregateModel(a.Kind, LiftExisting(a.Body))) is var k and >= 0 => new AggregateRef(k),
            Aggregate or RowCall or Gather => Missing(e),
            _ => ExprWalker.MapChildren(e, LiftExisting),
        };
        Expr Missing(Expr e) { found = false; return e; }
        foreach (var name in names)
        {
            found = true;
            var lifted = LiftExisting(name.Expression);
            if (found) yield return name with { Expression = lifted };
        }
    }

    private static int IndexOf(List<AggregateModel> aggregates, AggregateModel aggregate)
    {
        int index = aggregates.IndexOf(aggregate);
        if (index >= 0) return index;
        aggregates.Add(aggregate);
        return aggregates.Count - 1;
    }
}
