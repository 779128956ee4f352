using System;
using System.Buffers;
using System.Linq;
using System.Numerics.Tensors;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Conformance.Tests;

/// <summary>
/// The tensor API's copy-free path (<see cref="DenseTensors"/>): dense tensors of one shape run the span kernel on their
/// memory. It must answer exactly as the general path (<c>Tensors.Evaluate</c>, which copies, broadcasts and runs the
/// same kernel), refuse what it refuses, leave every other call to it, and allocate only its outputs.
/// </summary>
public class DenseTensorTests
{
    private static readonly nint[] Shape = [3, 4, 5];

    private static Tensor<T> Random<T>(int seed, double lo, double hi, nint[]? shape = null) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        shape ??= Shape;
        var rng = new Random(seed);
        int count = (int)shape.Aggregate((nint)1, (a, b) => a * b);
        var data = new T[count];
        for (int i = 0; i < count; i++) data[i] = T.CreateTruncating(lo + (hi - lo) * rng.NextDouble());
        return Tensor.Create(data, shape);
    }

    private static double[] Values<T>(Tensor<T> t) where T : System.Numerics.IFloatingPointIeee754<T> =>
        t.ToArray().Select(v => double.CreateTruncating(v)).ToArray();

    /// <summary>Equal to float rounding: within 2^-22 of the largest magnitude (a few units in the last place).</summary>
    private static void AssertRounding(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= scale * Math.ScaleB(1.0, -22), $"[{i}]: {actual[i]} vs {expected[i]}");
    }

    private static LossArguments Arguments<T>(Reduction reduction, params (string Name, Tensor<T> Tensor)[] inputs) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var a = new LossArguments { Reduction = reduction, Float32 = typeof(T) == typeof(float) };
        foreach (var (name, tensor) in inputs) a.Inputs[name] = LossTensor.From<T>(tensor);
        return a;
    }

    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void Huber_Dense_AnswersAsTheGeneralPath_InFloat(Reduction reduction)
    {
        var x = Random<float>(1, -3, 3);
        var y = Random<float>(2, -3, 3);
        var w = Random<float>(3, 0, 2);
        var dy = reduction == Reduction.None ? Random<float>(4, -1, 1) : Tensor.Create(new[] { 0.75f }, [1]);

        var loss = HuberLoss.Tensors.ForwardBackward(x, y, out var gx, out var gy, reduction, gradOutput: dy, weight: w, delta: 0.5);

        var a = Arguments(reduction, ("input", x), ("target", y));
        a.Weight = LossTensor.From<float>(w);
        a.GradOutput = LossTensor.From<float>(dy);
        a.Options["delta"] = 0.5;
        a.Gradients.Add("input");
        a.Gradients.Add("target");
        var general = HuberLoss.Tensors.Evaluate(a);

        Assert.Equal(general.Loss.ToTensor<float>().Lengths.ToArray(), loss.Lengths.ToArray());
        Assert.Equal(Values(general.Loss.ToTensor<float>()), Values(loss));
        Assert.Equal(Shape, gx.Lengths.ToArray());
        // the general path scales a reduced call's upstream gradient per element in double, the span method once in T
        AssertRounding(Values(general.GradientOf("input")!.ToTensor<float>()), Values(gx));
        AssertRounding(Values(general.GradientOf("target")!.ToTensor<float>()), Values(gy));
        Assert.Contains(Values(gx), v => v != 0);
    }

    [Fact]
    public void Forward_Dense_IsTheGeneralPathsBits_WithAnOptionalInputAndBooleanOptions()
    {
        var x = Random<double>(5, -3, 3);
        var y = Random<double>(6, 0, 1);
        var pw = Random<double>(7, 0.5, 2);
        var none = BinaryCrossEntropyWithLogits.Tensors.Forward(x, y, Reduction.None, posWeight: pw);
        var a = Arguments(Reduction.None, ("input", x), ("target", y), ("pos_weight", pw));
        Assert.Equal(Values(BinaryCrossEntropyWithLogits.Tensors.Evaluate(a).Loss.ToTensor<double>()), Values(none));
        Assert.Equal(Shape, none.Lengths.ToArray());

        var counts = Random<double>(8, 0, 5);
        var mean = PoissonNllLoss.Tensors.Forward(x, counts, logInput: false, full: true);
        var p = Arguments(Reduction.Mean, ("input", x), ("target", counts));
        p.Options["log_input"] = 0;
        p.Options["full"] = 1;
        Assert.Equal(Values(PoissonNllLoss.Tensors.Evaluate(p).Loss.ToTensor<double>()), Values(mean));
    }

    [Fact]
    public void UnreducedWithoutUpstream_IsTheGeneralPathsBits()
    {
        var x = Random<float>(9, -3, 3);
        var y = Random<float>(10, -3, 3);
        var loss = MseLoss.Tensors.ForwardBackward(x, y, out var gx, out _, Reduction.None);
        var a = Arguments(Reduction.None, ("input", x), ("target", y));
        a.Gradients.Add("input");
        var general = MseLoss.Tensors.Evaluate(a);
        Assert.Equal(Values(general.Loss.ToTensor<float>()), Values(loss));
        Assert.Equal(Values(general.GradientOf("input")!.ToTensor<float>()), Values(gx));
    }

    /// <summary>A strided view (not dense) goes the general way and answers as its dense copy does.</summary>
    [Fact]
    public void AStridedView_AnswersAsItsDenseCopy()
    {
        var wide = Random<float>(11, -3, 3, [3, 4, 10]);
        var view = wide.AsReadOnlyTensorSpan().Slice([NRange.All, NRange.All, new NRange(2, 7)]);
        Assert.False(view.IsDense);
        var copy = Tensor.Create(new float[60], Shape);
        view.CopyTo(copy);
        var y = Random<float>(12, -3, 3);

        var fromView = SmoothL1Loss.Tensors.ForwardBackward(view, y, out var gView, out _);
        var fromCopy = SmoothL1Loss.Tensors.ForwardBackward(copy, y, out var gCopy, out _);
        Assert.Equal(Values(fromCopy), Values(fromView));
        Assert.Equal(Values(gCopy), Values(gView));
    }

    [Fact]
    public void ARefusal_IsTheGeneralPaths()
    {
        var x = Random<double>(13, -3, 3);
        var dense = Assert.Throws<ArgumentException>(() => HuberLoss.Tensors.Forward(x, x, delta: -1));
        var a = Arguments(Reduction.Mean, ("input", x), ("target", x));
        a.Options["delta"] = -1;
        var general = Assert.Throws<ArgumentException>(() => HuberLoss.Tensors.Evaluate(a));
        Assert.Equal(general.ParamName, dense.ParamName);
        Assert.Equal(general.Message, dense.Message);
        Assert.Equal("delta", dense.ParamName);
    }

    /// <summary>iou_loss declares <c>rank(boxes1_x1, 0, 1)</c>: dense rank-2 tensors of one shape are still refused.</summary>
    [Fact]
    public void AShapeRuleThatDoesNotHold_StillRefuses()
    {
        var b = Enumerable.Range(0, 8).Select(k => Random<double>(20 + k, k % 4 < 2 ? 0 : 2, k % 4 < 2 ? 1 : 3, [2, 3])).ToArray();
        var e = Assert.Throws<ArgumentException>(() => IouLoss.Tensors.Forward(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]));
        Assert.Equal("boxes1_x1", e.ParamName);
        var v = Enumerable.Range(0, 8).Select(k => Random<double>(30 + k, k % 4 < 2 ? 0 : 2, k % 4 < 2 ? 1 : 3, [6])).ToArray();
        var dense = IouLoss.Tensors.Forward(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], Reduction.None);
        var a = Arguments(Reduction.None, v.Select((t, k) => (new[] { "boxes1_x1", "boxes1_y1", "boxes1_x2", "boxes1_y2", "boxes2_x1", "boxes2_y1", "boxes2_x2", "boxes2_y2" }[k], t)).ToArray());
        Assert.Equal(Values(IouLoss.Tensors.Evaluate(a).Loss.ToTensor<double>()), Values(dense));
        // complete_box_iou_loss: within(boxes1_x1), empty_mean(0), any rank
        var w = Enumerable.Range(0, 8).Select(k => Random<double>(40 + k, k % 4 < 2 ? 0 : 2, k % 4 < 2 ? 1 : 3, [2, 3])).ToArray();
        var ciou = CompleteBoxIouLoss.Tensors.ForwardBackward(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], out var g0, out _, out _, out _, out _, out _, out _, out _, Reduction.Sum);
        var c = Arguments(Reduction.Sum, w.Select((t, k) => (new[] { "boxes1_x1", "boxes1_y1", "boxes1_x2", "boxes1_y2", "boxes2_x1", "boxes2_y1", "boxes2_x2", "boxes2_y2" }[k], t)).ToArray());
        c.Gradients.Add("boxes1_x1");
        var general = CompleteBoxIouLoss.Tensors.Evaluate(c);
        Assert.Equal(Values(general.Loss.ToTensor<double>()), Values(ciou));
        Assert.Equal(Values(general.GradientOf("boxes1_x1")!.ToTensor<double>()), Values(g0));
    }

    [Fact]
    public void Fits_OnlyElementwiseLossesWithRulesThatHold()
    {
        Assert.True(DenseTensors.Fits(Definition("huber_loss"), Shape));
        Assert.False(DenseTensors.Fits(Definition("huber_loss"), [3, 0]));
        Assert.False(DenseTensors.Fits(Definition("huber_loss"), []));
        Assert.False(DenseTensors.Fits(Definition("iou_loss"), [4, 5]));
        Assert.True(DenseTensors.Fits(Definition("iou_loss"), [5]));
        Assert.False(DenseTensors.Fits(Definition("hinge"), [4, 5]));
        Assert.False(DenseTensors.Fits(Definition("cross_entropy"), [4, 5]));
        Assert.True(DenseTensors.Fits(Definition("complete_box_iou_loss"), [4, 5])); // within, empty_mean: hold when not empty
        Assert.True(DenseTensors.Fits(Definition("gaussian_nll_loss"), [4, 5])); // drop_last: var in input's shape
    }

    private static ILossDefinition Definition(string name) =>
        LossRegistry.TryGet(name, out var d) ? d : throw new InvalidOperationException(name + " is not registered");

    /// <summary>The dense path copies no input: a call allocates its outputs (loss, two gradients) and a little more.</summary>
    [Fact]
    public void TheDensePath_AllocatesItsOutputsOnly()
    {
        nint[] shape = [512, 512];
        var x = Random<float>(17, -3, 3, shape);
        var y = Random<float>(18, -3, 3, shape);
        HuberLoss.Tensors.ForwardBackward(x, y, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        HuberLoss.Tensors.ForwardBackward(x, y, out var gx, out var gy);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long outputs = 2L * 512 * 512 * sizeof(float);
        // A CI run once saw outputs + 8,568 bytes, a one-off allocation on this thread that no other run showed (its
        // cause not found; tests run in parallel in this process). A copy of an input would be 1 MB: 64 KB of slack
        // still tells the two apart.
        Assert.InRange(allocated, outputs, outputs + 65536);
        Assert.Equal(shape, gx.Lengths.ToArray());
        Assert.Equal(shape, gy.Lengths.ToArray());
    }
}
