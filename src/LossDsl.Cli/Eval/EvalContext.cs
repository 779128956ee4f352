using System;
using System.Collections.Generic;
using System.Linq;

namespace LossDsl.Cli.Eval;

/// <summary>
/// One case on its way to a <see cref="LossCall{T}"/>: the definition it names, the options and inputs in the definition's
/// order, the shape everything is broadcast to. <see cref="LossQuirks"/> may look at it and change it before the call.
/// </summary>
public sealed class EvalContext
{
    internal EvalContext(ILossDefinition definition, Case @case)
    {
        Definition = definition;
        Case = @case;
        Options = definition.Options.Select(o => o.Default).ToArray();
        Inputs = new Tensor?[definition.Inputs.Count];
        GivenShapes = new int[]?[definition.Inputs.Count];
        GradientBack = new Func<double[], double[]>?[definition.Inputs.Count];
    }

    public ILossDefinition Definition { get; }
    public Case Case { get; }
    public string Loss => Definition.Name;

    /// <summary>One value per option of the definition, in its order (booleans as 1 or 0).</summary>
    public double[] Options { get; }
    public Reduction Reduction { get; set; } = Reduction.Mean;
    /// <summary><c>batchmean</c>: the kernel sums, the value and the gradients are then divided by the input's size(0).</summary>
    public bool BatchMean { get; set; }
    /// <summary>The per-element weight (<see cref="LossCall{T}.Weight"/>), or null.</summary>
    public Tensor? Weight { get; set; }

    /// <summary>One tensor per input of the definition, in its order; null for an optional input left out. Quirks may reshape them.</summary>
    public Tensor?[] Inputs { get; }
    /// <summary>The shape each input was given with: its gradient is answered in that shape.</summary>
    public int[]?[] GivenShapes { get; }
    /// <summary>
    /// Per input, where a quirk rearranged it (say, moved the class axis last): maps a gradient in the rearranged layout
    /// back to the layout the input was given in.
    /// </summary>
    public Func<double[], double[]>?[] GradientBack { get; }
    /// <summary>Applied to a reduced value after the kernel (a quirk's last word on it), or null.</summary>
    public Func<double, double>? FinishValue { get; set; }

    /// <summary>
    /// The inputs the case gave packed along their last axis (<c>boxes1</c> of shape (..., 4) for the declared
    /// <c>boxes1_x1, boxes1_y1, boxes1_x2, boxes1_y2</c>), in the order given; their members hold the slices.
    /// </summary>
    public List<PackedInput> Packed { get; } = new();

    /// <summary>The shape every input is broadcast to before the call (set once the inputs are read).</summary>
    public int[] Shape { get; set; } = [];

    public int InputIndex(string name)
    {
        var inputs = Definition.Inputs;
        for (int i = 0; i < inputs.Count; i++)
            if (inputs[i].Name == name) return i;
        return -1;
    }

    public int OptionIndex(string name)
    {
        var options = Definition.Options;
        for (int i = 0; i < options.Count; i++)
            if (options[i].Name == name) return i;
        return -1;
    }

    /// <summary>The tensor of an input by name (null when the definition has no such input or it was left out).</summary>
    public Tensor? Input(string name)
    {
        int i = InputIndex(name);
        return i < 0 ? null : Inputs[i];
    }

    /// <summary>The tensor of the first input (PyTorch's <c>input</c>, whatever the definition calls it).</summary>
    public Tensor First => Inputs[0] ?? throw new EvalException("the first input is missing");

    /// <summary>Replaces the tensor of an input (its gradient is still answered in the shape it was given with).</summary>
    public void SetInput(string name, Tensor tensor, Func<double[], double[]>? gradientBack = null)
    {
        int i = InputIndex(name);
        if (i < 0) throw new InvalidOperationException($"{Loss} has no input '{name}'");
        Inputs[i] = tensor;
        if (gradientBack is not null) GradientBack[i] = gradientBack;
    }

    /// <summary>The value of an option by name, or <paramref name="fallback"/> when the definition has no such option.</summary>
    public double Option(string name, double fallback = double.NaN)
    {
        int i = OptionIndex(name);
        return i < 0 ? fallback : Options[i];
    }

    /// <summary>The tensors given, by name (inputs and tensor options mapped to inputs).</summary>
    public IEnumerable<(string Name, Tensor Tensor)> GivenInputs()
    {
        for (int i = 0; i < Inputs.Length; i++)
            if (Inputs[i] is { } t) yield return (Definition.Inputs[i].Name, t);
    }

    /// <summary>The given element inputs (one value per element): the ones whose shapes broadcast together.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> GivenElementInputs()
    {
        for (int i = 0; i < Inputs.Length; i++)
            if (Inputs[i] is { } t && Definition.Inputs[i].Kind == LossInputKind.Element) yield return (Definition.Inputs[i].Name, t);
    }
}

/// <summary>
/// An input given packed: <paramref name="Name"/> as written in the case, <paramref name="Given"/> the tensor as given
/// (last axis of length <c>Members.Length</c>), <paramref name="Members"/> the indices of the declared inputs
/// <c>&lt;Name&gt;_*</c> that its last axis was split into, in declaration order.
/// </summary>
public sealed record PackedInput(string Name, Tensor Given, int[] Members);
