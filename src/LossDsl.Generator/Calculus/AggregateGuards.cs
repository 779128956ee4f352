using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// When each aggregate of a row loss is needed: an aggregate read only under option-only conditions (say, in the else
/// branch of <c>if label_smoothing == 0 then ... else ...</c>) needs its pass over the row only when those conditions
/// hold. The result per aggregate is an option-only condition, or <see cref="BoolConstant"/> true.
/// </summary>
internal static class AggregateGuards
{
    private static readonly Expr Always = new BoolConstant(true);

    public static IReadOnlyList<Expr> Compute(LossModel model)
    {
        var loss = model.Loss;
        int count = loss.Aggregates.Count;
        var guards = new Expr?[count];

        // Uses outside the aggregates: the value, its derivatives, the gradient kernel, the mean's divisor.
        var direct = new Expr?[count];
        void Use(Expr root, Expr guard, Expr?[] into) => Walk(root, guard, into);
        Use(loss.Body, Always, direct);
        foreach (var g in model.OuterGradients) Use(g, Always, direct);
        foreach (var g in model.Gradients) Use(g, Always, direct);
        foreach (var p in model.PairGradients) Use(p.Summand, Always, direct);
        if (loss.MeanBy is not null) Use(loss.MeanBy, Always, direct);

        for (int j = count - 1; j >= 0; j--)
        {
            var guard = direct[j];
            // Read by a later aggregate (or a dependency pass of one): needed whenever that one is, under the same conditions.
            for (int k = j + 1; k < count; k++)
            {
                if (guards[k] is not { } outer) continue;
                var inner = new Expr?[count];
                Walk(loss.Aggregates[k].Body, outer, inner);
                foreach (var d in model.Dependencies.Where(d => d.K == k)) Walk(d.Summand, outer, inner);
                guard = Or(guard, inner[j]);
            }
            // A hidden tie count is needed when its max or min is.
            for (int k = 0; k < count; k++)
                if (model.Counts.Count > k && model.Counts[k] == j && guards[k] is null && k > j) guard = Or(guard, direct[k]);
            if (model.Counts.Contains(j)) guard = Always;
            guards[j] = guard is null ? new BoolConstant(false) : Simplifier.Simplify(guard);
        }
        return guards.Select(g => g!).ToList();
    }

    // A disjunction kept flat and without repeats; c or not c is always.
    private static Expr? Or(Expr? a, Expr? b)
    {
        if (a is null) return b;
        if (b is null) return a;
        var terms = new List<Expr>();
        foreach (var term in Terms(a).Concat(Terms(b)))
        {
            if (term is BoolConstant { Value: true }) return Always;
            if (!terms.Contains(term)) terms.Add(term);
        }
        if (terms.Any(t => terms.Contains(new Unary(UnaryOp.Not, t)))) return Always;
        return terms.Aggregate((x, y) => new Binary(BinaryOp.Or, x, y));
    }

    private static IEnumerable<Expr> Terms(Expr e) =>
        e is Binary { Op: BinaryOp.Or } or ? Terms(or.Left).Concat(Terms(or.Right)) : new[] { e };

    private static Expr And(Expr a, Expr b) =>
        a is BoolConstant { Value: true } ? b : b is BoolConstant { Value: true } ? a : new Binary(BinaryOp.And, a, b);

    /// <summary>Records, for every aggregate read in <paramref name="e"/>, the condition under which it is read.</summary>
    private static void Walk(Expr e, Expr guard, Expr?[] uses)
    {
        switch (e)
        {
            case AggregateRef a:
                uses[a.Index] = Or(uses[a.Index], guard);
                return;
            // a condition the row decides once: not one on a sum_pairs position (x[i] is fixed only within a pass)
            case Conditional c when ExprWalker.IsUniform(c.Condition) && !ExprWalker.Any(c.Condition, x => x is AggregateRef or OuterRef or OuterColumnRef):
                Walk(c.Condition, guard, uses);
                Walk(c.Then, And(guard, c.Condition), uses);
                Walk(c.Else, And(guard, new Unary(UnaryOp.Not, c.Condition)), uses);
                return;
            default:
                foreach (var child in ExprWalker.Children(e)) Walk(child, guard, uses);
                return;
        }
    }
}
