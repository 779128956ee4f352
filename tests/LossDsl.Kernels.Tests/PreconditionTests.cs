using System;
using System.Linq;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// The catalogue's <c>require</c> clauses: the library refuses what PyTorch 1.13 refuses, with its message, as an
/// <see cref="ArgumentException"/> naming the input or option, from every method and on every SIMD path (an element
/// refused in the vector loop, in its overlapping tail, in the scalar loop of short inputs, and on the parallel path);
/// and it accepts the values PyTorch accepts beside them (a variance of -0, NaN options that PyTorch lets through).
/// </summary>
public class PreconditionTests
{
    private static void Refuses(string param, string message, Action action)
    {
        var e = Assert.Throws<ArgumentException>(action);
        Assert.Equal(param, e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    private const string BceMessage = "all elements of input should be between 0 and 1";

    public static TheoryData<int, int, double> BadBceElements()
    {
        var data = new TheoryData<int, int, double>();
        foreach (int n in new[] { 1, 3, 8, 17, 64, 100, 1000 })
            foreach (int at in new[] { 0, n / 2, n - 1 }.Distinct())
                foreach (double bad in new[] { 1.5, -0.1, 1.0000001, double.NaN, double.PositiveInfinity })
                    data.Add(n, at, bad);
        return data;
    }

    [Theory]
    [MemberData(nameof(BadBceElements))]
    public void BinaryCrossEntropy_RefusesAnInputOutside0And1_FromEveryMethod(int n, int at, double bad)
    {
        var input = new double[n];
        var target = new double[n];
        Array.Fill(input, 0.5);
        Array.Fill(target, 0.25);
        input[at] = bad;
        var output = new double[n];
        var grad = new double[n];
        var hess = new double[n];
        Refuses("input", BceMessage, () => BinaryCrossEntropy.Forward(input, target));
        Refuses("input", BceMessage, () => BinaryCrossEntropy.Forward(input, target, Reduction.Sum));
        Refuses("input", BceMessage, () => BinaryCrossEntropy.Forward(input, target, output));
        Refuses("input", BceMessage, () => BinaryCrossEntropy.ForwardBackward(input, target, grad, default));
        Refuses("input", BceMessage, () => BinaryCrossEntropy.ForwardBackward(input, target, output, new double[n], grad, default));
        Refuses("input", BceMessage, () => BinaryCrossEntropy.Backward(input, target, grad, default));
        Refuses("input", BceMessage, () => BinaryCrossEntropy.GradientHessian(input, target, grad, hess, default, default));

        var single = Array.ConvertAll(input, x => (float)x);
        var singleTarget = Array.ConvertAll(target, x => (float)x);
        if (bad == 1.0000001) single[at] = 1.0000001f; // the next float above 1
        Refuses("input", BceMessage, () => BinaryCrossEntropy.Forward(single, singleTarget));
        Refuses("input", BceMessage, () => BinaryCrossEntropy.ForwardBackward(single, singleTarget, new float[n], default));
    }

    [Fact]
    public void BinaryCrossEntropy_AcceptsTheBounds()
    {
        double[] input = { 0, 1, 0.5, 0.25 }, target = { 0, 1, 0.5, 0.25 };
        double expected = Math.Log(2) - (0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)); // 0 at x = y = 0 and x = y = 1
        Assert.Equal(expected, BinaryCrossEntropy.Forward(input, target, Reduction.Sum), 12);
        Assert.Equal((float)expected, BinaryCrossEntropy.Forward(new float[] { 0, 1, 0.5f, 0.25f }, new float[] { 0, 1, 0.5f, 0.25f }, Reduction.Sum), 5);
    }

    [Fact]
    public void BinaryCrossEntropy_OnTheParallelPath_RefusesAnElementOfAnyChunk()
    {
        int n = (1 << 20) + 4099;
        var input = new float[n];
        var target = new float[n];
        Array.Fill(input, 0.5f);
        input[n - 3] = 2f;
        Refuses("input", BceMessage, () => BinaryCrossEntropy.Forward(input, target));
        Refuses("input", BceMessage, () => BinaryCrossEntropy.ForwardBackward(input, target, new float[n], default));
        input[n - 3] = 0.5f;
        Assert.Equal(MathF.Log(2), BinaryCrossEntropy.Forward(input, target), 1e-3f); // a float sum of a million terms
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void HuberLoss_RefusesADeltaThatIsNotPositive(double delta)
    {
        double[] x = { 1.5, -1.5, 0.5 }, y = { 1, -1, 0 };
        const string message = "huber_loss does not support non-positive values for delta.";
        Refuses("delta", message, () => HuberLoss.Forward(x, y, delta: delta));
        Refuses("delta", message, () => HuberLoss.Forward(x, y, new double[3], delta: delta));
        Refuses("delta", message, () => HuberLoss.ForwardBackward(x, y, new double[3], default, delta: delta));
        Refuses("delta", message, () => HuberLoss.GradientHessian(x, y, new double[3], new double[3], default, default, delta: delta));
        Refuses("delta", message, () => HuberLoss.Forward(new float[] { 1 }, new float[] { 0 }, delta: (float)delta));
        // refused before anything runs: the output is not touched
        var output = new double[] { 7, 7, 7 };
        Assert.Throws<ArgumentException>(() => HuberLoss.Forward(x, y, output, delta: delta));
        Assert.Equal(new double[] { 7, 7, 7 }, output);
    }

    [Fact]
    public void SmoothL1Loss_RefusesANegativeOrNaNBeta_AndTakesZero()
    {
        double[] x = { 1.5, -1.5, 0.5 }, y = { 1, -1, 0 };
        const string message = "smooth_l1_loss does not support negative values for beta.";
        Refuses("beta", message, () => SmoothL1Loss.Forward(x, y, beta: -1));
        Refuses("beta", message, () => SmoothL1Loss.Forward(x, y, beta: double.NaN));
        Assert.Equal(0.5, SmoothL1Loss.Forward(x, y, beta: 0), 12);
    }

    [Fact]
    public void GaussianNllLoss_RefusesANegativeVariance_NotMinusZeroOrNaN()
    {
        double[] x = { 0.5, -1, 2, 0 }, y = { 0, 0, 1, 0 };
        Refuses("var", "var has negative entry/entries", () => GaussianNllLoss.Forward(x, y, new[] { 1, -1e-300, 1, 1.0 }));
        Refuses("var", "var has negative entry/entries", () => GaussianNllLoss.ForwardBackward(x, y, new[] { 1, 1, 1, -2.0 }, new double[4], default, default));
        Assert.True(double.IsFinite(GaussianNllLoss.Forward(x, y, new[] { 1, -0.0, 1, 1 })));
        Assert.True(double.IsNaN(GaussianNllLoss.Forward(x, y, new[] { 1, double.NaN, 1, 1 })));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1.5)]
    public void MultiMarginLoss_RefusesAPOtherThan1Or2(double p)
    {
        double[] x = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 };
        Refuses("p", "only p == 1 and p == 2 supported", () => MultiMarginLoss.Forward(x, new[] { 0, 2 }, 3, p: p));
    }

    [Fact]
    public void CrossEntropy_RefusesALabelSmoothingAbove1_WithItsValue()
    {
        double[] x = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 };
        Refuses("labelSmoothing", "label_smoothing must be between 0.0 and 1.0. Got: 1.5", () => CrossEntropy.Forward(x, new[] { 0, 2 }, 3, labelSmoothing: 1.5));
        Refuses("labelSmoothing", "label_smoothing must be between 0.0 and 1.0. Got: 1.5", () => CrossEntropyProbs.Forward(x, x, 3, labelSmoothing: 1.5));
        // PyTorch smooths only with a positive label_smoothing: a negative or NaN one is none
        double plain = CrossEntropy.Forward(x, new[] { 0, 2 }, 3);
        Assert.Equal(plain, CrossEntropy.Forward(x, new[] { 0, 2 }, 3, labelSmoothing: -0.1), 14);
        Assert.Equal(plain, CrossEntropy.Forward(x, new[] { 0, 2 }, 3, labelSmoothing: double.NaN), 14);
    }

    [Fact]
    public void CrossEntropyProbs_TakesANegativeIgnoreIndex_AndRefusesAnotherOne()
    {
        double[] x = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, t = { 0.2, 0.3, 0.5, 1, 0, 0 };
        Assert.Equal(CrossEntropyProbs.Forward(x, t, 3), CrossEntropyProbs.Forward(x, t, 3, ignoreIndex: -1));
        Refuses("ignoreIndex", "ignore_index is not supported for floating point target", () => CrossEntropyProbs.Forward(x, t, 3, ignoreIndex: 0));
    }
}
