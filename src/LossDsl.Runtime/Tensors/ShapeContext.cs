using System;
using System.Collections.Generic;
using System.Linq;

namespace LossDsl.Tensors;

/// <summary>
/// One call on its way from PyTorch's shapes to a <see cref="LossCall{T}"/>: the definition, the options and inputs in
/// its order, the shape everything is broadcast to. The loss's <see cref="ShapeRule"/>s look at it and change it before
/// the call (move the class axis last, unpack a sequence layout, ...), recording how to put each gradient back.
/// </summary>
internal sealed class ShapeContext
{
    internal ShapeContext(ILossDefinition definition, LossArguments arguments)
    {
        Definition = definition;
        Arguments = arguments;
        Options = definition.Options.Select(o => o.Default).ToArray();
        Inputs = new LossTensor?[definition.Inputs.Count];
        GivenShapes = new int[]?[definition.Inputs.Count];
        GradientBack = new Func<double[], double[]>?[definition.Inputs.Count];
        Reduction = arguments.Reduction;
    }

    public ILossDefinition Definition { get; }
    public LossArguments Arguments { get; }
    public string Loss => Definition.Name;
    /// <summary>The floating type of the call: float32 or float64.</summary>
    public TensorElementType FloatType => Arguments.Float32 ? TensorElementType.Float32 : TensorElementType.Float64;
    /// <summary>PyTorch's name of <see cref="FloatType"/> in its messages.</summary>
    public string FloatTypeName => Arguments.Float32 ? "Float" : "Double";

    /// <summary>One value per option of the definition, in its order (booleans as 1 or 0).</summary>
    public double[] Options { get; }
    public Reduction Reduction { get; set; }
    /// <summary><c>batchmean</c>: the kernel sums, the value and the gradients are then divided by the input's size(0).</summary>
    public bool BatchMean { get; set; }
    /// <summary>The per-element weight (<see cref="LossCall{T}.Weight"/>), or null.</summary>
    public LossTensor? Weight { get; set; }

    /// <summary>One tensor per input of the definition, in its order; null for an optional input left out. Rules may reshape them.</summary>
    public LossTensor?[] Inputs { get; }
    /// <summary>The shape each input was given with: its gradient is answered in that shape.</summary>
    public int[]?[] GivenShapes { get; }
    /// <summary>Per input, where a rule rearranged it: maps a gradient in the rearranged layout back to the given one.</summary>
    public Func<double[], double[]>?[] GradientBack { get; }
    /// <summary>Applied to a reduced value after the kernel (a rule's last word on it), or null.</summary>
    public Func<double, double>? FinishValue { get; set; }

    /// <summary>
    /// The inputs given packed along their last axis (<c>boxes1</c> of shape (..., 4) for the declared
    /// <c>boxes1_x1, boxes1_y1, boxes1_x2, boxes1_y2</c>), in the order given; their members hold the slices.
    /// </summary>
    public List<PackedInput> Packed { get; } = new();

    /// <summary>The shape every element input is broadcast to before the call.</summary>
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
    public LossTensor? Input(string name)
    {
        int i = InputIndex(name);
        return i < 0 ? null : Inputs[i];
    }

    /// <summary>The tensor of an input the loss needs: an <see cref="ArgumentException"/> naming it when it was not given.</summary>
    public LossTensor Required(string name) => Input(name) ?? throw Error($"{Loss} needs input '{name}'", name);

    /// <summary>Replaces the tensor of an input (its gradient is still answered in the shape it was given with).</summary>
    public void SetInput(string name, LossTensor tensor, Func<double[], double[]>? gradientBack = null)
    {
        int i = InputIndex(name);
        if (i < 0) throw new InvalidOperationException($"{Loss} has no input '{name}'");
        Inputs[i] = tensor;
        if (gradientBack is not null)
        {
            var previous = GradientBack[i];
            GradientBack[i] = previous is null ? gradientBack : g => previous(gradientBack(g));
        }
    }

    /// <summary>The value of an option by name, or <paramref name="fallback"/> when the definition has no such option.</summary>
    public double Option(string name, double fallback = double.NaN)
    {
        int i = OptionIndex(name);
        return i < 0 ? fallback : Options[i];
    }

    /// <summary>The tensors given, by name.</summary>
    public IEnumerable<(string Name, LossTensor Tensor)> GivenInputs()
    {
        for (int i = 0; i < Inputs.Length; i++)
            if (Inputs[i] is { } t) yield return (Definition.Inputs[i].Name, t);
    }

    /// <summary>The given element inputs (one value per element): the ones whose shapes broadcast together.</summary>
    public IEnumerable<(string Name, LossTensor Tensor)> GivenElementInputs()
    {
        for (int i = 0; i < Inputs.Length; i++)
            if (Inputs[i] is { } t && Definition.Inputs[i].Kind == LossInputKind.Element) yield return (Definition.Inputs[i].Name, t);
    }

    /// <summary>The refusal of an argument, as PyTorch words it, naming the input or option.</summary>
    public static ArgumentException Error(string message, string? argument) => new(message, argument);
}

/// <summary>
/// An input given packed: <paramref name="Name"/> as given, <paramref name="Given"/> the tensor as given (last axis of
/// length <c>Members.Length</c>), <paramref name="Members"/> the indices of the declared inputs <c>&lt;Name&gt;_*</c>
/// that its last axis was split into, in declaration order.
/// </summary>
internal sealed record PackedInput(string Name, LossTensor Given, int[] Members);
