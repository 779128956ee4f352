using System;

namespace LossDsl.Tensors;

/// <summary>
/// <c>shape classes(input, target)</c>: PyTorch's class-index layout. The input holds class scores on dim 1 of
/// (N, C, d1, ...), or is one (C) row; the kernels take one row of scores per sample, so the class axis is moved last and
/// every (n, d1, ...) becomes a row. An <c>index</c> target holds one class per row, shaped (N, d1, ...) (or () for a
/// (C) input), each a class or the value of its <c>except</c> option; an element target is a distribution over the
/// classes shaped like the input, moved with it. Every <c>class</c> input (per-class weights) must hold C values.
/// </summary>
public sealed class ClassAxis(string input, string target) : ShapeRule
{
    internal override void Prepare(ShapeContext context)
    {
        var scores = context.Required(input);
        var labels = context.Required(target);
        var declared = context.Definition.Inputs[context.InputIndex(target)];
        if (scores.Rank == 0) throw ShapeContext.Error($"{input} must have at least one dimension (the classes)", input);
        int classAxis = scores.Rank == 1 ? 0 : 1;
        int classes = scores.Shape[classAxis];

        for (int i = 0; i < context.Inputs.Length; i++)
            if (context.Definition.Inputs[i].Kind == LossInputKind.Class && context.Inputs[i] is { } weight && !(weight.Rank == 1 && weight.Shape[0] == classes))
                throw ShapeContext.Error($"weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape: {TensorShapes.Format(weight.Shape)}", context.Definition.Inputs[i].Name);

        int[] givenShape = scores.Shape;
        var (moved, movedShape) = MoveAxisLast(scores.Data, givenShape, classAxis);
        context.SetInput(input, new LossTensor(movedShape, moved, scores.Type), g => MoveLastAxisBack(g, movedShape, classAxis));
        int rows = classes == 0 ? 0 : moved.Length / classes;

        if (declared.Kind != LossInputKind.Index)
        {
            // a distribution over the classes per row, shaped like the input
            if (labels.IsInteger || !TensorShapes.Equal(labels.Shape, givenShape))
                throw ShapeContext.Error(labels.IsInteger ? $"expected scalar type {context.FloatTypeName} but found Long" : "0D or 1D target tensor expected, multi-target not supported", target);
            var (probabilities, _) = MoveAxisLast(labels.Data, labels.Shape, classAxis);
            context.SetInput(target, new LossTensor(movedShape, probabilities, labels.Type), g => MoveLastAxisBack(g, movedShape, classAxis));
            return;
        }

        int[] expected = scores.Rank == 1 ? [] : [givenShape[0], .. givenShape[2..]];
        if (!TensorShapes.Equal(labels.Shape, expected))
        {
            if (scores.Rank >= 2 && labels.Rank >= 1 && labels.Shape[0] != givenShape[0])
                throw ShapeContext.Error($"Expected input batch_size ({givenShape[0]}) to match target batch_size ({labels.Shape[0]}).", target);
            if (labels.Rank == expected.Length)
                throw ShapeContext.Error($"Expected target size {TensorShapes.Format(expected)}, got {TensorShapes.Format(labels.Shape)}", target);
            throw ShapeContext.Error("0D or 1D target tensor expected, multi-target not supported", target);
        }
        if (!labels.IsInteger) throw ShapeContext.Error($"expected scalar type Long but found {context.FloatTypeName}", target);
        double ignore = declared.Except is { } except ? context.Option(except) : double.NaN;
        for (int r = 0; r < rows; r++)
        {
            double index = labels.Data[r];
            if (index != ignore && (index < 0 || index >= classes)) throw ShapeContext.Error($"Target {index} is out of bounds.", target);
        }
        // one class index per row, rows in the order of the moved input
        context.SetInput(target, new LossTensor([rows], labels.Data, labels.Type));
    }

    /// <summary>Row-major data of <paramref name="shape"/> with <paramref name="axis"/> moved last.</summary>
    internal static (double[] Data, int[] Shape) MoveAxisLast(double[] data, int[] shape, int axis)
    {
        int[] moved = [.. shape[..axis], .. shape[(axis + 1)..], shape[axis]];
        int before = (int)TensorShapes.Count(shape.AsSpan(0, axis)), extent = shape[axis], after = (int)TensorShapes.Count(shape.AsSpan(axis + 1));
        if (after == 1) return (data, moved);
        var result = new double[data.Length];
        for (int a = 0; a < before; a++)
            for (int c = 0; c < extent; c++)
                for (int b = 0; b < after; b++)
                    result[(a * after + b) * extent + c] = data[(a * extent + c) * after + b];
        return (result, moved);
    }

    /// <summary>The inverse of <see cref="MoveAxisLast"/>: data of <paramref name="movedShape"/> with its last axis put back at <paramref name="axis"/>.</summary>
    internal static double[] MoveLastAxisBack(double[] data, int[] movedShape, int axis)
    {
        int extent = movedShape[^1];
        int before = (int)TensorShapes.Count(movedShape.AsSpan(0, axis));
        int after = (int)TensorShapes.Count(movedShape.AsSpan(axis, movedShape.Length - 1 - axis));
        if (after == 1) return data;
        var result = new double[data.Length];
        for (int a = 0; a < before; a++)
            for (int c = 0; c < extent; c++)
                for (int b = 0; b < after; b++)
                    result[(a * extent + c) * after + b] = data[(a * after + b) * extent + c];
        return result;
    }
}
