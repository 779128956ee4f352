using System;
using System.Collections.Generic;

namespace LossDsl.Cli.Eval;

/// <summary>How a loss over lists of target classes reads its target (see <see cref="LabelLists"/>).</summary>
public sealed record LabelListRules
{
    /// <summary>The target input's name: int64 shaped like the input as given; per class, how often it is listed, for the kernel.</summary>
    public string Target { get; init; } = "target";
}

/// <summary>
/// Losses over a list of target classes per row (<c>multilabel_margin_loss</c>): the input is (N, C) or (C), the int64
/// target has its shape, and each row lists its target classes first, ended by -1 (the rest is ignored but must still be a
/// class or -1). The kernel reads the target as one value per class: how many times the row lists it (a class listed
/// twice counts twice, as in the reference's loop over the list); its formula sums over the pairs of classes itself.
/// </summary>
public static class LabelLists
{
    public static LossQuirk Quirk(LabelListRules rules) => new()
    {
        Prepare = ctx => Prepare(ctx, rules),
    };

    private static void Prepare(EvalContext ctx, LabelListRules rules)
    {
        var input = ctx.First;
        var target = ctx.Input(rules.Target) ?? throw new EvalException($"{ctx.Loss} needs input '{rules.Target}'");

        bool nonEmpty = input.Rank switch { 0 => true, 1 => input.Shape[0] != 0, 2 => input.Shape[1] != 0, _ => false };
        if (!nonEmpty)
            throw new EvalException($"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {Shapes.Format(input.Shape)}");
        int rows = input.Rank == 2 ? input.Shape[0] : 1;
        int classes = input.Rank switch { 0 => 1, 1 => input.Shape[0], _ => input.Shape[1] };
        bool sameSize = input.Rank <= 1 ? target.Rank <= 1 && target.Count == classes : Shapes.Equal(target.Shape, input.Shape);
        if (!sameSize) throw new EvalException($"inconsistent size {Shapes.Format(target.Shape)} for argument #2 '{rules.Target}'");
        if (!target.IsInteger)
            throw new EvalException($"expected scalar type Long but found {(ctx.Case.FloatType == ElementType.Float32 ? "Float" : "Double")}");
        foreach (double t in target.Data)
            if (t < -1 || t >= classes) throw new EvalException($"argument #2 '{rules.Target}' is out of range");

        // per row and class, how many times the row's list (up to its first -1) names the class
        var counts = new double[rows * classes];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < classes; k++)
            {
                double t = target.Data[r * classes + k];
                if (t < 0) break;
                counts[r * classes + (int)t]++;
            }
        ctx.SetInput(rules.Target, new Tensor(input.Rank == 2 ? [rows, classes] : [classes], counts, ctx.Case.FloatType));
        // the mean of no rows: PyTorch 1.13 answers an uninitialized value (in practice about 0), so 0 here
        if (rows == 0 && ctx.Reduction == Reduction.Mean) ctx.Reduction = Reduction.Sum;
    }
}
