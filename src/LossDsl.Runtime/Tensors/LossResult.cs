using System.Collections.Generic;

namespace LossDsl.Tensors;

/// <summary>What <see cref="TensorLoss.Evaluate"/> returns: the loss in PyTorch's output shape and the asked derivatives.</summary>
public sealed class LossResult
{
    /// <summary>The loss: a scalar when reduced, else the unreduced values in PyTorch's output shape.</summary>
    public required LossTensor Loss { get; init; }
    /// <summary>The gradients by input name, in the order asked, each in the shape the input was given with.</summary>
    public required IReadOnlyList<KeyValuePair<string, LossTensor>> Gradients { get; init; }
    /// <summary>The Hessian diagonals by input name, in the order asked.</summary>
    public required IReadOnlyList<KeyValuePair<string, LossTensor>> Hessians { get; init; }

    /// <summary>The gradient of an input, or null when it was not asked for.</summary>
    public LossTensor? GradientOf(string name) => Find(Gradients, name);

    /// <summary>The Hessian diagonal of an input, or null when it was not asked for.</summary>
    public LossTensor? HessianOf(string name) => Find(Hessians, name);

    private static LossTensor? Find(IReadOnlyList<KeyValuePair<string, LossTensor>> list, string name)
    {
        foreach (var (n, t) in list)
            if (n == name) return t;
        return null;
    }
}
