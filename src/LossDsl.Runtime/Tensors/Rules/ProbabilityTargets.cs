namespace LossDsl.Tensors;

/// <summary>
/// <c>shape probabilities(target, other_loss)</c>: a floating-point target (class probabilities, not indices) makes the
/// call one of <c>other_loss</c>, declared with the same inputs and options (cross_entropy → cross_entropy_probs).
/// </summary>
public sealed class ProbabilityTargets(string target, string loss) : ShapeRule
{
    internal override string? Dispatch(ILossDefinition definition, LossArguments arguments) =>
        arguments.Inputs.TryGetValue(target, out var t) && t is { IsInteger: false } ? loss : null;
}
