using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// The differentiate-and-simplify stage for a whole loss: its value, its gradient for every input, and for an
/// elementwise loss the diagonal of its Hessian (each gradient differentiated again).
/// A row loss is L = F(A_0, ..., A_n) with A_k an aggregate (sum, mean, max, min) of a summand e_k that may read inputs
/// and earlier aggregates. Its gradient is reverse mode over the aggregates: the adjoint of A_k is dF/dA_k plus, for
/// every later aggregate reading it, that aggregate's adjoint times dA_later/dA_k (a reduction pass per row); then
/// dL/dx_i = sum_k c_k w_k,i de_k,i/dx_i with c_k the adjoint and w_k,i the aggregate's weight for element i
/// (1 for a sum, 1/D for a mean, a shared tie indicator for a max).
/// </summary>
internal static class LossDifferentiator
{
    /// <param name="inputSpans">Where each input is declared, for LOSS017 (kept out of the model).</param>
    public static LossModel Differentiate(BoundLoss loss, string className, string? @namespace, string accessibility, string path,
        IReadOnlyList<SourceSpan> inputSpans, List<DiagnosticInfo> diagnostics)
    {
        var body = Simplifier.Simplify(loss.Body);
        var aggregates = loss.Aggregates.Select(a => a with { Body = Simplifier.Simplify(a.Body) }).ToList();
        int declared = aggregates.Count;

        var outer = Enumerable.Range(0, declared)
            .Select(j => Differentiator.Derivative(body, e => e is AggregateRef a && a.Index == j)).ToList();
        var dependencies = new List<AggregateDependency>();
        for (int k = 0; k < declared; k++)
            for (int j = 0; j < k; j++)
            {
                var d = Differentiator.Derivative(aggregates[k].Body, e => e is AggregateRef a && a.Index == j);
                if (d is not Constant { Value: 0 }) dependencies.Add(new AggregateDependency(k, j, d));
            }

        // Gradients flow into aggregate k if F reads it or a later aggregate that gradients flow into reads it.
        var flows = new bool[declared];
        for (int k = declared - 1; k >= 0; k--)
            flows[k] = outer[k] is not Constant { Value: 0 } || dependencies.Any(d => d.J == k && flows[d.K]);

        // A max or min with a gradient shares it among its ties: a hidden aggregate counts them.
        var counts = Enumerable.Repeat(-1, declared).ToList();
        for (int k = 0; k < declared; k++)
        {
            if (!aggregates[k].IsExtremum || !flows[k]) continue;
            counts[k] = aggregates.Count;
            aggregates.Add(new AggregateModel(AggregateKind.Sum, Tie(aggregates[k], k, Constant.One)));
        }
        // The dependency summands carry the weight of aggregate K (its tie indicator for a max or min).
        dependencies = dependencies.Select(d => d with { Summand = Lowering.Lower(Simplifier.Simplify(Weighted(aggregates[d.K], d.K, d.Summand))) }).ToList();

        // sum_pairs aggregates: per differentiable input, the summand of the pass over the other position.
        var pairGradients = new List<PairGradient>();
        for (int k = 0; k < declared; k++)
        {
            if (!aggregates[k].IsPair || !flows[k]) continue;
            for (int x = 0; x < loss.Inputs.Count; x++)
                if (!loss.Inputs[x].IsConst && loss.Inputs[x].IsElement && PairGradients.Summand(aggregates[k].Body, x) is var h && h is not Constant { Value: 0 })
                    pairGradients.Add(new PairGradient(k, x, Lowering.Lower(h)));
        }

        var gradients = new List<Expr>();
        var hessians = new List<Expr>();
        for (int x = 0; x < loss.Inputs.Count; x++)
        {
            var input = loss.Inputs[x];
            if (input.IsConst) { gradients.Add(Constant.Zero); hessians.Add(Constant.Zero); continue; }
            bool IsInput(Expr e) => e is InputRef r && r.Index == x;
            Expr gradient;
            if (loss.DeclaredGradients[x] is { } stated)
            {
                var statedSimplified = Simplifier.Simplify(stated);
                gradients.Add(Lowering.Lower(statedSimplified));
                if (loss.Shape == LossShape.Elementwise) hessians.Add(Hessian(statedSimplified, IsInput));
                continue;
            }
            if (loss.Shape == LossShape.Elementwise)
            {
                gradient = Differentiator.Derivative(body, IsInput);
                hessians.Add(Hessian(gradient, IsInput));
            }
            else
            {
                Expr sum = Constant.Zero;
                for (int k = 0; k < declared; k++)
                {
                    if (!flows[k]) continue;
                    // x[t]'s gradient is one value at the row's index: Run adds it after the kernel (a scatter).
                    if (aggregates[k].Source is { IsClassInput: false } gather && gather.Input == x) continue;
                    // A pair aggregate's gradient sums over the other position: a pass of its own (PairGradients).
                    if (aggregates[k].IsPair) continue;
                    var d = Differentiator.Derivative(aggregates[k].Body, IsInput);
                    sum = new Binary(BinaryOp.Add, sum, new Binary(BinaryOp.Multiply, new CoefficientRef(k), Weighted(aggregates[k], k, d)));
                }
                gradient = Simplifier.Simplify(sum);
            }
            bool scattered = Enumerable.Range(0, declared).Any(k => flows[k] && (aggregates[k].Source is { IsClassInput: false } g && g.Input == x
                || aggregates[k].Call is { } c && c.Arguments.Any(a => a is InputRef r && r.Index == x)))
                || pairGradients.Any(p => p.Input == x);
            if (gradient is Constant { Value: 0 } && !scattered)
                {
                bool read = ExprWalker.Any(loss.Body, IsInput) || loss.Aggregates.Any(a => ExprWalker.Any(a.Body, e => IsInput(e) || e is OuterRef { IsClassInput: false } o && o.Input == x)
                    || a.Source is { IsClassInput: false } g && g.Input == x || a.Call is { } c && c.Arguments.Any(IsInput));
                diagnostics.Add(new DiagnosticInfo(Descriptors.NotDifferentiable.Id, inputSpans[x], new[] { input.Name,
                    read ? "only reaches the loss through non-differentiable operations" : "is not used by the loss" }.ToEquatableArray()));
            }
            gradients.Add(Lowering.Lower(gradient));
        }

        var names = loss.Names.Select(n => n with { Expression = Lowering.Lower(Simplifier.Simplify(n.Expression)) }).Distinct().ToEquatableArray();
        body = Lowering.Lower(body);
        var lowered = aggregates.Select(a => a with
        {
            Body = Lowering.Lower(a.Body),
            Call = a.Call is null ? null : a.Call with { Arguments = a.Call.Arguments.Select(x => Lowering.Lower(Simplifier.Simplify(x))).ToEquatableArray() },
        }).ToEquatableArray();
        // mean by / mean per are per-row expressions of their own: lowered like the body (a norm in them is a function call).
        var simplified = loss with
        {
            Body = body, Aggregates = lowered, Names = names,
            MeanBy = loss.MeanBy is null ? null : Lowering.Lower(Simplifier.Simplify(loss.MeanBy)),
            MeanPer = loss.MeanPer is null ? null : Lowering.Lower(Simplifier.Simplify(loss.MeanPer)),
            Requires = loss.Requires.Select(r => r with { Condition = Lowering.Lower(Simplifier.Simplify(r.Condition)) }).ToEquatableArray(),
        };
        var scatters = Enumerable.Range(0, declared)
            .Where(k => flows[k] && aggregates[k].Source is { IsClassInput: false } g && !loss.Inputs[g.Input].IsConst && loss.DeclaredGradients[g.Input] is null)
            .Select(k => (k, aggregates[k].Source!.Input)).ToEquatableArray();
        // A row function's gradient is its C# gradient method's: Run calls it per row with the adjoint, after the kernel.
        var rowGradients = Enumerable.Range(0, declared)
            .Where(k => flows[k] && aggregates[k].Call is not null)
            .SelectMany(k => aggregates[k].Call!.Arguments.Select((a, p) => (Argument: a, Position: p))
                .Where(a => a.Argument is InputRef r && !loss.Inputs[r.Index].IsConst)
                .Select(a => (k, a.Position)))
            .ToEquatableArray();
        return new LossModel(simplified, className, @namespace, accessibility, path, gradients.ToEquatableArray(),
            loss.Shape == LossShape.Elementwise ? hessians.ToEquatableArray() : EquatableArray<Expr>.Empty,
            loss.Shape == LossShape.Elementwise ? EquatableArray<Expr>.Empty : outer.Select(Lowering.Lower).ToEquatableArray(),
            dependencies.ToEquatableArray(), counts.ToEquatableArray())
        {
            Scatters = scatters,
            RowGradients = rowGradients,
            PairGradients = pairGradients.ToEquatableArray(),
            Cache = loss.Shape == LossShape.Row ? FindCache(loss, lowered, declared, flows, gradients) : null,
        };
    }

    /// <summary>
    /// A row sum (or mean) whose summand computes a transcendental, and an input whose gradient needs a transcendental factor h
    /// that the sum's pass can already compute (h reads no coefficient and no aggregate computed at or after it):
    /// softmax's exp(x - max) in cross_entropy, log_cosh's 1 - 2 sigmoid(-2 d). The pass stores h in the input's gradient
    /// row, sharing the exponentials with the summand, and the gradient pass reads h back (see
    /// <see cref="LossModel.Cache"/>). h is the largest such subexpression of the gradient. Null when there is none.
    /// </summary>
    private static SummandCache? FindCache(BoundLoss loss, EquatableArray<AggregateModel> aggregates, int declared, bool[] flows, List<Expr> gradients)
    {
        static bool Transcendental(Expr e) => ExprWalker.Any(e, x => x is Call c && Functions.Of(c.Function).Cost == Cost.Transcendental);
        for (int k = 0; k < declared; k++)
        {
            var aggregate = aggregates[k];
            if (aggregate.Kind is not (AggregateKind.Sum or AggregateKind.Mean) || aggregate.Source is not null || aggregate.Call is not null || !flows[k] || !Transcendental(aggregate.Body)) continue;
            bool Computable(Expr e) => !e.IsBool && Transcendental(e) && !ExprWalker.Any(e, x => x is CoefficientRef or Gather or CachedSummand || x is AggregateRef a && a.Index >= k);
            Expr? Largest(Expr e) => Computable(e) ? e : ExprWalker.Children(e).Select(Largest).FirstOrDefault(h => h is not null);
            for (int x = 0; x < loss.Inputs.Count; x++)
            {
                if (loss.Inputs[x].IsConst || !loss.Inputs[x].IsElement || loss.DeclaredGradients[x] is not null) continue;
                if (Largest(gradients[x]) is not { } h) continue;
                Expr Replace(Expr e) => e.Equals(h) ? new CachedSummand(k, x) : ExprWalker.MapChildren(e, Replace);
                return new SummandCache(k, x, h, Replace(gradients[x]));
            }
        }
        return null;
    }

    /// <summary>
    /// d2L/dx2 of an elementwise loss: the derivative of its (simplified, not yet lowered) gradient with respect to the
    /// same input, so that sigmoid, softplus and the other rules differentiate again before the stable rewrites lower
    /// both; an <c>if</c> takes the second derivative of the branch taken, as the gradient does. Where the gradient
    /// holds a function the language does not differentiate (trigamma, the derivative of digamma), the Hessian is NaN:
    /// the loss and its gradient stand, and a Hessian that cannot be derived never passes for a zero.
    /// </summary>
    private static Expr Hessian(Expr gradient, System.Func<Expr, bool> isInput)
    {
        try { return Lowering.Lower(Differentiator.Derivative(gradient, isInput)); }
        catch (NoDerivativeException) { return new Constant(double.NaN); }
    }

    /// <summary>The element's share of aggregate k's gradient times <paramref name="e"/>: a max or min passes it to its ties only.</summary>
    private static Expr Weighted(AggregateModel aggregate, int k, Expr e) => aggregate.IsExtremum ? Tie(aggregate, k, e) : e;

    private static Expr Tie(AggregateModel aggregate, int k, Expr e) =>
        new Conditional(new Binary(BinaryOp.Equal, aggregate.Body, new AggregateRef(k)), e, Constant.Zero);
}
