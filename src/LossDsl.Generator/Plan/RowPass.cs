using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Plan;

/// <summary>How a pass walks the row (an <c>ElementLoops</c> method).</summary>
internal enum RowLoop { Sum, Max, Min, PairSum }

/// <summary>
/// One step of a row loss's work on a row, in RunRows. <paramref name="Reads"/> are the aggregates whose row values
/// (<c>a0</c>, <c>a1</c>...) it needs: set as its kernel's <c>A</c> fields before it runs.
/// </summary>
internal abstract record RowPass(EquatableArray<int> Reads);

/// <summary>
/// Writes <c>a{Aggregate}</c> by a loop of <paramref name="Kernel"/> over the row (times 1/rowLength for a mean). It runs
/// only when <paramref name="Guard"/> (an option-only condition, or true) holds; otherwise the aggregate is zero. With
/// <paramref name="Store"/>, when the gradient it caches is wanted the storing kernel runs instead.
/// </summary>
internal sealed record AggregatePass(int Aggregate, RowKernel Kernel, RowLoop Loop, bool Mean, Expr Guard, RowKernel? Store, EquatableArray<int> Reads) : RowPass(Reads);

/// <summary>
/// Writes <c>a{Maximum}</c> = max over the row of b and <c>a{Sum}</c> = sum over the row of exp(b - detach(A_Maximum))
/// (the lowering of logsumexp, softmax, log_softmax) in one pass, <c>ElementLoops.LogSumExp</c>: the online
/// log-sum-exp reads the row once and computes each exponential once. <paramref name="SumKernel"/> (or, when the
/// gradient it caches is wanted, <paramref name="Store"/>) takes the running maximum as its shift.
/// </summary>
internal sealed record LogSumExpPass(int Maximum, int Sum, RowKernel MaxKernel, RowKernel SumKernel, RowKernel? Store, EquatableArray<int> Reads) : RowPass(Reads);

/// <summary>Writes <c>a{Aggregate}</c> = x[t], read directly.</summary>
internal sealed record GatherPass(int Aggregate, Gather Source) : RowPass(EquatableArray<int>.Empty);

/// <summary>
/// Writes <c>a{Aggregate}</c> by a call of a row function (a C# method over the whole row). With
/// <paramref name="FusedInput"/> (not -1), when that input's gradient is wanted the call's <c>fused grad</c> method runs
/// instead: it also writes d(A)/d(row) over the row of the input's gradient, which <see cref="RowFunctionGradientPass"/>
/// then scales (so the row function's work, CTC's alpha and beta recursions, is done once).
/// </summary>
internal sealed record RowFunctionPass(int Aggregate, RowCall Call, int FusedInput = -1) : RowPass(EquatableArray<int>.Empty);

/// <summary>
/// Writes <c>bar{Aggregate}</c>, the adjoint of an aggregate: dL/dA (the outer formula's derivative) plus, for each
/// later aggregate whose summand reads it, that aggregate's adjoint times a loop of its <paramref name="Dependencies"/>.
/// </summary>
internal sealed record AdjointPass(int Aggregate, EquatableArray<DependencyPass> Dependencies) : RowPass(EquatableArray<int>.Empty);

/// <summary>Writes <c>d{K}On{J}</c>, the sum over the row of dA_K/dA_J's summand.</summary>
internal sealed record DependencyPass(AggregateDependency Dependency, RowKernel Kernel, RowLoop Loop, EquatableArray<int> Reads) : RowPass(Reads);

/// <summary>
/// Writes the row's gradients: <paramref name="Kernel"/> with the coefficients <c>C0</c>..<c>C{Coefficients - 1}</c>
/// (g times each adjoint); with <paramref name="Cached"/>, the kernel that reads a stored factor back runs when it was stored.
/// With <paramref name="Empty"/>, the kernel has nothing to write on any call (every differentiable input's gradient is
/// a fused row function's, which the kernel is given empty when the fused method runs, and is empty otherwise): its
/// pass is left out and the kernel only holds the coefficients. With <paramref name="StoredWhole"/>, the storing pass
/// wrote the stored input's whole gradient, and <paramref name="Cached"/> is the gradient kernel given that input's
/// gradient span empty, run when another input's gradient is wanted (null when no other input has a gradient).
/// </summary>
internal sealed record GradientPass(RowKernel Kernel, RowKernel? Cached, int Coefficients, EquatableArray<int> Reads, bool Empty = false, bool StoredWhole = false) : RowPass(Reads);

/// <summary>Adds a pair aggregate's gradient to input <c>Pair.Input</c>'s gradient, at each position of the row.</summary>
internal sealed record PairGradientPass(PairGradient Pair, RowKernel Kernel, EquatableArray<int> Reads) : RowPass(Reads);

/// <summary>Adds c{Aggregate} to input <paramref name="Input"/>'s gradient at the subscript's position.</summary>
internal sealed record ScatterPass(int Aggregate, int Input) : RowPass(EquatableArray<int>.Empty);

/// <summary>
/// Calls a row function's gradient method for its row argument <paramref name="Argument"/> (input <paramref name="Input"/>);
/// when <paramref name="Fused"/> and the fused method ran, scales the gradient it wrote by c{Aggregate} instead.
/// </summary>
internal sealed record RowFunctionGradientPass(int Aggregate, int Argument, int Input, bool Fused = false) : RowPass(EquatableArray<int>.Empty);
