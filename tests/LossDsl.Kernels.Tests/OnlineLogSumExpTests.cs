using System;
using System.Linq;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// cross_entropy's logsumexp runs as an online log-sum-exp (ElementLoops.LogSumExp): a row of one chunk (up to 512
/// floats, 256 doubles) takes the hardware maximum and the sum, longer rows are summed chunk by chunk with a running maximum, and the exponentials stored for the
/// gradient are rescaled afterwards. Every row here is checked against the two-pass formula in double, per row
/// (Reduction.None), value and gradient: rows whose maximum rises in every chunk, sits in the last chunk, is +-1e30,
/// rows with -inf, a chunk of -inf, NaN, +inf (the two-pass NaNs), C = 1, and C = 32000.
/// </summary>
public class OnlineLogSumExpTests
{
    private static float[] Row(string kind, int c, Random rng)
    {
        var x = Enumerable.Range(0, c).Select(_ => (float)(6 * rng.NextDouble() - 3)).ToArray();
        switch (kind)
        {
            case "rising": for (int i = 0; i < c; i++) x[i] += 0.01f * i; break;           // every chunk raises the maximum
            case "falling": for (int i = 0; i < c; i++) x[i] -= 0.01f * i; break;          // the first chunk holds it
            case "last": x[c - 1] = 40; break;                                              // found in the last chunk
            case "huge": x[Math.Max(0, c - 2)] = 1e30f; break;
            case "tiny": for (int i = 0; i < c; i++) x[i] = i % 7 == 0 ? x[i] : -1e30f; break;
            case "neginf": for (int i = 0; i < c; i += 3) x[i] = float.NegativeInfinity; break;
            case "neginf-chunk": for (int i = 0; i < Math.Min(c - 1, 700); i++) x[i] = float.NegativeInfinity; break;
            case "all-neginf": Array.Fill(x, float.NegativeInfinity); break;
            case "nan": x[c / 2] = float.NaN; break;
            case "posinf": x[c / 3] = float.PositiveInfinity; break;
        }
        return x;
    }

    /// <summary>The two-pass formula in double: lse = m + log sum exp(x - m), loss lse - x[t], gradient softmax - onehot.</summary>
    private static (double Loss, double[] Grad) Reference(float[] x, int t)
    {
        double m = double.NegativeInfinity;
        foreach (var v in x) m = double.IsNaN(v) || double.IsNaN(m) ? double.NaN : Math.Max(m, v);
        double s = x.Sum(v => Math.Exp(v - m));
        double lse = m + Math.Log(s);
        var grad = x.Select(v => Math.Exp(v - m) / s).ToArray();
        grad[t] -= 1;
        return (lse - x[t], grad);
    }

    private static void Close(double expected, double actual, double scale, string what)
    {
        if (double.IsNaN(expected)) { Assert.True(double.IsNaN(actual), $"{what}: {actual}, expected NaN"); return; }
        Assert.True(Math.Abs(expected - actual) <= 2e-6 * Math.Max(scale, Math.Abs(expected)), $"{what}: {actual}, expected {expected}");
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(4099)]
    [InlineData(32000)]
    public void EveryKindOfRow_MatchesTheTwoPassFormula(int c)
    {
        string[] kinds = { "random", "rising", "falling", "last", "huge", "tiny", "neginf", "neginf-chunk", "all-neginf", "nan", "posinf" };
        var rng = new Random(15 + c);
        var rows = kinds.Select(k => Row(k, c, rng)).ToArray();
        // the target: the last finite logit of the row (0 when there is none)
        var target = rows.Select(r => Enumerable.Range(0, c).Where(j => float.IsFinite(r[j]) && r[j] < 1e29f).DefaultIfEmpty(0).Last()).ToArray();
        var input = rows.SelectMany(r => r).ToArray();
        var output = new float[rows.Length];
        var forward = new float[rows.Length];
        var grad = new float[input.Length];
        var upstream = Enumerable.Repeat(1f, rows.Length).ToArray();
        CrossEntropy.ForwardBackward(input, target, c, output, upstream, grad);
        CrossEntropy.Forward(input, target, c, forward);
        var inputD = input.Select(v => (double)v).ToArray();
        var outputD = new double[rows.Length];
        var gradD = new double[input.Length];
        CrossEntropy.ForwardBackward(inputD, target, c, outputD, upstream.Select(v => (double)v).ToArray(), gradD);
        for (int r = 0; r < rows.Length; r++)
        {
            var (loss, expected) = Reference(rows[r], target[r]);
            string what = $"{kinds[r]} row, C = {c}";
            // lse - x[t] loses the digits the two share: the error bound is relative to them
            double scale = 1 + Math.Abs(rows[r][target[r]]);
            Close(loss, output[r], scale, what + " loss (forward+backward, float)");
            Close(loss, forward[r], scale, what + " loss (forward, float)");
            Close(loss, outputD[r], scale, what + " loss (double)");
            for (int i = 0; i < c; i++)
            {
                Close(expected[i], grad[r * c + i], 1, what + $" gradient[{i}] (float)");
                Close(expected[i], gradD[r * c + i], 1, what + $" gradient[{i}] (double)");
            }
        }
    }
}
