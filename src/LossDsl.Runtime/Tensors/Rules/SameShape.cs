namespace LossDsl.Tensors;

/// <summary><c>shape same(a, b) else "message"</c>: the two inputs must be given with one shape (no broadcasting between them).</summary>
public sealed class SameShape(string first, string second, string? message = null) : ShapeRule
{
    internal override bool HoldsForOneShape(int rank) => true;

    internal override void Prepare(ShapeContext context)
    {
        if (context.Input(first) is not { } a || context.Input(second) is not { } b || TensorShapes.Equal(a.Shape, b.Shape)) return;
        throw ShapeContext.Error(message is null
            ? $"{context.Loss}: {first} shape {TensorShapes.Format(a.Shape)} and {second} shape {TensorShapes.Format(b.Shape)} differ"
            : Interpolate(message, context), second);
    }
}
