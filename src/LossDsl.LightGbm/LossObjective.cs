using System;

namespace LossDsl.LightGbm;

/// <summary>
/// A generated elementwise loss as a LightGBM custom objective: for the current raw scores, the gradient and the
/// Hessian diagonal of Σ weight_i · loss(score_i, label_i) with respect to the scores, through the loss's
/// <c>GradientHessian</c> (its <see cref="ILossDefinition"/>, so any catalogue or user loss works) and a
/// <see cref="HessianPolicy"/>: L1, quantile and other piecewise linear losses need a clamp or a constant, since
/// LightGBM's leaf value -Σg / (Σh + λ) has no step to take where Σh is 0.
/// </summary>
public sealed class LossObjective
{
    private readonly ILossDefinition _loss;
    private readonly int _score, _label;
    private readonly double[]? _options;
    private readonly HessianPolicy _policy;

    /// <param name="loss">An elementwise loss (<see cref="ILossDefinition.HasHessians"/>).</param>
    /// <param name="scoreInput">The differentiable input that receives the scores (default: the first one).</param>
    /// <param name="labelInput">The input that receives the labels (default: the first other element input).</param>
    /// <param name="options">The loss's options in declaration order (null: the defaults).</param>
    /// <param name="policy">The Hessian policy (default: the loss's declared one).</param>
    public LossObjective(ILossDefinition loss, string? scoreInput = null, string? labelInput = null, double[]? options = null, HessianPolicy policy = default)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (!loss.HasHessians) throw new ArgumentException($"{loss.Name} has no second derivatives (only elementwise losses do)", nameof(loss));
        _loss = loss;
        _score = Find(loss, scoreInput, i => loss.Inputs[i].Differentiable, nameof(scoreInput));
        _label = Find(loss, labelInput, i => i != _score && loss.Inputs[i].Kind == LossInputKind.Element, nameof(labelInput));
        int required = 0;
        for (int i = 0; i < loss.Inputs.Count; i++)
            if (loss.Inputs[i].Default is null && i != _score && i != _label) required++;
        if (required > 0) throw new ArgumentException($"{loss.Name} needs inputs besides the scores and labels", nameof(loss));
        _options = options;
        _policy = policy;
    }

    private static int Find(ILossDefinition loss, string? name, Func<int, bool> fits, string parameter)
    {
        for (int i = 0; i < loss.Inputs.Count; i++)
            if (name is null ? fits(i) : loss.Inputs[i].Name == name)
                return fits(i) ? i : throw new ArgumentException($"'{name}' of {loss.Name} cannot take this role", parameter);
        throw new ArgumentException(name is null ? $"{loss.Name} has no input for this role" : $"{loss.Name} has no input '{name}'", parameter);
    }

    /// <summary>The loss's name.</summary>
    public string Name => _loss.Name;

    /// <summary>
    /// Writes, per sample, the gradient and Hessian of weight_i · loss(score_i, label_i) (reduction none, upstream 1);
    /// returns the weighted sum of the losses.
    /// </summary>
    public double Compute(double[] scores, double[] labels, double[]? weights, double[] gradient, double[] hessian)
    {
        var inputs = new double[]?[_loss.Inputs.Count];
        inputs[_score] = scores;
        inputs[_label] = labels;
        var call = new LossCall<double>
        {
            Inputs = inputs, Options = _options, Reduction = Reduction.Sum, Weight = weights,
            WantGradients = true, WantHessians = true, HessianPolicy = _policy,
        };
        _loss.Evaluate(call);
        call.Gradients![_score]!.CopyTo(gradient, 0);
        call.Hessians![_score]!.CopyTo(hessian, 0);
        return call.Value;
    }
}
