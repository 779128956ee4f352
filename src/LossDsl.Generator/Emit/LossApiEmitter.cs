using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Emit;

/// <summary>
/// The public API of a loss for one element type: Forward, Backward and ForwardBackward, each reduced (returning the
/// value) and unreduced (one value per element or row, written to <c>output</c>). Every method is one call of <c>Run</c>.
/// </summary>
internal static class LossApiEmitter
{
    public static void Emit(SourceWriter w, LossModel model, string type)
    {
        var loss = model.Loss;
        bool whole = loss.Shape == LossShape.Whole;
        bool row = loss.Shape == LossShape.Row;
        bool elementwise = loss.Shape == LossShape.Elementwise;
        string one = type == "float" ? "1f" : "1.0";

        var required = loss.Inputs.Where(i => i.Default is null)
            .Select(i => $"ReadOnlySpan<{(Names.IsInteger(i.Kind) ? "int" : type)}> {Names.Parameter(i.Name)}").ToList();
        if (row) required.Add("int rowLength");
        var grads = loss.Inputs.Where(i => !i.IsConst).Select(i => $"Span<{type}> {Names.Parameter(i.Name + "_grad")}").ToList();
        var trailing = loss.Options.Select(o => o.IsBoolean
                ? $"bool {Names.Parameter(o.Name)} = {(o.Default != 0 ? "true" : "false")}"
                : $"{type} {Names.Parameter(o.Name)} = {(type == "float" ? Names.Float(o.Default) : Names.Double(o.Default))}")
            .ToList();
        if (elementwise) trailing.Add($"ReadOnlySpan<{type}> weight = default");
        trailing.AddRange(loss.Inputs.Where(i => i.Default is not null).Select(i => $"ReadOnlySpan<{type}> {Names.Parameter(i.Name)} = default"));

        string Sig(params IEnumerable<string>[] parts) => string.Join(", ", parts.SelectMany(p => p));
        string[] reductionParam = { "Reduction reduction = Reduction.Mean" };
        string[] gradOutputScalar = { $"{type} gradOutput = {one}" };
        string[] output = { $"Span<{type}> output" };
        string[] gradOutputSpan = { $"ReadOnlySpan<{type}> gradOutput" };
        string per = row ? "row" : "element";

        w.Line();
        w.Line($"// ---- {type} ----");
        if (whole)
        {
            Method(w, $"The loss over all elements, in {type}.", $"{type} Forward({Sig(required, trailing)})", model, type, new() { ["gradients"] = "false" });
            Method(w, $"The loss and its gradients (times <paramref name=\"gradOutput\"/>) in one pass, in {type}; an empty gradient span is skipped.",
                $"{type} ForwardBackward({Sig(required, grads, gradOutputScalar, trailing)})", model, type, new() { ["gradients"] = "true" });
            Method(w, $"The gradients of the loss (times <paramref name=\"gradOutput\"/>), in {type}; an empty gradient span is skipped.",
                $"void Backward({Sig(required, grads, gradOutputScalar, trailing)})", model, type, new() { ["gradients"] = "true" });
            return;
        }
        Method(w, $"The reduced loss (mean or sum over the {per}s), in {type}.",
            $"{type} Forward({Sig(required, reductionParam, trailing)})", model, type, new() { ["gradients"] = "false" });
        Method(w, $"The loss of every {per}, written to <paramref name=\"output\"/>, in {type}.",
            $"void Forward({Sig(required, output, trailing)})", model, type, new() { ["gradients"] = "false", ["reduction"] = "Reduction.None" });
        Method(w, $"The reduced loss and its gradients (times <paramref name=\"gradOutput\"/>) in one pass over memory, in {type}; an empty gradient span is skipped.",
            $"{type} ForwardBackward({Sig(required, grads, reductionParam, gradOutputScalar, trailing)})", model, type, new() { ["gradients"] = "true" });
        Method(w, $"The loss of every {per} and the gradients of their sum weighted by <paramref name=\"gradOutput\"/>, in one pass, in {type}.",
            $"void ForwardBackward({Sig(required, output, gradOutputSpan, grads, trailing)})", model, type,
            new() { ["gradients"] = "true", ["reduction"] = "Reduction.None", ["gradOutputs"] = "gradOutput", ["gradOutput"] = one });
        Method(w, $"The gradients of the reduced loss (times <paramref name=\"gradOutput\"/>), in {type}; an empty gradient span is skipped.",
            $"void Backward({Sig(required, grads, reductionParam, gradOutputScalar, trailing)})", model, type, new() { ["gradients"] = "true" });
        Method(w, $"The gradients of the sum of the per-{per} losses weighted by <paramref name=\"gradOutput\"/>, in {type}.",
            $"void Backward({Sig(required, gradOutputSpan, grads, trailing)})", model, type,
            new() { ["gradients"] = "true", ["reduction"] = "Reduction.None", ["gradOutputs"] = "gradOutput", ["gradOutput"] = one });
    }

    private static void Method(SourceWriter w, string summary, string signature, LossModel model, string type, Dictionary<string, string> overrides)
    {
        // Whatever the signature declares is passed by name; the rest of Run's parameters get the override or default.
        var declared = new HashSet<string>(signature.Substring(signature.IndexOf('(') + 1).TrimEnd(')').Split(',')
            .Select(p => p.Split('=')[0].Trim()).Where(p => p.Length > 0).Select(p => p.Substring(p.LastIndexOf(' ') + 1)));
        var arguments = RunEmitter.Parameters(model).Select(p =>
            overrides.TryGetValue(p.Name, out var value) ? value
            : declared.Contains(p.Name) ? p.Name
            : p.Name == "gradOutput" ? (type == "float" ? "1f" : "1.0")
            : "default");
        bool returns = !signature.StartsWith("void");
        w.Line($"/// <summary>{summary}</summary>");
        w.Line($"public static {signature}");
        w.Line($"    => {(returns ? "" : "_ = ")}Run<{type}>({string.Join(", ", arguments)});");
        w.Line();
    }
}
