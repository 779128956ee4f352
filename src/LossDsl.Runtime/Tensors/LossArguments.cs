using System;
using System.Collections.Generic;

namespace LossDsl.Tensors;

/// <summary>
/// The arguments of one call of a loss as PyTorch's functional form takes them (<see cref="TensorLoss.Evaluate"/>):
/// tensors by input name in any shape the loss accepts, options by name, the reduction, and which derivatives to return.
/// </summary>
public sealed class LossArguments
{
    /// <summary>The input tensors by the declared names. A packed input (<c>boxes1</c> of shape (..., 4)) stands for the
    /// declared inputs <c>boxes1_x1</c>, <c>boxes1_y1</c>, ...: its last axis is split into them.</summary>
    public Dictionary<string, LossTensor> Inputs { get; } = new(StringComparer.Ordinal);
    /// <summary>The options by name (booleans as 1 or 0); an option left out takes its declared default.</summary>
    public Dictionary<string, double> Options { get; } = new(StringComparer.Ordinal);
    /// <summary>The reduction (ignored by losses of one value).</summary>
    public Reduction Reduction { get; set; } = Reduction.Mean;
    /// <summary>PyTorch's <c>reduction='batchmean'</c>: the sum divided by the input's size(0) (losses that declare <c>batchmean</c>).</summary>
    public bool BatchMean { get; set; }
    /// <summary>A per-element weight that broadcasts to the elements (elementwise and row losses), or null.</summary>
    public LossTensor? Weight { get; set; }
    /// <summary>Compute in float (true) or double (false).</summary>
    public bool Float32 { get; set; }
    /// <summary>The inputs (or packed inputs) whose gradients to return.</summary>
    public List<string> Gradients { get; } = new();
    /// <summary>The inputs whose Hessian diagonals to return (elementwise losses).</summary>
    public List<string> Hessians { get; } = new();
    /// <summary>The upstream gradient (broadcasting with the output), or null for ones.</summary>
    public LossTensor? GradOutput { get; set; }
}
