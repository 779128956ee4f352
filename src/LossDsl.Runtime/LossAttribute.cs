using System;

namespace LossDsl;

/// <summary>
/// Declares a loss on a <c>static partial class</c> in the LossDsl formula language, the same language as
/// <c>.loss</c> files: <c>[Loss("loss charbonnier(input, target; eps = 1e-3) = sqrt((input - target)^2 + eps^2)")]</c>.
/// The source generator fills the class with forward, backward and fused kernels for float and double.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LossAttribute : Attribute
{
    /// <summary>Declares the loss written in <paramref name="formula"/>.</summary>
    public LossAttribute(string formula) => Formula = formula;

    /// <summary>The declaration, in the LossDsl formula language.</summary>
    public string Formula { get; }
}
