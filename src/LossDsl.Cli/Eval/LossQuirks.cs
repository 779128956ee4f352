using System;
using System.Collections.Generic;
using System.Linq;

namespace LossDsl.Cli.Eval;

/// <summary>What one loss needs beyond the generic mapping of a case onto a <see cref="LossCall{T}"/>.</summary>
public sealed record LossQuirk
{
    public static readonly LossQuirk None = new();

    /// <summary>Inputs of the definition that the quirk computes itself (in <see cref="Prepare"/>): a case may not give them.</summary>
    public IReadOnlyCollection<string> Supplies { get; init; } = [];
    /// <summary>Accepts <c>reduction: batchmean</c> (sum, then divide by the input's size(0)).</summary>
    public bool AllowsBatchMean { get; init; }
    /// <summary>Reshapes or maps inputs before the shapes are checked (as the reference does before it computes).</summary>
    public Action<EvalContext>? Prepare { get; init; }
    /// <summary>Picks another declaration for this case (by name), or null for the loss's own.</summary>
    public Func<Case, string?>? Dispatch { get; init; }
    /// <summary>Replaces the generic broadcasting of the inputs: returns the shape to compute in, or throws <see cref="EvalException"/>.</summary>
    public Func<EvalContext, int[]>? CheckShapes { get; init; }
}

/// <summary>
/// The one place for loss-specific behaviour of the evaluator: the reference's argument checks and reshapes that a
/// kernel does not see. Everything else is generic (<see cref="Evaluator"/>). Messages follow PyTorch's.
/// </summary>
public static class LossQuirks
{
    public static LossQuirk For(string loss) => s_table.TryGetValue(loss, out var quirk) ? quirk : LossQuirk.None;

    public static IReadOnlyCollection<string> Names => s_table.Keys;

    // (declared before s_table: static initializers run in textual order)

    /// <summary>
    /// torchvision's box losses: the coordinates broadcast, but the intersection is written into <c>zeros_like(x1)</c>
    /// through the broadcast mask, so boxes1 may not be narrower than the broadcast shape; and
    /// <c>loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()</c>: a mean of no boxes is 0.
    /// </summary>
    private static readonly LossQuirk TorchvisionBoxes = new()
    {
        CheckShapes = ctx =>
        {
            var shape = Evaluator.BroadcastInputs(ctx);
            var first = ctx.First.Shape;
            if (!Shapes.Equal(first, shape))
            {
                int at = 0;
                for (int d = 0; d < Math.Min(first.Length, shape.Length); d++)
                    if (first[d] != shape[d]) { at = d; break; }
                throw new EvalException($"The shape of the mask {Shapes.Format(shape)} at index {at} does not match the shape of the indexed tensor {Shapes.Format(first)} at index {at}");
            }
            if (ctx.Reduction == Reduction.Mean && Shapes.Count(shape) == 0) ctx.FinishValue = _ => 0;
            return shape;
        },
    };

    private static readonly Dictionary<string, LossQuirk> s_table = new(StringComparer.Ordinal)
    {
        ["kl_div"] = new() { AllowsBatchMean = true },

        ["binary_cross_entropy"] = new()
        {
            CheckShapes = SameShape((input, target) =>
                $"Using a target size ({target}) that is different to the input size ({input}) is deprecated. Please ensure they have the same size."),
        },

        ["binary_cross_entropy_with_logits"] = new()
        {
            CheckShapes = SameShape((input, target) => $"Target size ({target}) must be the same as input size ({input})"),
        },

        // computed in place into a tensor of the input's shape: the target may broadcast, but not widen it
        ["soft_margin_loss"] = new() { CheckShapes = ShapeOfFirst },

        ["gaussian_nll_loss"] = new()
        {
            Prepare = ctx =>
            {
                var input = ctx.First;
                var var = ctx.Input("var")!;
                if (Shapes.Equal(var.Shape, input.Shape)) return;
                if (Shapes.Equal(Shapes.DropLast(input.Shape), var.Shape))
                    ctx.SetInput("var", var.Reshape(Shapes.UnsqueezeLast(var.Shape)));
                else if (!(var.Rank > 0 && var.Shape[^1] == 1 && Shapes.Equal(Shapes.DropLast(input.Shape), Shapes.DropLast(var.Shape))))
                    throw new EvalException("var is of incorrect size");
            },
        },

        ["margin_ranking_loss"] = new()
        {
            CheckShapes = ctx =>
            {
                var shapes = ctx.GivenInputs().Select(i => i.Tensor.Shape).ToArray();
                if (shapes.Select(s => s.Length).Distinct().Count() > 1)
                    throw new EvalException("margin_ranking_loss : All input tensors should have same dimension but got sizes: " +
                                            string.Join(", ", ctx.GivenInputs().Select(i => $"{i.Name}: {Shapes.Torch(i.Tensor.Shape)}")) + " ");
                return Evaluator.BroadcastInputs(ctx);
            },
        },

        ["triplet_margin_loss"] = new()
        {
            CheckShapes = ctx =>
            {
                var ranks = ctx.GivenInputs().Select(i => i.Tensor.Rank).ToArray();
                if (ranks.Distinct().Count() > 1)
                    throw new EvalException($"All inputs should have same dimension but got {string.Join(", ", ranks.Take(ranks.Length - 1).Select(r => r + "D"))} and {ranks[^1]}D inputs.");
                return Evaluator.BroadcastInputs(ctx);
            },
        },

        // the target holds one label per row: it is repeated along the row for the kernel
        ["cosine_embedding_loss"] = new()
        {
            Prepare = ctx =>
            {
                var target = ctx.Input("target")!;
                var a = ctx.Inputs[0]!;
                var b = ctx.Inputs[1]!;
                if (target.Rank > 1) throw new EvalException("0D or 1D target tensor expected, multi-target not supported");
                int expected = target.Rank + 1;
                if (a.Rank != expected || b.Rank != expected)
                    throw new EvalException($"{target.Rank}D target tensor expects {expected}D input tensors, but found inputs with sizes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)}.");

            },
        },

        // class-index losses: see ClassTargets
        ["multi_margin_loss"] = ClassTargets.Quirk(new() { WeightInput = "weight", FramesFromTarget = true }),
        ["cross_entropy"] = ClassTargets.Quirk(new() { Probabilities = true, IgnoreIndex = true, WeightInput = "weight" }) with
        {
            Dispatch = c => c.Inputs.TryGetValue("target", out var t) && !t.IsInteger ? "cross_entropy_probs" : null,
        },
        ["nll_loss"] = ClassTargets.Quirk(new() { IgnoreIndex = true, WeightInput = "weight" }),
        ["softmax_focal_loss"] = ClassTargets.Quirk(new() { WeightInput = "alpha", BatchedOnly = true }),
        // -1-terminated lists of target classes, read by the kernel as per-class counts (see LabelLists)
        ["multilabel_margin_loss"] = LabelLists.Quirk(new()),
        // time-major sequences, padded or concatenated targets: see CtcSequences
        ["ctc_loss"] = CtcSequences.Quirk,

        ["sigmoid_focal_loss"] = new()
        {
            CheckShapes = SameShape((input, target) => $"Target size ({target}) must be the same as input size ({input})"),
        },

        // torchvision's box losses: boxes1/boxes2 of shape (..., 4) are unpacked into the declared boxes1_x1 ... boxes2_y2
        // by the evaluator's generic rule for packed inputs (Evaluator.Unpack, with Python's unpacking errors); the
        // coordinates then broadcast as torchvision's do, and the mean of no boxes is 0
        ["generalized_box_iou_loss"] = TorchvisionBoxes,
        ["distance_box_iou_loss"] = TorchvisionBoxes,
        ["complete_box_iou_loss"] = TorchvisionBoxes,

        // Formula losses (conformance.md's third table): inputs of one shape, rows of a 1-D or 2-D input.
        ["rmse"] = Formula(rows: true),
        ["mean_squared_logarithmic_error"] = Formula(rows: true),
        ["mean_absolute_percentage_error"] = Formula(rows: true),
        ["log_cosh"] = Formula(rows: true),
        ["hinge"] = Formula(rows: true) with { Prepare = ctx => MapBinaryLabels(ctx, "y_true") },
        ["squared_hinge"] = Formula(rows: true) with { Prepare = ctx => MapBinaryLabels(ctx, "y_true") },
        ["categorical_hinge"] = Formula(rows: true),
        ["cosine_similarity"] = Formula(rows: true),
        ["poisson"] = Formula(rows: true),
        ["dice_loss"] = Formula(rows: true),
        ["tversky_loss"] = Formula(rows: true),
        ["tukey_biweight_loss"] = Formula(rows: false),
        // a sum of one mean per input, whose shapes are independent: each input is tiled to a common length, which
        // leaves every mean (and, summed back over the tiles, every gradient) as it is
        ["gan_discriminator_loss"] = new() { Prepare = TileToCommonLength },

        // boxes1 and boxes2 (unpacked into boxes1_x1 ... boxes2_y2 by the evaluator) must both be (N, 4) or (4)
        ["iou_loss"] = new()
        {
            CheckShapes = ctx =>
            {
                if (ctx.Packed.Count == 2)
                {
                    var (a, b) = (ctx.Packed[0].Given.Shape, ctx.Packed[1].Given.Shape);
                    if (!Shapes.Equal(a, b) || a.Length is not (1 or 2) || a[^1] != 4)
                        throw new EvalException($"iou_loss: expected boxes of shape (N, 4) or (4), got {Shapes.Format(a)} and {Shapes.Format(b)}");
                }
                var shape = Evaluator.BroadcastInputs(ctx);
                if (ctx.GivenInputs().Any(i => !Shapes.Equal(i.Tensor.Shape, shape)) || shape.Length > 1)
                    throw new EvalException($"iou_loss: expected one box per element of inputs of one shape (N) or (), got {string.Join(", ", ctx.GivenInputs().Select(i => Shapes.Format(i.Tensor.Shape)))}");
                return shape;
            },
        },
    };

    /// <summary>The first two inputs must have the same shape (PyTorch's message); any other input broadcasts to it.</summary>
    private static Func<EvalContext, int[]> SameShape(Func<string, string, string> message) => ctx =>
    {
        var given = ctx.GivenInputs().ToArray();
        var shape = given[0].Tensor.Shape;
        if (given.Length > 1 && !Shapes.Equal(given[1].Tensor.Shape, shape))
            throw new EvalException(message(Shapes.Torch(shape), Shapes.Torch(given[1].Tensor.Shape)));
        return ShapeOfFirst(ctx);
    };

    /// <summary>Every input broadcasts to the first input's shape, which it may not widen.</summary>
    private static int[] ShapeOfFirst(EvalContext ctx)
    {
        var shape = Evaluator.BroadcastInputs(ctx);
        var first = ctx.First.Shape;
        if (!Shapes.Equal(shape, first))
            throw new EvalException($"output with shape {Shapes.Format(first)} doesn't match the broadcast shape {Shapes.Format(shape)}");
        return shape;
    }

    /// <summary>Labels 0 are read as -1 (0/1 labels become -1/+1; +1/-1 pass through).</summary>
    private static void MapBinaryLabels(EvalContext ctx, string name)
    {
        if (ctx.Input(name) is not { } labels || !labels.Data.Contains(0)) return;
        ctx.SetInput(name, new Tensor(labels.Shape, labels.Data.Select(d => d == 0 ? -1 : d).ToArray(), labels.Type));
    }

    /// <summary>A loss of conformance.md's formula table: its first two inputs have one shape; a row loss wants (D) or (N, D).</summary>
    private static LossQuirk Formula(bool rows) => new()
    {
        CheckShapes = ctx =>
        {
            var given = ctx.GivenInputs().ToArray();
            var (first, shape) = (given[0].Name, given[0].Tensor.Shape);
            if (given.Length > 1 && !Shapes.Equal(given[1].Tensor.Shape, shape))
                throw new EvalException($"{ctx.Loss}: {first} shape {Shapes.Format(shape)} and {given[1].Name} shape {Shapes.Format(given[1].Tensor.Shape)} differ");
            if (rows && shape.Length is not (1 or 2))
                throw new EvalException($"{ctx.Loss}: expected a 1-D (D) or 2-D (N, D) input, got shape {Shapes.Format(shape)}");
            return Evaluator.BroadcastInputs(ctx);
        },
    };

    private static void TileToCommonLength(EvalContext ctx)
    {
        var given = ctx.GivenInputs().ToArray();
        if (given.Select(g => g.Tensor.Count).Distinct().Count() <= 1)
        {
            foreach (var (name, t) in given) ctx.SetInput(name, t.Reshape([t.Count]));
            return;
        }
        long length = 1;
        foreach (var (_, t) in given)
        {
            if (t.Count == 0) throw new EvalException($"{ctx.Loss}: an input is empty");
            length = length / Gcd(length, t.Count) * t.Count;
            if (length > 1 << 24) throw new EvalException($"{ctx.Loss}: the inputs' lengths are too far apart to evaluate together");
        }
        foreach (var (name, t) in given)
        {
            int n = t.Count;
            var tiled = new double[length];
            for (long k = 0; k < length; k++) tiled[k] = t.Data[k % n];
            ctx.SetInput(name, new Tensor([(int)length], tiled, t.Type), g =>
            {
                var back = new double[n];
                for (long k = 0; k < g.Length; k++) back[k % n] += g[k];
                return back;
            });
        }

        static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
    }

}
