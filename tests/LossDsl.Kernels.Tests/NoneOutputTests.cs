using System;
using System.Linq;
using System.Numerics;
using System.Runtime.Intrinsics;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// Reduction.None writes each element's loss as that element's own vector body computes it, whichever step of the loop
/// computes it: the pair step of a cheap kernel (two copies, their values read back from sums that start at -0), one copy,
/// or the last, overlapping vector. In particular the sign of a zero loss is kept.
/// </summary>
public class NoneOutputTests
{
    // The widest vector the loops run on this machine (1: the scalar path).
    private static int Lanes<T>() where T : unmanaged =>
        Vector512.IsHardwareAccelerated ? Vector512<T>.Count
        : Vector256.IsHardwareAccelerated ? Vector256<T>.Count
        : Vector128.IsHardwareAccelerated ? Vector128<T>.Count : 1;

    public static TheoryData<string, string> Elementwise
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var c in Catalog.Cases.Where(c => c.Kind == LossKind.Elementwise))
                foreach (var type in new[] { "float", "double" })
                    data.Add(c.Id, type);
            return data;
        }
    }

    /// <summary>
    /// Element i of a call over 8 vectors and a half (every loop step) has the bits of element 0 of a call over the one
    /// vector starting at i (the last-vector step alone), for the value and for the value written by ForwardBackward.
    /// </summary>
    [Theory]
    [MemberData(nameof(Elementwise))]
    public void EveryLoopStepWritesTheSameValue(string id, string type)
    {
        if (type == "float") Check<float>(id); else Check<double>(id);
    }

    private static void Check<T>(string id) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var c = Catalog.GetCase(id);
        int lanes = Lanes<T>(), n = 8 * lanes + lanes / 2 + 1;
        var rng = new Random(GradientCheckTests.Seed(id + typeof(T).Name + "none"));
        var inputs = Catalog.Generate(c, rng, n, edges: true).Select(Catalog.Convert<T>).ToArray();
        var upstream = Catalog.Convert<T>(Catalog.Upstream(rng, n))!;
        var full = Catalog.Evaluate(c, inputs, Reduction.None).Output!;
        var fullFused = Catalog.Evaluate(c, inputs, Reduction.None, gradients: true, gradOutput: upstream).Output!;
        for (int i = 0; i + lanes <= n; i++)
        {
            var window = inputs.Select(a => a?[i..(i + lanes)]).ToArray();
            var alone = Catalog.Evaluate(c, window, Reduction.None).Output!;
            var aloneFused = Catalog.Evaluate(c, window, Reduction.None, gradients: true, gradOutput: upstream[i..(i + lanes)]).Output!;
            Assert.True(Same(full[i], alone[0]), $"{id}: Forward element {i} is {full[i]}, alone {alone[0]}");
            Assert.True(Same(fullFused[i], aloneFused[0]), $"{id}: ForwardBackward element {i} is {fullFused[i]}, alone {aloneFused[0]}");
        }
    }

    // The same bits, or both NaN (a NaN's payload is not part of a loss's value).
    private static bool Same<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T> =>
        T.IsNaN(a) ? T.IsNaN(b) : a.Equals(b) && T.IsNegative(a) == T.IsNegative(b);

    /// <summary>
    /// A weighted squared error of equal inputs and a negative weight is (x - y)^2 * w = 0 * w = -0 (IEEE 754, as
    /// PyTorch's mse_loss(reduction='none') * w gives it), at every length: the scalar body for short inputs and every
    /// vector step for longer ones.
    /// </summary>
    [Fact]
    public void AZeroLossKeepsItsSign()
    {
        for (int n = 1; n <= 80; n++)
        {
            var x = Enumerable.Range(0, n).Select(i => 0.25f * i - 3f).ToArray();
            var w = Enumerable.Repeat(-1.5f, n).ToArray();
            var output = new float[n];
            MseLoss.Forward(x, x, output, w);
            Assert.All(output, v => Assert.Equal(BitConverter.SingleToInt32Bits((x[0] - x[0]) * (x[0] - x[0]) * w[0]), BitConverter.SingleToInt32Bits(v)));

            var xd = x.Select(v => (double)v).ToArray();
            var wd = w.Select(v => (double)v).ToArray();
            var outputD = new double[n];
            MseLoss.ForwardBackward(xd, xd, outputD, Enumerable.Repeat(1.0, n).ToArray(), new double[n], default, wd);
            Assert.All(outputD, v => Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(v)));
        }
    }
}
