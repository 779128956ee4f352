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
        // ignore_index 1 is a valid class: rows of class 1 are left out, and -100 becomes an out-of-range index.
        ("cross_entropy", "ignore_index1", new[] { 1.0, 0.0 }),
        ("cross_entropy", "label_smoothing0.2", new[] { -100.0, 0.2 }),
        ("nll_loss", "ignore_index1", new[] { 1.0 }),
        // gamma 0 is plain weighted cross entropy (the pow's derivative is masked); gamma below 1 is left out: with one
        // class p = 1 exactly and (1 - p)^gamma has an infinite derivative there (0 * inf = NaN, as in torch's autograd).
        ("softmax_focal_loss", "gamma0", new[] { 0.0 }),
        ("softmax_focal_loss", "gamma1.5", new[] { 1.5 }),
        ("multi_margin_loss", "p2", new[] { 2.0, 1.0 }),
        ("multi_margin_loss", "margin0.5", new[] { 1.0, 0.5 }),
        ("cosine_embedding_loss", "margin0.5", new[] { 0.5 }),
        ("cosine_embedding_loss", "margin-0.3", new[] { -0.3 }),
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
    /// Losses that subscript by the row's own number (<c>sim[row]</c>, info_nce): they need a column for every row,
    /// rows &lt;= rowLength, and refuse other shapes as PyTorch does.
    /// </summary>
    public static bool NeedsAColumnPerRow(LossCase c) => c.Name is "info_nce";

    /// <summary>How many values an input of this kind holds for <paramref name="n"/> elements in rows of <paramref name="rowLength"/>.</summary>
    public static int Length(LossInput input, int n, int rowLength) => input.Kind switch
    {
        LossInputKind.Element => n,
        LossInputKind.Class => rowLength,
        LossInputKind.Labels => rowLength > 0 ? LabelWidth * (n / rowLength) : 0,
        _ => rowLength > 0 ? n / rowLength : 0, // Row, Index: one per row
    };

    /// <summary>The number of labels per row generated for a labels input.</summary>
    public const int LabelWidth = 2;

    /// <summary>The value of an input that applies at element <paramref name="i"/>.</summary>
    public static double At(LossInput input, double[] values, int i, int rowLength) => input.Kind switch
    {
        LossInputKind.Element => values[i],
        LossInputKind.Class => values[i % rowLength],
        _ => values[i / rowLength],
    };

    /// <summary>Whether the loss has an input that is not one value per element (so it needs a row length to generate).</summary>
    public static bool HasKindedInputs(ILossDefinition d) => d.Inputs.Any(i => i.Kind != LossInputKind.Element);

    /// <summary>The index input with an except option (rows to leave out), if any: (input position, except value).</summary>
    public static (int Position, double Value)? Except(LossCase c)
    {
        for (int k = 0; k < c.Definition.Inputs.Count; k++)
            if (c.Definition.Inputs[k] is { Kind: LossInputKind.Index, Except: { } option }) return (k, c.Option(option));
        return null;
    }

    /// <summary>
    /// The inputs of one point (one array per declared input, null for an optional input left out),
    /// inside the loss's domain and away from its kinks. Each input is sized by its kind: one value per element, per
    /// row (<c>n / rowLength</c>), per class (<c>rowLength</c>) or a class index per row. Default: normal(0, 1) for
    /// element and row inputs, positive weights for class inputs (an optional one sometimes left out), random class
    /// indices (sometimes the except value, when the loss has one, but never on every row) for index inputs.
    /// <paramref name="edges"/> also allows points on special branches with no usable derivative (a zero kl_div target).
    /// </summary>
    public static double[]?[] Generate(LossCase c, Random r, int n, bool edges = false, int rowLength = 0)
    {
        if (HasKindedInputs(c.Definition))
            Assert.True(rowLength > 0 && n % rowLength == 0,
                $"{c.Id} has class, row or index inputs: generate it with a row length dividing {n} (got {rowLength})");
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
            "probit_loss" => [Fill(n, () => 3 * Normal(r)), Fill(n, () => U(r, 0, 1))],
            "student_t_nll_loss" => [Fill(n, () => Normal(r)), Fill(n, () => 2 * Normal(r)), Fill(n, () => U(r, 0.3, 3)), Fill(n, () => U(r, 0.5, 20))],
            "negative_binomial_nll_loss" => [Fill(n, () => U(r, 0.3, 10)), Fill(n, () => r.Next(12)), Fill(n, () => U(r, 0.3, 10))],
            "iou_loss" or "generalized_box_iou_loss" or "distance_box_iou_loss" or "complete_box_iou_loss" => Boxes(r, n),
            "multi_margin_loss" => MultiMargin(c, r, n, rowLength),
            "multilabel_margin_loss" => MultilabelMargin(c, r, n, rowLength),
            "ctc_loss" => Ctc(c, r, n, rowLength),
            "multilabel_soft_margin_loss" =>
                [Fill(n, () => Normal(r)), Fill(n, () => r.Next(2)), ByKind(c, 2, r, n, rowLength)],
            "cross_entropy_probs" => [Fill(n, () => Normal(r)), Probabilities(r, n, rowLength), ByKind(c, 2, r, n, rowLength)],
            "cosine_embedding_loss" => CosineEmbedding(r, n, rowLength, c.Option("margin")),
            // cross_entropy, nll_loss, softmax_focal_loss and every loss without a generator of its own: by kind.
            _ => Enumerable.Range(0, c.Definition.Inputs.Count).Select(k => ByKind(c, k, r, n, rowLength)).ToArray(),
        };
        Assert.Equal(c.Definition.Inputs.Count, inputs.Length);
        for (int k = 0; k < inputs.Length; k++)
        {
            var input = c.Definition.Inputs[k];
            if (inputs[k] is null) Assert.True(input.Default is not null, $"{c.Id}: required input {input.Name} generated as null");
            else Assert.True(inputs[k]!.Length == Length(input, n, rowLength),
                $"{c.Id}: input {input.Name} ({input.Kind}) generated with {inputs[k]!.Length} values, expected {Length(input, n, rowLength)}");
        }
        return inputs;
    }

    /// <summary>
    /// ctc_loss with its options (by default one class, the blank): log-probabilities, padded labels (of the classes
    /// other than the blank; none when there are none), input lengths 0..T, target lengths that fit (T = rowLength / classes).
    /// </summary>
    private static double[]?[] Ctc(LossCase c, Random r, int n, int rowLength)
    {
        int classes = (int)c.Option("classes"), blank = (int)c.Option("blank"), rows = n / rowLength, time = rowLength / classes;
        var labels = Fill(rows * LabelWidth, () => classes == 1 ? 0 : (blank + 1 + r.Next(classes - 1)) % classes);
        var inputLengths = Fill(rows, () => r.Next(time + 1));
        var targetLengths = new double[rows];
        for (int row = 0; row < rows; row++)
            targetLengths[row] = classes == 1 ? 0 : Math.Min(LabelWidth, r.Next((int)inputLengths[row] / 2 + 1));
        return [Fill(n, () => Normal(r) - 2), labels, inputLengths, targetLengths];
    }

    /// <summary>The default generator of input <paramref name="k"/>, by its kind.</summary>
    private static double[]? ByKind(LossCase c, int k, Random r, int n, int rowLength)
    {
        var input = c.Definition.Inputs[k];
        int rows = Length(input, n, rowLength);
        return input.Kind switch
        {
            LossInputKind.Element => input.Default is null ? Fill(n, () => Normal(r)) : null,
            LossInputKind.Row => input.Default is not null && r.Next(3) == 0 ? null : Fill(rows, () => Normal(r)),
            // Class inputs are per-class weights (weight, alpha): positive.
            LossInputKind.Class => input.Default is not null && r.Next(3) == 0 ? null : Fill(rowLength, () => U(r, 0.5, 1.5)),
            LossInputKind.Index => Indices(r, rows, rowLength, input.Except is null ? null : c.Option(input.Except)),
            _ => throw new ArgumentOutOfRangeException(nameof(k), input.Kind, "unknown input kind"),
        };
    }

    /// <summary>
    /// One class index in [0, rowLength) per row; when the loss has an except value, about a quarter of the rows get it
    /// (left out), but at least one row is kept (so that a mean over the kept rows is defined).
    /// </summary>
    public static double[] Indices(Random r, int rows, int rowLength, double? except)
    {
        var a = Fill(rows, () => r.Next(rowLength));
        if (except is not { } e) return a;
        for (int i = 0; i < rows; i++)
            if (r.Next(4) == 0) a[i] = e;
        if (rows > 0 && a.All(v => v == e))
        {
            var kept = Enumerable.Range(0, rowLength).Where(j => j != e).ToArray();
            if (kept.Length > 0) a[r.Next(rows)] = kept[r.Next(kept.Length)];
        }
        return a;
    }

    /// <summary>Per-row probability targets: positive, summing to 1 over each row.</summary>
    private static double[] Probabilities(Random r, int n, int rowLength)
    {
        var p = Fill(n, () => U(r, 0.05, 1));
        for (int start = 0; start < n; start += rowLength)
        {
            double s = 0;
            for (int j = start; j < start + rowLength; j++) s += p[j];
            for (int j = start; j < start + rowLength; j++) p[j] /= s;
        }
        return p;
    }

    /// <summary>
    /// multi_margin_loss: class indices and weights by kind; in each row, every other class's margin term
    /// margin - x[t] + x[j] is at least 0.1 away from 0 (its kink), either side.
    /// </summary>
    private static double[]?[] MultiMargin(LossCase c, Random r, int n, int rowLength)
    {
        double margin = c.Option("margin");
        var target = ByKind(c, 1, r, n, rowLength)!;
        var weight = ByKind(c, 2, r, n, rowLength);
        var input = new double[n];
        for (int row = 0; row < target.Length; row++)
        {
            int start = row * rowLength, t = (int)target[row];
            double xt = Normal(r);
            for (int j = 0; j < rowLength; j++)
                input[start + j] = j == t ? xt : xt - margin + Away(r, 0.1, 2);
        }
        return [input, target, weight];
    }

    /// <summary>
    /// multilabel_margin_loss (input, target): per row and class, how many times the class is a target (0, 1 or 2, at
    /// least one target per row); the targets share one score x_t and every other class's term 1 - x_t + x_j is at
    /// least 0.1 away from 0 (its kink), either side.
    /// </summary>
    private static double[]?[] MultilabelMargin(LossCase c, Random r, int n, int rowLength)
    {
        var target = new double[n];
        var input = new double[n];
        for (int start = 0; start < n; start += rowLength)
        {
            double xt = Normal(r);
            int first = r.Next(rowLength);
            for (int j = 0; j < rowLength; j++)
            {
                target[start + j] = j == first ? 1 + r.Next(2) : r.Next(3) == 0 ? 1 : 0;
                input[start + j] = target[start + j] > 0 ? xt : xt - 1 + Away(r, 0.1, 2);
            }
        }
        return [input, target];
    }

    /// <summary>
    /// cosine_embedding_loss: a ±1 target per row; where it is -1 (loss max(cos - margin, 0)) the row's cosine is
    /// kept at least 0.05 from the margin (regenerating the row's second input until it is).
    /// </summary>
    private static double[]?[] CosineEmbedding(Random r, int n, int rowLength, double margin)
    {
        var input1 = Fill(n, () => Normal(r));
        var input2 = Fill(n, () => Normal(r));
        var target = Fill(n / rowLength, () => Sign(r));
        for (int row = 0; row < target.Length; row++)
        {
            int start = row * rowLength;
            for (int attempt = 0; target[row] < 0 && Math.Abs(Cosine(input1, input2, start, rowLength) - margin) < 0.05; attempt++)
            {
                Assert.True(attempt < 1000, $"no row with cos away from the margin {margin} (row length {rowLength})");
                for (int j = start; j < start + rowLength; j++) input2[j] = Normal(r);
            }
        }
        return [input1, input2, target];
    }

    private static double Cosine(double[] a, double[] b, int start, int length)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int j = start; j < start + length; j++) { ab += a[j] * b[j]; aa += a[j] * a[j]; bb += b[j] * b[j]; }
        return ab / Math.Sqrt((aa + 1e-12) * (bb + 1e-12));
    }

    /// <summary>
    /// Two valid boxes per element (x1 &lt; x2, y1 &lt; y2), as the inputs boxes1_x1, boxes1_y1, boxes1_x2, boxes1_y2,
    /// boxes2_x1, ..., boxes2_y2. On each axis the four coordinates are distinct, at least 0.2 apart, and arranged as
    /// disjoint, partly overlapping or nested intervals (boxes swapped at random): so no max/min of the formulas is at a
    /// tie and the intersection is never at its boundary (empty or not by at least 0.2); the boxes overlap in about
    /// half of the elements.
    /// </summary>
    private static double[]?[] Boxes(Random r, int n)
    {
        var b = new double[8][];
        for (int k = 0; k < 8; k++) b[k] = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int axis = 0; axis < 2; axis++)
            {
                var v = new double[4];
                v[0] = 2 * Normal(r);
                for (int j = 1; j < 4; j++) v[j] = v[j - 1] + U(r, 0.2, 2);
                // (lo1, hi1, lo2, hi2): disjoint, partly overlapping, nested.
                var (lo1, hi1, lo2, hi2) = r.Next(4) switch
                {
                    0 => (v[0], v[1], v[2], v[3]),
                    1 or 2 => (v[0], v[2], v[1], v[3]),
                    _ => (v[0], v[3], v[1], v[2]),
                };
                if (r.Next(2) == 0) (lo1, hi1, lo2, hi2) = (lo2, hi2, lo1, hi1);
                b[axis][i] = lo1;       // boxes1_x1 / boxes1_y1
                b[axis + 2][i] = hi1;   // boxes1_x2 / boxes1_y2
                b[axis + 4][i] = lo2;   // boxes2_x1 / boxes2_y1
                b[axis + 6][i] = hi2;   // boxes2_x2 / boxes2_y2
            }
        }
        return b;
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
