using System;
using System.Linq;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>Length mismatches throw <see cref="ArgumentException"/> naming the argument; an unknown reduction throws <see cref="ArgumentOutOfRangeException"/>.</summary>
public class ArgumentTests
{
    private static (LossCase Case, double[]?[] Inputs, int RowLength) Setup(string name, int n = 12)
    {
        var c = Catalog.GetCase(name);
        var inputs = Catalog.Generate(c, new Random(5), n);
        int rowLength = c.Kind == LossKind.Row ? 4 : 0;
        return (c, inputs, rowLength);
    }

    private static void Throws(string expectedParam, Action action)
    {
        var e = Assert.Throws<ArgumentException>(action);
        Assert.Equal(expectedParam, e.ParamName);
    }

    // ---- every registered loss, through ILossDefinition.Evaluate ----

    [Theory]
    [MemberData(nameof(Catalog.LossNames), MemberType = typeof(Catalog))]
    public void ShorterSecondInputNamesIt(string name)
    {
        var (c, inputs, rowLength) = Setup(name);
        foreach (int k in Enumerable.Range(1, inputs.Length - 1))
        {
            foreach (int length in new[] { 11, 13, 0 })
            {
                var wrong = inputs.Select(a => a?.ToArray()).ToArray();
                if (wrong[k] is null)
                {
                    if (length == 0) continue;
                    wrong[k] = new double[length];
                }
                else if (length == 0 && c.Definition.Inputs[k].Default is not null) continue;
                else wrong[k] = wrong[k]![..Math.Min(length, 12)].Concat(new double[Math.Max(0, length - 12)]).ToArray();
                string param = Catalog.CamelCase(c.Definition.Inputs[k].Name);
                foreach (var reduction in new[] { Reduction.Mean, Reduction.None })
                    foreach (bool gradients in new[] { false, true })
                        Throws(param, () => Catalog.Evaluate(c, wrong, reduction, rowLength, gradients: gradients));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Catalog.LossNames), MemberType = typeof(Catalog))]
    public void WrongWeightLengthNamesWeight(string name)
    {
        var (c, inputs, rowLength) = Setup(name);
        if (c.Kind != LossKind.Elementwise) return; // weights are per element
        foreach (int length in new[] { 1, 11, 13 })
            foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
                foreach (bool gradients in new[] { false, true })
                    Throws("weight", () => Catalog.Evaluate(c, inputs, reduction, rowLength, new double[length], gradients));
    }

    [Theory]
    [MemberData(nameof(Catalog.LossNames), MemberType = typeof(Catalog))]
    public void WrongGradOutputLengthNamesGradOutput(string name)
    {
        var (c, inputs, rowLength) = Setup(name);
        if (c.Kind == LossKind.Whole) return; // one value: no per-output upstream gradient
        int outputs = c.Kind == LossKind.Row ? 12 / rowLength : 12;
        foreach (int length in new[] { 0, outputs - 1, outputs + 1 })
        {
            if (length == 0) continue; // Evaluate treats an empty array as given: checked through the typed API below
            Throws("gradOutput", () => Catalog.Evaluate(c, inputs, Reduction.None, rowLength, gradients: true, gradOutput: new double[length]));
        }
    }

    [Theory]
    [MemberData(nameof(Catalog.LossNames), MemberType = typeof(Catalog))]
    public void BadRowLengthNamesRowLength(string name)
    {
        var (c, inputs, _) = Setup(name);
        if (c.Kind != LossKind.Row) return;
        foreach (int rowLength in new[] { 0, -1, -4, 5, 7, 13, 24 })
            foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
                foreach (bool gradients in new[] { false, true })
                    Throws("rowLength", () => Catalog.Evaluate(c, inputs, reduction, rowLength, gradients: gradients));
    }

    [Theory]
    [MemberData(nameof(Catalog.LossNames), MemberType = typeof(Catalog))]
    public void UnknownReductionThrowsOutOfRange(string name)
    {
        var (c, inputs, rowLength) = Setup(name);
        if (c.Kind == LossKind.Whole) return; // the reduction does not apply
        foreach (var reduction in new[] { (Reduction)3, (Reduction)(-1), (Reduction)42 })
            foreach (bool gradients in new[] { false, true })
            {
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => Catalog.Evaluate(c, inputs, reduction, rowLength, gradients: gradients));
                Assert.Equal("reduction", e.ParamName);
            }
    }

    // ---- the typed API: the spans Evaluate allocates itself ----

    [Fact]
    public void TypedElementwiseMismatchesNameTheArgument()
    {
        var x = new double[10];
        var y = new double[10];
        var shortArr = new double[9];
        var longArr = new double[11];
        var g = new double[10];
        var g2 = new double[10];

        Throws("target", () => MseLoss.Forward(x, shortArr));
        Throws("target", () => MseLoss.Forward(x, longArr, Reduction.Sum));
        Throws("target", () => MseLoss.ForwardBackward(x, shortArr, g, g2));
        Throws("weight", () => MseLoss.Forward(x, y, Reduction.Mean, shortArr));
        Throws("weight", () => MseLoss.Backward(x, y, g, g2, Reduction.Sum, 1.0, longArr));
        Throws("output", () => MseLoss.Forward(x, y, shortArr.AsSpan()));
        Throws("output", () => MseLoss.Forward(x, y, Span<double>.Empty));
        Throws("output", () => MseLoss.ForwardBackward(x, y, longArr.AsSpan(), new double[10], g, g2));
        Throws("inputGrad", () => MseLoss.ForwardBackward(x, y, shortArr, g2));
        Throws("inputGrad", () => MseLoss.Backward(x, y, longArr, g2, Reduction.Mean));
        Throws("inputGrad", () => MseLoss.Backward(x, y, new double[10], shortArr.AsSpan(), g2));
        Throws("targetGrad", () => MseLoss.ForwardBackward(x, y, g, shortArr));
        Throws("gradOutput", () => MseLoss.Backward(x, y, shortArr.AsSpan(), g, g2));
        Throws("gradOutput", () => MseLoss.Backward(x, y, ReadOnlySpan<double>.Empty, g, g2));
        Throws("gradOutput", () => MseLoss.ForwardBackward(x, y, new double[10].AsSpan(), longArr, g, g2));

        var xf = new float[10];
        Throws("target", () => HuberLoss.Forward(xf, new float[3]));
        Throws("weight", () => HuberLoss.Forward(xf, new float[10], Reduction.Mean, 1f, new float[3]));
        Throws("output", () => HuberLoss.Forward(xf, new float[10], new float[3].AsSpan()));
        Throws("inputGrad", () => HuberLoss.ForwardBackward(xf, new float[10], new float[3], new float[10]));
        Throws("gradOutput", () => HuberLoss.Backward(xf, new float[10], new float[3].AsSpan(), new float[10], new float[10]));
        Throws("posWeight", () => BinaryCrossEntropyWithLogits.Forward(xf, new float[10], Reduction.Mean, default, new float[3]));

        // Gradients are not written in place over an input.
        Throws("inputGrad", () => MseLoss.ForwardBackward(x, y, x, g2));
        Throws("targetGrad", () => MseLoss.Backward(x, y, g, y));

        // Unknown reductions.
        foreach (var reduction in new[] { (Reduction)3, (Reduction)(-1) })
        {
            Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => MseLoss.Forward(x, y, reduction)).ParamName);
            Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => MseLoss.ForwardBackward(x, y, g, g2, reduction)).ParamName);
            Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => MseLoss.Backward(x, y, g, g2, reduction)).ParamName);
            Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => HuberLoss.Forward(xf, new float[10], reduction)).ParamName);
        }
    }

    [Fact]
    public void TypedRowMismatchesNameTheArgument()
    {
        var x = new float[12];
        var y = new float[12];
        var g = new float[12];
        var g2 = new float[12];

        Throws("yTrue", () => LogCosh.Forward(x, new float[11], 4));
        Throws("rowLength", () => LogCosh.Forward(x, y, 5));
        Throws("rowLength", () => LogCosh.Forward(x, y, 0));
        Throws("rowLength", () => LogCosh.Forward(x, y, -3));
        Throws("rowLength", () => LogCosh.ForwardBackward(x, y, 7, g, g2));
        Throws("output", () => LogCosh.Forward(x, y, 4, new float[4].AsSpan()));
        Throws("output", () => LogCosh.Forward(x, y, 4, new float[12].AsSpan()));
        Throws("gradOutput", () => LogCosh.Backward(x, y, 4, new float[4].AsSpan(), g, g2));
        Throws("gradOutput", () => LogCosh.ForwardBackward(x, y, 4, new float[3].AsSpan(), new float[12], g, g2));
        Throws("yPredGrad", () => LogCosh.ForwardBackward(x, y, 4, new float[11], g2));
        Throws("yTrueGrad", () => LogCosh.Backward(x, y, 4, g, new float[13]));
        Throws("yPredGrad", () => Hinge.Backward(x, y, 3, new float[6]));
        Throws("rowLength", () => Hinge.Forward(x, y, 8));
        Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => LogCosh.Forward(x, y, 4, (Reduction)9)).ParamName);
        Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => Hinge.Backward(x, y, 4, g, (Reduction)9)).ParamName);
    }

    [Fact]
    public void TypedWholeMismatchesNameTheArgument()
    {
        var x = new double[8];
        Throws("target", () => Rmse.Forward(x, new double[7]));
        Throws("inputGrad", () => Rmse.ForwardBackward(x, new double[8], new double[7], new double[8]));
        Throws("targetGrad", () => Rmse.Backward(x, new double[8], new double[8], new double[9]));
    }
}
