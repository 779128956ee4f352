using System;
using System.Linq;

namespace LossDsl.Cli.Eval;

/// <summary>How a class-index loss reads its target and class weights (see <see cref="ClassTargets"/>).</summary>
public sealed record ClassTargetRules
{
    /// <summary>The target input's name.</summary>
    public string Target { get; init; } = "target";
    /// <summary>A float target shaped like the input is a distribution over the classes (cross_entropy).</summary>
    public bool Probabilities { get; init; }
    /// <summary>Reads <c>ignore_index</c> (default -100): such rows count for nothing.</summary>
    public bool IgnoreIndex { get; init; }
    /// <summary>Reads <c>label_smoothing</c> (default 0).</summary>
    public bool LabelSmoothing { get; init; }
    /// <summary>The option holding per-class weights (shape (C)), or null.</summary>
    public string? WeightOption { get; init; }
    /// <summary>A mean divides by the summed weights of the rows' targets (nll_loss, cross_entropy), not by the row count.</summary>
    public bool MeanOverWeights { get; init; }
    /// <summary>Only (N, C) inputs (no (C), no extra dimensions).</summary>
    public bool BatchedOnly { get; init; }
}

/// <summary>
/// Class-index losses as row kernels. The kernel is a row loss over the class axis whose <c>target</c> input is a row of
/// class weights, and that is linear in it (as <c>sum(target) * logsumexp(input) - sum(target * input)</c> is): the
/// evaluator moves PyTorch's class axis (dim 1 of (N, C, d1, ...)) last, turns each int64 class index into a one-hot row
/// scaled by its class weight (zero for <c>ignore_index</c>), mixes in label smoothing, and folds the reference's
/// divisor of a mean (the summed weights) into the rows, so that the kernel's sum is the reference's value.
/// </summary>
public static class ClassTargets
{
    public static string[] OptionNames(ClassTargetRules rules) =>
        new[] { rules.WeightOption, rules.IgnoreIndex ? "ignore_index" : null, rules.LabelSmoothing ? "label_smoothing" : null }
            .OfType<string>().ToArray();

    public static LossQuirk Quirk(ClassTargetRules rules) => new()
    {
        Options = OptionNames(rules),
        Prepare = ctx => Prepare(ctx, rules),
    };

    private static void Prepare(EvalContext ctx, ClassTargetRules rules)
    {
        var input = ctx.First;
        string inputName = ctx.Definition.Inputs[0].Name;
        var target = ctx.Input(rules.Target) ?? throw new EvalException($"{ctx.Loss} needs input '{rules.Target}'");
        var type = ctx.Case.FloatType;

        if (rules.BatchedOnly && input.Rank != 2)
            throw new EvalException($"{ctx.Loss}: expected input of shape (N, C), got {Shapes.Format(input.Shape)}");
        if (input.Rank == 0) throw new EvalException("input must have at least one dimension (the classes)");
        int classAxis = input.Rank == 1 ? 0 : 1;
        int classes = input.Shape[classAxis];

        var weight = rules.WeightOption is { } w ? ctx.QuirkTensor(w) : null;
        if (weight is not null && !(weight.Rank == 1 && weight.Shape[0] == classes))
            throw new EvalException($"weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape: {Shapes.Format(weight.Shape)}");
        double smoothing = rules.LabelSmoothing ? ctx.QuirkNumber("label_smoothing", 0) : 0;
        if (!(smoothing >= 0 && smoothing <= 1))
            throw new EvalException($"label_smoothing must be between 0.0 and 1.0. Got: {smoothing}");
        double ignore = rules.IgnoreIndex ? ctx.QuirkNumber("ignore_index", -100) : double.NaN;

        var (moved, movedShape) = MoveAxisLast(input.Data, input.Shape, classAxis);
        int[] givenShape = input.Shape;
        ctx.SetInput(inputName, new Tensor(movedShape, moved, input.Type), g => MoveLastAxisBack(g, movedShape, classAxis));
        int rows = classes == 0 ? 0 : moved.Length / classes;
        var rowsOut = new double[moved.Length];

        if (!target.IsInteger)
        {
            if (!rules.Probabilities || !Shapes.Equal(target.Shape, givenShape))
                throw new EvalException(target.Rank == input.Rank - 1 || (input.Rank == 1 && target.Rank == 0)
                    ? $"expected scalar type Long but found {(type == ElementType.Float32 ? "Float" : "Double")}"
                    : "0D or 1D target tensor expected, multi-target not supported");
            var (probs, _) = MoveAxisLast(target.Data, target.Shape, classAxis);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < classes; c++)
                {
                    double v = probs[r * classes + c];
                    if (smoothing > 0) v = v * (1 - smoothing) + smoothing / classes;
                    if (weight is not null) v *= weight.Data[c];
                    rowsOut[r * classes + c] = v;
                }
            ctx.SetInput(rules.Target, new Tensor(movedShape, rowsOut, type), g => MoveLastAxisBack(g, movedShape, classAxis));
            return;
        }

        int[] expected = input.Rank == 1 ? [] : [givenShape[0], .. givenShape[2..]];
        if (!Shapes.Equal(target.Shape, expected))
        {
            if (input.Rank >= 2 && target.Rank >= 1 && target.Shape[0] != givenShape[0])
                throw new EvalException($"Expected input batch_size ({givenShape[0]}) to match target batch_size ({target.Shape[0]}).");
            if (target.Rank == expected.Length)
                throw new EvalException($"Expected target size {Shapes.Format(expected)}, got {Shapes.Format(target.Shape)}");
            throw new EvalException("0D or 1D target tensor expected, multi-target not supported");
        }

        var rowWeight = new double[rows];
        var ignored = new bool[rows];
        for (int r = 0; r < rows; r++)
        {
            double index = target.Data[r];
            if (index == ignore) { ignored[r] = true; continue; }
            if (index < 0 || index >= classes) throw new EvalException($"Target {index} is out of bounds.");
            rowWeight[r] = weight is null ? 1 : weight.Data[(int)index];
        }

        bool mean = ctx.Reduction == Reduction.Mean && rules.MeanOverWeights;
        double targetDivisor = 1, smoothDivisor = 1;
        if (mean)
        {
            // PyTorch: the picked part is divided by the summed weights of the rows not ignored; the smoothing part by
            // the same when weighted, else by the number of rows (ignored ones included).
            targetDivisor = 0;
            for (int r = 0; r < rows; r++) if (!ignored[r]) targetDivisor += rowWeight[r];
            smoothDivisor = weight is null ? rows : targetDivisor;
            ctx.Reduction = Reduction.Sum;
            // every row ignored: the reference's 0 / 0 (the gradients stay zero)
            if (targetDivisor == 0 && ignored.All(i => i)) ctx.FinishValue = _ => double.NaN;
        }
        for (int r = 0; r < rows; r++)
        {
            if (ignored[r]) continue;
            rowsOut[r * classes + (int)target.Data[r]] += (1 - smoothing) * rowWeight[r] / targetDivisor;
            if (smoothing > 0)
                for (int c = 0; c < classes; c++)
                    rowsOut[r * classes + c] += smoothing / classes * (weight is null ? 1 : weight.Data[c]) / smoothDivisor;
        }
        ctx.SetInput(rules.Target, new Tensor(movedShape, rowsOut, type));
    }

    /// <summary>Row-major data of <paramref name="shape"/> with <paramref name="axis"/> moved last.</summary>
    public static (double[] Data, int[] Shape) MoveAxisLast(double[] data, int[] shape, int axis)
    {
        int[] moved = [.. shape[..axis], .. shape[(axis + 1)..], shape[axis]];
        int before = (int)Shapes.Count(shape.AsSpan(0, axis)), extent = shape[axis], after = (int)Shapes.Count(shape.AsSpan(axis + 1));
        if (after == 1) return (data, moved);
        var result = new double[data.Length];
        for (int a = 0; a < before; a++)
            for (int c = 0; c < extent; c++)
                for (int b = 0; b < after; b++)
                    result[(a * after + b) * extent + c] = data[(a * extent + c) * after + b];
        return (result, moved);
    }

    /// <summary>The inverse of <see cref="MoveAxisLast"/>: data of <paramref name="movedShape"/> with its last axis put back at <paramref name="axis"/>.</summary>
    public static double[] MoveLastAxisBack(double[] data, int[] movedShape, int axis)
    {
        int extent = movedShape[^1];
        int before = (int)Shapes.Count(movedShape.AsSpan(0, axis));
        int after = (int)Shapes.Count(movedShape.AsSpan(axis, movedShape.Length - 1 - axis));
        if (after == 1) return data;
        var result = new double[data.Length];
        for (int a = 0; a < before; a++)
            for (int c = 0; c < extent; c++)
                for (int b = 0; b < after; b++)
                    result[(a * extent + c) * after + b] = data[(a * after + b) * extent + c];
        return result;
    }
}
