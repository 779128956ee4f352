using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// Rows as sequences: subscripts of any row-valued expression (<c>softmax(z)[t]</c>), the position <c>column</c> inside
/// row aggregates, and a diagnostic for aggregates of per-row values. Values and gradients against references written
/// here (and central differences), in double.
/// </summary>
public class RowExpressionTests
{
    private static readonly double[] s_logits = { 0.3, -1.2, 2.0, 0.7, -0.4, 1.1, 0.0, -2.2 }; // two rows of 4
    private static readonly int[] s_targets = { 2, 3 };

    private static (double Value, double[] Gradient) Run(ILossDefinition definition, double[] logits, Reduction reduction = Reduction.Sum)
    {
        var call = new LossCall<double>
        {
            Inputs = new[] { logits, s_targets.Select(t => (double)t).ToArray() },
            Reduction = reduction, RowLength = 4, WantGradients = true,
        };
        definition.Evaluate(call);
        return (call.Value, call.Gradients![0]!);
    }

    private static double[] Softmax(double[] row)
    {
        double max = row.Max();
        var e = row.Select(v => Math.Exp(v - max)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    private static void AssertMatches(ILossDefinition definition, Func<double[], double> reference)
    {
        var (value, gradient) = Run(definition, s_logits);
        Assert.Equal(reference(s_logits), value, 12);
        for (int i = 0; i < s_logits.Length; i++)
        {
            const double h = 1e-6;
            var plus = (double[])s_logits.Clone(); plus[i] += h;
            var minus = (double[])s_logits.Clone(); minus[i] -= h;
            Assert.Equal((reference(plus) - reference(minus)) / (2 * h), gradient[i], 6);
        }
    }

    private static double PerRow(double[] logits, Func<double[], int, double> loss) =>
        Enumerable.Range(0, 2).Sum(r => loss(logits.Skip(4 * r).Take(4).ToArray(), s_targets[r]));

    [Fact]
    public void GeneralizedCrossEntropy_WithASubscriptedSoftmax()
    {
        var definition = RobustnessTests.Load("loss gce(z, const index t; q = 0.7) = (1 - softmax(z)[t]^q) / q", "gce");
        AssertMatches(definition, logits => PerRow(logits, (row, t) => (1 - Math.Pow(Softmax(row)[t], 0.7)) / 0.7));
    }

    [Fact]
    public void TemperedLogSoftmax_AndALetNamedRow_CanBeSubscripted()
    {
        var definition = RobustnessTests.Load("loss distil(z, const index t; temperature = 2) = let p = log_softmax(z / temperature) in -p[t] * temperature^2", "distil");
        AssertMatches(definition, logits => PerRow(logits, (row, t) => -Math.Log(Softmax(row.Select(v => v / 2).ToArray())[t]) * 4));
    }

    [Fact]
    public void Column_MakesOneHotTermsDirect()
    {
        var definition = RobustnessTests.Load("loss onehot(x, const index t) = sum(if column == t then (x - 1)^2 else x^2 / (1 + column))", "onehot");
        AssertMatches(definition, logits => PerRow(logits, (row, t) => Enumerable.Range(0, 4).Sum(j => j == t ? Math.Pow(row[j] - 1, 2) : row[j] * row[j] / (1 + j))));
    }

    [Fact]
    public void ASubscriptOutOfTheRow_IsAnArgumentException()
    {
        var definition = RobustnessTests.Load("loss gce2(z, const index t) = 1 - softmax(z)[t]", "gce2");
        var call = new LossCall<double> { Inputs = new[] { s_logits, new[] { 1.0, 4.0 } }, Reduction = Reduction.Mean, RowLength = 4 };
        var e = Assert.ThrowsAny<ArgumentException>(() => definition.Evaluate(call));
        Assert.Contains("out of range", e.Message);
    }

    [Theory]
    [InlineData("loss a(x, const index t; k = 1) = sum(x) + k[t]", "LOSS023", "k")]
    [InlineData("loss a(x, const index t) = sum(x)[t]", "LOSS023", "sum(x)")]
    [InlineData("loss a(x, const index t) = softmax(x)[x]", "LOSS023", "x")]
    [InlineData("loss a(x) = sum(sum(x))", "LOSS016", "sum(sum(x))")]
    [InlineData("loss a(x, const index t) = max(x[t])", "LOSS016", "max(x[t])")]
    [InlineData("loss a(x) = sum(x) * column", "LOSS016", "sum(x) * column")]
    [InlineData("loss a(x) = x * column", "LOSS016", "x * column")]
    public void WhatCannotBeSubscriptedOrReduced_IsLocated(string formula, string id, string span)
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/r.loss", formula) });
        Assert.Null(result.Exception);
        var d = Assert.Single(result.Diagnostics, x => x.Id == id);
        Assert.Equal(span, formula.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.DoesNotContain(result.Diagnostics, x => x.Id == "LOSS002");
    }

    [Fact]
    public void ADeclaredNameShadowsColumn()
    {
        var definition = RobustnessTests.Load("loss shadow(x, column) = (x - column)^2", "shadow");
        var call = new LossCall<double> { Inputs = new[] { new[] { 3.0 }, new[] { 1.0 } }, Reduction = Reduction.Sum };
        definition.Evaluate(call);
        Assert.Equal(4.0, call.Value);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1100)] // 1.21M elements: the parallel path, whose chunks count their rows from their own first
    public void InfoNce_OverASimilarityMatrix_SubscriptsTheDiagonalByRow(int n)
    {
        var definition = RobustnessTests.Load($"loss info_nce_{n}(sim; temperature = 0.5) = logsumexp(sim / temperature) - sim[row] / temperature", $"info_nce_{n}");
        var random = new Random(n);
        var sim = Enumerable.Range(0, n * n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var call = new LossCall<double> { Inputs = new[] { sim }, Reduction = Reduction.Mean, RowLength = n, WantGradients = true };
        definition.Evaluate(call);
        double expected = 0;
        var gradient = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            var row = sim.Skip(r * n).Take(n).Select(v => v / 0.5).ToArray();
            var p = Softmax(row);
            double max = row.Max();
            expected += max + Math.Log(row.Sum(v => Math.Exp(v - max))) - row[r];
            for (int j = 0; j < n; j++) gradient[r * n + j] = (p[j] - (j == r ? 1 : 0)) / 0.5 / n;
        }
        Assert.Equal(expected / n, call.Value, 10);
        for (int i = 0; i < gradient.Length; i++) Assert.Equal(gradient[i], call.Gradients![0]![i], 12);
    }

    [Fact]
    public void Row_OutsideRowLosses_AndMoreRowsThanColumns_AreRefused()
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/r.loss", "loss a(x) = x * row") });
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS016" && d.GetMessage().Contains("'row'"));
        var definition = RobustnessTests.Load("loss diag(sim) = sum(sim) - sim[row]", "diag");
        var call = new LossCall<double> { Inputs = new[] { new double[6] }, Reduction = Reduction.Sum, RowLength = 2 };
        Assert.ThrowsAny<ArgumentException>(() => definition.Evaluate(call)); // 3 rows of 2: row 2 has no column 2
    }
}
