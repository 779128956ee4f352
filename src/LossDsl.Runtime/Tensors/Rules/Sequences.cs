using System;
using System.Linq;

namespace LossDsl.Tensors;

/// <summary>
/// <c>shape sequences(scores, labels, score_lengths, label_lengths, classes)</c>: sequence-to-sequence layouts as
/// ctc_loss takes them. The scores are time-major, (T, N, C) or (T, C) unbatched; the kernel takes one row per sample,
/// (N, T·C), with the class count C as the option <c>classes</c> (set here: a call may not give it). Labels come padded
/// (N, S) or concatenated (the samples' labels one after the other, label_lengths[n] each); the kernel takes them padded.
/// The checks and messages are PyTorch's (ctc_loss_cpu), made before anything is read.
/// </summary>
public sealed class Sequences(string scores, string labels, string scoreLengths, string labelLengths, string classes) : ShapeRule
{
    internal override bool Supplies(string option) => option == classes;

    internal override void Prepare(ShapeContext context)
    {
        var logProbs = context.Required(scores);
        var targets = context.Required(labels);
        var inputLengths = context.Required(scoreLengths);
        var targetLengths = context.Required(labelLengths);
        if (logProbs.Rank is not (2 or 3))
            throw ShapeContext.Error($"{scores} must be 2-D (T, C) or 3-D (T, N, C), got {TensorShapes.Format(logProbs.Shape)}", scores);
        bool batched = logProbs.Rank == 3;
        int time = logProbs.Shape[0], batch = batched ? logProbs.Shape[1] : 1, classCount = logProbs.Shape[^1];
        foreach (var (name, tensor) in new[] { (labels, targets), (scoreLengths, inputLengths), (labelLengths, targetLengths) })
            if (!tensor.IsInteger) throw ShapeContext.Error($"{name} must be an int64 tensor", name);

        if (inputLengths.Count != batch) throw ShapeContext.Error($"{scoreLengths} must be of size batch_size", scoreLengths);
        if (targetLengths.Count != batch) throw ShapeContext.Error($"{labelLengths} must be of size batch_size", labelLengths);
        foreach (double length in inputLengths.Data)
            if (length < 0 || length > time)
                throw ShapeContext.Error($"Expected {scoreLengths} to have value at most {time}, but got value {length} (while checking arguments for ctc_loss_cpu)", scoreLengths);
        if (targetLengths.Data.Any(l => l < 0)) throw ShapeContext.Error($"{labelLengths} must be non-negative", labelLengths);
        int longest = targetLengths.Data.Length == 0 ? 0 : (int)targetLengths.Data.Max();

        // padded (N, S) as given, or concatenated (sum of the label lengths) spread into rows of the longest length
        double[] padded;
        int width;
        if (batched && targets.Rank == 2 || !batched && targets.Rank == 1 && targets.Count >= longest && targets.Count != 0)
        {
            width = targets.Shape[^1];
            if (batched && targets.Shape[0] != batch) throw ShapeContext.Error($"Expected {labels} to have {batch} rows, got {TensorShapes.Format(targets.Shape)}", labels);
            if (width < longest)
                throw ShapeContext.Error($"Expected tensor to have size at least {longest} at dimension 1, but got size {width} for argument #2 '{labels}' (while checking arguments for ctc_loss_cpu)", labels);
            padded = targets.Data;
        }
        else if (targets.Rank == 1)
        {
            double total = targetLengths.Data.Sum();
            if (targets.Count < total)
                throw ShapeContext.Error($"Expected tensor to have size at least {total} at dimension 0, but got size {targets.Count} for argument #2 '{labels}' (while checking arguments for ctc_loss_cpu)", labels);
            width = longest;
            padded = new double[batch * width];
            int at = 0;
            for (int n = 0; n < batch; n++)
            {
                int length = (int)targetLengths.Data[n];
                targets.Data.AsSpan(at, length).CopyTo(padded.AsSpan(n * width));
                at += length;
            }
        }
        else throw ShapeContext.Error($"{labels} must be 1-D (concatenated) or 2-D (N, S), got {TensorShapes.Format(targets.Shape)}", labels);
        for (int n = 0; n < batch; n++)
            for (int s = 0; s < (int)targetLengths.Data[n]; s++)
                if (padded[n * width + s] is var label && (label < 0 || label >= classCount))
                    throw ShapeContext.Error($"target label {label} is out of range for {classCount} classes (sample {n})", labels);

        // (T, N, C) → (N, T·C): a sample's time steps one after the other
        int rowLength = time * classCount;
        var rows = new double[batch * rowLength];
        for (int t = 0; t < time; t++)
            for (int n = 0; n < batch; n++)
                logProbs.Data.AsSpan((t * batch + n) * classCount, classCount).CopyTo(rows.AsSpan(n * rowLength + t * classCount));
        context.SetInput(scores, new LossTensor(batched ? [batch, rowLength] : [rowLength], rows, logProbs.Type), g => TimeMajor(g, time, batch, classCount));
        context.SetInput(labels, new LossTensor([batch * width], padded, targets.Type));
        context.Options[context.OptionIndex(classes)] = classCount;
    }

    /// <summary>A gradient in the kernel's (N, T·C) layout back in PyTorch's (T, N, C).</summary>
    private static double[] TimeMajor(double[] rows, int time, int batch, int classes)
    {
        var result = new double[rows.Length];
        for (int n = 0; n < batch; n++)
            for (int t = 0; t < time; t++)
                rows.AsSpan((n * time + t) * classes, classes).CopyTo(result.AsSpan((t * batch + n) * classes));
        return result;
    }
}
