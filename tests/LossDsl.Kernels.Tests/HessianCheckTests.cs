using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using LossDsl.Losses;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// The generated second derivatives (GradientHessian, <see cref="LossCall{T}.WantHessians"/>) of every elementwise
/// catalogue loss: against central differences of the generated gradient, and the value and gradients of the fused pass
/// against ForwardBackward's; the Hessian policies; float against double; the typed API.
/// </summary>
public class HessianCheckTests
{
    public static TheoryData<string, Reduction> Data
    {
        get
        {
            var data = new TheoryData<string, Reduction>();
            foreach (var c in Catalog.Cases.Where(c => c.Kind == LossKind.Elementwise))
                foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
                    data.Add(c.Id, reduction);
            return data;
        }
    }

    /// <summary>
    /// The elementwise losses whose gradient holds a detached term constant: complete_box_iou_loss's alpha. Their Hessian
    /// is the derivative of the gradient with alpha still held constant (what PyTorch's double backward computes too,
    /// checked by the hess fixtures), not the derivative of the generated gradient as a function of the point.
    /// </summary>
    private static readonly HashSet<string> s_detached = new() { "complete_box_iou_loss" };

    public static TheoryData<string, Reduction> Differentiable
    {
        get
        {
            var data = new TheoryData<string, Reduction>();
            foreach (var row in Data)
                if (!s_detached.Contains(Catalog.GetCase((string)row[0]).Name)) data.Add((string)row[0], (Reduction)row[1]);
            return data;
        }
    }

    private static LossCall<T> Hessian<T>(LossCase c, T[]?[] inputs, Reduction reduction, T[]? weight, T[]? upstream, HessianPolicy policy = default)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var call = new LossCall<T>
        {
            Inputs = inputs, Options = c.Options, Reduction = reduction, Weight = weight, GradOutput = upstream,
            WantGradients = true, WantHessians = true, HessianPolicy = policy.Kind == HessianPolicyKind.Default ? HessianPolicy.AsDerived : policy,
        };
        if (typeof(T) == typeof(float)) c.Definition.Evaluate((LossCall<float>)(object)call);
        else c.Definition.Evaluate((LossCall<double>)(object)call);
        return call;
    }

    [Fact]
    public void EveryElementwiseLossHasHessians_AndNoRowLossDoes()
    {
        foreach (var d in Catalog.Definitions)
            Assert.True(d.HasHessians == (d.Kind == LossKind.Elementwise), d.Name);
        var ce = Catalog.Get("cross_entropy");
        var call = new LossCall<double> { Inputs = [[1, 2, 3], [0], null], RowLength = 3, WantHessians = true };
        Assert.Throws<NotSupportedException>(() => ce.Evaluate(call));
    }

    [Theory]
    [MemberData(nameof(Differentiable))]
    public void HessianDiagonalsMatchCentralDifferencesOfTheGradient(string id, Reduction reduction)
    {
        var c = Catalog.GetCase(id);
        var rng = new Random(GradientCheckTests.Seed("hess" + id + reduction));
        var failures = new List<string>();
        int checkedCount = 0, point = 0;
        foreach (int n in new[] { 7, 13, 3, 21, 37 })
        {
            point++;
            var inputs = Catalog.Generate(c, rng, n);
            double[]? weight = point % 2 == 0 ? Catalog.Weights(rng, n) : null;
            double[]? upstream = reduction == Reduction.None ? Catalog.Upstream(rng, n) : null;
            var fused = Hessian(c, inputs, reduction, weight, upstream);
            var plain = Catalog.Evaluate(c, inputs, reduction, 0, weight, gradients: true, gradOutput: upstream);

            // The fused pass computes the same value, output and gradients as ForwardBackward.
            Assert.True(GradientCheckTests.Close(fused.Value, plain.Value, 1e-14, 1e-300), $"{id} {reduction}: value {fused.Value:R} != {plain.Value:R}");
            if (reduction == Reduction.None) Assert.Equal(plain.Output!, fused.Output!);
            for (int k = 0; k < c.Definition.Inputs.Count; k++)
            {
                if (!c.Definition.Inputs[k].Differentiable) { Assert.Null(fused.Hessians![k]); continue; }
                Assert.Equal(plain.Gradients![k]!, fused.Gradients![k]!);
                var hess = fused.Hessians![k]!;
                Assert.Equal(n, hess.Length);
                for (int i = 0; i < n; i++)
                {
                    double x = inputs[k]![i];
                    double h = 1e-5 * Math.Max(1, Math.Abs(x));
                    var plus = inputs.Select(a => a?.ToArray()).ToArray();
                    var minus = inputs.Select(a => a?.ToArray()).ToArray();
                    plus[k]![i] = x + h;
                    minus[k]![i] = x - h;
                    double hp = plus[k]![i] - x, hm = x - minus[k]![i];
                    double gp = Catalog.Evaluate(c, plus, reduction, 0, weight, gradients: true, gradOutput: upstream).Gradients![k]![i];
                    double gm = Catalog.Evaluate(c, minus, reduction, 0, weight, gradients: true, gradOutput: upstream).Gradients![k]![i];
                    double numeric = (gp - gm) / (hp + hm);
                    double g = Math.Abs(plain.Gradients![k]![i]);
                    double tolerance = 1e-5 * Math.Max(Math.Abs(numeric), Math.Abs(hess[i])) + 1e-7 * (1 + g);
                    checkedCount++;
                    if (!(Math.Abs(numeric - hess[i]) <= tolerance))
                        failures.Add($"point {point} (n={n}) d2/d{c.Definition.Inputs[k].Name}[{i}]2 at " +
                            $"[{string.Join(", ", inputs.Select(a => a is null ? "null" : a[i].ToString("R")))}]{(weight is null ? "" : $" w={weight[i]:R}")}: " +
                            $"generated {hess[i]:R}, central difference of the gradient {numeric:R}");
                }
            }
        }
        Assert.True(checkedCount > 0);
        Assert.True(failures.Count == 0, $"{id} {reduction}: {failures.Count} of {checkedCount} second derivatives differ:\n" + string.Join("\n", failures.Take(12)));
    }

    [Theory]
    [MemberData(nameof(Data))]
    public void FloatHessiansAgreeWithDouble(string id, Reduction reduction)
    {
        var c = Catalog.GetCase(id);
        var rng = new Random(GradientCheckTests.Seed("hessf" + id + reduction));
        const int n = 37;
        var inputs = Catalog.Generate(c, rng, n);
        // round to float first, so that both compute at the same point
        var rounded = inputs.Select(a => a is null ? null : Array.ConvertAll(a, v => (double)(float)v)).ToArray();
        double[]? upstream = reduction == Reduction.None ? Catalog.Upstream(rng, n).Select(v => (double)(float)v).ToArray() : null;
        var d = Hessian(c, rounded, reduction, null, upstream);
        var f = Hessian(c, rounded.Select(Catalog.Convert<float>).ToArray(), reduction, null, Catalog.Convert<float>(upstream));
        for (int k = 0; k < c.Definition.Inputs.Count; k++)
        {
            if (!c.Definition.Inputs[k].Differentiable) continue;
            double scale = d.Hessians![k]!.Max(Math.Abs);
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(f.Hessians![k]![i] - d.Hessians![k]![i]) <= 2e-3 * Math.Abs(d.Hessians[k]![i]) + 1e-4 * scale + 1e-6,
                    $"{id} {reduction} d2/d{c.Definition.Inputs[k].Name}[{i}]2: float {f.Hessians[k]![i]:R}, double {d.Hessians[k]![i]:R}");
        }
    }

    [Fact]
    public void Policies_ClampAndConstant_ApplyPerElement_BeforeTheScale()
    {
        var c = new LossCase("tukey", Catalog.Get("tukey_biweight_loss"), null);
        double[] input = [0.0, 1.0, 2.5, 3.0, 4.0, 5.0, 10.0, -3.0, 0.5];
        double[] target = new double[input.Length];
        int n = input.Length;
        var derived = Hessian(c, [input, target], Reduction.Sum, null, null, HessianPolicy.AsDerived).Hessians![0]!;
        Assert.Contains(derived, h => h < 0);       // Tukey is not convex
        Assert.Contains(derived, h => h == 0);      // and flat beyond c
        var clamped = Hessian(c, [input, target], Reduction.Sum, null, null, HessianPolicy.ClampedTo(0.25)).Hessians![0]!;
        Assert.Equal(derived.Select(h => Math.Max(h, 0.25)).ToArray(), clamped);
        var mean = Hessian(c, [input, target], Reduction.Mean, null, null, HessianPolicy.Constant(2)).Hessians![0]!;
        Assert.All(mean, h => Assert.Equal(2.0 / n, h, 15));
        double[] weight = Enumerable.Range(1, n).Select(i => (double)i).ToArray();
        var weighted = Hessian(c, [input, target], Reduction.Sum, weight, null, HessianPolicy.ClampedTo(0.25)).Hessians![0]!;
        Assert.Equal(clamped.Select((h, i) => h * weight[i]).ToArray(), weighted);

        var l1 = new LossCase("l1", Catalog.Get("l1_loss"), null);
        double[] x = [-2, -1, 0.5, 3], y = [0, 0, 0, 0];
        Assert.All(Hessian(l1, [x, y], Reduction.Sum, null, null, HessianPolicy.AsDerived).Hessians![0]!, h => Assert.Equal(0.0, h));
        Assert.All(Hessian(l1, [x, y], Reduction.Sum, null, null, HessianPolicy.Constant(1)).Hessians![0]!, h => Assert.Equal(1.0, h));
    }

    [Fact]
    public void HessianPolicy_RefusesBadValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HessianPolicy.ClampedTo(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => HessianPolicy.ClampedTo(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => HessianPolicy.Constant(0));
        Assert.Equal(HessianPolicyKind.Default, default(HessianPolicy).Kind);
        Assert.Equal(HessianPolicy.Constant(1), default(HessianPolicy).Or(HessianPolicy.Constant(1)));
        Assert.Equal(HessianPolicy.AsDerived, HessianPolicy.AsDerived.Or(HessianPolicy.Constant(1)));
    }

    [Fact]
    public void TypedApi_GradientHessian_FloatAndDouble_ReducedAndPerElement_AllocatesNothing()
    {
        // BCE with logits: d2L/dx2 = sigmoid(x) (1 - sigmoid(x)), whatever the target.
        float[] x = Enumerable.Range(0, 37).Select(i => (i - 18) / 4f).ToArray();
        float[] y = x.Select((_, i) => (i % 3) / 2f).ToArray();
        float[] g = new float[x.Length], h = new float[x.Length], output = new float[x.Length], upstream = Enumerable.Repeat(1f, x.Length).ToArray();
        float loss = BinaryCrossEntropyWithLogits.GradientHessian(x, y, g, h, default, default, Reduction.Sum);
        Assert.Equal(BinaryCrossEntropyWithLogits.Forward(x, y, Reduction.Sum), loss, 3);
        for (int i = 0; i < x.Length; i++)
        {
            double s = 1 / (1 + Math.Exp(-x[i]));
            Assert.True(Math.Abs(s * (1 - s) - h[i]) <= 1e-6, $"h[{i}] = {h[i]}, sigmoid'(x) = {s * (1 - s)}");
            Assert.True(Math.Abs(s - y[i] - g[i]) <= 1e-6, $"g[{i}] = {g[i]}, sigmoid(x) - y = {s - y[i]}");
        }
        BinaryCrossEntropyWithLogits.GradientHessian(x, y, output, upstream, g, h, default, default);
        double[] xd = x.Select(v => (double)v).ToArray(), yd = y.Select(v => (double)v).ToArray(), gd = new double[x.Length], hd = new double[x.Length];
        _ = BinaryCrossEntropyWithLogits.GradientHessian(xd, yd, gd, hd, default, default, hessianPolicy: HessianPolicy.ClampedTo(0.1));
        Assert.All(hd, v => Assert.True(v >= 0.1 / x.Length - 1e-17));
        for (int warm = 0; warm < 3; warm++) BinaryCrossEntropyWithLogits.GradientHessian(x, y, g, h, default, default);
        long before = GC.GetAllocatedBytesForCurrentThread();
        BinaryCrossEntropyWithLogits.GradientHessian(x, y, g, h, default, default);
        BinaryCrossEntropyWithLogits.GradientHessian(xd, yd, gd, hd, default, default, Reduction.Mean);
        BinaryCrossEntropyWithLogits.GradientHessian(x, y, output, upstream, g, h, default, default);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
