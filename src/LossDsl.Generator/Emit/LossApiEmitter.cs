using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Model;
using LossDsl.Generator.Plan;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Emit;

/// <summary>
/// The public API of a loss for one element type: Forward, Backward and ForwardBackward, each reduced (returning the
/// value) and unreduced (one value per element or row, written to <c>output</c>). Every method is one call of the
/// implementation's <c>Run</c> (an elementwise loss's Forward methods: <c>RunForward</c>; GradientHessian:
/// <c>RunHessian</c>). It lives in the user's class and namespace, so every type it names is
/// <c>global::</c>-qualified: a user type called <c>Reduction</c> or <c>Span</c> next to the loss changes nothing.
/// </summary>
internal static class LossApiEmitter
{
    /// <summary>The implementation method a public method calls.</summary>
    private enum Target { Run, RunForward, RunHessian }

    private const string ReadOnlySpan = "global::System.ReadOnlySpan";
    private const string Span = "global::System.Span";
    private const string Reduction = "global::LossDsl.Reduction";
    private const string HessianPolicy = "global::LossDsl.HessianPolicy";

    /// <summary>A parameter of a public method; it feeds Run's parameter of role <paramref name="Role"/> (and input or option <paramref name="Index"/>).</summary>
    private sealed record ApiParameter(string Type, string Name, ParameterRole Role, int Index = -1, string? Default = null)
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

        var inputs = Enumerable.Range(0, loss.Inputs.Count);
        var required = inputs.Where(k => loss.Inputs[k].Default is null)
            .Select(k => new ApiParameter($"{ReadOnlySpan}<{(Names.IsInteger(loss.Inputs[k].Kind) ? "int" : type)}>", Names.Public(loss.Inputs[k].Name), ParameterRole.Input, k)).ToList();
        if (row) required.Add(new ApiParameter("int", "rowLength", ParameterRole.RowLength));
        var grads = inputs.Where(k => !loss.Inputs[k].IsConst).Select(k => new ApiParameter($"{Span}<{type}>", Names.Public(loss.Inputs[k].Name + "_grad"), ParameterRole.Gradient, k)).ToList();
        var options = loss.Options.Select((o, k) => o.IsBoolean
                ? new ApiParameter("bool", Names.Public(o.Name), ParameterRole.Option, k, o.Default != 0 ? "true" : "false")
                : new ApiParameter(type, Names.Public(o.Name), ParameterRole.Option, k, type == "float" ? Names.Float(o.Default) : Names.Double(o.Default)))
            .ToList();
        var weight = elementwise ? new[] { new ApiParameter($"{ReadOnlySpan}<{type}>", "weight", ParameterRole.Weight, Default: "default") } : new ApiParameter[0];
        var optionalInputs = inputs.Where(k => loss.Inputs[k].Default is not null)
            .Select(k => new ApiParameter($"{ReadOnlySpan}<{type}>", Names.Public(loss.Inputs[k].Name), ParameterRole.Input, k, "default")).ToList();
        var trailing = options.Concat(weight).Concat(optionalInputs).ToList();

        ApiParameter[] reductionParam = { new(Reduction, "reduction", ParameterRole.Reduction, Default: Reduction + ".Mean") };
        ApiParameter[] gradOutputScalar = { new(type, "gradOutput", ParameterRole.GradOutput, Default: one) };
        ApiParameter[] output = { new($"{Span}<{type}>", "output", ParameterRole.Output) };
        ApiParameter[] gradOutputSpan = { new($"{ReadOnlySpan}<{type}>", "gradOutput", ParameterRole.GradOutputs) };
        string per = row ? "row" : "element";
        var value = new Dictionary<ParameterRole, string> { [ParameterRole.Gradients] = "false" };
        var gradient = new Dictionary<ParameterRole, string> { [ParameterRole.Gradients] = "true" };
        var none = new Dictionary<ParameterRole, string> { [ParameterRole.Gradients] = "false", [ParameterRole.Reduction] = Reduction + ".None" };
        var noneGradient = new Dictionary<ParameterRole, string> { [ParameterRole.Gradients] = "true", [ParameterRole.Reduction] = Reduction + ".None", [ParameterRole.GradOutput] = one };

        // the methods without gradients of an elementwise loss call RunForward, which takes no gradient parameter
        var valueTarget = elementwise ? Target.RunForward : Target.Run;
        w.Line();
        w.Line($"// ---- {type} ----");
        if (whole)
        {
            Method(w, model, type, $"The loss over all elements, in {type}.", type, "Forward", valueTarget, value, required, trailing);
            Method(w, model, type, $"The loss and its gradients (times <paramref name=\"gradOutput\"/>) in one pass, in {type}; an empty gradient span is skipped.",
                type, "ForwardBackward", Target.Run, gradient, required, grads, gradOutputScalar, trailing);
            Method(w, model, type, $"The gradients of the loss (times <paramref name=\"gradOutput\"/>), in {type}; an empty gradient span is skipped.",
                "void", "Backward", Target.Run, gradient, required, grads, gradOutputScalar, trailing);
            return;
        }
        Method(w, model, type, $"The reduced loss (mean or sum over the {per}s), in {type}.", type, "Forward", valueTarget, value, required, reductionParam, trailing);
        Method(w, model, type, $"The loss of every {per}, written to <paramref name=\"output\"/>, in {type}.", "void", "Forward", valueTarget, none, required, output, trailing);
        Method(w, model, type, $"The reduced loss and its gradients (times <paramref name=\"gradOutput\"/>) in one pass over memory, in {type}; an empty gradient span is skipped.",
            type, "ForwardBackward", Target.Run, gradient, required, grads, reductionParam, gradOutputScalar, trailing);
        Method(w, model, type, $"The loss of every {per} and the gradients of their sum weighted by <paramref name=\"gradOutput\"/>, in one pass, in {type}.",
            "void", "ForwardBackward", Target.Run, noneGradient, required, output, gradOutputSpan, grads, trailing);
        Method(w, model, type, $"The gradients of the reduced loss (times <paramref name=\"gradOutput\"/>), in {type}; an empty gradient span is skipped.",
            "void", "Backward", Target.Run, gradient, required, grads, reductionParam, gradOutputScalar, trailing);
        Method(w, model, type, $"The gradients of the sum of the per-{per} losses weighted by <paramref name=\"gradOutput\"/>, in {type}.",
            "void", "Backward", Target.Run, noneGradient, required, gradOutputSpan, grads, trailing);
        if (!elementwise) return;

        // GradientHessian: every input's gradient span followed by its Hessian span; the policy before the weight.
        var gradHess = inputs.Where(k => !loss.Inputs[k].IsConst).SelectMany(k => new[]
        {
            new ApiParameter($"{Span}<{type}>", Names.Public(loss.Inputs[k].Name + "_grad"), ParameterRole.Gradient, k),
            new ApiParameter($"{Span}<{type}>", Names.Public(loss.Inputs[k].Name + "_hess"), ParameterRole.Hessian, k),
        }).ToList();
        var trailingHess = options.Append(new ApiParameter(HessianPolicy, "hessianPolicy", ParameterRole.HessianPolicy, Default: "default"))
            .Concat(weight).Concat(optionalInputs).ToList();
        var hessian = new Dictionary<ParameterRole, string>();
        var noneHessian = new Dictionary<ParameterRole, string> { [ParameterRole.Reduction] = Reduction + ".None", [ParameterRole.GradOutput] = one };
        Method(w, model, type, $"The reduced loss, its gradients and the diagonals of its Hessian (d²L/dx_i², through <paramref name=\"hessianPolicy\"/>; "
            + $"default: the loss's declared policy), all times <paramref name=\"gradOutput\"/>, in one pass, in {type}; an empty span is skipped. "
            + "The mean divides the gradients and Hessians by n as it divides the value.",
            type, "GradientHessian", Target.RunHessian, hessian, required, gradHess, reductionParam, gradOutputScalar, trailingHess);
        Method(w, model, type, $"The loss of every element (to <paramref name=\"output\"/>; an empty span is skipped), and the gradients and Hessian diagonals of their sum weighted by "
            + $"<paramref name=\"gradOutput\"/>, in one pass, in {type}: per element, what a boosting round needs.",
            "void", "GradientHessian", Target.RunHessian, noneHessian, required, output, gradOutputSpan, gradHess, trailingHess);
    }

    /// <param name="target">The implementation method it calls: Run, RunForward (an elementwise loss's methods without
    /// gradients) or RunHessian (GradientHessian).</param>
    private static void Method(SourceWriter w, LossModel model, string type, string summary, string returns, string name,
        Target target, Dictionary<ParameterRole, string> fixedArguments, params IEnumerable<ApiParameter>[] parts)
    {
        // Each of Run's parameters gets the API parameter that carries it, a fixed value, or its default.
        var parameters = parts.SelectMany(p => p).ToList();
        var plan = RunPlan.Of(model.Loss);
        var signature = target switch { Target.RunForward => plan.Forward, Target.RunHessian => plan.Hessian, _ => plan.Run };
        var arguments = signature.Select(p => (p,
            fixedArguments.TryGetValue(p.Role, out var value) ? value
            : parameters.FirstOrDefault(a => p.Carries(a.Role, a.Index)) is { } parameter ? parameter.Name
            : p.Role == ParameterRole.GradOutput ? (type == "float" ? "1f" : "1.0")
            : "default"));
        w.Line($"/// <summary>{summary}</summary>");
        w.Line($"public static {returns} {name}({string.Join(", ", parameters)})");
        w.Line($"    => {(returns == "void" ? "_ = " : "")}{LossEmitter.Implementation(model)}.{target}<{type}>({NamedArguments.Join(arguments)});");
        w.Line();
    }
}
