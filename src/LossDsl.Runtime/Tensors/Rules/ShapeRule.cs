namespace LossDsl.Tensors;

/// <summary>
/// One declared piece of a loss's tensor semantics: a <c>shape</c> clause of its formula (docs/language.md, "Shapes"),
/// which the generator emits as <see cref="ILossDefinition.ShapeRules"/>. <see cref="TensorLoss"/> asks each rule, in the
/// declared order, at each step of a call: whether another declaration takes the call, which options it sets itself,
/// then to check or rearrange the inputs as given, then to check the broadcast shape. A rule is data: its constructor's
/// arguments are the clause's.
/// </summary>
public abstract class ShapeRule
{
    /// <summary>
    /// Whether a call whose inputs (and weight) all have one shape of <paramref name="rank"/> dimensions, at least one
    /// element, passes this rule unchanged: then <see cref="DenseTensors"/> may run the span kernel on the tensors'
    /// memory. False unless a rule knows it (a rule that rearranges inputs or sets the reduction never does).
    /// </summary>
    internal virtual bool HoldsForOneShape(int rank) => false;

    private protected ShapeRule() { }

    /// <summary>The name of the declaration that takes this call instead, or null.</summary>
    internal virtual string? Dispatch(ILossDefinition loss, LossArguments arguments) => null;

    /// <summary>Whether the rule sets <paramref name="option"/> itself (then a call may not give it).</summary>
    internal virtual bool Supplies(string option) => false;

    /// <summary>Whether <c>reduction='batchmean'</c> is accepted.</summary>
    internal virtual bool AllowsBatchMean => false;

    /// <summary>Checks the inputs as given, or rearranges them for the kernels (recording how gradients go back).</summary>
    internal virtual void Prepare(ShapeContext context) { }

    /// <summary>Checks the shape the element inputs broadcast to (<see cref="ShapeContext.Shape"/>).</summary>
    internal virtual void Check(ShapeContext context) { }

    /// <summary><paramref name="message"/> with each <c>{input}</c> replaced by that input's shape as PyTorch prints it.</summary>
    private protected static string Interpolate(string message, ShapeContext context)
    {
        for (int i = 0; i < context.Inputs.Length; i++)
            if (context.GivenShapes[i] is { } shape)
                message = message.Replace("{" + context.Definition.Inputs[i].Name + "}", TensorShapes.Torch(shape));
        return message;
    }
}
