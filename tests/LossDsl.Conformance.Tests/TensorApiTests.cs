using System;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using System.Text.Json;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Conformance.Tests;

/// <summary>
/// The generated tensor API (each loss's <c>Tensors</c> class) called as a .NET user calls it, with
/// System.Numerics.Tensors tensors in PyTorch's shapes, against PyTorch 1.13's answers in the fixture files (read by
/// case id): the class axis at dim 1, unbatched inputs, time-major sequences, 0-d targets, and PyTorch's refusals.
/// </summary>
public class TensorApiTests
{
    [Fact]
    public void CrossEntropy_TakesTheClassAxisAtDim1_AndAnswersPyTorch()
    {
        var (c, expected) = Case("cross_entropy", "cross_entropy-f64-sum-2x4x3");
        var loss = CrossEntropy.Tensors.ForwardBackward(Floats<double>(c, "input"), Longs(c, "target"), out var inputGrad, reduction: Reduction.Sum);
        AssertClose(Expected(expected, "loss"), loss, 1e-12);
        Assert.Equal([2, 4, 3], inputGrad.Lengths.ToArray().Select(l => (int)l));
        AssertClose(Expected(expected, "grad", "input"), inputGrad, 1e-12);
    }

    [Fact]
    public void CrossEntropy_InFloat_TakesTheClassAxisAtDim1()
    {
        var (c, expected) = Case("cross_entropy", "cross_entropy-f32-mean-2x4x3");
        var loss = CrossEntropy.Tensors.ForwardBackward(Floats<float>(c, "input"), Longs(c, "target"), out var inputGrad);
        AssertClose(Expected(expected, "loss"), loss, 1e-5);
        AssertClose(Expected(expected, "grad", "input"), inputGrad, 1e-5);
    }

    /// <summary>0-d tensors (one unbatched sample's class index) exist in LossTensor, not in System.Numerics.Tensors: through Evaluate.</summary>
    [Theory]
    [InlineData("nll_loss", "nll_loss-f64-none-len5")]
    [InlineData("multi_margin_loss", "multi_margin_loss-f64-none-len5")]
    public void AnUnbatchedSampleWithA0dTarget_AnswersInThe0dShape(string name, string id)
    {
        var (c, expected) = Case(name, id);
        var arguments = new LossArguments { Reduction = Reduction.None };
        arguments.Inputs["input"] = LossTensor.From<double>(Floats<double>(c, "input"));
        arguments.Inputs["target"] = new LossTensor([], [c.GetProperty("inputs").GetProperty("target").GetProperty("data")[0].GetDouble()], TensorElementType.Int64);
        arguments.Gradients.Add("input");
        var result = name == "nll_loss" ? NllLoss.Tensors.Evaluate(arguments) : MultiMarginLoss.Tensors.Evaluate(arguments);
        Assert.Empty(result.Loss.Shape);
        AssertClose(Expected(expected, "loss"), result.Loss.ToTensor<double>(), 1e-12);
        Assert.Equal([5], result.GradientOf("input")!.Shape);
        AssertClose(Expected(expected, "grad", "input"), result.GradientOf("input")!.ToTensor<double>(), 1e-12);
    }

    [Fact]
    public void AReducedLoss_ComesBackWithShape1()
    {
        var (c, expected) = Case("binary_cross_entropy", "binary_cross_entropy-f64-none-4x5");
        var mean = BinaryCrossEntropy.Tensors.Forward(Floats<double>(c, "input"), Floats<double>(c, "target"));
        Assert.Equal([1], mean.Lengths.ToArray().Select(l => (int)l));
        AssertClose([Expected(expected, "loss").Average()], mean, 1e-12);
    }

    [Fact]
    public void CtcLoss_TakesTimeMajorLogProbs_AndPaddedTargets()
    {
        var (c, expected) = Case("ctc_loss", "ctc_loss-f64-none-12x3x5");
        var loss = CtcLoss.Tensors.ForwardBackward(Floats<double>(c, "log_probs"), Longs(c, "targets"), Longs(c, "input_lengths"), Longs(c, "target_lengths"),
            out var logProbsGrad, reduction: Reduction.None);
        Assert.Equal([3], loss.Lengths.ToArray().Select(l => (int)l));
        AssertClose(Expected(expected, "loss"), loss, 1e-10);
        Assert.Equal([12, 3, 5], logProbsGrad.Lengths.ToArray().Select(l => (int)l));
        AssertClose(Expected(expected, "grad", "log_probs"), logProbsGrad, 1e-10);
    }

    [Fact]
    public void BinaryCrossEntropy_UnreducedInTheInputsShape()
    {
        var (c, expected) = Case("binary_cross_entropy", "binary_cross_entropy-f64-none-4x5");
        var loss = BinaryCrossEntropy.Tensors.ForwardBackward(Floats<double>(c, "input"), Floats<double>(c, "target"), out var inputGrad, out var targetGrad, reduction: Reduction.None);
        Assert.Equal([4, 5], loss.Lengths.ToArray().Select(l => (int)l));
        AssertClose(Expected(expected, "loss"), loss, 1e-12);
        AssertClose(Expected(expected, "grad", "input"), inputGrad, 1e-12);
        AssertClose(Expected(expected, "grad", "target"), targetGrad, 1e-12);
    }

    [Fact]
    public void PyTorchsRefusals_AreArgumentExceptionsNamingTheArgument()
    {
        var (c, _) = Case("huber_loss", "huber_loss-f64-mean-delta-1.0-len8-negative-delta");
        var e = Assert.ThrowsAny<ArgumentException>(() => HuberLoss.Tensors.Forward(Floats<double>(c, "input"), Floats<double>(c, "target"), delta: -1.0));
        Assert.Equal("delta", e.ParamName);

        var input = Tensor.Create([0.5, 1.5], [2]);
        var target = Tensor.Create([1.0, 0.0], [2]);
        e = Assert.ThrowsAny<ArgumentException>(() => BinaryCrossEntropy.Tensors.Forward(input, target));
        Assert.Equal("input", e.ParamName);

        // (the same as PyTorch: "Target size (torch.Size([3])) must be the same as input size (torch.Size([2]))")
        e = Assert.ThrowsAny<ArgumentException>(() => BinaryCrossEntropyWithLogits.Tensors.Forward(input, Tensor.Create([1.0, 0.0, 1.0], [3])));
        Assert.Equal("Target size (torch.Size([3])) must be the same as input size (torch.Size([2]))" + " (Parameter 'target')", e.Message);

        // a class index out of range: PyTorch's "Target 7 is out of bounds."
        e = Assert.ThrowsAny<ArgumentException>(() => NllLoss.Tensors.Forward(Tensor.Create(new double[6], [2, 3]), Tensor.Create([0L, 7L], [2])));
        Assert.Equal("target", e.ParamName);
    }

    [Fact]
    public void AnOptionalInputLeftOut_TakesItsDefault_AndAGivenOneIsUsed()
    {
        var (c, expected) = Case("cross_entropy", "cross_entropy-f32-mean-weight-2x4x3-weight");
        var weight = c.GetProperty("options").GetProperty("weight");
        var w = Tensor.Create(weight.GetProperty("data").EnumerateArray().Select(x => (float)x.GetDouble()).ToArray(), [4]);
        var weighted = CrossEntropy.Tensors.ForwardBackward(Floats<float>(c, "input"), Longs(c, "target"), out var inputGrad, weight: w);
        AssertClose(Expected(expected, "loss"), weighted, 1e-5);
        AssertClose(Expected(expected, "grad", "input"), inputGrad, 1e-5);
        var unweighted = CrossEntropy.Tensors.Forward(Floats<float>(c, "input"), Longs(c, "target"));
        Assert.NotEqual(weighted.ToArray()[0], unweighted.ToArray()[0]);
    }

    // ---- fixture cases as System.Numerics.Tensors tensors ----

    private static (JsonElement Case, JsonElement Expected) Case(string loss, string id)
    {
        foreach (var line in File.ReadLines(Path.Combine(Conformance.FixtureDirectory, loss + ".jsonl")))
        {
            var fixture = JsonDocument.Parse(line).RootElement;
            if (fixture.GetProperty("case").GetProperty("id").GetString() == id) return (fixture.GetProperty("case"), fixture.GetProperty("expected"));
        }
        throw new InvalidOperationException($"no fixture case {id} in {loss}.jsonl");
    }

    private static nint[] Shape(JsonElement tensor) => tensor.GetProperty("shape").EnumerateArray().Select(d => (nint)d.GetInt32()).ToArray();

    private static Tensor<T> Floats<T>(JsonElement c, string input) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var t = c.GetProperty("inputs").GetProperty(input);
        return Tensor.Create(t.GetProperty("data").EnumerateArray().Select(x => T.CreateTruncating(x.GetDouble())).ToArray(), Shape(t));
    }

    private static Tensor<long> Longs(JsonElement c, string input)
    {
        var t = c.GetProperty("inputs").GetProperty(input);
        return Tensor.Create(t.GetProperty("data").EnumerateArray().Select(x => (long)x.GetDouble()).ToArray(), Shape(t));
    }

    private static double[] Expected(JsonElement expected, string what, string? input = null)
    {
        var t = input is null ? expected.GetProperty(what) : expected.GetProperty(what).GetProperty(input);
        return t.GetProperty("data").EnumerateArray().Select(x => x.GetDouble()).ToArray();
    }

    private static void AssertClose<T>(double[] expected, Tensor<T> actual, double tolerance) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var values = actual.ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            double a = double.CreateTruncating(values[i]);
            Assert.True(Math.Abs(a - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"value {i}: {a} vs PyTorch {expected[i]}");
        }
    }
}
