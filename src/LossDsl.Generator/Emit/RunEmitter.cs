using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Emit;

/// <summary>
/// Emits <c>Run&lt;T&gt;</c>, the one generic implementation behind every public method of a loss: it checks the
/// arguments (an <c>ArgumentException</c> naming the bad one), picks the kernel and the loop, and applies the reduction.
/// </summary>
internal static class RunEmitter
{
    public readonly record struct Parameter(string Type, string Name);

    /// <summary>Run's parameters, in order.</summary>
    public static List<Parameter> Parameters(LossModel model)
    {
        var loss = model.Loss;
        var list = loss.Inputs.Select(i => new Parameter("ReadOnlySpan<T>", Names.Parameter(i.Name))).ToList();
        if (loss.Shape == LossShape.Row) list.Add(new("int", "rowLength"));
        list.AddRange(loss.Options.Select(o => new Parameter(o.IsBoolean ? "bool" : "T", Names.Parameter(o.Name))));
        if (loss.Shape == LossShape.Elementwise) list.Add(new("ReadOnlySpan<T>", "weight"));
        if (loss.Shape != LossShape.Whole) { list.Add(new("Reduction", "reduction")); list.Add(new("Span<T>", "output")); }
        list.Add(new("bool", "gradients"));
        if (loss.Shape != LossShape.Whole) list.Add(new("ReadOnlySpan<T>", "gradOutputs"));
        list.Add(new("T", "gradOutput"));
        list.AddRange(loss.Inputs.Where(i => !i.IsConst).Select(i => new Parameter("Span<T>", Names.Parameter(i.Name + "_grad"))));
        return list;
    }

    public static void Emit(SourceWriter w, LossModel model)
    {
        var loss = model.Loss;
        var parameters = Parameters(model);
        w.Line("// ---- implementation ----");
        w.Open($"private static T Run<T>({string.Join(", ", parameters.Select(p => p.Type + " " + p.Name))}) where T : unmanaged, IBinaryFloatingPointIeee754<T>");
        var first = Names.Parameter(loss.Inputs[0].Name);
        w.Line($"int n = {first}.Length;");
        foreach (var input in loss.Inputs.Skip(1))
        {
            var p = Names.Parameter(input.Name);
            w.Line(input.Default is null ? $"LossGuard.Length({p}.Length, n, nameof({p}));" : $"LossGuard.Optional({p}.Length, n, nameof({p}));");
        }
        if (loss.Shape == LossShape.Elementwise) w.Line("LossGuard.Optional(weight.Length, n, nameof(weight));");
        if (loss.Shape != LossShape.Whole)
            w.Line("if (reduction is not (Reduction.None or Reduction.Mean or Reduction.Sum)) throw new ArgumentOutOfRangeException(nameof(reduction), reduction, \"Unknown reduction.\");");
        string count = loss.Shape switch { LossShape.Row => "rows", LossShape.Whole => "1", _ => "n" };
        if (loss.Shape == LossShape.Row) w.Line("int rows = n == 0 && rowLength > 0 ? 0 : LossGuard.Rows(rowLength, n, nameof(rowLength));");
        if (loss.Shape != LossShape.Whole)
        {
            w.Open("if (reduction == Reduction.None)");
            w.Line($"if (gradients) LossGuard.Optional(output.Length, {count}, nameof(output)); else LossGuard.Length(output.Length, {count}, nameof(output));");
            w.Line($"if (gradients) LossGuard.Length(gradOutputs.Length, {count}, \"gradOutput\");");
            w.Close();
        }
        var gradInputs = loss.Inputs.Where(i => !i.IsConst).ToList();
        if (gradInputs.Count > 0)
        {
            w.Open("if (gradients)");
            foreach (var input in gradInputs)
            {
                var g = Names.Parameter(input.Name + "_grad");
                w.Line($"LossGuard.Optional({g}.Length, n, nameof({g}));");
                foreach (var other in loss.Inputs) w.Line($"LossGuard.NoOverlap({Names.Parameter(other.Name)}, {g}, nameof({g}));");
            }
            w.Close();
        }
        w.Line();
        var inputs = string.Join(", ", loss.Inputs.Select(i => Names.Parameter(i.Name)).Concat(loss.Options.Select(o => Names.Parameter(o.Name))));
        var grads = string.Join(", ", gradInputs.Select(i => Names.Parameter(i.Name + "_grad")));
        if (loss.Shape == LossShape.Elementwise) Elementwise(w, inputs, grads);
        else Rows(w, model, inputs, grads);
        w.Close();
    }

    private static void Elementwise(SourceWriter w, string inputs, string grads)
    {
        w.Open("if (!gradients)");
        w.Line($"var kernel = new ValueKernel<T>({inputs}, weight);");
        w.Open("if (reduction == Reduction.None)");
        w.Line("ElementLoops.Map<ValueKernel<T>, T>(ref kernel, 0, n, output);");
        w.Line("return T.Zero;");
        w.Close();
        w.Line("T sum = ElementLoops.Sum<ValueKernel<T>, T>(ref kernel, 0, n);");
        w.Line("return reduction == Reduction.Mean ? sum / T.CreateTruncating(n) : sum;");
        w.Close();
        w.Line();
        w.Line("// The mean's 1/n and the upstream gradient fold into one scale; for None the upstream is per element.");
        w.Line("T scale = reduction == Reduction.Mean ? gradOutput / T.CreateTruncating(n) : gradOutput;");
        w.Line($"var fused = new GradientKernel<T>({inputs}, weight, reduction == Reduction.None ? gradOutputs : default, scale{(grads.Length > 0 ? ", " + grads : "")});");
        w.Open("if (reduction == Reduction.None)");
        w.Line("if (output.IsEmpty) ElementLoops.Run<GradientKernel<T>, T>(ref fused, 0, n);");
        w.Line("else ElementLoops.Map<GradientKernel<T>, T>(ref fused, 0, n, output);");
        w.Line("return T.Zero;");
        w.Close();
        w.Line("T total = ElementLoops.Sum<GradientKernel<T>, T>(ref fused, 0, n);");
        w.Line("return reduction == Reduction.Mean ? total / T.CreateTruncating(n) : total;");
    }

    private static void Rows(SourceWriter w, LossModel model, string inputs, string grads)
    {
        var loss = model.Loss;
        bool whole = loss.Shape == LossShape.Whole;
        if (whole) w.Line("int rows = 1, rowLength = n;");
        w.Line("T inverseLength = T.One / T.CreateTruncating(rowLength);");
        for (int j = 0; j < loss.Aggregates.Count; j++)
            w.Line($"var aggregate{j} = new Aggregate{j}Kernel<T>({inputs});");
        w.Line($"var rowGradient = new RowGradientKernel<T>({inputs}{(grads.Length > 0 ? ", " + grads : "")});");
        w.Line("T total = T.Zero;");
        w.Open("for (int r = 0; r < rows; r++)");
        w.Line("int start = r * rowLength, end = start + rowLength;");
        var used = new HashSet<string> { "r", "start", "end", "n", "rows", "rowLength", "total", "inverseLength", "value", "g", "gradients", "reduction", "output", "gradOutput", "gradOutputs", "rowGradient" };
        for (int j = 0; j < loss.Aggregates.Count; j++)
        {
            used.Add("a" + j);
            used.Add("aggregate" + j);
            var mean = loss.Aggregates[j].IsMean ? " * inverseLength" : "";
            w.Line($"T a{j} = ElementLoops.Sum<Aggregate{j}Kernel<T>, T>(ref aggregate{j}, start, end){mean};");
        }
        foreach (var p in Parameters(model)) used.Add(p.Name);
        var leaf = new System.Func<Expr, string?>(e => e switch
        {
            AggregateRef a => "a" + a.Index,
            OptionRef o => Names.Parameter(o.Name),
            _ => null,
        });
        var letNames = new Dictionary<Expr, string>();
        var emitter = new ExpressionEmitter(Width.Scalar, leaf, leaf, letNames, used);
        var roots = new List<Expr> { loss.Body };
        roots.AddRange(model.OuterGradients);
        w.Line($"// L = {FormulaPrinter.Print(loss.Body)}");
        var texts = emitter.Emit(w, roots);
        w.Line($"T value = {texts[0]};");
        if (whole) w.Line("total += value;");
        else w.Line("if (reduction != Reduction.None) total += value; else if (!output.IsEmpty) output[r] = value;");
        w.Open("if (gradients)");
        w.Line(whole ? "T g = gradOutput;"
            : "T g = reduction == Reduction.None ? gradOutputs[r] : reduction == Reduction.Mean ? gradOutput / T.CreateTruncating(rows) : gradOutput;");
        for (int j = 0; j < loss.Aggregates.Count; j++)
        {
            var mean = loss.Aggregates[j].IsMean ? " * inverseLength" : "";
            w.Line($"// dL/dA{j} = {FormulaPrinter.Print(model.OuterGradients[j])}");
            w.Line($"rowGradient.C{j} = g * ({texts[1 + j]}){mean};");
        }
        w.Line("ElementLoops.Run<RowGradientKernel<T>, T>(ref rowGradient, start, end);");
        w.Close();
        w.Close();
        w.Line(whole ? "return total;" : "return reduction == Reduction.Mean ? total / T.CreateTruncating(rows) : total;");
    }
}
