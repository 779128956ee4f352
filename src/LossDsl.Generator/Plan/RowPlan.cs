using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Plan;

/// <summary>
/// The work of a row (or whole) loss on each row, as data: RunRows creates <paramref name="Kernels"/>, runs
/// <paramref name="Forward"/> (one pass per aggregate, in order: A_j may read earlier aggregates), computes the outer
/// formula, then, when gradients are wanted, <paramref name="Adjoints"/> (last aggregate to first),
/// <paramref name="Gradient"/>, and the passes that add to single gradients (<paramref name="Additions"/>: pair sums,
/// subscripts, row functions). The emitter walks it; tests read it.
/// </summary>
/// <param name="Stored">The input whose gradient span an aggregate's pass stores a factor in (<see cref="SummandCache"/>), or -1.</param>
internal sealed record RowPlan(
    EquatableArray<RowKernel> Kernels,
    EquatableArray<RowPass> Forward,
    EquatableArray<AdjointPass> Adjoints,
    GradientPass Gradient,
    EquatableArray<RowPass> Additions,
    int Stored)
{
    public static RowPlan Of(LossModel model)
    {
        var loss = model.Loss;
        // A sum whose summands reappear in an input's gradient stores them there (when that gradient is wanted), and a
        // second gradient kernel reads them back: see LossModel.Cache. Only for an aggregate computed on every row.
        var guards = AggregateGuards.Compute(model);
        var cache = model.Cache is { } c && guards[c.Aggregate] is BoolConstant { Value: true } ? c : null;

        var kernels = new List<RowKernel>();
        var forward = new List<RowPass>();
        for (int j = 0; j < loss.Aggregates.Count; j++)
        {
            var aggregate = loss.Aggregates[j];
            if (aggregate.Source is { } gather) { forward.Add(new GatherPass(j, gather)); continue; }
            if (aggregate.Call is { } call) { forward.Add(new RowFunctionPass(j, call)); continue; }
            var kernel = RowKernel.Aggregate(j);
            kernels.Add(kernel);
            forward.Add(new AggregatePass(j, kernel, Loop(aggregate), aggregate.IsMean, guards[j], cache?.Aggregate == j ? RowKernel.Store(j) : null, Reads(aggregate.Body)));
        }
        var dependencies = model.Dependencies.Select(d => new DependencyPass(d, RowKernel.Dependency(d), loss.Aggregates[d.K].IsPair ? RowLoop.PairSum : RowLoop.Sum, Reads(d.Summand))).ToList();
        kernels.AddRange(dependencies.Select(d => d.Kernel));
        kernels.Add(RowKernel.Gradient);
        var pairs = model.PairGradients.Select(p => new PairGradientPass(p, RowKernel.Pair(model, p), Reads(p.Summand))).ToList();
        kernels.AddRange(pairs.Select(p => p.Kernel));
        if (cache is not null) { kernels.Add(RowKernel.Store(cache.Aggregate)); kernels.Add(RowKernel.GradientCached); }

        var adjoints = Enumerable.Range(0, model.OuterGradients.Count).Reverse()
            .Select(k => new AdjointPass(k, dependencies.Where(d => d.Dependency.J == k).ToEquatableArray())).ToEquatableArray();
        var gradient = new GradientPass(RowKernel.Gradient, cache is null ? null : RowKernel.GradientCached, model.OuterGradients.Count,
            model.Gradients.SelectMany(g => Reads(g)).Distinct().OrderBy(i => i).ToEquatableArray());
        var additions = new List<RowPass>(pairs);
        additions.AddRange(model.Scatters.Select(s => new ScatterPass(s.Aggregate, s.Input)));
        additions.AddRange(model.RowGradients.Select(g => new RowFunctionGradientPass(g.Aggregate, g.Argument,
            ((InputRef)loss.Aggregates[g.Aggregate].Call!.Arguments[g.Argument]).Index)));
        return new RowPlan(kernels.ToEquatableArray(), forward.ToEquatableArray(), adjoints, gradient, additions.ToEquatableArray(), cache?.Input ?? -1);
    }

    private static RowLoop Loop(Semantics.AggregateModel aggregate) => aggregate.Kind switch
    {
        AggregateKind.Max => RowLoop.Max,
        AggregateKind.Min => RowLoop.Min,
        AggregateKind.Sum or AggregateKind.Mean or AggregateKind.SumAll or AggregateKind.MeanAll => RowLoop.Sum,
        AggregateKind.PairSum => RowLoop.PairSum, // n^2 terms: a pass over j for each i
        var other => throw new Diagnostics.UnexpectedValueException("The row planner", other),
    };

    /// <summary>The aggregates an expression reads, in order.</summary>
    private static EquatableArray<int> Reads(Expr e)
    {
        var found = new SortedSet<int>();
        ExprWalker.Any(e, x => { if (x is AggregateRef a) found.Add(a.Index); return false; });
        return found.ToEquatableArray();
    }
}
