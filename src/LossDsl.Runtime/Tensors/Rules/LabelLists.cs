namespace LossDsl.Tensors;

/// <summary>
/// <c>shape lists(input, target)</c>: a list of target classes per row (multilabel_margin_loss). The input is (N, C) or
/// (C); the int64 target has its shape, and each row lists its target classes first, ended by -1 (the rest is ignored
/// but must still be a class or -1). The kernel reads the target as one value per class: how many times the row lists
/// it (a class listed twice counts twice, as in the reference's loop over the list).
/// </summary>
public sealed class LabelLists(string input, string target) : ShapeRule
{
    internal override void Prepare(ShapeContext context)
    {
        var scores = context.Required(input);
        var lists = context.Required(target);
        bool nonEmpty = scores.Rank switch { 0 => true, 1 => scores.Shape[0] != 0, 2 => scores.Shape[1] != 0, _ => false };
        if (!nonEmpty)
            throw ShapeContext.Error($"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {TensorShapes.Format(scores.Shape)}", input);
        int rows = scores.Rank == 2 ? scores.Shape[0] : 1;
        int classes = scores.Rank switch { 0 => 1, 1 => scores.Shape[0], _ => scores.Shape[1] };
        bool sameSize = scores.Rank <= 1 ? lists.Rank <= 1 && lists.Count == classes : TensorShapes.Equal(lists.Shape, scores.Shape);
        if (!sameSize) throw ShapeContext.Error($"inconsistent size {TensorShapes.Format(lists.Shape)} for argument #2 '{target}'", target);
        if (!lists.IsInteger) throw ShapeContext.Error($"expected scalar type Long but found {context.FloatTypeName}", target);
        foreach (double t in lists.Data)
            if (t < -1 || t >= classes) throw ShapeContext.Error($"argument #2 '{target}' is out of range", target);

        // per row and class, how many times the row's list (up to its first -1) names the class
        var counts = new double[rows * classes];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < classes; k++)
            {
                double t = lists.Data[r * classes + k];
                if (t < 0) break;
                counts[r * classes + (int)t]++;
            }
        context.SetInput(target, new LossTensor(scores.Rank == 2 ? [rows, classes] : [classes], counts, context.FloatType));
        // the mean of no rows: PyTorch 1.13 answers an uninitialized value (in practice about 0), so 0 here
        if (rows == 0 && context.Reduction == Reduction.Mean) context.Reduction = Reduction.Sum;
    }
}
