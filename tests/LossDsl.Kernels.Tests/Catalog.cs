using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>One loss with one choice of options (null = the defaults).</summary>
public sealed record LossCase(string Id, ILossDefinition Definition, double[]? Options)
{
    public string Name => Definition.Name;
    public LossKind Kind => Definition.Kind;
    public double Option(string name)
    {
        var options = Definition.Options;
        for (int i = 0; i < options.Count; i++)
            if (options[i].Name == name) return Options is null ? options[i].Default : Options[i];
        throw new ArgumentException($"{Definition.Name} has no option {name}");
    }
}

/// <summary>
/// Every registered loss, the non-default option sets worth testing, and per-loss input generators that keep points
/// inside each loss's domain and away from its kinks (so that finite differences are meaningful).
/// </summary>
public static class Catalog
{
    static Catalog()
    {
        RuntimeHelpers.RunModuleConstructor(typeof(LossDsl.Losses.MseLoss).Module.ModuleHandle);
    }

    public static IReadOnlyList<ILossDefinition> Definitions
    {
        get
        {
            RuntimeHelpers.RunModuleConstructor(typeof(LossDsl.Losses.MseLoss).Module.ModuleHandle);
            return LossRegistry.All;
        }
    }

    public static ILossDefinition Get(string name)
    {
        _ = Definitions;
        Assert.True(LossRegistry.TryGet(name, out var d), $"loss {name} is not registered");
        return d;
    }

    /// <summary>Non-default options worth a separate run (in declaration order of the loss's options).</summary>
    private static readonly (string Loss, string Label, double[] Options)[] s_variants =
    {
        ("gaussian_nll_loss", "full", new[] { 1.0, 1e-6 }),
        ("kl_div", "log_target", new[] { 1.0 }),
        ("poisson_nll_loss", "no_log_input", new[] { 0.0, 0.0, 1e-8 }),
        ("poisson_nll_loss", "full", new[] { 1.0, 1.0, 1e-8 }),
        ("poisson_nll_loss", "no_log_input_full", new[] { 0.0, 1.0, 1e-8 }),
        ("huber_loss", "delta2", new[] { 2.0 }),
        ("smooth_l1_loss", "beta0", new[] { 0.0 }),
        ("smooth_l1_loss", "beta0.5", new[] { 0.5 }),
        ("sigmoid_focal_loss", "alpha-1", new[] { -1.0, 2.0 }),
        ("sigmoid_focal_loss", "gamma1.5", new[] { 0.5, 1.5 }),
        ("hinge_embedding_loss", "margin0.5", new[] { 0.5 }),
        ("margin_ranking_loss", "margin0.5", new[] { 0.5 }),
        ("tukey_biweight_loss", "c2", new[] { 2.0 }),
    };

    public static IReadOnlyList<LossCase> Cases
    {
        get
        {
            var list = new List<LossCase>();
            foreach (var d in Definitions)
            {
                list.Add(new LossCase(d.Name, d, null));
                foreach (var v in s_variants)
                    if (v.Loss == d.Name) list.Add(new LossCase($"{d.Name}[{v.Label}]", d, v.Options));
            }
            return list;
        }
    }

    public static LossCase GetCase(string id)
    {
        var c = Cases.FirstOrDefault(c => c.Id == id);
        Assert.NotNull(c);
        return c!;
    }

    public static TheoryData<string> CaseIds
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in Cases) data.Add(c.Id);
            return data;
        }
    }

    public static TheoryData<string> LossNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var d in Definitions) data.Add(d.Name);
            return data;
        }
    }

    // ---- input generators ----

    private static double Normal(Random r)
    {
        double u1 = 1.0 - r.NextDouble(), u2 = r.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double U(Random r, double lo, double hi) => lo + (hi - lo) * r.NextDouble();
    private static double Sign(Random r) => r.Next(2) == 0 ? -1.0 : 1.0;
    /// <summary>±uniform(lo, hi): a distance from a kink of at least lo.</summary>
    private static double Away(Random r, double lo, double hi) => Sign(r) * U(r, lo, hi);
    /// <summary>A distance from 0 that is away from both 0 and ±scale (a kink at |d| = scale).</summary>
    private static double AwayFromScale(Random r, double scale) =>
        Sign(r) * scale * (r.Next(2) == 0 ? U(r, 0.05, 0.9) : U(r, 1.1, 3.0));

    private static double[] Fill(int n, Func<double> f)
    {
        var a = new double[n];
        for (int i = 0; i < n; i++) a[i] = f();
        return a;
    }

    /// <summary>
    /// The inputs of one point (one array per declared input, null for an optional input left out),
    /// inside the loss's domain and away from its kinks. Default: normal(0, 1) for every input.
    /// <paramref name="edges"/> also allows points on special branches with no usable derivative (a zero kl_div target).
    /// </summary>
    public static double[]?[] Generate(LossCase c, Random r, int n, bool edges = false)
    {
        double[]?[] inputs = c.Name switch
        {
            "binary_cross_entropy" => [Fill(n, () => U(r, 0.05, 0.95)), Fill(n, () => U(r, 0, 1))],
            "binary_cross_entropy_with_logits" =>
                [Fill(n, () => Normal(r)), Fill(n, () => U(r, 0, 1)), r.Next(3) == 0 ? null : Fill(n, () => U(r, 0.5, 2))],
            "gaussian_nll_loss" => [Fill(n, () => Normal(r)), Fill(n, () => Normal(r)), Fill(n, () => U(r, 0.5, 2))],
            "hinge" or "squared_hinge" => Hinge(r, n),
            "hinge_embedding_loss" => HingeEmbedding(r, n, c.Option("margin")),
            "huber_loss" => Difference(r, n, c.Option("delta")),
            "smooth_l1_loss" => Difference(r, n, c.Option("beta") == 0 ? 1.0 : c.Option("beta")),
            "l1_loss" => Difference(r, n, 1.0),
            "kl_div" => c.Option("log_target") != 0
                ? [Fill(n, () => Normal(r) - 1), Fill(n, () => Math.Log(U(r, 0.05, 1)))]
                : [Fill(n, () => Normal(r) - 1), Fill(n, () => edges && r.Next(8) == 0 ? 0.0 : U(r, 0.05, 1))],
            "margin_ranking_loss" => MarginRanking(r, n, c.Option("margin")),
            "mean_absolute_percentage_error" => Mape(r, n),
            "mean_squared_logarithmic_error" => [Fill(n, () => U(r, 0.1, 3)), Fill(n, () => U(r, 0.1, 3))],
            "poisson" => [Fill(n, () => U(r, 0.1, 3)), Fill(n, () => U(r, 0, 3))],
            "poisson_nll_loss" => c.Option("log_input") != 0
                ? [Fill(n, () => Normal(r)), Fill(n, () => U(r, 0, 4))]
                : [Fill(n, () => U(r, 0.1, 3)), Fill(n, () => U(r, 0, 4))],
            "sigmoid_focal_loss" => [Fill(n, () => Normal(r)), Fill(n, () => U(r, 0, 1))],
            "soft_margin_loss" => [Fill(n, () => Normal(r)), Fill(n, () => Sign(r))],
            "tukey_biweight_loss" => Tukey(r, n, c.Option("c")),
            _ => c.Definition.Inputs.Select(input => input.Default is null ? Fill(n, () => Normal(r)) : null).ToArray(),
        };
        Assert.Equal(c.Definition.Inputs.Count, inputs.Length);
        return inputs;
    }

    private static double[]?[] Difference(Random r, int n, double scale)
    {
        var target = Fill(n, () => Normal(r));
        var input = new double[n];
        for (int i = 0; i < n; i++) input[i] = target[i] + AwayFromScale(r, scale);
        return [input, target];
    }

    private static double[]?[] Hinge(Random r, int n)
    {
        // Labels -1, 0 (read as -1) and 1; 1 - y * y_pred kept away from 0.
        var yTrue = Fill(n, () => r.Next(3) - 1.0);
        var yPred = new double[n];
        for (int i = 0; i < n; i++)
        {
            double y = yTrue[i] == 0 ? -1 : yTrue[i];
            yPred[i] = y * (1 + Away(r, 0.1, 1.5));
        }
        return [yPred, yTrue];
    }

    private static double[]?[] HingeEmbedding(Random r, int n, double margin)
    {
        var target = Fill(n, () => Sign(r));
        var input = Fill(n, () => margin + Away(r, 0.1, 2));
        return [input, target];
    }

    private static double[]?[] MarginRanking(Random r, int n, double margin)
    {
        // Kink where -t (x1 - x2) + margin = 0, i.e. x1 - x2 = margin * t.
        var target = Fill(n, () => Sign(r));
        var input2 = Fill(n, () => Normal(r));
        var input1 = new double[n];
        for (int i = 0; i < n; i++) input1[i] = input2[i] + margin * target[i] + Away(r, 0.1, 2);
        return [input1, input2, target];
    }

    private static double[]?[] Mape(Random r, int n)
    {
        var yTrue = Fill(n, () => Away(r, 0.5, 3));
        var yPred = new double[n];
        for (int i = 0; i < n; i++) yPred[i] = yTrue[i] + Away(r, 0.1, 2);
        return [yPred, yTrue];
    }

    private static double[]?[] Tukey(Random r, int n, double c)
    {
        var target = Fill(n, () => Normal(r));
        var input = new double[n];
        for (int i = 0; i < n; i++)
            input[i] = target[i] + Sign(r) * c * (r.Next(4) == 0 ? U(r, 1.1, 1.5) : U(r, 0.02, 0.9));
        return [input, target];
    }

    public static double[] Weights(Random r, int n) => Fill(n, () => U(r, 0.5, 1.5));
    public static double[] Upstream(Random r, int n) => Fill(n, () => U(r, -2, 2));

    public static T[]? Convert<T>(double[]? a) where T : IBinaryFloatingPointIeee754<T> =>
        a is null ? null : Array.ConvertAll(a, T.CreateTruncating);

    /// <summary>The typed-API name of an input: snake_case to camelCase.</summary>
    public static string CamelCase(string snake)
    {
        var parts = snake.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }

    public static LossCall<T> Evaluate<T>(LossCase c, T[]?[] inputs, Reduction reduction, int rowLength = 0,
        T[]? weight = null, bool gradients = false, T[]? gradOutput = null) where T : IBinaryFloatingPointIeee754<T>
    {
        var call = new LossCall<T>
        {
            Inputs = inputs,
            Options = c.Options,
            Reduction = reduction,
            RowLength = rowLength,
            Weight = weight,
            WantGradients = gradients,
            GradOutput = gradOutput,
        };
        if (typeof(T) == typeof(float)) c.Definition.Evaluate((LossCall<float>)(object)call);
        else c.Definition.Evaluate((LossCall<double>)(object)call);
        return call;
    }
}
