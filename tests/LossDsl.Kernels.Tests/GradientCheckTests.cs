using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>Analytic gradients (in double) against central finite differences of the forward value.</summary>
public class GradientCheckTests
{
    public static TheoryData<string, Reduction> Data
    {
        get
        {
            var data = new TheoryData<string, Reduction>();
            foreach (var c in Catalog.Cases.Where(c => !s_notTheDerivativeOfTheValue.Contains(c.Name)))
                foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
                    data.Add(c.Id, reduction);
            return data;
        }
    }

    /// <summary>
    /// Losses whose gradient is, on purpose, not the derivative of their value, so central differences cannot check it:
    /// complete_box_iou_loss detaches its alpha term (alpha = v / (1 - iou + v + eps) is held constant in the backward
    /// pass, as torchvision computes it under no_grad). Its gradient is checked against torchvision by the conformance
    /// fixtures, and below (<see cref="CompleteBoxIouGradientHoldsAlphaConstant"/>) against central differences of
    /// the value with alpha frozen at the point.
    /// ctc_loss takes log_probs to be log-softmax output, as PyTorch does: its gradient is exp(log_probs) - posterior,
    /// the derivative plus exp(log_probs) (checked in <see cref="CtcGradientIsTheDerivativePlusExpLogProbs"/>).
    /// </summary>
    private static readonly HashSet<string> s_notTheDerivativeOfTheValue = new() { "complete_box_iou_loss", "ctc_loss" };

    internal static int Seed(string text)
    {
        int h = 17;
        foreach (char ch in text) h = unchecked(h * 31 + ch);
        return h & 0x7fffffff;
    }

    /// <summary>(element count, row length) of the points checked: lengths that exercise vector bodies, tails and the scalar body.</summary>
    private static (int N, int RowLength)[] Shapes(LossKind kind) => kind == LossKind.Row
        ? [(15, 5), (18, 9), (4, 1), (34, 17)]
        : [(7, 0), (13, 0), (3, 0), (21, 0)];

    [Theory]
    [MemberData(nameof(Data))]
    public void AnalyticGradientsMatchCentralDifferences(string id, Reduction reduction)
    {
        var c = Catalog.GetCase(id);
        var rng = new Random(Seed(id + reduction));
        var failures = new List<string>();
        int checkedCount = 0;
        int point = 0;
        foreach (var (n, rowLength) in Shapes(c.Kind))
        {
            point++;
            if (Catalog.NeedsAColumnPerRow(c) && n / Math.Max(rowLength, 1) > rowLength) continue; // x[row]: rows <= rowLength
            var inputs = Catalog.Generate(c, rng, n, rowLength: rowLength);
            double[]? weight = c.Kind == LossKind.Elementwise && point % 2 == 0 ? Catalog.Weights(rng, n) : null;
            int rows = c.Kind switch { LossKind.Row => n / rowLength, LossKind.Elementwise => n, _ => 1 };
            double[]? upstream = reduction == Reduction.None && c.Kind != LossKind.Whole ? Catalog.Upstream(rng, rows) : null;

            var analytic = Catalog.Evaluate(c, inputs, reduction, rowLength, weight, gradients: true, gradOutput: upstream);
            var forward = Catalog.Evaluate(c, inputs, reduction, rowLength, weight);
            double f0 = Objective(c, forward, reduction, upstream);
            double fused = Objective(c, analytic, reduction, upstream);
            Assert.True(Close(fused, f0, 1e-13, 1e-300), $"{id} {reduction}: value of ForwardBackward {fused:R} != Forward {f0:R}");

            // Scale of the objective's terms, for the rounding error of the difference quotient.
            var none = Catalog.Evaluate(c, inputs, Reduction.None, rowLength, weight);
            double magnitude = c.Kind == LossKind.Whole ? Math.Abs(none.Value)
                : none.Output!.Select((v, r) => Math.Abs(v) * (upstream is null ? 1 : Math.Abs(upstream[r]))).Sum()
                  / (reduction == Reduction.Mean ? rows : 1);

            Assert.NotNull(analytic.Gradients);
            for (int k = 0; k < c.Definition.Inputs.Count; k++)
            {
                var input = c.Definition.Inputs[k];
                if (!input.Differentiable)
                {
                    Assert.Null(analytic.Gradients![k]);
                    continue;
                }
                var grad = analytic.Gradients![k];
                Assert.NotNull(grad);
                Assert.Equal(n, grad!.Length);
                for (int i = 0; i < n; i++)
                {
                    double x = inputs[k]![i];
                    double h = 1e-6 * Math.Max(1, Math.Abs(x));
                    var plus = inputs.Select(a => a?.ToArray()).ToArray();
                    var minus = inputs.Select(a => a?.ToArray()).ToArray();
                    plus[k]![i] = x + h;
                    minus[k]![i] = x - h;
                    double hp = plus[k]![i] - x, hm = x - minus[k]![i];
                    double fp = Objective(c, Catalog.Evaluate(c, plus, reduction, rowLength, weight), reduction, upstream);
                    double fm = Objective(c, Catalog.Evaluate(c, minus, reduction, rowLength, weight), reduction, upstream);
                    double numeric = (fp - fm) / (hp + hm);
                    double tolerance = 1e-6 * Math.Max(Math.Abs(numeric), Math.Abs(grad[i])) + 1e-8 * (1 + magnitude);
                    checkedCount++;
                    if (!(Math.Abs(numeric - grad[i]) <= tolerance))
                        failures.Add($"point {point} (n={n}, rowLength={rowLength}) d/d{input.Name}[{i}] at " +
                            $"[{string.Join(", ", inputs.Select((a, m) => a is null ? "null" : Catalog.At(c.Definition.Inputs[m], a, i, rowLength).ToString("R")))}]" +
                            $"{(weight is null ? "" : $" w={weight[i]:R}")}: analytic {grad[i]:R}, central difference {numeric:R}");
                }
            }
        }
        Assert.True(checkedCount > 0 || c.Definition.Inputs.All(i => !i.Differentiable));
        Assert.True(failures.Count == 0,
            $"{id} {reduction}: {failures.Count} of {checkedCount} gradients differ:\n" + string.Join("\n", failures.Take(12)));
    }

    public static TheoryData<Reduction> Reductions => new() { Reduction.Mean, Reduction.Sum, Reduction.None };

    /// <summary>
    /// ctc_loss through the generated kernel, 3 classes, blank 1, rows of T = 5 steps: its gradient minus
    /// upstream · exp(log_probs) (over each sample's input length) is the central difference of the value.
    /// </summary>
    [Theory]
    [MemberData(nameof(Reductions))]
    public void CtcGradientIsTheDerivativePlusExpLogProbs(Reduction reduction)
    {
        var c = new LossCase("ctc_loss[classes3]", Catalog.Get("ctc_loss"), new[] { 1.0, 3.0, 0.0 });
        const int classes = 3, time = 5, rows = 3, rowLength = classes * time, n = rows * rowLength;
        var rng = new Random(Seed("ctc" + reduction));
        var inputs = Catalog.Generate(c, rng, n, rowLength: rowLength);
        inputs[2] = [5, 4, 5];                      // input lengths
        inputs[3] = [2, 1, 0];                      // target lengths (labels are never the blank)
        double[]? upstream = reduction == Reduction.None ? Catalog.Upstream(rng, rows) : null;
        var analytic = Catalog.Evaluate(c, inputs, reduction, rowLength, gradients: true, gradOutput: upstream);
        var grad = analytic.Gradients![0]!;
        for (int r = 0; r < rows; r++)
        {
            double u = reduction switch
            {
                Reduction.None => upstream![r],
                Reduction.Mean => 1.0 / (rows * Math.Max(inputs[3]![r], 1)),
                _ => 1.0,
            };
            for (int i = r * rowLength; i < (r + 1) * rowLength; i++)
            {
                var plus = inputs.Select(a => a?.ToArray()).ToArray();
                var minus = inputs.Select(a => a?.ToArray()).ToArray();
                const double h = 1e-6;
                plus[0]![i] += h;
                minus[0]![i] -= h;
                double numeric = (Objective(c, Catalog.Evaluate(c, plus, reduction, rowLength), reduction, upstream)
                                - Objective(c, Catalog.Evaluate(c, minus, reduction, rowLength), reduction, upstream)) / (2 * h);
                bool inside = (i - r * rowLength) / classes < inputs[2]![r];
                double expected = numeric + (inside ? u * Math.Exp(inputs[0]![i]) : 0);
                Assert.True(Math.Abs(grad[i] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)),
                    $"{reduction} d/dlog_probs[{i}] (row {r}): analytic {grad[i]:R}, derivative + u exp(lp) {expected:R}");
            }
        }
    }

    /// <summary>
    /// complete_box_iou_loss = distance IoU loss (its own eps 1e-7) + alpha v with alpha = v / (1 - iou + v + eps)
    /// detached: its value is the distance IoU loss's value plus alpha v, and its gradient is the central difference
    /// of that value with alpha frozen at the point (the distance IoU part through distance_box_iou_loss, v in double
    /// here). The full derivative (alpha not frozen) must differ from it somewhere, or nothing was detached.
    /// </summary>
    [Theory]
    [MemberData(nameof(Reductions))]
    public void CompleteBoxIouGradientHoldsAlphaConstant(Reduction reduction)
    {
        var c = Catalog.GetCase("complete_box_iou_loss");
        var diou = new LossCase("distance_box_iou_loss[eps1e-7]", Catalog.Get("distance_box_iou_loss"), [1e-7]);
        double eps = c.Option("eps");
        var rng = new Random(Seed(c.Id + reduction + "alpha"));
        var failures = new List<string>();
        int checkedCount = 0, differsFromFullDerivative = 0;
        foreach (int n in new[] { 7, 13, 3, 21 })
        {
            var inputs = Catalog.Generate(c, rng, n);
            double[]? upstream = reduction == Reduction.None ? Catalog.Upstream(rng, n) : null;
            double Scale(int i) => reduction switch { Reduction.None => upstream![i], Reduction.Mean => 1.0 / n, _ => 1.0 };

            var value = Catalog.Evaluate(c, inputs, Reduction.None).Output!;
            var diouValue = Catalog.Evaluate(diou, inputs, Reduction.None).Output!;
            var alpha = new double[n];
            for (int i = 0; i < n; i++)
            {
                var (iou, v) = IouAndAspect(inputs, i);
                alpha[i] = v / (1 - iou + v + eps);
                double expected = diouValue[i] + alpha[i] * v;
                if (!Close(value[i], expected, 1e-12, 1e-15))
                    failures.Add($"n={n} value[{i}] = {value[i]:R}, distance IoU + alpha v = {expected:R}");
            }

            var analytic = Catalog.Evaluate(c, inputs, reduction, gradients: true, gradOutput: upstream);
            Assert.NotNull(analytic.Gradients);
            for (int k = 0; k < c.Definition.Inputs.Count; k++)
            {
                var grad = analytic.Gradients![k];
                Assert.NotNull(grad);
                Assert.Equal(n, grad!.Length);
                for (int i = 0; i < n; i++)
                {
                    double x = inputs[k]![i];
                    double h = 1e-6 * Math.Max(1, Math.Abs(x));
                    var plus = inputs.Select(a => a!.ToArray()).ToArray();
                    var minus = inputs.Select(a => a!.ToArray()).ToArray();
                    plus[k][i] = x + h;
                    minus[k][i] = x - h;
                    double step = plus[k][i] - minus[k][i];
                    double frozen = Scale(i) * (Catalog.Evaluate(diou, plus, Reduction.None).Output![i] + alpha[i] * IouAndAspect(plus, i).V
                        - Catalog.Evaluate(diou, minus, Reduction.None).Output![i] - alpha[i] * IouAndAspect(minus, i).V) / step;
                    double full = Scale(i) * (Catalog.Evaluate(c, plus, Reduction.None).Output![i]
                        - Catalog.Evaluate(c, minus, Reduction.None).Output![i]) / step;
                    double tolerance = 1e-6 * Math.Max(Math.Abs(frozen), Math.Abs(grad[i])) + 1e-9 * Math.Abs(Scale(i)) * (1 + Math.Abs(value[i]));
                    checkedCount++;
                    if (!(Math.Abs(frozen - grad[i]) <= tolerance))
                        failures.Add($"n={n} d/d{c.Definition.Inputs[k].Name}[{i}] at [{string.Join(", ", inputs.Select(a => a![i].ToString("R")))}]: " +
                            $"analytic {grad[i]:R}, central difference with alpha frozen {frozen:R} (alpha not frozen: {full:R})");
                    if (Math.Abs(full - grad[i]) > 100 * tolerance) differsFromFullDerivative++;
                }
            }
        }
        Assert.True(failures.Count == 0,
            $"complete_box_iou_loss {reduction}: {failures.Count} of {checkedCount} checks differ:\n" + string.Join("\n", failures.Take(12)));
        Assert.True(differsFromFullDerivative > 0,
            $"complete_box_iou_loss {reduction}: the gradient is the full derivative of the value everywhere: alpha is not detached");
    }

    /// <summary>complete_box_iou_loss's iou (eps 1e-7) and aspect-ratio term v of element i, in double.</summary>
    private static (double Iou, double V) IouAndAspect(double[]?[] b, int i)
    {
        double b1x1 = b[0]![i], b1y1 = b[1]![i], b1x2 = b[2]![i], b1y2 = b[3]![i];
        double b2x1 = b[4]![i], b2y1 = b[5]![i], b2x2 = b[6]![i], b2y2 = b[7]![i];
        double xk1 = Math.Max(b1x1, b2x1), yk1 = Math.Max(b1y1, b2y1), xk2 = Math.Min(b1x2, b2x2), yk2 = Math.Min(b1y2, b2y2);
        double inter = yk2 > yk1 && xk2 > xk1 ? (xk2 - xk1) * (yk2 - yk1) : 0;
        double union = (b1x2 - b1x1) * (b1y2 - b1y1) + (b2x2 - b2x1) * (b2y2 - b2y1) - inter;
        double d = Math.Atan((b2x2 - b2x1) / (b2y2 - b2y1)) - Math.Atan((b1x2 - b1x1) / (b1y2 - b1y1));
        return (inter / (union + 1e-7), 4 / (Math.PI * Math.PI) * d * d);
    }

    private static double Objective(LossCase c, LossCall<double> call, Reduction reduction, double[]? upstream)
    {
        if (c.Kind == LossKind.Whole || reduction != Reduction.None) return call.Value;
        var output = call.Output!;
        double sum = 0;
        for (int r = 0; r < output.Length; r++) sum += output[r] * upstream![r];
        return sum;
    }

    internal static bool Close(double a, double b, double rel, double abs) =>
        a.Equals(b) || Math.Abs(a - b) <= rel * Math.Max(Math.Abs(a), Math.Abs(b)) + abs;
}
