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
    /// <summary>Targets equal to the <c>ignore_index</c> option (default -100) are allowed whatever their value.</summary>
    public bool IgnoreIndex { get; init; }
    /// <summary>The class input holding per-class weights (shape (C)), or null.</summary>
    public string? WeightInput { get; init; }
    /// <summary>Only (N, C) inputs (no (C), no extra dimensions).</summary>
    public bool BatchedOnly { get; init; }
    /// <summary>
    /// multi_margin_loss's shapes: an input of rank 0 to 2 ((), (C), (N, C)) with N frames (1 below rank 2), and an
    /// integer target of rank 0 or 1 holding N indices, whose rank gives the unreduced output's: (N) for a 1-D target
    /// (even of a (C) input), () for a 0-D one (even of a (1, C) input).
    /// </summary>
    public bool FramesFromTarget { get; init; }
}

/// <summary>
/// Class-index losses: the kernels take one row of class scores per sample and one class index per row (an
/// <c>index</c> input; a probability target is an element input shaped like the scores). PyTorch puts the classes on
/// dim 1 of (N, C, d1, ...): the evaluator moves that axis last, so that every (n, d1, ...) is a row, and checks the
/// target's shape and range with the reference's messages. Weights, ignore_index and label_smoothing are the loss's own
/// class input and options.
/// </summary>
public static class ClassTargets
{
    public static LossQuirk Quirk(ClassTargetRules rules) => new() { Prepare = ctx => Prepare(ctx, rules) };

    private static void Prepare(EvalContext ctx, ClassTargetRules rules)
    {
        var input = ctx.First;
        string inputName = ctx.Definition.Inputs[0].Name;
        var target = ctx.Input(rules.Target) ?? throw new EvalException($"{ctx.Loss} needs input '{rules.Target}'");
        var type = ctx.Case.FloatType;
        if (rules.FramesFromTarget && target.IsInteger)
        {
            // the reference's shape check, then the input as target.shape + (C), so that the output has the target's shape
            if (input.Rank > 2 || (input.Rank > 0 && input.Shape[^1] == 0))
                throw new EvalException($"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {Shapes.Format(input.Shape)}");
            int frames = input.Rank <= 1 ? 1 : input.Shape[0];
            if (target.Rank > 1 || target.Count != frames)
                throw new EvalException($"inconsistent target size, got: {Shapes.Format(target.Shape)}");
            int[] reshaped = [.. target.Shape, input.Rank == 0 ? 1 : input.Shape[^1]];
            ctx.SetInput(inputName, input.Reshape(reshaped), g => g);
            input = ctx.First;
        }

        if (rules.BatchedOnly && input.Rank != 2)
            throw new EvalException($"{ctx.Loss}: expected input of shape (N, C), got {Shapes.Format(input.Shape)}");
        if (input.Rank == 0) throw new EvalException("input must have at least one dimension (the classes)");
        int classAxis = input.Rank == 1 ? 0 : 1;
        int classes = input.Shape[classAxis];

        if (rules.WeightInput is { } w && ctx.Input(w) is { } weight && !(weight.Rank == 1 && weight.Shape[0] == classes))
            throw new EvalException($"weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape: {Shapes.Format(weight.Shape)}");

        var (moved, movedShape) = MoveAxisLast(input.Data, input.Shape, classAxis);
        int[] givenShape = input.Shape;
        ctx.SetInput(inputName, new Tensor(movedShape, moved, input.Type), g => MoveLastAxisBack(g, movedShape, classAxis));
        int rows = classes == 0 ? 0 : moved.Length / classes;

        if (!target.IsInteger)
        {
            if (!rules.Probabilities || !Shapes.Equal(target.Shape, givenShape))
                throw new EvalException(target.Rank == input.Rank - 1 || (input.Rank == 1 && target.Rank == 0)
                    ? $"expected scalar type Long but found {(type == ElementType.Float32 ? "Float" : "Double")}"
                    : "0D or 1D target tensor expected, multi-target not supported");
            var (probabilities, _) = MoveAxisLast(target.Data, target.Shape, classAxis);
            ctx.SetInput(rules.Target, new Tensor(movedShape, probabilities, type), g => MoveLastAxisBack(g, movedShape, classAxis));
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
        double ignore = rules.IgnoreIndex ? ctx.Option("ignore_index", -100) : double.NaN;
        for (int r = 0; r < rows; r++)
        {
            double index = target.Data[r];
            if (index != ignore && (index < 0 || index >= classes)) throw new EvalException($"Target {index} is out of bounds.");
        }
        // one class index per row, rows in the order of the moved input
        ctx.SetInput(rules.Target, new Tensor([rows], target.Data, target.Type));
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
