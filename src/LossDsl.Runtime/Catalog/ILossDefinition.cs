using System.Collections.Generic;

namespace LossDsl;

/// <summary>What one value of an input covers.</summary>
public enum LossInputKind
{
    /// <summary>One value per element (a row of them per sample in row losses).</summary>
    Element,
    /// <summary>One value per row.</summary>
    Row,
    /// <summary>One value per class (column), shared by every row.</summary>
    Class,
    /// <summary>One class index per row (an integer; passed as whole numbers in <see cref="LossCall{T}.Inputs"/>).</summary>
    Index,
    /// <summary>A list of labels per row, the same number for every row (integers; whole numbers in <see cref="LossCall{T}.Inputs"/>).</summary>
    Labels,
}

/// <summary>An input of a declared loss.</summary>
/// <param name="Name">The name in the formula (snake_case).</param>
/// <param name="Differentiable">False for inputs declared <c>const</c>: no gradient is computed for them.</param>
/// <param name="Default">For an optional input (declared with <c>= value</c>): the value used when no span is given.</param>
/// <param name="Kind">What one value covers.</param>
/// <param name="Except">For an index input: the option whose value marks a row to leave out.</param>
public sealed record LossInput(string Name, bool Differentiable, double? Default, LossInputKind Kind = LossInputKind.Element, string? Except = null);

/// <summary>An option (a scalar parameter with a default) of a declared loss.</summary>
/// <param name="Name">The name in the formula (snake_case).</param>
/// <param name="IsBoolean">True for <c>true</c>/<c>false</c> options; passed as 1/0 in <see cref="LossCall{T}.Options"/>.</param>
/// <param name="Default">The default value (1/0 for booleans).</param>
public sealed record LossOption(string Name, bool IsBoolean, double Default);

/// <summary>
/// What the generator knows about one declared loss, and an array-based entry point to its kernels for tools
/// (the CLI, tests, benchmarks) that choose the loss at run time. Users call the typed span methods instead.
/// </summary>
public interface ILossDefinition
{
    /// <summary>The loss's name in the formula language, e.g. <c>huber_loss</c>.</summary>
    string Name { get; }
    /// <summary>The declaration as written.</summary>
    string Formula { get; }
    /// <summary>The extent of one loss value.</summary>
    LossKind Kind { get; }
    /// <summary>The inputs, in declaration order.</summary>
    IReadOnlyList<LossInput> Inputs { get; }
    /// <summary>The options, in declaration order.</summary>
    IReadOnlyList<LossOption> Options { get; }
    /// <summary>Whether <see cref="LossCall{T}.WantHessians"/> is supported: elementwise losses have generated second derivatives; row and whole losses have none yet.</summary>
    bool HasHessians => false;
    /// <summary>The loss's tensor semantics beyond broadcasting, from its <c>shape</c> clauses (see <see cref="Tensors.TensorLoss"/>).</summary>
    IReadOnlyList<Tensors.ShapeRule> ShapeRules => [];
    /// <summary>Runs the kernels in float.</summary>
    void Evaluate(LossCall<float> call);
    /// <summary>Runs the kernels in double.</summary>
    void Evaluate(LossCall<double> call);
}
