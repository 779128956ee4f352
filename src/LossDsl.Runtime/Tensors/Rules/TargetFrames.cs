namespace LossDsl.Tensors;

/// <summary>
/// <c>shape frames(input, target)</c>: multi_margin_loss's shapes. The input is (), (C) or (N, C) with N frames (1 below
/// rank 2), the integer target holds N indices with rank 0 or 1, and the target's rank gives the unreduced output's:
/// (N) for a 1-D target (even of a (C) input), () for a 0-D one. The input is seen as target.shape + (C).
/// </summary>
public sealed class TargetFrames(string input, string target) : ShapeRule
{
    internal override void Prepare(ShapeContext context)
    {
        var scores = context.Required(input);
        var labels = context.Required(target);
        if (!labels.IsInteger) return; // the class axis rule refuses it with PyTorch's message
        if (scores.Rank > 2 || (scores.Rank > 0 && scores.Shape[^1] == 0))
            throw ShapeContext.Error($"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {TensorShapes.Format(scores.Shape)}", input);
        int frames = scores.Rank <= 1 ? 1 : scores.Shape[0];
        if (labels.Rank > 1 || labels.Count != frames)
            throw ShapeContext.Error($"inconsistent target size, got: {TensorShapes.Format(labels.Shape)}", target);
        context.SetInput(input, scores.Reshape([.. labels.Shape, scores.Rank == 0 ? 1 : scores.Shape[^1]]));
    }
}
