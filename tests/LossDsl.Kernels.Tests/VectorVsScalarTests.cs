using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// For every length 0..300 (and every row length dividing it, for row losses): the vectorised kernels (Vector512/256/128
/// bodies, overlapping tails, masked tail sums, four accumulators) give what the scalar body gives element by element.
/// The reference runs the same loss on each element alone (length 1, so the scalar body) and combines the results in
/// double. Row losses are all c * mean(...) of their row, so a row's value is the mean of its elements' values alone
/// (row length 1) and an element's gradient is its gradient alone divided by the row length.
/// </summary>
public class VectorVsScalarTests
{
    private const int MaxLength = 300;

    // The row and whole losses this reference can model: c * mean(...) of their row, and rmse. The others (softmax,
    // norms, max, several aggregates) are checked on every SIMD path by the conformance fixtures, which CI runs again
    // with DOTNET_EnableAVX512=0, DOTNET_EnableAVX=0 and DOTNET_EnableHWIntrinsic=0.
    private static readonly HashSet<string> s_rowMeans = new()
    {
        "hinge", "log_cosh", "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "poisson", "squared_hinge", "rmse",
    };
    private const double Ulps = 32;

    public static TheoryData<string, string> Data
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var c in Catalog.Cases.Where(c => c.Kind == LossKind.Elementwise || s_rowMeans.Contains(c.Name)))
                foreach (var type in new[] { "float", "double" })
                    data.Add(c.Id, type);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Data))]
    public void KernelsMatchPerElementComputation(string id, string type)
    {
        var c = Catalog.GetCase(id);
        var failures = type == "float" ? Check<float>(c, 1.1920929e-7) : Check<double>(c, 2.220446049250313e-16);
        Assert.True(failures.Count == 0,
            $"{id} ({type}): {failures.Count} mismatches; first ones:\n" + string.Join("\n", failures.Take(15)));
    }

    private sealed record ElementReference(double[] Value, double[]?[] Gradient);

    private static List<string> Check<T>(LossCase c, double eps) where T : IBinaryFloatingPointIeee754<T>
    {
        var rng = new Random(GradientCheckTests.Seed(c.Id + typeof(T).Name));
        var inputs = Catalog.Generate(c, rng, MaxLength, edges: true).Select(Catalog.Convert<T>).ToArray();
        var weight = Catalog.Convert<T>(Catalog.Weights(rng, MaxLength))!;
        var upstream = Catalog.Convert<T>(Catalog.Upstream(rng, MaxLength))!;
        var failures = new List<string>();

        if (c.Kind == LossKind.Whole)
        {
            for (int n = 0; n <= MaxLength; n++) CheckWhole(c, inputs, n, eps, failures);
            return failures;
        }

        var plain = ElementReferences(c, inputs, null);
        var weighted = c.Kind == LossKind.Elementwise ? ElementReferences(c, inputs, weight) : null;
        for (int n = 0; n <= MaxLength; n++)
        {
            var prefix = inputs.Select(a => a?[..n]).ToArray();
            foreach (int rowLength in RowLengths(c.Kind, n))
            {
                CheckOne(c, prefix, n, rowLength, null, plain, upstream, eps, failures);
                if (weighted is not null) CheckOne(c, prefix, n, rowLength, weight[..n], weighted, upstream, eps, failures);
            }
        }
        return failures;
    }

    private static IEnumerable<int> RowLengths(LossKind kind, int n)
    {
        if (kind != LossKind.Row) return [0];
        if (n == 0) return [1, 4];
        return Enumerable.Range(1, n).Where(l => n % l == 0);
    }

    /// <summary>Each element alone (length 1: the scalar body), with its weight, upstream gradient 1.</summary>
    private static ElementReference ElementReferences<T>(LossCase c, T[]?[] inputs, T[]? weight) where T : IBinaryFloatingPointIeee754<T>
    {
        int count = c.Definition.Inputs.Count;
        var value = new double[MaxLength];
        var gradient = new double[]?[count];
        for (int k = 0; k < count; k++) gradient[k] = c.Definition.Inputs[k].Differentiable ? new double[MaxLength] : null;
        for (int i = 0; i < MaxLength; i++)
        {
            var one = inputs.Select(a => a is null ? null : new[] { a[i] }).ToArray();
            var call = Catalog.Evaluate(c, one, Reduction.None, rowLength: 1, weight is null ? null : new[] { weight[i] },
                gradients: true, gradOutput: new[] { T.One });
            value[i] = double.CreateTruncating(call.Output![0]);
            for (int k = 0; k < count; k++)
                if (gradient[k] is not null) gradient[k]![i] = double.CreateTruncating(call.Gradients![k]![0]);
        }
        return new ElementReference(value, gradient);
    }

    private static void CheckOne<T>(LossCase c, T[]?[] inputs, int n, int rowLength, T[]? weight, ElementReference reference,
        T[] upstreamAll, double eps, List<string> failures) where T : IBinaryFloatingPointIeee754<T>
    {
        bool row = c.Kind == LossKind.Row;
        int per = row ? rowLength : 1;
        int rows = row ? (n == 0 ? 0 : n / rowLength) : n;
        string where = $"n={n}{(row ? $", rowLength={rowLength}" : "")}{(weight is null ? "" : ", weighted")}";

        // Reference per row (element, for elementwise losses): value and its tolerance.
        var rowValue = new double[rows];
        var rowTolerance = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double rowSum = 0, abs = 0, floor = 0;
            for (int j = r * per; j < (r + 1) * per; j++)
            {
                double v = reference.Value[j];
                rowSum += v;
                abs += Math.Abs(v);
                floor += Math.Max(1, Math.Abs(v));
            }
            rowValue[r] = rowSum / per;
            rowTolerance[r] = eps * (Ulps * floor + (per + 2) * abs) / per;
        }
        double total = rowValue.Sum();
        double totalTolerance = rowTolerance.Sum() + eps * (rows + 2) * rowValue.Sum(Math.Abs);
        var upstream = upstreamAll[..rows];

        void Value(string what, T actual, double expected, double tolerance)
        {
            double a = double.CreateTruncating(actual);
            if (double.IsNaN(expected) ? !double.IsNaN(a) : !(Math.Abs(a - expected) <= tolerance))
                failures.Add($"{where}: {what} = {a:R}, expected {expected:R} (tolerance {tolerance:G3})");
        }

        void Outputs(string what, T[]? output)
        {
            if (output is null || output.Length != rows) { failures.Add($"{where}: {what} has {output?.Length} values, expected {rows}"); return; }
            for (int r = 0; r < rows; r++) Value($"{what}[{r}]", output[r], rowValue[r], rowTolerance[r]);
        }

        void Gradients(string what, LossCall<T> call, Func<int, double> scaleOfRow)
        {
            if (call.Gradients is null) { failures.Add($"{where}: {what}: no gradients"); return; }
            for (int k = 0; k < c.Definition.Inputs.Count; k++)
            {
                var g = call.Gradients[k];
                var expected = reference.Gradient[k];
                if (expected is null)
                {
                    if (g is not null) failures.Add($"{where}: {what}: a gradient for const input {c.Definition.Inputs[k].Name}");
                    continue;
                }
                if (g is null || g.Length != n) { failures.Add($"{where}: {what}: gradient {k} has {g?.Length} values"); continue; }
                for (int i = 0; i < n; i++)
                {
                    double s = scaleOfRow(i / per);
                    double e = expected[i] * s;
                    double tolerance = Math.Abs(s) * eps * (Ulps * Math.Max(1, Math.Abs(expected[i])) + 4 * Math.Abs(expected[i]));
                    Value($"{what} d/d{c.Definition.Inputs[k].Name}[{i}]", g[i], e, tolerance);
                }
            }
        }

        // Forward only.
        var none = Catalog.Evaluate(c, inputs, Reduction.None, rowLength, weight);
        Outputs("Forward(None) output", none.Output);
        var sum = Catalog.Evaluate(c, inputs, Reduction.Sum, rowLength, weight);
        Value("Forward(Sum)", sum.Value, total, totalTolerance);
        var mean = Catalog.Evaluate(c, inputs, Reduction.Mean, rowLength, weight);
        Value("Forward(Mean)", mean.Value, total / rows, totalTolerance / Math.Max(rows, 1));

        // Forward and backward.
        var gNone = Catalog.Evaluate(c, inputs, Reduction.None, rowLength, weight, gradients: true, gradOutput: upstream);
        Outputs("ForwardBackward(None) output", gNone.Output);
        Gradients("ForwardBackward(None)", gNone, r => double.CreateTruncating(upstream[r]) / per);
        var gSum = Catalog.Evaluate(c, inputs, Reduction.Sum, rowLength, weight, gradients: true);
        Value("ForwardBackward(Sum)", gSum.Value, total, totalTolerance);
        Gradients("ForwardBackward(Sum)", gSum, _ => 1.0 / per);
        var gMean = Catalog.Evaluate(c, inputs, Reduction.Mean, rowLength, weight, gradients: true);
        Value("ForwardBackward(Mean)", gMean.Value, total / rows, totalTolerance / Math.Max(rows, 1));
        Gradients("ForwardBackward(Mean)", gMean, _ => 1.0 / per / rows);
    }

    /// <summary>Losses over the whole input have no per-element form: a direct reference in double.</summary>
    private static void CheckWhole<T>(LossCase c, T[]?[] all, int n, double eps, List<string> failures) where T : IBinaryFloatingPointIeee754<T>
    {
        var inputs = all.Select(a => a?[..n]).ToArray();
        var x = inputs.Select(a => a?.Select(double.CreateTruncating).ToArray()).ToArray();
        double value;
        double[][] gradients;
        switch (c.Name)
        {
            case "rmse":
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += (x[0]![i] - x[1]![i]) * (x[0]![i] - x[1]![i]);
                value = Math.Sqrt(s / n);
                gradients = [new double[n], new double[n]];
                for (int i = 0; i < n; i++)
                {
                    gradients[0][i] = (x[0]![i] - x[1]![i]) / (n * value);
                    gradients[1][i] = -gradients[0][i];
                }
                break;
            }
            default:
                failures.Add($"no reference for the whole-input loss {c.Name}: add one to {nameof(VectorVsScalarTests)}.{nameof(CheckWhole)}");
                return;
        }

        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            foreach (bool wantGradients in new[] { false, true })
            {
                var call = Catalog.Evaluate(c, inputs, reduction, gradients: wantGradients);
                double a = double.CreateTruncating(call.Value);
                double tolerance = eps * (n + 8) * Math.Abs(value);
                if (double.IsNaN(value) ? !double.IsNaN(a) : !(Math.Abs(a - value) <= tolerance))
                    failures.Add($"n={n} {reduction} gradients={wantGradients}: value {a:R}, expected {value:R}");
                if (!wantGradients) continue;
                double max = gradients.SelectMany(g => g).Select(Math.Abs).DefaultIfEmpty(0).Max();
                for (int k = 0; k < gradients.Length; k++)
                    for (int i = 0; i < n; i++)
                    {
                        double g = double.CreateTruncating(call.Gradients![k]![i]);
                        double e = gradients[k][i];
                        if (!(Math.Abs(g - e) <= eps * ((n + 16) * Math.Abs(e) + Ulps * max)))
                            failures.Add($"n={n} {reduction}: d/d{c.Definition.Inputs[k].Name}[{i}] = {g:R}, expected {e:R}");
                    }
            }
        }
    }
}
