namespace LossDsl;

/// <summary>
/// One call of a loss through <see cref="ILossDefinition.Evaluate(LossCall{float})"/>: the arrays in, the arrays out.
/// Arrays, not spans, so that a tool can build a call from data it reads at run time.
/// </summary>
public sealed class LossCall<T>
{
    /// <summary>One array per input, in declaration order, all of one length; null for an optional input left out.</summary>
    public required T[]?[] Inputs { get; init; }
    /// <summary>One value per option, in declaration order (booleans as 1 or 0); null takes every default.</summary>
    public double[]? Options { get; init; }
    /// <summary>The reduction (ignored by <see cref="LossKind.Whole"/> losses).</summary>
    public Reduction Reduction { get; init; } = Reduction.Mean;
    /// <summary>For <see cref="LossKind.Row"/> losses: the length of one row (the last axis).</summary>
    public int RowLength { get; init; }
    /// <summary>Per-element weights (elementwise losses only), or null.</summary>
    public T[]? Weight { get; init; }
    /// <summary>Whether to compute gradients: then <see cref="Gradients"/> receives them.</summary>
    public bool WantGradients { get; init; }
    /// <summary>The upstream gradient for <see cref="Reduction.None"/> (one per output value); null means ones.</summary>
    public T[]? GradOutput { get; init; }
    /// <summary>
    /// Whether to compute the diagonal of the Hessian (elementwise losses only, <see cref="ILossDefinition.HasHessians"/>):
    /// then <see cref="Hessians"/> receives d²L/dx_i² of the same scalar whose gradient <see cref="Gradients"/> holds,
    /// and <see cref="Gradients"/> the gradients too (one fused pass).
    /// </summary>
    public bool WantHessians { get; init; }
    /// <summary>How the second derivatives are reported (<see cref="HessianPolicy"/>); default: the loss's declared policy.</summary>
    public HessianPolicy HessianPolicy { get; init; }
    /// <summary>Output: the reduced value (for <see cref="Reduction.None"/>, unset).</summary>
    public T Value { get; set; } = default!;
    /// <summary>Output: for <see cref="Reduction.None"/>, the per-element (per-row) values.</summary>
    public T[]? Output { get; set; }
    /// <summary>Output: one gradient per input, in declaration order; null for inputs declared <c>const</c>.</summary>
    public T[]?[]? Gradients { get; set; }
    /// <summary>Output, when <see cref="WantHessians"/>: one Hessian diagonal per input, in declaration order; null for inputs declared <c>const</c>.</summary>
    public T[]?[]? Hessians { get; set; }
}
