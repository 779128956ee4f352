using System;
using System.Collections.Generic;

namespace LossDsl.Cli.Eval;

/// <summary>How a loss over lists of target classes reads its target (see <see cref="LabelLists"/>).</summary>
public sealed record LabelListRules
{
    /// <summary>The target input's name: int64 shaped like the input, as given; the pair's class (an index input) for the kernel.</summary>
    public string Target { get; init; } = "target";
    /// <summary>The element input the evaluator supplies: 1 where the class is among the row's listed targets, else 0.</summary>
    public string Membership { get; init; } = "is_target";
}

/// <summary>
/// Losses over a list of target classes per row (<c>multilabel_margin_loss</c>): the input is (N, C) or (C), the int64
/// target has its shape, and each row lists its target classes first, ended by -1 (the rest is ignored but must still be a
/// class or -1). The kernel sees one row per (row, listed class) pair, in order: the input row copied, the row's class
/// membership (an element input, 1 for every listed class) and the pair's class (an index input). Back in the case's
/// terms (<see cref="RowFold"/>): a row's loss is the sum over its pairs (0 for a row that lists none), the mean divides
/// by the number of rows N, and the gradients of the copies sum into the row they copy. A class listed twice counts
/// twice, as in the reference's loop over the list.
/// </summary>
public static class LabelLists
{
    public static LossQuirk Quirk(LabelListRules rules) => new()
    {
        Supplies = [rules.Membership],
        Prepare = ctx => Prepare(ctx, rules),
    };

    private static void Prepare(EvalContext ctx, LabelListRules rules)
    {
        var input = ctx.First;
        string inputName = ctx.Definition.Inputs[0].Name;
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

        // the pairs, row by row in list order, and each row's membership
        var origin = new List<int>();
        var listed = new List<double>();
        var membership = new double[rows * classes];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < classes; k++)
            {
                double t = target.Data[r * classes + k];
                if (t < 0) break;
                origin.Add(r);
                listed.Add(t);
                membership[r * classes + (int)t] = 1;
            }

        int pairs = origin.Count;
        var copies = new double[pairs * classes];
        var members = new double[pairs * classes];
        for (int p = 0; p < pairs; p++)
        {
            input.Data.AsSpan(origin[p] * classes, classes).CopyTo(copies.AsSpan(p * classes));
            membership.AsSpan(origin[p] * classes, classes).CopyTo(members.AsSpan(p * classes));
        }
        var fold = new RowFold(origin.ToArray(), input.Rank == 2 ? [rows] : []);
        ctx.Rows = fold;
        ctx.SetInput(inputName, new Tensor([pairs, classes], copies, input.Type), g => fold.FoldRows(g, classes));
        ctx.SetInput(rules.Membership, new Tensor([pairs, classes], members, ctx.Case.FloatType));
        ctx.SetInput(rules.Target, new Tensor([pairs], listed.ToArray(), target.Type));
        if (ctx.Reduction == Reduction.Mean)
        {
            ctx.Reduction = Reduction.Sum;
            // the mean over the given rows, not over the pairs; of no rows PyTorch 1.13 answers an uninitialized
            // value (in practice about 0), so 0 here
            ctx.Divisor = Math.Max(rows, 1);
        }
    }
}
