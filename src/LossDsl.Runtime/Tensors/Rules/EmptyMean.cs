namespace LossDsl.Tensors;

/// <summary><c>shape empty_mean(v)</c>: the mean of no elements is <c>v</c> (torchvision: <c>loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()</c>).</summary>
public sealed class EmptyMean(double value) : ShapeRule
{
    internal override bool HoldsForOneShape(int rank) => true; // a call of at least one element

    internal override void Check(ShapeContext context)
    {
        if (context.Reduction == Reduction.Mean && TensorShapes.Count(context.Shape) == 0) context.FinishValue = _ => value;
    }
}
