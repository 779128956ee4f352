namespace LossDsl.Tensors;

/// <summary><c>shape rank(a, min, max)</c>: input <c>a</c> is given with <c>min</c> to <c>max</c> dimensions.</summary>
public sealed class RankRange(string input, int min, int max) : ShapeRule
{
    internal override bool HoldsForOneShape(int rank) => rank >= min && rank <= max;

    internal override void Prepare(ShapeContext context)
    {
        if (context.Input(input) is not { } a || (a.Rank >= min && a.Rank <= max)) return;
        string expected = min == max ? $"{min}" : $"{min} to {max}";
        throw ShapeContext.Error($"{context.Loss}: expected {input} with {expected} dimensions, got shape {TensorShapes.Format(a.Shape)}", input);
    }
}
