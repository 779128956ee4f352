using System;
using System.Collections.Generic;
using System.Numerics;
using System.Text.Json;

namespace LossDsl.Cli.Eval;

/// <summary>
/// Answers cases by running the registered kernels: maps a <see cref="Case"/> onto a <see cref="LossCall{T}"/> (options by
/// name, inputs broadcast to one shape, the weight, the upstream gradient), calls the loss, and shapes the results back.
/// Everything that is not the same for every loss lives in <see cref="LossQuirks"/>. Never throws: a case that fails
/// for any reason gets an error answer.
/// </summary>
public sealed class Evaluator
{
    public delegate bool LossLookup(string name, out ILossDefinition definition);

    private readonly LossLookup _lookup;

    /// <summary>An evaluator over the losses in <see cref="LossRegistry"/> (see <see cref="RegisteredLosses.EnsureLoaded"/>).</summary>
    public Evaluator() : this(LossRegistry.TryGet) { }

    /// <summary>An evaluator over the losses <paramref name="lookup"/> finds (for tests).</summary>
    public Evaluator(LossLookup lookup) => _lookup = lookup;

    /// <summary>Answers one line of UTF-8 JSON.</summary>
    public Answer EvaluateLine(ReadOnlySpan<byte> utf8Line)
    {
        Case c;
        try
        {
            c = CaseReader.Parse(utf8Line);
        }
        catch (CaseFormatException e)
        {
            return Answer.Failure(e.Id, e.Message);
        }
        catch (Exception e)
        {
            return Answer.Failure(default, "invalid case: " + e.Message);
        }
        return Evaluate(c);
    }

    /// <summary>Answers one line of JSON text.</summary>
    public Answer EvaluateLine(string line) => EvaluateLine(System.Text.Encoding.UTF8.GetBytes(line));

    /// <summary>Answers a case given as a JSON element (as in a fixture file).</summary>
    public Answer Evaluate(JsonElement caseElement)
    {
        Case c;
        try
        {
            c = CaseReader.Parse(caseElement);
        }
        catch (CaseFormatException e)
        {
            return Answer.Failure(e.Id, e.Message);
        }
        catch (Exception e)
        {
            return Answer.Failure(default, "invalid case: " + e.Message);
        }
        return Evaluate(c);
    }

    /// <summary>Answers a case.</summary>
    public Answer Evaluate(Case c)
    {
        try
        {
            return EvaluateCore(c);
        }
        catch (EvalException e)
        {
            return Answer.Failure(c.Id, e.Message);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            // The loss refused an argument (a require clause, a class index out of range, ...): the reference's error.
            return Answer.Failure(c.Id, ArgumentMessage(e));
        }
        catch (Exception e)
        {
            return Answer.Failure(c.Id, $"internal error in {c.Loss}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>An argument error's message without the " (Parameter 'name')" that .NET appends to it.</summary>
    public static string ArgumentMessage(ArgumentException e)
    {
        var suffix = e.ParamName is null ? null : $" (Parameter '{e.ParamName}')";
        return suffix is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message.Substring(0, e.Message.Length - suffix.Length) : e.Message;
    }

    private Answer EvaluateCore(Case c)
    {
        if (!_lookup(c.Loss, out var definition))
            throw new EvalException($"unknown loss '{c.Loss}'");
        var quirk = LossQuirks.For(definition.Name);
        // One catalogue name, two declarations (cross_entropy: class indices or probabilities): the quirk picks.
        if (quirk.Dispatch?.Invoke(c) is { } declared && _lookup(declared, out var alternative)) definition = alternative;
        var ctx = new EvalContext(definition, c);

        ReadOptionsAndInputs(ctx, quirk);
        quirk.Prepare?.Invoke(ctx);
        ctx.Shape = (quirk.CheckShapes ?? BroadcastInputs)(ctx);
        if (ctx.Weight is { } weight)
        {
            var joint = Shapes.TryBroadcast(ctx.Shape, weight.Shape, out string? error) ?? throw new EvalException(error!);
            if (!Shapes.Equal(joint, ctx.Shape))
                throw new EvalException($"output with shape {Shapes.Format(ctx.Shape)} doesn't match the broadcast shape {Shapes.Format(joint)}");
        }

        var wanted = WantedGradients(ctx, c.Grad);
        var hessians = WantedGradients(ctx, c.Hess);
        if (hessians.Count > 0 && !ctx.Definition.HasHessians)
            throw new EvalException($"{ctx.Loss} has no second derivatives: only elementwise losses have them");
        return c.DType == DType.Float32 ? Run<float>(ctx, wanted, hessians) : Run<double>(ctx, wanted, hessians);
    }

    private static void ReadOptionsAndInputs(EvalContext ctx, LossQuirk quirk)
    {
        var def = ctx.Definition;
        var c = ctx.Case;
        var unpacked = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in c.Inputs)
        {
            bool supplied = System.Linq.Enumerable.Contains(quirk.Supplies, name);
            if (ctx.InputIndex(name) >= 0 && !supplied) continue;
            int[] members = supplied ? [] : PackedMembers(def, name);
            if (members.Length == 0)
                throw new EvalException($"{def.Name} has no input '{name}' (its inputs: {string.Join(", ", System.Linq.Enumerable.Except(NamesOf(def.Inputs), quirk.Supplies))})");
            Unpack(ctx, name, tensor, members, unpacked);
        }

        var fromOptions = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in c.Options)
        {
            if (name == "reduction")
            {
                if (def.Kind == LossKind.Whole) continue; // one value whatever the reduction: the reference ignores it
                string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                switch (text)
                {
                    case "none": ctx.Reduction = Reduction.None; break;
                    case "mean": ctx.Reduction = Reduction.Mean; break;
                    case "sum": ctx.Reduction = Reduction.Sum; break;
                    case "batchmean" when quirk.AllowsBatchMean: ctx.Reduction = Reduction.Sum; ctx.BatchMean = true; break;
                    default: throw new EvalException($"{text} is not a valid value for reduction");
                }
                continue;
            }
            int option = ctx.OptionIndex(name);
            if (option >= 0)
            {
                if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) continue;
                var declared = def.Options[option];
                if (declared.IsBoolean && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    throw new EvalException($"option '{name}' of {def.Name} must be true or false, not {value.GetRawText()}");
                ctx.Options[option] = CaseReader.OptionNumber(value, $"option '{name}'");
                continue;
            }
            string inputName = name;
            int input = System.Linq.Enumerable.Contains(quirk.Supplies, inputName) ? -1 : ctx.InputIndex(inputName);
            if (input >= 0)
            {
                if (c.Inputs.ContainsKey(inputName) || unpacked.ContainsKey(inputName))
                    throw new EvalException($"'{inputName}' is given both as an input and as an option");
                if (CaseReader.OptionTensor(value, c.FloatType, $"option '{name}'") is { } tensor) fromOptions[inputName] = tensor;
                continue;
            }
            if (name == "weight" && def.Kind != LossKind.Whole)
            {
                ctx.Weight = CaseReader.OptionTensor(value, c.FloatType, "option 'weight'");
                continue;
            }
            throw new EvalException($"unknown option '{name}' for {def.Name}" +
                                    (def.Options.Count > 0 ? $" (its options: reduction, {string.Join(", ", NamesOf(def.Options))})" : ""));
        }

        for (int i = 0; i < def.Inputs.Count; i++)
        {
            string name = def.Inputs[i].Name;
            if (!c.Inputs.TryGetValue(name, out var tensor) && !unpacked.TryGetValue(name, out tensor)) fromOptions.TryGetValue(name, out tensor);
            if (tensor is null && def.Inputs[i].Default is null && !System.Linq.Enumerable.Contains(quirk.Supplies, name))
                throw new EvalException($"{def.Name} needs input '{name}'");
            ctx.Inputs[i] = tensor;
            ctx.GivenShapes[i] = tensor?.Shape;
        }
    }

    /// <summary>
    /// The declared inputs that an undeclared case input <paramref name="name"/> packs: those named
    /// <c>&lt;name&gt;_*</c>, in declaration order (<c>boxes1</c> → <c>boxes1_x1, boxes1_y1, boxes1_x2, boxes1_y2</c>).
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
    /// member k gets the slices <c>t[..., k]</c>. Its members' gradients are put back together in <see cref="Run{T}"/>.
    /// </summary>
    private static void Unpack(EvalContext ctx, string name, Tensor tensor, int[] members, Dictionary<string, Tensor> unpacked)
    {
        int k = members.Length;
        int last = tensor.Rank == 0 ? 0 : tensor.Shape[^1];
        if (last > k) throw new EvalException($"too many values to unpack (expected {k})");
        if (last < k) throw new EvalException($"not enough values to unpack (expected {k}, got {last})");
        int[] shape = Shapes.DropLast(tensor.Shape);
        int count = tensor.Count / k;
        for (int m = 0; m < k; m++)
        {
            string member = ctx.Definition.Inputs[members[m]].Name;
            if (ctx.Case.Inputs.ContainsKey(member) || unpacked.ContainsKey(member))
                throw new EvalException($"'{member}' is given both by itself and packed in '{name}'");
            var data = new double[count];
            for (int j = 0; j < count; j++) data[j] = tensor.Data[j * k + m];
            unpacked[member] = new Tensor(shape, data, tensor.Type);
        }
        ctx.Packed.Add(new PackedInput(name, tensor, members));
    }

    /// <summary>The generic shape rule: the inputs broadcast together as PyTorch broadcasts them.</summary>
    internal static int[] BroadcastInputs(EvalContext ctx)
    {
        int[]? shape = null;
        foreach (var (_, t) in ctx.GivenElementInputs())
        {
            if (shape is null) { shape = t.Shape; continue; }
            shape = Shapes.TryBroadcast(shape, t.Shape, out string? error) ?? throw new EvalException(error!);
        }
        return shape ?? [];
    }

    /// <summary>The inputs behind the names of a case's <c>grad</c> (or <c>hess</c>) list, each checked to be differentiable and given.</summary>
    private static List<int> WantedGradients(EvalContext ctx, IReadOnlyList<string> names)
    {
        var wanted = new List<int>();
        foreach (string name in names)
        {
            int i = ctx.InputIndex(name);
            if (i < 0 && ctx.Packed.Find(p => p.Name == name) is { } packed)
            {
                if (packed.Given.IsInteger) throw new EvalException($"'{name}' is an integer tensor: only floating point tensors have gradients");
                foreach (int member in packed.Members)
                {
                    if (!ctx.Definition.Inputs[member].Differentiable)
                        throw new EvalException($"'{name}' of {ctx.Loss} is not differentiable ('{ctx.Definition.Inputs[member].Name}' is not)");
                    if (!wanted.Contains(member)) wanted.Add(member);
                }
                continue;
            }
            if (i < 0) throw new EvalException($"{ctx.Loss} has no input '{name}' to differentiate");
            if (wanted.Contains(i)) continue;
            if (!ctx.Definition.Inputs[i].Differentiable) throw new EvalException($"'{name}' of {ctx.Loss} is not differentiable");
            if (ctx.Inputs[i] is not { } t) throw new EvalException($"no gradient for '{name}': it was not given");
            if (t.IsInteger) throw new EvalException($"'{name}' is an integer tensor: only floating point tensors have gradients");
            wanted.Add(i);
        }
        return wanted;
    }

    private static Answer Run<T>(EvalContext ctx, List<int> wanted, List<int> hessians) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var def = ctx.Definition;
        var c = ctx.Case;
        int[] shape = ctx.Shape;
        long count = Shapes.Count(shape);
        if (count > int.MaxValue) throw new EvalException("the case is too large");

        bool reduced = def.Kind == LossKind.Whole || ctx.Reduction != Reduction.None;
        int rowLength = shape.Length == 0 ? 1 : shape[^1];
        int[] outShape = def.Kind switch
        {
            LossKind.Whole => [],
            _ when reduced => [],
            LossKind.Row => Shapes.DropLast(shape),
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
                throw new EvalException($"'{def.Inputs[i].Name}' has {t.Count} values; {def.Name} needs one per {(def.Inputs[i].Kind == LossInputKind.Class ? "class" : "row")} ({expected})");
            inputs[i] = Convert<T>(expected >= 0 ? t.Data : Shapes.Expand(t.Data, t.Shape, shape));
        }
        T[]? weight = ctx.Weight is { } w ? Convert<T>(Shapes.Expand(w.Data, w.Shape, shape)) : null;

        // The upstream gradient, as the reference applies it: the gradient of sum(output * grad_output), grad_output
        // broadcasting with the output. An array for unreduced outputs, a factor for a single value.
        T[]? gradOutput = null;
        double factor = 1;
        if (c.GradOutput is { } go)
        {
            var joint = Shapes.TryBroadcast(outShape, go.Shape, out string? error) ?? throw new EvalException(error!);
            double[] upstream = Shapes.SumTo(Shapes.Expand(go.Data, go.Shape, joint), joint, outShape);
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

        var type = c.FloatType;
        Tensor loss;
        if (reduced)
        {
            double value = double.CreateTruncating(call.Value) / batch;
            if (ctx.FinishValue is { } finish) value = finish(value);
            loss = Tensor.Scalar(value, type);
        }
        else
        {
            var output = call.Output ?? throw new EvalException($"internal error: {def.Name} wrote no output");
            if (output.Length != Shapes.Count(outShape))
                throw new EvalException($"internal error: {def.Name} wrote {output.Length} values for an output of shape {Shapes.Format(outShape)}");
            double[] values = ToDoubles(output);
            loss = new Tensor(outShape, values, type);
        }

        var grads = Answered(ctx, c.Grad, wanted, call.Gradients, "gradient", factor / batch, count, shape, type);
        var hess = Answered(ctx, c.Hess, hessians, call.Hessians, "Hessian", factor / batch, count, shape, type);
        return new Answer { Id = c.Id, Loss = loss, Grad = grads, Hess = hess };
    }

    /// <summary>
    /// Gradients (or Hessian diagonals) as answered: scaled by the upstream factor and the batch mean, summed back over
    /// broadcast axes, put back through the input's layout, and one per name the case asked for (a packed input's
    /// members interleaved back along its last axis). The diagonal of the Hessian goes back like the gradient: every step
    /// is a permutation, a copy or a sum of distinct elements.
    /// </summary>
    private static List<KeyValuePair<string, Tensor>> Answered<T>(EvalContext ctx, IReadOnlyList<string> names, List<int> wanted, T[]?[]? computed,
        string what, double scale, long count, int[] shape, ElementType type) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var def = ctx.Definition;
        var byInput = new Dictionary<int, Tensor>(wanted.Count);
        foreach (int i in wanted)
        {
            string name = def.Inputs[i].Name;
            var g = computed is { } all && i < all.Length ? all[i] : null;
            if (g is null) throw new EvalException($"internal error: {def.Name} gave no {what} for '{name}'");
            if (g.Length != count) throw new EvalException($"internal error: {def.Name} gave {g.Length} {what} values for '{name}', not {count}");
            double[] data = ToDoubles(g);
            if (scale != 1)
                for (int k = 0; k < data.Length; k++) data[k] *= scale;
            var prepared = ctx.Inputs[i]!;
            data = Shapes.SumTo(data, shape, prepared.Shape);
            if (ctx.GradientBack[i] is { } back) data = back(data);
            byInput[i] = new Tensor(ctx.GivenShapes[i]!, data, type);
        }

        // one gradient per name the case asked for; a packed input's members' gradients interleave back along its last axis
        var grads = new List<KeyValuePair<string, Tensor>>(wanted.Count);
        foreach (string name in names)
        {
            if (grads.Exists(g => g.Key == name)) continue;
            int i = ctx.InputIndex(name);
            if (i >= 0) { grads.Add(new(name, byInput[i])); continue; }
            var packed = ctx.Packed.Find(p => p.Name == name)!;
            int k = packed.Members.Length;
            var data = new double[packed.Given.Count];
            for (int m = 0; m < k; m++)
            {
                double[] part = byInput[packed.Members[m]].Data;
                for (int j = 0; j < part.Length; j++) data[j * k + m] = part[j];
            }
            grads.Add(new(name, new Tensor(packed.Given.Shape, data, type)));
        }
        return grads;
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

    private static IEnumerable<string> NamesOf(IReadOnlyList<LossInput> inputs)
    {
        foreach (var i in inputs) yield return i.Name;
    }

    private static IEnumerable<string> NamesOf(IReadOnlyList<LossOption> options)
    {
        foreach (var o in options) yield return o.Name;
    }
}
