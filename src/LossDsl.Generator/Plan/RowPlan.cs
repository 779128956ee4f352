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
/// <param name="Early">The coefficients c_k that the storing pass reads, set before it: empty unless it stores the input's
/// whole gradient (<see cref="StoresWholeGradient"/>).</param>
internal sealed record RowPlan(
    EquatableArray<RowKernel> Kernels,
    EquatableArray<RowPass> Forward,
    EquatableArray<AdjointPass> Adjoints,
    GradientPass Gradient,
    EquatableArray<RowPass> Additions,
    int Stored,
    EquatableArray<int> Early = default)
{
    /// <summary>
    /// The coefficients that the cached input's gradient reads (<see cref="SummandCache.Gradient"/>, log_cosh's
    /// c0 * e0), when each is known before the storing aggregate's pass: dL/dA_k reads no aggregate, no later aggregate
    /// reads A_k, A_k is a plain sum or mean, and the storing pass is an ordinary one (not an online log-sum-exp). The
    /// pass then stores the input's whole gradient, where it stored a factor that a second pass over the row read back
    /// and scaled. Null when that does not hold.
    /// </summary>
    public static EquatableArray<int>? StoresWholeGradient(LossModel model)
    {
        if (model.Cache is not { } cache || model.Loss.MeanPer is not null) return null;
        if (OnlineLogSumExps(model).Any(p => p.Sum == cache.Aggregate || p.Maximum == cache.Aggregate)) return null;
        if (AggregateGuards.Compute(model)[cache.Aggregate] is not BoolConstant { Value: true }) return null;
        var read = new SortedSet<int>();
        bool early = !ExprWalker.Any(cache.Gradient, x =>
        {
            if (x is CoefficientRef c) read.Add(c.Index);
            return x is AggregateRef;
        });
        bool Known(int k) => k < model.OuterGradients.Count && model.Counts[k] < 0
            && model.Loss.Aggregates[k].Kind is AggregateKind.Sum or AggregateKind.Mean
            && !ExprWalker.Any(model.OuterGradients[k], x => x is AggregateRef or CoefficientRef)
            && !model.Dependencies.Any(d => d.J == k);
        return early && read.All(Known) ? read.ToEquatableArray() : null;
    }

    public static RowPlan Of(LossModel model)
    {
        var loss = model.Loss;
        // A sum whose summands reappear in an input's gradient stores them there (when that gradient is wanted), and a
        // second gradient kernel reads them back: see LossModel.Cache. Only for an aggregate computed on every row.
        var guards = AggregateGuards.Compute(model);
        var cache = model.Cache is { } c && guards[c.Aggregate] is BoolConstant { Value: true } ? c : null;

        var kernels = new List<RowKernel>();
        var forward = new List<RowPass>();
        var online = OnlineLogSumExps(model, guards);
        var fused = FusedRowFunctions(model, cache?.Input ?? -1);
        for (int j = 0; j < loss.Aggregates.Count; j++)
        {
            var aggregate = loss.Aggregates[j];
            if (aggregate.Source is { } gather) { forward.Add(new GatherPass(j, gather)); continue; }
            if (aggregate.Call is { } call) { forward.Add(new RowFunctionPass(j, call, fused.TryGetValue(j, out var input) ? input : -1)); continue; }
            var kernel = RowKernel.Aggregate(j);
            kernels.Add(kernel);
            if (online.Any(p => p.Sum == j)) continue; // computed with its maximum
            if (online.FirstOrDefault(p => p.Maximum == j) is { Sum: var k } && k > j)
            {
                forward.Add(new LogSumExpPass(j, k, kernel, RowKernel.Aggregate(k), cache?.Aggregate == k ? RowKernel.Store(k) : null, Reads(aggregate.Body)));
                continue;
            }
            forward.Add(new AggregatePass(j, kernel, Loop(aggregate), aggregate.IsMean, guards[j], cache?.Aggregate == j ? RowKernel.Store(j) : null, Reads(aggregate.Body)));
        }
        var dependencies = model.Dependencies.Select(d => new DependencyPass(d, RowKernel.Dependency(d), loss.Aggregates[d.K].IsPair ? RowLoop.PairSum : RowLoop.Sum, Reads(d.Summand))).ToList();
        kernels.AddRange(dependencies.Select(d => d.Kernel));
        kernels.Add(RowKernel.Gradient);
        var pairs = model.PairGradients.Select(p => new PairGradientPass(p, RowKernel.Pair(model, p), Reads(p.Summand))).ToList();
        kernels.AddRange(pairs.Select(p => p.Kernel));
        // With the whole gradient stored, the other inputs' gradients (when one is wanted) come from the gradient kernel
        // given the stored input's gradient span empty; else a second kernel reads the stored factor back.
        var whole = StoresWholeGradient(model);
        bool others = cache is not null && loss.Inputs.Where((input, i) => !input.IsConst && i != cache.Input).Any();
        var second = whole is null ? RowKernel.GradientCached : others ? RowKernel.GradientOthers : null;
        if (cache is not null) kernels.Add(RowKernel.Store(cache.Aggregate));
        if (cache is not null && second is not null) kernels.Add(second);

        var adjoints = Enumerable.Range(0, model.OuterGradients.Count).Reverse()
            .Select(k => new AdjointPass(k, dependencies.Where(d => d.Dependency.J == k).ToEquatableArray())).ToEquatableArray();
        // Every differentiable input's gradient a fused row function's: the gradient kernel never writes anything.
        bool empty = loss.Inputs.Select((input, i) => (input, i)).Where(x => !x.input.IsConst).All(x => fused.ContainsValue(x.i));
        var gradient = new GradientPass(RowKernel.Gradient, cache is null ? null : second, model.OuterGradients.Count,
            model.Gradients.SelectMany(g => Reads(g)).Distinct().OrderBy(i => i).ToEquatableArray(), empty, StoredWhole: whole is not null);
        var additions = new List<RowPass>(pairs);
        additions.AddRange(model.Scatters.Select(s => new ScatterPass(s.Aggregate, s.Input)));
        additions.AddRange(model.RowGradients.Select(g => new RowFunctionGradientPass(g.Aggregate, g.Argument,
            ((InputRef)loss.Aggregates[g.Aggregate].Call!.Arguments[g.Argument]).Index,
            fused.ContainsKey(g.Aggregate) && loss.Aggregates[g.Aggregate].Call!.FusedArgument == g.Argument)));
        return new RowPlan(kernels.ToEquatableArray(), forward.ToEquatableArray(), adjoints, gradient, additions.ToEquatableArray(), cache?.Input ?? -1,
            whole ?? EquatableArray<int>.Empty);
    }

    /// <summary>
    /// The row function calls (aggregate -> input) whose <c>fused grad</c> method can compute the value and write the row
    /// argument's gradient in one call: the row function is the only thing that adds to that input's gradient (its
    /// per-element gradient is 0, no other pass adds to it, no summand is cached in it), so the gradient the fused
    /// method leaves in the row, times the adjoint, is the whole gradient.
    /// </summary>
    private static Dictionary<int, int> FusedRowFunctions(LossModel model, int cached)
    {
        var loss = model.Loss;
        var fused = new Dictionary<int, int>();
        foreach (var (aggregate, argument) in model.RowGradients)
        {
            var call = loss.Aggregates[aggregate].Call!;
            if (call.Fused is null || call.FusedArgument != argument || call.Arguments[argument] is not InputRef { Index: var input }) continue;
            bool alone = model.Gradients[input] is Constant { Value: 0 } && input != cached
                && model.RowGradients.Count(g => loss.Aggregates[g.Aggregate].Call!.Arguments[g.Argument] is InputRef x && x.Index == input) == 1
                && !model.PairGradients.Any(p => p.Input == input) && !model.Scatters.Any(s => s.Input == input);
            if (alone) fused[aggregate] = input;
        }
        return fused;
    }

    /// <summary>
    /// The pairs (j, k) of aggregates A_j = max over the row of b and A_k = sum over the row of exp(b - detach(A_j)),
    /// logsumexp's lowering wherever it comes from (logsumexp, softmax, log_softmax), both computed on every row: the
    /// row plan computes each pair by one online pass (<see cref="LogSumExpPass"/>). Recognised by shape, not by name.
    /// </summary>
    public static IReadOnlyList<(int Maximum, int Sum)> OnlineLogSumExps(LossModel model) => OnlineLogSumExps(model, AggregateGuards.Compute(model));

    private static List<(int Maximum, int Sum)> OnlineLogSumExps(LossModel model, IReadOnlyList<Expr> guards)
    {
        var aggregates = model.Loss.Aggregates;
        var pairs = new List<(int, int)>();
        for (int k = 0; k < aggregates.Count; k++)
        {
            var sum = aggregates[k];
            if (sum.Kind != AggregateKind.Sum || !sum.HasKernel || guards[k] is not BoolConstant { Value: true }) continue;
            if (sum.Body is not Call { Function: Function.Exp, Arguments: { Count: 1 } exp } ||
                exp[0] is not Binary { Op: BinaryOp.Subtract, Left: var b, Right: Call { Function: Function.Detach, Arguments: { Count: 1 } shift } } ||
                shift[0] is not AggregateRef { Index: var j } || j >= k) continue;
            var max = aggregates[j];
            if (max.Kind != AggregateKind.Max || !max.HasKernel || guards[j] is not BoolConstant { Value: true } || !max.Body.Equals(b)) continue;
            if (pairs.Any(p => p.Item1 == j)) continue;
            pairs.Add((j, k));
        }
        return pairs;
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
