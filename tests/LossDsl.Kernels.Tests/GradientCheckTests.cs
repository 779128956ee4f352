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
            foreach (var c in Catalog.Cases)
                foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
                    data.Add(c.Id, reduction);
            return data;
        }
    }

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
            var inputs = Catalog.Generate(c, rng, n);
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
                            $"[{string.Join(", ", inputs.Select(a => a is null ? "null" : a[i].ToString("R")))}]" +
                            $"{(weight is null ? "" : $" w={weight[i]:R}")}: analytic {grad[i]:R}, central difference {numeric:R}");
                }
            }
        }
        Assert.True(checkedCount > 0 || c.Definition.Inputs.All(i => !i.Differentiable));
        Assert.True(failures.Count == 0,
            $"{id} {reduction}: {failures.Count} of {checkedCount} gradients differ:\n" + string.Join("\n", failures.Take(12)));
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
