using System;
using System.Linq;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// <c>sum_pairs(i, j: e)</c>, the aggregate over the ordered pairs of positions of a row: values and gradients of
/// generated kernels against a double loop written here and its central differences, in double, at row lengths that
/// take the scalar, vector and overlapping-tail paths; and the located diagnostics of what it refuses.
/// </summary>
public class PairAggregateTests
{
    /// <summary>Runs a loss whose first input is differentiable, the others const, with the given row length.</summary>
    private static (double Value, double[] Gradient) Run(ILossDefinition definition, double[][] inputs, int rowLength, Reduction reduction = Reduction.Sum)
    {
        var call = new LossCall<double> { Inputs = inputs, Reduction = reduction, RowLength = rowLength, WantGradients = true };
        definition.Evaluate(call);
        return (call.Value, call.Gradients![0]!);
    }

    /// <summary>Value and gradient of the first input against <paramref name="reference"/> and its central differences.</summary>
    private static void AssertMatches(ILossDefinition definition, double[][] inputs, int rowLength, Func<double[][], double> reference)
    {
        var (value, gradient) = Run(definition, inputs, rowLength);
        Assert.Equal(reference(inputs), value, 10);
        var x = inputs[0];
        for (int k = 0; k < x.Length; k++)
        {
            const double h = 1e-6;
            double At(double delta)
            {
                var moved = inputs.Select(a => (double[])a.Clone()).ToArray();
                moved[0][k] += delta;
                return reference(moved);
            }
            double expected = (At(h) - At(-h)) / (2 * h);
            // central differences of sums of up to a few hundred terms: good to about 1e-8 of the largest term
            Assert.True(Math.Abs(expected - gradient[k]) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"d/dx[{k}]: {gradient[k]}, central differences {expected}");
        }
    }

    private static double[] Random(int seed, int n, double scale = 1.5) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => Math.Round((r.NextDouble() * 2 - 1) * scale, 3)).ToArray(); }
    private static double[] Grades(int seed, int n) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (double)r.Next(4)).ToArray(); }

    /// <summary>Σ over rows of Σ_i Σ_j f(row, i, j).</summary>
    private static double Pairs(int rows, int length, Func<int, int, int, double> f) =>
        Enumerable.Range(0, rows).Sum(r => Enumerable.Range(0, length).Sum(i => Enumerable.Range(0, length).Sum(j => f(r * length, i, j))));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(21)] // past a Vector512 of double, with an overlapping tail
    public void RankNet_MatchesADoubleLoop(int length)
    {
        var definition = RobustnessTests.Load("loss rn(s, const y, const m; sigma = 1.5) = sum_pairs(i, j: if m[i] * m[j] > 0 and y[i] > y[j] then softplus(sigma * (s[j] - s[i])) else 0)", "rn");
        int rows = 3, n = rows * length;
        var mask = Enumerable.Range(0, n).Select(k => k % length < length - k / length ? 1.0 : 0.0).ToArray(); // padded lists
        var inputs = new[] { Random(length, n), Grades(length + 1, n), mask };
        AssertMatches(definition, inputs, length, a => Pairs(rows, length, (o, i, j) =>
            a[2][o + i] * a[2][o + j] > 0 && a[1][o + i] > a[1][o + j] ? Math.Log(1 + Math.Exp(1.5 * (a[0][o + j] - a[0][o + i]))) : 0));
    }

    [Fact]
    public void UnorderedPairs_Positions_ClassInputs_AndRowAggregates_AreReadInTheSummand()
    {
        // i < j: each unordered pair once; a class weight at i; the row's mean, an aggregate read inside (a dependency pass).
        var definition = RobustnessTests.Load(
            "loss spread(x, const class w) = let mu = mean(x) in sum_pairs(i, j: if i < j then w[i] * (x[i] - x[j])^2 * (1 + (x[j] - mu)^2) else 0)", "spread");
        const int length = 11, rows = 2;
        var weights = Random(5, length).Select(v => 1 + v).ToArray();
        var inputs = new[] { Random(4, rows * length), weights };
        AssertMatches(definition, inputs, length, a => Enumerable.Range(0, rows).Sum(r =>
        {
            var x = a[0].Skip(r * length).Take(length).ToArray();
            double mu = x.Average();
            return Pairs(1, length, (_, i, j) => i < j ? a[1][i] * Math.Pow(x[i] - x[j], 2) * (1 + Math.Pow(x[j] - mu, 2)) : 0);
        }));
    }

    [Fact]
    public void ThePairSum_CanBeReadByTheOuterFormula_AndBySubscripts()
    {
        // a margin against the target's score: x[t] inside the summand (a gather), and the pair sum divided by a row sum.
        var definition = RobustnessTests.Load(
            "loss m(x, const index t) = sum_pairs(i, j: if j != t then max(0, 1 - x[t] + x[j]) * exp(x[i] / 4) else 0) / sum(exp(x))", "m");
        const int length = 6, rows = 2;
        var x = Random(9, rows * length);
        var targets = new[] { 2.0, 5.0 };
        AssertMatches(definition, new[] { x, targets }, length, a => Enumerable.Range(0, rows).Sum(r =>
        {
            var row = a[0].Skip(r * length).Take(length).ToArray();
            int t = (int)targets[r];
            return Pairs(1, length, (_, i, j) => j != t ? Math.Max(0, 1 - row[t] + row[j]) * Math.Exp(row[i] / 4) : 0) / row.Sum(Math.Exp);
        }));
    }

    [Fact]
    public void TheMeanOverRows_AndReductionNone_ScaleAsForAnyRowLoss()
    {
        var definition = RobustnessTests.Load("loss d(x) = sum_pairs(i, j: abs(x[i] - x[j]))", "d");
        const int length = 5, rows = 3;
        var x = Random(2, rows * length);
        double Row(int r) => Pairs(1, length, (_, i, j) => Math.Abs(x[r * length + i] - x[r * length + j]));
        var (mean, gradient) = Run(definition, new[] { x }, length, Reduction.Mean);
        Assert.Equal(Enumerable.Range(0, rows).Average(Row), mean, 12);
        // d/dx_p of Σ_i Σ_j |x_i - x_j| = 2 Σ_q sign(x_p - x_q), divided by the rows for the mean
        for (int p = 0; p < x.Length; p++)
        {
            int o = p / length * length;
            Assert.Equal(2 * Enumerable.Range(o, length).Sum(q => Math.Sign(x[p] - x[q])) / (double)rows, gradient[p], 12);
        }
        var output = new double[rows];
        var none = new LossCall<double> { Inputs = new[] { x }, Reduction = Reduction.None, RowLength = length, Output = output };
        definition.Evaluate(none);
        for (int r = 0; r < rows; r++) Assert.Equal(Row(r), none.Output![r], 12);
    }

    [Theory]
    [InlineData("loss a(x) = sum_pairs(i, j: x * x[j])", "LOSS023", "x")]
    [InlineData("loss a(x) = sum_pairs(i, j: x[i] * column)", "LOSS016", "column")]
    [InlineData("loss a(x) = sum_pairs(i, j: sum(x - x[i]))", "LOSS016", "sum(x - x[i])")]
    [InlineData("loss a(x) = sum_pairs(i, j: sum_pairs(k, l: x[k] - x[l]))", "LOSS016", "sum_pairs(k, l: x[k] - x[l])")]
    [InlineData("loss a(x) = sum_pairs(i, i: x[i])", "LOSS013", "i")]
    [InlineData("loss a(x; i = 1) = sum_pairs(i, j: x[j])", "LOSS013", "i")]
    [InlineData("loss a(x) = sum_pairs(i, j: softmax(x)[i])", "LOSS023", "i")]
    [InlineData("loss a(x) = sum_pairs(x)", "LOSS016", "sum_pairs(x)")]
    [InlineData("loss a(x) = sum(sum_pairs(i, j: x[i] - x[j]))", "LOSS016", "sum(sum_pairs(i, j: x[i] - x[j]))")]
    [InlineData("loss a(x) = sum_all(x) + sum_pairs(i, j: x[i] - x[j])", "LOSS016", "sum_all(x) + sum_pairs(i, j: x[i] - x[j])")]
    public void WhatAPairSumRefuses_IsLocated(string formula, string id, string span)
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/p.loss", formula) });
        Assert.Null(result.Exception);
        var d = Assert.Single(result.Diagnostics, x => x.Id == id);
        Assert.Equal(span, formula.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.DoesNotContain(result.Diagnostics, x => x.Id is "LOSS002" or "LOSS999");
    }

    [Fact]
    public void AConditionOnTheFirstPosition_ChoosesBetweenRowAggregates()
    {
        // fuzz seeds 20295543, 20299563: a row aggregate read under a condition on x[i] alone was guarded per row with it (LOSS999)
        var definition = RobustnessTests.Load("loss g(u, const xx; y = 3) = sum_pairs(i, j: if 1 == xx[i] then 0.5 * y * u[j] else sum(u))", "g");
        const int length = 7;
        var flags = Enumerable.Range(0, length).Select(k => k % 3 == 0 ? 1.0 : 0.0).ToArray();
        AssertMatches(definition, new[] { Random(11, length), flags }, length, a => Pairs(1, length, (_, i, j) => a[1][i] == 1 ? 1.5 * a[0][j] : a[0].Sum()));
    }

    [Fact]
    public void PositionsAreNumbers_AndTheNamesOnlyLiveInTheSummand()
    {
        // i and j as numbers (a position-discounted pair weight); outside the summand, 'i' is unknown again.
        var definition = RobustnessTests.Load("loss w(x) = sum_pairs(i, j: (x[i] - x[j])^2 / (1 + i + 2 * j))", "w");
        const int length = 9;
        var x = Random(3, length);
        AssertMatches(definition, new[] { x }, length, a => Pairs(1, length, (_, i, j) => Math.Pow(a[0][i] - a[0][j], 2) / (1 + i + 2 * j)));
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/p.loss", "loss a(x) = sum_pairs(i, j: x[i] - x[j]) + i") });
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS010");
    }
}
