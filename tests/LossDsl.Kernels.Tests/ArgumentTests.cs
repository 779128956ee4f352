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
        int rowLength = c.Kind == LossKind.Row ? 4 : 0;
        var inputs = Catalog.Generate(c, new Random(5), n, rowLength: rowLength);
        return (c, inputs, rowLength);
    }

    private static void Throws(string expectedParam, Action action)
    {
        var e = Assert.Throws<ArgumentException>(action);
        Assert.Equal(expectedParam, e.ParamName);
    }

    // ---- every registered loss, through ILossDefinition.Evaluate ----

    /// <summary>
    /// Every input after the first, one value short, one too many, or empty (unless optional), throws naming it. The
    /// expected length depends on the input's kind: n elements, n / rowLength rows or class indices, rowLength classes.
    /// </summary>
    [Theory]
    [MemberData(nameof(Catalog.LossNames), MemberType = typeof(Catalog))]
    public void ShorterSecondInputNamesIt(string name)
    {
        var (c, inputs, rowLength) = Setup(name);
        foreach (int k in Enumerable.Range(1, inputs.Length - 1))
        {
            var input = c.Definition.Inputs[k];
            int expected = Catalog.Length(input, 12, rowLength);
            foreach (int length in new[] { expected - 1, expected + 1, 0 }.Distinct())
            {
                if (length == 0 && input.Default is not null) continue; // an optional input may be left out
                if (length == 0 && input.Kind == LossInputKind.Labels) continue; // lists of no labels are valid
                var wrong = inputs.Select(a => a?.ToArray()).ToArray();
                // The values kept, then zeros (a valid class index, for index inputs).
                var kept = wrong[k] ?? new double[expected];
                wrong[k] = kept[..Math.Min(length, expected)].Concat(new double[Math.Max(0, length - expected)]).ToArray();
                string param = Catalog.CamelCase(input.Name);
                foreach (var reduction in new[] { Reduction.Mean, Reduction.None })
                    foreach (bool gradients in new[] { false, true })
                        Throws(param, () => Catalog.Evaluate(c, wrong, reduction, rowLength, gradients: gradients));
            }
        }
    }

    public static TheoryData<string> IndexCaseIds
    {
        get
        {
            var data = new TheoryData<string>();
            // ctc_loss's index inputs are lengths, not class indices: the runtime's Ctc checks them against the sequence
            // (LossDsl.Runtime.Tests, CtcTests) and the evaluator against PyTorch's messages (the conformance fixtures).
            foreach (var c in Catalog.Cases.Where(c => c.Definition.Inputs.Any(i => i.Kind == LossInputKind.Index) && c.Name != "ctc_loss"))
                data.Add(c.Id);
            return data;
        }
    }

    /// <summary>
    /// A class index outside [0, rowLength) (that is not the except value), or not a whole number, in any row, throws
    /// an ArgumentException naming the index input, whatever the reduction.
    /// </summary>
    [Theory]
    [MemberData(nameof(IndexCaseIds))]
    public void OutOfRangeClassIndexNamesTheIndexInput(string id)
    {
        var c = Catalog.GetCase(id);
        const int n = 12, rowLength = 4, rows = n / rowLength;
        var inputs = Catalog.Generate(c, new Random(7), n, rowLength: rowLength);
        int k = Enumerable.Range(0, inputs.Length).First(i => c.Definition.Inputs[i].Kind == LossInputKind.Index);
        var input = c.Definition.Inputs[k];
        double? except = input.Except is null ? null : c.Option(input.Except);
        var bad = new[] { rowLength, rowLength + 3, -1, -2, -100, int.MaxValue, 1.5, -0.5 }.Where(v => v != except).ToArray();
        Assert.Contains(rowLength, bad);
        foreach (double value in bad)
            foreach (int row in new[] { 0, rows - 1 })
            {
                var wrong = inputs.Select(a => a?.ToArray()).ToArray();
                wrong[k]![row] = value;
                foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
                    foreach (bool gradients in new[] { false, true })
                        Throws(Catalog.CamelCase(input.Name), () => Catalog.Evaluate(c, wrong, reduction, rowLength, gradients: gradients));
            }

        // The same indices in range (and the except value) are accepted.
        var valid = inputs.Select(a => a?.ToArray()).ToArray();
        valid[k]![0] = rowLength - 1;
        valid[k]![rows - 1] = except ?? 0;
        var call = Catalog.Evaluate(c, valid, Reduction.Sum, rowLength, gradients: true);
        Assert.True(double.IsFinite(call.Value), $"{id}: value {call.Value} with valid class indices");
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
    public void TypedIndexClassAndRowMismatchesNameTheArgument()
    {
        var x = new double[12];          // 3 rows of 4 classes
        int[] target = [0, 3, 1];
        var g = new double[12];
        Assert.Equal(Math.Log(4), CrossEntropy.Forward(x, target, 4), 12);
        Throws("target", () => CrossEntropy.Forward(x, new int[2], 4));
        Throws("target", () => CrossEntropy.Forward(x, new int[4], 4, Reduction.Sum));
        Throws("target", () => CrossEntropy.Forward(x, [0, 4, 1], 4));
        Throws("target", () => CrossEntropy.Forward(x, [0, -1, 1], 4));
        Throws("target", () => CrossEntropy.ForwardBackward(x, [0, 1, 7], 4, g));
        Throws("target", () => NllLoss.Backward(x, [0, 1, 4], 4, g, Reduction.Sum));
        Throws("target", () => SoftmaxFocalLoss.Forward(x, [-2, 1, 1], 4));
        Throws("target", () => MultiMarginLoss.Forward(x, [0, 1, 12], 4));
        Throws("weight", () => CrossEntropy.Forward(x, target, 4, weight: new double[3]));
        Throws("weight", () => NllLoss.ForwardBackward(x, target, 4, g, weight: new double[12]));
        Throws("alpha", () => SoftmaxFocalLoss.Forward(x, target, 4, alpha: new double[5]));
        Throws("weight", () => MultilabelSoftMarginLoss.Forward(x, new double[12], 4, weight: new double[3]));
        Throws("target", () => CosineEmbeddingLoss.Forward(x, new double[12], new double[12], 4));
        Throws("target", () => CosineEmbeddingLoss.Forward(x, new double[12], new double[2], 4));
        // The ignore_index row is left out, not out of range.
        Assert.Equal(0.0, NllLoss.Forward(x, [-100, -100, -100], 4, Reduction.Sum));
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
