namespace LossDsl.Tensors;

/// <summary>
/// <c>shape drop_last(var, input)</c>: <c>var</c> has <c>input</c>'s shape, or that shape without its last axis (one value
/// shared along it), or with a last axis of 1 (gaussian_nll_loss's homoscedastic variance).
/// </summary>
public sealed class DropLastAxis(string input, string of) : ShapeRule
{
    internal override bool HoldsForOneShape(int rank) => true; // var given in input's shape

    internal override void Prepare(ShapeContext context)
    {
        if (context.Input(input) is not { } v || context.Input(of) is not { } full || TensorShapes.Equal(v.Shape, full.Shape)) return;
        if (TensorShapes.Equal(TensorShapes.DropLast(full.Shape), v.Shape) && full.Rank > 0)
            context.SetInput(input, v.Reshape(TensorShapes.UnsqueezeLast(v.Shape)));
        else if (!(v.Rank > 0 && v.Shape[^1] == 1 && TensorShapes.Equal(TensorShapes.DropLast(full.Shape), TensorShapes.DropLast(v.Shape))))
            throw ShapeContext.Error($"{input} is of incorrect size", input);
    }
}
