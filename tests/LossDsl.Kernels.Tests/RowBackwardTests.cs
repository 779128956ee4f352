using System;
using System.Linq;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// Row losses through the typed Backward overload that takes one upstream gradient per row (Reduction.None, no
/// output span): the gradients equal those of ForwardBackward(None) with an output span, and ForwardBackward(None)
/// accepts an empty output span (its guard treats output as optional when gradients are wanted).
/// </summary>
public class RowBackwardTests
{
    private delegate void WithOutput(ReadOnlySpan<double> yPred, ReadOnlySpan<double> yTrue, int rowLength, Span<double> output, ReadOnlySpan<double> gradOutput, Span<double> yPredGrad);
    private delegate void WithoutOutput(ReadOnlySpan<double> yPred, ReadOnlySpan<double> yTrue, int rowLength, ReadOnlySpan<double> gradOutput, Span<double> yPredGrad);

    public static TheoryData<string> RowLosses => new() { "hinge", "log_cosh", "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "poisson", "squared_hinge" };

    private static (WithOutput, WithoutOutput) Api(string name) => name switch
    {
        "hinge" => ((a, b, l, o, u, g) => Hinge.ForwardBackward(a, b, l, o, u, g), (a, b, l, u, g) => Hinge.Backward(a, b, l, u, g)),
        "squared_hinge" => ((a, b, l, o, u, g) => SquaredHinge.ForwardBackward(a, b, l, o, u, g), (a, b, l, u, g) => SquaredHinge.Backward(a, b, l, u, g)),
        "log_cosh" => ((a, b, l, o, u, g) => LogCosh.ForwardBackward(a, b, l, o, u, g, default), (a, b, l, u, g) => LogCosh.Backward(a, b, l, u, g, default)),
        "mean_absolute_percentage_error" => ((a, b, l, o, u, g) => MeanAbsolutePercentageError.ForwardBackward(a, b, l, o, u, g), (a, b, l, u, g) => MeanAbsolutePercentageError.Backward(a, b, l, u, g)),
        "mean_squared_logarithmic_error" => ((a, b, l, o, u, g) => MeanSquaredLogarithmicError.ForwardBackward(a, b, l, o, u, g), (a, b, l, u, g) => MeanSquaredLogarithmicError.Backward(a, b, l, u, g)),
        "poisson" => ((a, b, l, o, u, g) => Poisson.ForwardBackward(a, b, l, o, u, g), (a, b, l, u, g) => Poisson.Backward(a, b, l, u, g)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(RowLosses))]
    public void BackwardWithPerRowGradOutputMatchesForwardBackward(string name)
    {
        var (withOutput, withoutOutput) = Api(name);
        var c = Catalog.GetCase(name);
        var rng = new Random(GradientCheckTests.Seed(name));
        const int rowLength = 6, rows = 4, n = rowLength * rows;
        var data = Catalog.Generate(c, rng, n);
        var upstream = Catalog.Upstream(rng, rows);

        var expected = new double[n];
        withOutput(data[0], data[1], rowLength, new double[rows], upstream, expected);
        Assert.Contains(expected, g => g != 0);

        var fromBackward = new double[n];
        var e1 = Record.Exception(() => withoutOutput(data[0], data[1], rowLength, upstream, fromBackward));
        var fromEmptyOutput = new double[n];
        var e2 = Record.Exception(() => withOutput(data[0], data[1], rowLength, Span<double>.Empty, upstream, fromEmptyOutput));

        Assert.True(e1 is null && e2 is null,
            $"{name}: Backward(yPred, yTrue, rowLength, gradOutput[{rows}], yPredGrad) threw {e1?.GetType().Name}: {e1?.Message}; " +
            $"ForwardBackward(..., output: empty, gradOutput[{rows}], yPredGrad) threw {e2?.GetType().Name}: {e2?.Message}");
        Assert.Equal(expected, fromBackward);
        Assert.Equal(expected, fromEmptyOutput);
    }

    /// <summary>
    /// Each wanted gradient alone is the same as with both (a row kernel computes what only one gradient needs inside
    /// that gradient's run-time test): log_cosh, whose y_pred gradient comes from the aggregate pass's cached summand.
    /// </summary>
    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void EachGradientAlone_IsTheSameAsBoth(Reduction reduction)
    {
        const int rowLength = 37, rows = 5;
        var rng = new Random(7);
        var a = Enumerable.Range(0, rows * rowLength).Select(_ => (float)(6 * rng.NextDouble() - 3)).ToArray();
        var b = Enumerable.Range(0, rows * rowLength).Select(_ => (float)(6 * rng.NextDouble() - 3)).ToArray();
        var bothA = new float[a.Length];
        var bothB = new float[a.Length];
        var onlyA = new float[a.Length];
        var onlyB = new float[a.Length];
        float both = LogCosh.ForwardBackward(a, b, rowLength, bothA, bothB, reduction);
        Assert.Equal(both, LogCosh.ForwardBackward(a, b, rowLength, onlyA, default, reduction));
        Assert.Equal(both, LogCosh.ForwardBackward(a, b, rowLength, default, onlyB, reduction));
        Assert.Equal(bothA, onlyA);
        Assert.Equal(bothB, onlyB);
        for (int i = 0; i < a.Length; i++) Assert.Equal(-bothA[i], bothB[i], 1e-6f);
        Assert.Contains(bothA, g => g != 0);
    }
}
