using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Emit;

/// <summary>
/// The public API of a loss for one element type: Forward, Backward and ForwardBackward, each reduced (returning the
/// value) and unreduced (one value per element or row, written to <c>output</c>). Every method is one call of the
/// implementation's <c>Run</c>. It lives in the user's class and namespace, so every type it names is
/// <c>global::</c>-qualified: a user type called <c>Reduction</c> or <c>Span</c> next to the loss changes nothing.
/// </summary>
internal static class LossApiEmitter
{
    private const string ReadOnlySpan = "global::System.ReadOnlySpan";
    private const string Span = "global::System.Span";
    private const string Reduction = "global::LossDsl.Reduction";
    private const string HessianPolicy = "global::LossDsl.HessianPolicy";

    /// <summary>A parameter of a public method; <paramref name="Key"/> is the Run parameter it feeds (<see cref="RunEmitter.Parameter.Key"/>).</summary>
    private sealed record ApiParameter(string Type, string Name, string Key, string? Default = null)
    {
        public override string ToString() => $"{Type} {Name}" + (Default is null ? "" : $" = {Default}");
    }

    public static void Emit(SourceWriter w, LossModel model, string type)
    {
        var loss = model.Loss;
        bool whole = loss.Shape == LossShape.Whole;
        bool row = loss.Shape == LossShape.Row;
        bool elementwise = loss.Shape == LossShape.Elementwise;
        string one = type == "float" ? "1f" : "1.0";

        var required = loss.Inputs.Where(i => i.Default is null)
            .Select(i => new ApiParameter($"{ReadOnlySpan}<{(Names.IsInteger(i.Kind) ? "int" : type)}>", Names.Public(i.Name), Names.Public(i.Name))).ToList();
        if (row) required.Add(new ApiParameter("int", "rowLength", "$rowLength"));
        var grads = loss.Inputs.Where(i => !i.IsConst).Select(i => new ApiParameter($"{Span}<{type}>", Names.Public(i.Name + "_grad"), Names.Public(i.Name + "_grad"))).ToList();
        var trailing = loss.Options.Select(o => o.IsBoolean
                ? new ApiParameter("bool", Names.Public(o.Name), Names.Public(o.Name), o.Default != 0 ? "true" : "false")
                : new ApiParameter(type, Names.Public(o.Name), Names.Public(o.Name), type == "float" ? Names.Float(o.Default) : Names.Double(o.Default)))
            .ToList();
        if (elementwise) trailing.Add(new ApiParameter($"{ReadOnlySpan}<{type}>", "weight", "$weight", "default"));
        trailing.AddRange(loss.Inputs.Where(i => i.Default is not null).Select(i => new ApiParameter($"{ReadOnlySpan}<{type}>", Names.Public(i.Name), Names.Public(i.Name), "default")));

        ApiParameter[] reductionParam = { new(Reduction, "reduction", "$reduction", Reduction + ".Mean") };
        ApiParameter[] gradOutputScalar = { new(type, "gradOutput", "$gradOutput", one) };
        ApiParameter[] output = { new($"{Span}<{type}>", "output", "$output") };
        ApiParameter[] gradOutputSpan = { new($"{ReadOnlySpan}<{type}>", "gradOutput", "$gradOutputs") };
        string per = row ? "row" : "element";
        var value = new Dictionary<string, string> { ["$gradients"] = "false" };
        var gradient = new Dictionary<string, string> { ["$gradients"] = "true" };
        var none = new Dictionary<string, string> { ["$gradients"] = "false", ["$reduction"] = Reduction + ".None" };
        var noneGradient = new Dictionary<string, string> { ["$gradients"] = "true", ["$reduction"] = Reduction + ".None", ["$gradOutput"] = one };

        w.Line();
        w.Line($"// ---- {type} ----");
        if (whole)
        {
            Method(w, model, type, $"The loss over all elements, in {type}.", type, "Forward", value, required, trailing);
            Method(w, model, type, $"The loss and its gradients (times <paramref name=\"gradOutput\"/>) in one pass, in {type}; an empty gradient span is skipped.",
                type, "ForwardBackward", gradient, required, grads, gradOutputScalar, trailing);
            Method(w, model, type, $"The gradients of the loss (times <paramref name=\"gradOutput\"/>), in {type}; an empty gradient span is skipped.",
                "void", "Backward", gradient, required, grads, gradOutputScalar, trailing);
            return;
        }
        Method(w, model, type, $"The reduced loss (mean or sum over the {per}s), in {type}.", type, "Forward", value, required, reductionParam, trailing);
        Method(w, model, type, $"The loss of every {per}, written to <paramref name=\"output\"/>, in {type}.", "void", "Forward", none, required, output, trailing);
        Method(w, model, type, $"The reduced loss and its gradients (times <paramref name=\"gradOutput\"/>) in one pass over memory, in {type}; an empty gradient span is skipped.",
            type, "ForwardBackward", gradient, required, grads, reductionParam, gradOutputScalar, trailing);
        Method(w, model, type, $"The loss of every {per} and the gradients of their sum weighted by <paramref name=\"gradOutput\"/>, in one pass, in {type}.",
            "void", "ForwardBackward", noneGradient, required, output, gradOutputSpan, grads, trailing);
        Method(w, model, type, $"The gradients of the reduced loss (times <paramref name=\"gradOutput\"/>), in {type}; an empty gradient span is skipped.",
            "void", "Backward", gradient, required, grads, reductionParam, gradOutputScalar, trailing);
        Method(w, model, type, $"The gradients of the sum of the per-{per} losses weighted by <paramref name=\"gradOutput\"/>, in {type}.",
            "void", "Backward", noneGradient, required, gradOutputSpan, grads, trailing);
        if (!elementwise) return;

        // GradientHessian: every input's gradient span followed by its Hessian span; the policy before the weight.
        var gradHess = loss.Inputs.Where(i => !i.IsConst).SelectMany(i => new[]
        {
            new ApiParameter($"{Span}<{type}>", Names.Public(i.Name + "_grad"), Names.Public(i.Name + "_grad")),
            new ApiParameter($"{Span}<{type}>", Names.Public(i.Name + "_hess"), Names.Public(i.Name + "_hess")),
        }).ToList();
        var trailingHess = trailing.Where(p => p.Key != "$weight").Take(loss.Options.Count)
            .Append(new ApiParameter(HessianPolicy, "hessianPolicy", "$hessianPolicy", "default"))
            .Concat(trailing.Skip(loss.Options.Count)).ToList();
        var hessian = new Dictionary<string, string>();
        var noneHessian = new Dictionary<string, string> { ["$reduction"] = Reduction + ".None", ["$gradOutput"] = one };
        Method(w, model, type, $"The reduced loss, its gradients and the diagonals of its Hessian (d²L/dx_i², through <paramref name=\"hessianPolicy\"/>; "
            + $"default: the loss's declared policy), all times <paramref name=\"gradOutput\"/>, in one pass, in {type}; an empty span is skipped. "
            + "The mean divides the gradients and Hessians by n as it divides the value.",
            type, "GradientHessian", hessian, required, gradHess, reductionParam, gradOutputScalar, trailingHess, hessianRun: true);
        Method(w, model, type, $"The loss of every element (to <paramref name=\"output\"/>; an empty span is skipped), and the gradients and Hessian diagonals of their sum weighted by "
            + $"<paramref name=\"gradOutput\"/>, in one pass, in {type}: per element, what a boosting round needs.",
            "void", "GradientHessian", noneHessian, required, output, gradOutputSpan, gradHess, trailingHess, hessianRun: true);
    }

    private static void Method(SourceWriter w, LossModel model, string type, string summary, string returns, string name,
        Dictionary<string, string> fixedArguments, params IEnumerable<ApiParameter>[] parts) =>
        Method(w, model, type, summary, returns, name, fixedArguments, parts, hessianRun: false);

    private static void Method(SourceWriter w, LossModel model, string type, string summary, string returns, string name,
        Dictionary<string, string> fixedArguments, IEnumerable<ApiParameter> a, IEnumerable<ApiParameter> b, IEnumerable<ApiParameter> c,
        IEnumerable<ApiParameter> d, IEnumerable<ApiParameter> e, bool hessianRun) =>
        Method(w, model, type, summary, returns, name, fixedArguments, new[] { a, b, c, d, e }, hessianRun);

    /// <param name="hessianRun">The method calls RunHessian (GradientHessian), not Run.</param>
    private static void Method(SourceWriter w, LossModel model, string type, string summary, string returns, string name,
        Dictionary<string, string> fixedArguments, IEnumerable<ApiParameter>[] parts, bool hessianRun)
    {
        // Each of Run's parameters gets the API parameter that carries it, a fixed value, or its default.
        var parameters = parts.SelectMany(p => p).ToList();
        var byKey = parameters.ToDictionary(p => p.Key, p => p.Name);
        var arguments = (hessianRun ? RunEmitter.HessianParameters(model) : RunEmitter.Parameters(model)).Select(p =>
            fixedArguments.TryGetValue(p.Key, out var value) ? value
            : byKey.TryGetValue(p.Key, out var parameter) ? parameter
            : p.Key == "$gradOutput" ? (type == "float" ? "1f" : "1.0")
            : "default");
        w.Line($"/// <summary>{summary}</summary>");
        w.Line($"public static {returns} {name}({string.Join(", ", parameters)})");
        w.Line($"    => {(returns == "void" ? "_ = " : "")}{LossEmitter.Implementation(model)}.{(hessianRun ? "RunHessian" : "Run")}<{type}>({string.Join(", ", arguments)});");
        w.Line();
    }
}
