namespace LossDsl.Sample;

/// <summary>
/// Pinball (quantile) loss: tau times the shortfall of the prediction below the target, 1 - tau times its excess
/// above it. Minimising it fits the tau-quantile of the target. Declared in an attribute: the generator fills this class.
/// </summary>
[Loss("loss pinball(input, const target; tau = 0.5) = let d = target - input in max(tau * d, (tau - 1) * d)")]
public static partial class Pinball;
