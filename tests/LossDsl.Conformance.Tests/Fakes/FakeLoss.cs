using System;
using System.Collections.Generic;
using System.Numerics;

namespace LossDsl.Conformance.Tests.Fakes;

/// <summary>
/// A hand-written <see cref="ILossDefinition"/> for testing the evaluator without the generator: computes in double
/// from per-element (or per-row) formulas and follows the <see cref="LossCall{T}"/> contract (reduction, weight,
/// upstream gradient).
/// </summary>
public abstract class FakeLoss : ILossDefinition
{
    public abstract string Name { get; }
    public virtual string Formula => "(test fake)";
    public abstract LossKind Kind { get; }
    public abstract IReadOnlyList<LossInput> Inputs { get; }
    public virtual IReadOnlyList<LossOption> Options => [];

    /// <summary>Losses of one row (elementwise: a row of one) and their derivatives by each input: value, d/dinput[k][j].</summary>
    protected abstract double Row(double[][] inputs, int start, int length, double[] options, double[][] grads);

    public void Evaluate(LossCall<float> call) => Run(call);
    public void Evaluate(LossCall<double> call) => Run(call);

    private void Run<T>(LossCall<T> call) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = Inputs.Count;
        var inputs = new double[k][];
        int n = -1;
        for (int i = 0; i < k; i++)
        {
            var src = call.Inputs[i];
            if (src is null)
            {
                inputs[i] = null!;
                continue;
            }
            if (n >= 0 && src.Length != n) throw new ArgumentException("inputs of different lengths");
            n = src.Length;
            inputs[i] = Array.ConvertAll(src, v => double.CreateTruncating(v));
        }
        for (int i = 0; i < k; i++)
            if (inputs[i] is null) inputs[i] = Filled(n, Inputs[i].Default ?? throw new ArgumentException($"input {Inputs[i].Name} missing"));
        var options = new double[Options.Count];
        for (int i = 0; i < options.Length; i++) options[i] = call.Options?[i] ?? Options[i].Default;

        int rowLength = Kind == LossKind.Elementwise ? 1 : Kind == LossKind.Row ? call.RowLength : n;
        int rows = rowLength == 0 ? 0 : n / rowLength;
        var grads = new double[k][];
        for (int i = 0; i < k; i++) grads[i] = new double[n];
        var values = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double w = call.Weight is null ? 1 : double.CreateTruncating(call.Weight[r]);
            var rowGrads = new double[k][];
            for (int i = 0; i < k; i++) rowGrads[i] = new double[rowLength];
            values[r] = w * Row(inputs, r * rowLength, rowLength, options, rowGrads);
            for (int i = 0; i < k; i++)
                for (int j = 0; j < rowLength; j++) grads[i][r * rowLength + j] = w * rowGrads[i][j];
        }

        var reduction = Kind == LossKind.Whole ? Reduction.Sum : call.Reduction;
        double scale = reduction == Reduction.Mean ? 1.0 / rows : 1.0;
        if (reduction == Reduction.None)
        {
            call.Output = Array.ConvertAll(values, v => T.CreateTruncating(v));
        }
        else
        {
            double sum = 0;
            foreach (double v in values) sum += v;
            call.Value = T.CreateTruncating(sum * scale);
        }
        if (!call.WantGradients) return;
        var result = new T[]?[k];
        for (int i = 0; i < k; i++)
        {
            if (!Inputs[i].Differentiable || call.Inputs[i] is null) continue;
            var g = new T[n];
            for (int e = 0; e < n; e++)
            {
                double up = reduction == Reduction.None && call.GradOutput is { } go ? double.CreateTruncating(go[e / rowLength]) : scale;
                g[e] = T.CreateTruncating(up * grads[i][e]);
            }
            result[i] = g;
        }
        call.Gradients = result;
    }

    private static double[] Filled(int n, double value)
    {
        var a = new double[n];
        Array.Fill(a, value);
        return a;
    }
}

/// <summary>mse_loss: (x - y)^2 per element.</summary>
public sealed class FakeMseLoss : FakeLoss
{
    public override string Name => "mse_loss";
    public override LossKind Kind => LossKind.Elementwise;
    public override IReadOnlyList<LossInput> Inputs { get; } = [new("input", true, null), new("target", true, null)];

    protected override double Row(double[][] x, int start, int length, double[] options, double[][] grads)
    {
        double d = x[0][start] - x[1][start];
        grads[0][0] = 2 * d;
        grads[1][0] = -2 * d;
        return d * d;
    }
}

/// <summary>A row loss with an option and an optional input: scale * mean over the row of (x - y)^2 + offset.</summary>
public sealed class FakeRowLoss : FakeLoss
{
    public override string Name => "fake_row_loss";
    public override LossKind Kind => LossKind.Row;
    public override IReadOnlyList<LossInput> Inputs { get; } = [new("input", true, null), new("target", false, null), new("offset", true, 0.0)];
    public override IReadOnlyList<LossOption> Options { get; } = [new("scale", false, 1.0), new("negate", true, 0.0)];

    protected override double Row(double[][] x, int start, int length, double[] options, double[][] grads)
    {
        double scale = options[0] * (options[1] != 0 ? -1 : 1);
        double sum = 0;
        for (int j = 0; j < length; j++)
        {
            double d = x[0][start + j] - x[1][start + j];
            sum += d * d;
            grads[0][j] = scale * 2 * d / length;
            grads[2][j] = 1.0 / length;
        }
        double offset = 0;
        for (int j = 0; j < length; j++) offset += x[2][start + j] / length;
        return scale * sum / length + offset;
    }
}

/// <summary>rmse: sqrt(mean((x - y)^2)) over everything, one value.</summary>
public sealed class FakeRmse : FakeLoss
{
    public override string Name => "rmse";
    public override LossKind Kind => LossKind.Whole;
    public override IReadOnlyList<LossInput> Inputs { get; } = [new("input", true, null), new("target", true, null)];

    protected override double Row(double[][] x, int start, int length, double[] options, double[][] grads)
    {
        double sum = 0;
        for (int j = 0; j < length; j++)
        {
            double d = x[0][start + j] - x[1][start + j];
            sum += d * d;
        }
        double v = Math.Sqrt(sum / length);
        for (int j = 0; j < length; j++)
        {
            double d = x[0][start + j] - x[1][start + j];
            grads[0][j] = d / (length * v);
            grads[1][j] = -d / (length * v);
        }
        return v;
    }
}

/// <summary>cross_entropy as a row kernel over the classes with a (weighted) one-hot target: sum(t) logsumexp(x) - sum(t x).</summary>
public sealed class FakeCrossEntropy : FakeLoss
{
    public override string Name => "cross_entropy";
    public override LossKind Kind => LossKind.Row;
    public override IReadOnlyList<LossInput> Inputs { get; } = [new("input", true, null), new("target", false, null)];

    protected override double Row(double[][] x, int start, int length, double[] options, double[][] grads)
    {
        double max = double.NegativeInfinity, total = 0, dot = 0;
        for (int j = 0; j < length; j++) max = Math.Max(max, x[0][start + j]);
        double sumExp = 0;
        for (int j = 0; j < length; j++) sumExp += Math.Exp(x[0][start + j] - max);
        double lse = max + Math.Log(sumExp);
        for (int j = 0; j < length; j++)
        {
            total += x[1][start + j];
            dot += x[1][start + j] * x[0][start + j];
        }
        for (int j = 0; j < length; j++) grads[0][j] = total * Math.Exp(x[0][start + j] - lse) - x[1][start + j];
        return total * lse - dot;
    }
}

/// <summary>nll_loss as a row kernel with a (weighted) one-hot target: -sum(t x).</summary>
public sealed class FakeNllLoss : FakeLoss
{
    public override string Name => "nll_loss";
    public override LossKind Kind => LossKind.Row;
    public override IReadOnlyList<LossInput> Inputs { get; } = [new("input", true, null), new("target", false, null)];

    protected override double Row(double[][] x, int start, int length, double[] options, double[][] grads)
    {
        double dot = 0;
        for (int j = 0; j < length; j++)
        {
            dot += x[1][start + j] * x[0][start + j];
            grads[0][j] = -x[1][start + j];
        }
        return -dot;
    }
}

/// <summary>softmax_focal_loss with a (weighted) one-hot target: -sum(t (1 - p)^gamma log p), p = softmax(x).</summary>
public sealed class FakeSoftmaxFocalLoss : FakeLoss
{
    public override string Name => "softmax_focal_loss";
    public override LossKind Kind => LossKind.Row;
    public override IReadOnlyList<LossInput> Inputs { get; } = [new("input", true, null), new("target", false, null)];
    public override IReadOnlyList<LossOption> Options { get; } = [new("gamma", false, 2.0)];

    protected override double Row(double[][] x, int start, int length, double[] options, double[][] grads)
    {
        double gamma = options[0];
        double max = double.NegativeInfinity;
        for (int j = 0; j < length; j++) max = Math.Max(max, x[0][start + j]);
        double sumExp = 0;
        for (int j = 0; j < length; j++) sumExp += Math.Exp(x[0][start + j] - max);
        double lse = max + Math.Log(sumExp);
        var logp = new double[length];
        var p = new double[length];
        for (int j = 0; j < length; j++) { logp[j] = x[0][start + j] - lse; p[j] = Math.Exp(logp[j]); }
        double loss = 0, weighted = 0;
        var g = new double[length];
        for (int c = 0; c < length; c++)
        {
            double t = x[1][start + c];
            if (t == 0) continue;
            double q = 1 - p[c];
            loss -= t * Math.Pow(q, gamma) * logp[c];
            // d/dlogp_c of (1 - p)^gamma log p, times p_c (dp/dlogp)
            double dq = gamma == 0 ? 0 : -gamma * Math.Pow(q, gamma - 1) * p[c] * logp[c];
            g[c] = -t * (Math.Pow(q, gamma) + dq);
            weighted += g[c];
        }
        // d logp_c / d x_j = delta_cj - p_j
        for (int j = 0; j < length; j++) grads[0][j] = g[j] - p[j] * weighted;
        return loss;
    }
}

/// <summary>gan_discriminator_loss: mean_all(softplus(-real)) + mean_all(softplus(fake)) over inputs of one length.</summary>
public sealed class FakeGanDiscriminatorLoss : FakeLoss
{
    public override string Name => "gan_discriminator_loss";
    public override LossKind Kind => LossKind.Whole;
    public override IReadOnlyList<LossInput> Inputs { get; } = [new("real_logits", true, null), new("fake_logits", true, null)];

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    protected override double Row(double[][] x, int start, int length, double[] options, double[][] grads)
    {
        double total = 0;
        for (int j = 0; j < length; j++)
        {
            double r = x[0][start + j], f = x[1][start + j];
            total += Softplus(-r) + Softplus(f);
            grads[0][j] = -Sigmoid(-r) / length;
            grads[1][j] = Sigmoid(f) / length;
        }
        return total / length;
    }
}

/// <summary>The fakes, and evaluators over them.</summary>
public static class FakeLosses
{
    public static readonly IReadOnlyDictionary<string, ILossDefinition> All = new Dictionary<string, ILossDefinition>
    {
        ["mse_loss"] = new FakeMseLoss(),
        ["fake_row_loss"] = new FakeRowLoss(),
        ["rmse"] = new FakeRmse(),
        ["cross_entropy"] = new FakeCrossEntropy(),
        ["nll_loss"] = new FakeNllLoss(),
        ["gan_discriminator_loss"] = new FakeGanDiscriminatorLoss(),
        ["softmax_focal_loss"] = new FakeSoftmaxFocalLoss(),
    };

    /// <summary>An evaluator over the fakes only.</summary>
    public static LossDsl.Cli.Eval.Evaluator Evaluator { get; } = new((string name, out ILossDefinition d) => All.TryGetValue(name, out d!));
}
