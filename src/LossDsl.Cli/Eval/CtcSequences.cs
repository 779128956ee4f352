using System;
using System.Linq;

namespace LossDsl.Cli.Eval;

/// <summary>
/// <c>ctc_loss</c>'s layout: PyTorch's log_probs are time-major, (T, N, C) or (T, C) unbatched; the kernel takes one row
/// per sample, (N, T·C), with the class count as its <c>classes</c> option. Targets come padded (N, S) or concatenated
/// (the samples' labels one after the other, target_lengths[n] each); the kernel takes them padded. The checks and
/// messages are PyTorch's (ctc_loss_cpu), made before anything is read.
/// </summary>
public static class CtcSequences
{
    public static readonly LossQuirk Quirk = new() { Prepare = Prepare };

    private static void Prepare(EvalContext ctx)
    {
        if (ctx.Case.Options.ContainsKey("classes"))
            throw new EvalException("ctc_loss() got an unexpected keyword argument 'classes'");
        var logProbs = ctx.Input("log_probs")!;
        var targets = ctx.Input("targets")!;
        var inputLengths = ctx.Input("input_lengths")!;
        var targetLengths = ctx.Input("target_lengths")!;
        if (logProbs.Rank is not (2 or 3)) throw new EvalException($"log_probs must be 2-D (T, C) or 3-D (T, N, C), got {Shapes.Format(logProbs.Shape)}");
        bool batched = logProbs.Rank == 3;
        int time = logProbs.Shape[0], batch = batched ? logProbs.Shape[1] : 1, classes = logProbs.Shape[^1];
        foreach (var (name, tensor) in new[] { ("targets", targets), ("input_lengths", inputLengths), ("target_lengths", targetLengths) })
            if (!tensor.IsInteger) throw new EvalException($"{name} must be an int64 tensor");

        if (inputLengths.Count != batch) throw new EvalException("input_lengths must be of size batch_size");
        if (targetLengths.Count != batch) throw new EvalException("target_lengths must be of size batch_size");
        int blank = (int)ctx.Option("blank", 0);
        if (blank < 0 || blank >= classes || blank != ctx.Option("blank", 0)) throw new EvalException("blank must be in label range");
        foreach (double length in inputLengths.Data)
            if (length < 0 || length > time)
                throw new EvalException($"Expected input_lengths to have value at most {time}, but got value {length} (while checking arguments for ctc_loss_cpu)");
        if (targetLengths.Data.Any(l => l < 0)) throw new EvalException("target_lengths must be non-negative");
        int longest = targetLengths.Data.Length == 0 ? 0 : (int)targetLengths.Data.Max();

        // padded (N, S) as given, or concatenated (sum of target_lengths) spread into rows of the longest length
        double[] padded;
        int width;
        if (batched && targets.Rank == 2 || !batched && targets.Rank == 1 && targets.Count >= longest && targets.Count != 0)
        {
            width = targets.Shape[^1];
            if (batched && targets.Shape[0] != batch) throw new EvalException($"Expected targets to have {batch} rows, got {Shapes.Format(targets.Shape)}");
            if (width < longest)
                throw new EvalException($"Expected tensor to have size at least {longest} at dimension 1, but got size {width} for argument #2 'targets' (while checking arguments for ctc_loss_cpu)");
            padded = targets.Data;
        }
        else if (targets.Rank == 1)
        {
            double total = targetLengths.Data.Sum();
            if (targets.Count < total)
                throw new EvalException($"Expected tensor to have size at least {total} at dimension 0, but got size {targets.Count} for argument #2 'targets' (while checking arguments for ctc_loss_cpu)");
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
        else throw new EvalException($"targets must be 1-D (concatenated) or 2-D (N, S), got {Shapes.Format(targets.Shape)}");
        for (int n = 0; n < batch; n++)
            for (int s = 0; s < (int)targetLengths.Data[n]; s++)
                if (padded[n * width + s] is var label && (label < 0 || label >= classes))
                    throw new EvalException($"target label {label} is out of range for {classes} classes (sample {n})");

        // (T, N, C) → (N, T·C): a sample's time steps one after the other
        int rowLength = time * classes;
        var rows = new double[batch * rowLength];
        for (int t = 0; t < time; t++)
            for (int n = 0; n < batch; n++)
                logProbs.Data.AsSpan((t * batch + n) * classes, classes).CopyTo(rows.AsSpan(n * rowLength + t * classes));
        ctx.SetInput("log_probs", new Tensor(batched ? [batch, rowLength] : [rowLength], rows, logProbs.Type), g => TimeMajor(g, time, batch, classes));
        ctx.SetInput("targets", new Tensor([batch * width], padded, targets.Type));
        ctx.Options[ctx.OptionIndex("classes")] = classes;
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
