namespace LossDsl.Tensors;

/// <summary>
/// <c>shape within(a)</c>: the loss is computed in place in a tensor of <c>a</c>'s shape: the other inputs broadcast to
/// it but may not widen it.
/// </summary>
public sealed class WithinShape(string input) : ShapeRule
{
    internal override bool HoldsForOneShape(int rank) => true;

    internal override void Check(ShapeContext context)
    {
        if (context.Input(input) is not { } a || TensorShapes.Equal(a.Shape, context.Shape)) return;
        throw ShapeContext.Error($"output with shape {TensorShapes.Format(a.Shape)} doesn't match the broadcast shape {TensorShapes.Format(context.Shape)}", input);
    }
}
