using LossDsl.Generator.Calculus;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Model;

/// <summary>
/// Everything the emitter needs for one loss, as an equatable value: the bound loss (simplified), where its class goes,
/// and its derivatives.
/// </summary>
/// <param name="Loss">The bound loss; its body and aggregate bodies are simplified.</param>
/// <param name="ClassName">The class the kernels go into.</param>
/// <param name="Namespace">Its namespace, or null.</param>
/// <param name="Accessibility">Its accessibility keyword.</param>
/// <param name="SourcePath">The file the loss was declared in (for the header comment).</param>
/// <param name="Gradients">Per input: for an elementwise loss d(loss)/d(input); for a row or whole loss
/// sum over aggregates j of c_j * d(aggregate body j)/d(input), where <see cref="AggregateRef"/>(j) stands for c_j, the
/// aggregate's coefficient. <see cref="Constant.Zero"/> for const inputs.</param>
/// <param name="Hessians">Elementwise losses: per input, d2(loss)/d(input)2, the derivative of its gradient
/// (<see cref="Constant.Zero"/> for const inputs); empty for row and whole losses, which have none yet.</param>
/// <param name="OuterGradients">Row and whole losses: per aggregate, d(outer formula)/d(aggregate).</param>
/// <param name="Dependencies">Row losses: where aggregate K's summand reads aggregate J, the summand of dA_K/dA_J
/// (a reduction pass computes it per row, to carry the adjoint of A_K back to A_J).</param>
/// <param name="Counts">Per aggregate: for a max or min that gradients flow through, the index of the hidden aggregate
/// that counts the ties (the gradient is shared among them, as torch.amax does); otherwise -1.</param>
internal sealed record LossModel(
    BoundLoss Loss,
    string ClassName,
    string? Namespace,
    string Accessibility,
    string SourcePath,
    EquatableArray<Expr> Gradients,
    EquatableArray<Expr> Hessians,
    EquatableArray<Expr> OuterGradients,
    EquatableArray<AggregateDependency> Dependencies,
    EquatableArray<int> Counts)
{
    /// <summary>
    /// Row losses: the subscripts x[t] of differentiable element inputs, as (aggregate, input) pairs. Their gradient is
    /// a scatter, c_k added to x's gradient at the row's index, so it is left out of the per-element gradient kernel.
    /// </summary>
    public EquatableArray<(int Aggregate, int Input)> Scatters { get; init; }

    /// <summary>
    /// Row losses: the row-function calls that gradients flow through, as (aggregate, argument position) pairs of a
    /// differentiable element input passed as a row: Run calls the function's gradient method with c_k for that row.
    /// </summary>
    public EquatableArray<(int Aggregate, int Argument)> RowGradients { get; init; }

    /// <summary>
    /// Row losses: a sum whose pass can also compute a transcendental factor of one input's gradient (softmax's exp).
    /// When that gradient is wanted, the pass stores the factor in the gradient span and <see cref="SummandCache.Gradient"/>
    /// (the input's gradient reading it back, <see cref="CachedSummand"/>) replaces the input's gradient: the row's
    /// exponentials are computed once.
    /// </summary>
    public SummandCache? Cache { get; init; }

    /// <summary>
    /// Row losses: per <c>sum_pairs</c> aggregate that gradients flow through and differentiable input its summand reads,
    /// the pair gradient summand (see <see cref="Calculus.PairGradients"/>): Run adds c_k Σ_q h(p, q) to the input's
    /// gradient at each position p of the row, after the row's gradient kernel.
    /// </summary>
    public EquatableArray<PairGradient> PairGradients { get; init; }
}

/// <summary>
/// Pair aggregate <paramref name="Aggregate"/>'s gradient for input <paramref name="Input"/>: at position p of the row,
/// the sum over q of <paramref name="Summand"/>, which reads position p as <see cref="OuterRef"/> and q as the current element.
/// </summary>
internal sealed record PairGradient(int Aggregate, int Input, Expr Summand);

/// <summary>
/// Aggregate <paramref name="Aggregate"/>'s pass stores <paramref name="Factor"/> in input <paramref name="Input"/>'s
/// gradient span; <paramref name="Gradient"/> is that input's gradient reading it back.
/// </summary>
internal sealed record SummandCache(int Aggregate, int Input, Expr Factor, Expr Gradient);

/// <summary>Aggregate <paramref name="K"/>'s summand reads aggregate <paramref name="J"/>: <paramref name="Summand"/> is w_K * d(e_K)/d(A_J).</summary>
internal sealed record AggregateDependency(int K, int J, Expr Summand);
