using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace LossDsl.Tensors;

/// <summary>
/// PyTorch's tensor semantics for any declared loss: maps tensors of the shapes PyTorch accepts onto the loss's span
/// kernels and the results back. The generic steps are here: inputs by name (packed ones split along their last axis),
/// options, broadcasting, per-element weights, the upstream gradient, the reduction, gradients summed back over
/// broadcast axes. What differs between losses is declared next to the formula, in its <c>shape</c> clauses, and
/// arrives as the definition's <see cref="ILossDefinition.ShapeRules"/>. Every refusal is an
/// <see cref="ArgumentException"/> naming the argument, worded as PyTorch words it.
/// </summary>
public static class TensorLoss
{
    /// <summary>Evaluates <paramref name="loss"/> on <paramref name="arguments"/>; <paramref name="lookup"/> finds the
    /// losses a shape rule may hand a call to (default: <see cref="LossRegistry"/>).</summary>
    public static LossResult Evaluate(ILossDefinition loss, LossArguments arguments, Func<string, ILossDefinition?>? lookup = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(arguments);
        lookup ??= static name => LossRegistry.TryGet(name, out var d) ? d : null;
        // A rule may hand the call to another declaration (cross_entropy with probabilities): at most once.
        foreach (var rule in loss.ShapeRules)
            if (rule.Dispatch(loss, arguments) is { } other)
            {
                loss = lookup(other) ?? throw new InvalidOperationException($"{loss.Name} hands this call to '{other}', which is not loaded");
                break;
            }

        var ctx = new ShapeContext(loss, arguments);
        ReadArguments(ctx);
        foreach (var rule in loss.ShapeRules) rule.Prepare(ctx);
        ctx.Shape = BroadcastInputs(ctx);
        CheckRowInputs(ctx);
        foreach (var rule in loss.ShapeRules) rule.Check(ctx);
        if (ctx.Weight is { } weight)
        {
            var joint = TensorShapes.TryBroadcast(ctx.Shape, weight.Shape, out string? error) ?? throw ShapeContext.Error(error!, "weight");
            if (!TensorShapes.Equal(joint, ctx.Shape))
                throw ShapeContext.Error($"output with shape {TensorShapes.Format(ctx.Shape)} doesn't match the broadcast shape {TensorShapes.Format(joint)}", "weight");
        }

        var wanted = Wanted(ctx, arguments.Gradients);
        var hessians = Wanted(ctx, arguments.Hessians);
        if (hessians.Count > 0 && !loss.HasHessians)
            throw ShapeContext.Error($"{loss.Name} has no second derivatives: only elementwise losses have them", nameof(arguments.Hessians));
        return arguments.Float32 ? Run<float>(ctx, wanted, hessians) : Run<double>(ctx, wanted, hessians);
    }

    private static void ReadArguments(ShapeContext ctx)
    {
        var def = ctx.Definition;
        var args = ctx.Arguments;
        if (args.BatchMean)
        {
            if (!def.ShapeRules.Any(r => r.AllowsBatchMean)) throw ShapeContext.Error("batchmean is not a valid value for reduction", "reduction");
            ctx.Reduction = Reduction.Sum;
            ctx.BatchMean = true;
        }
        if (def.Kind == LossKind.Whole) ctx.Reduction = Reduction.Mean; // one value whatever the reduction, as the reference

        var unpacked = new Dictionary<string, LossTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in args.Inputs)
        {
            ArgumentNullException.ThrowIfNull(tensor, name);
            if (ctx.InputIndex(name) >= 0) continue;
            int[] members = PackedMembers(def, name);
            if (members.Length == 0)
                throw ShapeContext.Error($"{def.Name} has no input '{name}' (its inputs: {string.Join(", ", def.Inputs.Select(i => i.Name))})", name);
            Unpack(ctx, name, tensor, members, unpacked);
        }

        foreach (var (name, value) in args.Options)
        {
            int option = ctx.OptionIndex(name);
            if (option < 0 || def.ShapeRules.Any(r => r.Supplies(name)))
                throw ShapeContext.Error($"{def.Name}() got an unexpected keyword argument '{name}'", name);
            ctx.Options[option] = value;
        }

        if (args.Weight is { } weight)
        {
            if (def.Kind == LossKind.Whole) throw ShapeContext.Error($"{def.Name} takes no per-element weight", "weight");
            ctx.Weight = weight;
        }

        for (int i = 0; i < def.Inputs.Count; i++)
        {
            string name = def.Inputs[i].Name;
            if (!args.Inputs.TryGetValue(name, out var tensor)) unpacked.TryGetValue(name, out tensor);
            if (tensor is null && def.Inputs[i].Default is null) throw ShapeContext.Error($"{def.Name} needs input '{name}'", name);
            ctx.Inputs[i] = tensor;
            ctx.GivenShapes[i] = tensor?.Shape;
        }
    }

    /// <summary>
    /// The declared inputs that an undeclared input <paramref name="name"/> packs: those named <c>&lt;name&gt;_*</c>, in
    /// declaration order (<c>boxes1</c> → <c>boxes1_x1, boxes1_y1, boxes1_x2, boxes1_y2</c>).
    /// </summary>
    private static int[] PackedMembers(ILossDefinition def, string name)
    {
        var members = new List<int>();
        for (int i = 0; i < def.Inputs.Count; i++)
            if (def.Inputs[i].Name.Length > name.Length + 1 && def.Inputs[i].Name.StartsWith(name + "_", StringComparison.Ordinal))
                members.Add(i);
        return members.ToArray();
    }

    /// <summary>
    /// Splits a packed input's last axis into its members, as Python unpacks it (<c>x1, y1, x2, y2 = t.unbind(-1)</c>):
    /// member k gets the slices <c>t[..., k]</c>. Their gradients are put back together in <see cref="Answered{T}"/>.
    /// </summary>
    private static void Unpack(ShapeContext ctx, string name, LossTensor tensor, int[] members, Dictionary<string, LossTensor> unpacked)
    {
        int k = members.Length;
        int last = tensor.Rank == 0 ? 0 : tensor.Shape[^1];
        if (last > k) throw ShapeContext.Error($"too many values to unpack (expected {k})", name);
        if (last < k) throw ShapeContext.Error($"not enough values to unpack (expected {k}, got {last})", name);
        int[] shape = TensorShapes.DropLast(tensor.Shape);
        int count = tensor.Count / k;
        for (int m = 0; m < k; m++)
        {
            string member = ctx.Definition.Inputs[members[m]].Name;
            if (ctx.Arguments.Inputs.ContainsKey(member) || unpacked.ContainsKey(member))
                throw ShapeContext.Error($"'{member}' is given both by itself and packed in '{name}'", member);
            var data = new double[count];
            for (int j = 0; j < count; j++) data[j] = tensor.Data[j * k + m];
            unpacked[member] = new LossTensor(shape, data, tensor.Type);
        }
        ctx.Packed.Add(new PackedInput(name, tensor, members));
    }

    /// <summary>The generic shape rule: the element inputs broadcast together as PyTorch broadcasts them.</summary>
    internal static int[] BroadcastInputs(ShapeContext ctx)
    {
        int[]? shape = null;
        foreach (var (name, t) in ctx.GivenElementInputs())
        {
            if (shape is null) { shape = t.Shape; continue; }
            shape = TensorShapes.TryBroadcast(shape, t.Shape, out string? error) ?? throw ShapeContext.Error(error!, name);
        }
        return shape ?? [];
    }

    /// <summary>A <c>row</c> input holds one value per row: the shape of the elements without their last axis.</summary>
    private static void CheckRowInputs(ShapeContext ctx)
    {
        if (ctx.Definition.Kind != LossKind.Row) return;
        for (int i = 0; i < ctx.Inputs.Length; i++)
            if (ctx.Definition.Inputs[i].Kind == LossInputKind.Row && ctx.Inputs[i] is { } t && t.Rank + 1 != ctx.Shape.Length)
                throw ShapeContext.Error($"{t.Rank}D {ctx.Definition.Inputs[i].Name} tensor expects {t.Rank + 1}D input tensors, but found inputs of shape {TensorShapes.Format(ctx.Shape)}", ctx.Definition.Inputs[i].Name);
    }

    /// <summary>The inputs behind the names of a gradient (or Hessian) list, each checked to be differentiable and given.</summary>
    private static List<int> Wanted(ShapeContext ctx, IReadOnlyList<string> names)
    {
        var wanted = new List<int>();
        foreach (string name in names)
        {
            int i = ctx.InputIndex(name);
            if (i < 0 && ctx.Packed.Find(p => p.Name == name) is { } packed)
            {
                if (packed.Given.IsInteger) throw ShapeContext.Error($"'{name}' is an integer tensor: only floating point tensors have gradients", name);
                foreach (int member in packed.Members)
                {
                    if (!ctx.Definition.Inputs[member].Differentiable)
                        throw ShapeContext.Error($"'{name}' of {ctx.Loss} is not differentiable ('{ctx.Definition.Inputs[member].Name}' is not)", name);
                    if (!wanted.Contains(member)) wanted.Add(member);
                }
                continue;
            }
            if (i < 0) throw ShapeContext.Error($"{ctx.Loss} has no input '{name}' to differentiate", name);
            if (wanted.Contains(i)) continue;
            if (!ctx.Definition.Inputs[i].Differentiable) throw ShapeContext.Error($"'{name}' of {ctx.Loss} is not differentiable", name);
            if (ctx.Inputs[i] is not { } t) throw ShapeContext.Error($"no gradient for '{name}': it was not given", name);
            if (t.IsInteger) throw ShapeContext.Error($"'{name}' is an integer tensor: only floating point tensors have gradients", name);
            wanted.Add(i);
        }
        return wanted;
    }

    private static LossResult Run<T>(ShapeContext ctx, List<int> wanted, List<int> hessians) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var def = ctx.Definition;
        int[] shape = ctx.Shape;
        long count = TensorShapes.Count(shape);
        if (count > int.MaxValue) throw ShapeContext.Error("the inputs are too large for one call", def.Inputs[0].Name);

        bool reduced = def.Kind == LossKind.Whole || ctx.Reduction != Reduction.None;
        int rowLength = shape.Length == 0 ? 1 : shape[^1];
        int[] outShape = def.Kind switch
        {
            LossKind.Whole => [],
            _ when reduced => [],
            LossKind.Row => TensorShapes.DropLast(shape),
            _ => shape,
        };

        var inputs = new T[]?[ctx.Inputs.Length];
        int rowCount = def.Kind == LossKind.Row && rowLength > 0 ? (int)(count / rowLength) : 1;
        for (int i = 0; i < inputs.Length; i++)
        {
            if (ctx.Inputs[i] is not { } t) continue;
            // A labels input holds a list per row (its width is checked by the kernel).
            if (def.Inputs[i].Kind == LossInputKind.Labels) { inputs[i] = Convert<T>(t.Data); continue; }
            // Element inputs broadcast to the shape; a row or index input holds one value per row, a class input one per class.
            int expected = def.Inputs[i].Kind switch
            {
                LossInputKind.Element => -1,
                LossInputKind.Class => rowLength,
                _ => rowCount,
            };
            if (expected >= 0 && t.Count != expected)
                throw ShapeContext.Error($"'{def.Inputs[i].Name}' has {t.Count} values; {def.Name} needs one per {(def.Inputs[i].Kind == LossInputKind.Class ? "class" : "row")} ({expected})", def.Inputs[i].Name);
            inputs[i] = Convert<T>(expected >= 0 ? t.Data : TensorShapes.Expand(t.Data, t.Shape, shape));
        }
        T[]? weight = ctx.Weight is { } w ? Convert<T>(TensorShapes.Expand(w.Data, w.Shape, shape)) : null;

        // The upstream gradient, as the reference applies it: the gradient of sum(output * grad_output), grad_output
        // broadcasting with the output. An array for unreduced outputs, a factor for a single value.
        T[]? gradOutput = null;
        double factor = 1;
        if (ctx.Arguments.GradOutput is { } go)
        {
            var joint = TensorShapes.TryBroadcast(outShape, go.Shape, out string? error) ?? throw ShapeContext.Error(error!, "grad_output");
            double[] upstream = TensorShapes.SumTo(TensorShapes.Expand(go.Data, go.Shape, joint), joint, outShape);
            if (reduced) factor = upstream[0];
            else gradOutput = Convert<T>(upstream);
        }
        double batch = 1;
        if (ctx.BatchMean)
        {
            var first = ctx.GivenShapes[0] ?? [];
            batch = first.Length == 0 ? 1 : first[0];
        }

        var call = new LossCall<T>
        {
            Inputs = inputs,
            Options = ctx.Options,
            Reduction = ctx.Reduction,
            RowLength = def.Kind == LossKind.Row ? rowLength : 0,
            Weight = weight,
            WantGradients = wanted.Count > 0,
            WantHessians = hessians.Count > 0,
            HessianPolicy = HessianPolicy.AsDerived,
            GradOutput = gradOutput,
        };
        if (call is LossCall<double> inDouble) def.Evaluate(inDouble);
        else def.Evaluate((LossCall<float>)(object)call);

        var type = ctx.FloatType;
        LossTensor loss;
        if (reduced)
        {
            double value = double.CreateTruncating(call.Value) / batch;
            if (ctx.FinishValue is { } finish) value = finish(value);
            loss = LossTensor.Scalar(value, type);
        }
        else
        {
            var output = call.Output ?? throw new InvalidOperationException($"{def.Name} wrote no output");
            if (output.Length != TensorShapes.Count(outShape))
                throw new InvalidOperationException($"{def.Name} wrote {output.Length} values for an output of shape {TensorShapes.Format(outShape)}");
            loss = new LossTensor(outShape, ToDoubles(output), type);
        }

        return new LossResult
        {
            Loss = loss,
            Gradients = Answered(ctx, ctx.Arguments.Gradients, wanted, call.Gradients, "gradient", factor / batch, count, shape, type),
            Hessians = Answered(ctx, ctx.Arguments.Hessians, hessians, call.Hessians, "Hessian", factor / batch, count, shape, type),
        };
    }

    /// <summary>
    /// Gradients (or Hessian diagonals) as returned: scaled by the upstream factor and the batch mean, summed back over
    /// broadcast axes, put back through the input's layout, and one per name asked for (a packed input's members
    /// interleaved back along its last axis). The diagonal of the Hessian goes back like the gradient: every step is a
    /// permutation, a copy or a sum of distinct elements.
    /// </summary>
    private static List<KeyValuePair<string, LossTensor>> Answered<T>(ShapeContext ctx, IReadOnlyList<string> names, List<int> wanted, T[]?[]? computed,
        string what, double scale, long count, int[] shape, TensorElementType type) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var def = ctx.Definition;
        var byInput = new Dictionary<int, LossTensor>(wanted.Count);
        foreach (int i in wanted)
        {
            string name = def.Inputs[i].Name;
            var g = computed is { } all && i < all.Length ? all[i] : null;
            if (g is null) throw new InvalidOperationException($"{def.Name} gave no {what} for '{name}'");
            if (g.Length != count) throw new InvalidOperationException($"{def.Name} gave {g.Length} {what} values for '{name}', not {count}");
            double[] data = ToDoubles(g);
            if (scale != 1)
                for (int k = 0; k < data.Length; k++) data[k] *= scale;
            var prepared = ctx.Inputs[i]!;
            data = TensorShapes.SumTo(data, shape, prepared.Shape);
            if (ctx.GradientBack[i] is { } back) data = back(data);
            byInput[i] = new LossTensor(ctx.GivenShapes[i]!, data, type);
        }

        var result = new List<KeyValuePair<string, LossTensor>>(wanted.Count);
        foreach (string name in names)
        {
            if (result.Exists(g => g.Key == name)) continue;
            int i = ctx.InputIndex(name);
            if (i >= 0) { result.Add(new(name, byInput[i])); continue; }
            var packed = ctx.Packed.Find(p => p.Name == name)!;
            int k = packed.Members.Length;
            var data = new double[packed.Given.Count];
            for (int m = 0; m < k; m++)
            {
                double[] part = byInput[packed.Members[m]].Data;
                for (int j = 0; j < part.Length; j++) data[j * k + m] = part[j];
            }
            result.Add(new(name, new LossTensor(packed.Given.Shape, data, type)));
        }
        return result;
    }

    private static T[] Convert<T>(double[] data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double)) return (T[])(object)data.Clone();
        var result = new T[data.Length];
        for (int i = 0; i < data.Length; i++) result[i] = T.CreateTruncating(data[i]);
        return result;
    }

    private static double[] ToDoubles<T>(T[] data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double)) return (double[])(object)data.Clone();
        var result = new double[data.Length];
        for (int i = 0; i < data.Length; i++) result[i] = double.CreateTruncating(data[i]);
        return result;
    }
}
