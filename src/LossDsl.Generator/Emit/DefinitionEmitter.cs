using System.Linq;
using LossDsl.Generator.Model;
using LossDsl.Generator.Plan;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Emit;

/// <summary>
/// Emits the loss's <c>ILossDefinition</c> (its metadata and an array-based entry point for tools that pick a loss at
/// run time) and the module initializer that registers it in <c>LossRegistry</c>.
/// </summary>
internal static class DefinitionEmitter
{
    public static void Emit(SourceWriter w, LossModel model)
    {
        var loss = model.Loss;
        string kind = loss.Shape switch { LossShape.Row => "Row", LossShape.Whole => "Whole", _ => "Elementwise" };
        w.Line("// ---- run-time description, for tools ----");
        w.Line("[ModuleInitializer]");
        w.Line("internal static void RegisterLoss() => LossRegistry.Register(Instance);");
        w.Line();
        w.Line("/// <summary>The loss's definition: what the tensor API (<c>Tensors</c>) and tools run.</summary>");
        w.Line("internal static readonly ILossDefinition Instance = new Definition();");
        w.Line();
        w.Open("private sealed class Definition : ILossDefinition");
        w.Line($"public string Name => \"{loss.Name}\";");
        w.Line($"public string Formula => @\"{loss.Declaration.Replace("\"", "\"\"")}\";");
        w.Line($"public LossKind Kind => LossKind.{kind};");
        var inputs = loss.Inputs.Select(i => $"new(\"{i.Name}\", {(i.IsConst ? "false" : "true")}, {(i.Default is { } d ? Names.Double(d) : "null")}, LossInputKind.{i.Kind}{(i.Except is null ? "" : $", \"{i.Except}\"")})");
        w.Line($"public IReadOnlyList<LossInput> Inputs {{ get; }} = new LossInput[] {{ {string.Join(", ", inputs)} }};");
        var options = loss.Options.Select(o => $"new(\"{o.Name}\", {(o.IsBoolean ? "true" : "false")}, {Names.Double(o.Default)})");
        w.Line($"public IReadOnlyList<LossOption> Options {{ get; }} = new LossOption[] {{ {string.Join(", ", options)} }};");
        if (loss.Shape == LossShape.Elementwise) w.Line("public bool HasHessians => true;");
        ShapeRuleEmitter.Emit(w, loss.ShapeRules);
        w.Line("public void Evaluate(LossCall<float> call) => Call(call);");
        w.Line("public void Evaluate(LossCall<double> call) => Call(call);");
        w.Close();
        w.Line();

        w.Open("private static void Call<T>(LossCall<T> call) where T : unmanaged, IBinaryFloatingPointIeee754<T>");
        w.Line($"if (call.Inputs.Length != {loss.Inputs.Count}) throw new ArgumentException(\"{loss.Name} takes {loss.Inputs.Count} input(s).\", nameof(call));");
        w.Line("var options = call.Options;");
        w.Line($"if (options is not null && options.Length != {loss.Options.Count}) throw new ArgumentException(\"{loss.Name} takes {loss.Options.Count} option(s).\", nameof(call));");
        for (int k = 0; k < loss.Options.Count; k++)
        {
            var o = loss.Options[k];
            var p = Names.Parameter(o.Name);
            w.Line(o.IsBoolean
                ? $"bool {p} = options is null ? {(o.Default != 0 ? "true" : "false")} : options[{k}] != 0;"
                : $"T {p} = T.CreateTruncating(options is null ? {Names.Double(o.Default)} : options[{k}]);");
        }
        for (int k = 0; k < loss.Inputs.Count; k++)
        {
            var p = Names.Parameter(loss.Inputs[k].Name);
            w.Line(Names.IsInteger(loss.Inputs[k].Kind)
                ? $"ReadOnlySpan<int> {p} = LossGuard.Indices(call.Inputs[{k}], \"{Names.PublicCamel(loss.Inputs[k].Name)}\");"
                : $"ReadOnlySpan<T> {p} = call.Inputs[{k}];");
        }
        w.Line($"int n = {Names.Parameter(loss.Inputs.First(i => i.IsElement).Name)}.Length;");
        string outputs = loss.Shape switch { LossShape.Row => "call.RowLength > 0 ? n / call.RowLength : 0", LossShape.Whole => "1", _ => "n" };
        w.Line($"int outputs = {outputs};");
        w.Line(loss.Shape == LossShape.Whole ? "bool none = false;" : "bool none = call.Reduction == Reduction.None;");
        w.Line("var output = none ? new T[outputs] : null;");
        w.Line("call.Output = output;");
        w.Line($"var grads = call.WantGradients ? new T[]?[{loss.Inputs.Count}] : null;");
        for (int k = 0; k < loss.Inputs.Count; k++)
            if (!loss.Inputs[k].IsConst) w.Line($"if (grads is not null) grads[{k}] = new T[n];");
        w.Line("call.Gradients = grads;");
        w.Line("T[]? upstream = call.GradOutput;");
        w.Open("if (none && call.WantGradients && upstream is null)");
        w.Line("upstream = new T[outputs];");
        w.Line("Array.Fill(upstream, T.One);");
        w.Close();
        var plan = RunPlan.Of(loss);
        var arguments = plan.Run.Select(p => (p, p.Role switch
        {
            ParameterRole.RowLength => "call.RowLength",
            ParameterRole.Weight => "call.Weight",
            ParameterRole.Reduction => "call.Reduction",
            ParameterRole.Output => "output",
            ParameterRole.Gradients => "call.WantGradients",
            ParameterRole.GradOutputs => "upstream",
            ParameterRole.GradOutput => "T.One",
            ParameterRole.Gradient => $"grads is null ? default : grads[{p.Index}]",
            ParameterRole.Input or ParameterRole.Option => p.Name, // the local of the same name above
            var other => throw new Diagnostics.UnexpectedValueException("The definition emitter", other),
        }));
        if (loss.Shape == LossShape.Elementwise)
        {
            // Second derivatives: RunHessian fills the gradients and the Hessian diagonals in one pass.
            w.Open("if (call.WantHessians)");
            w.Line($"var hessians = new T[]?[{loss.Inputs.Count}];");
            w.Line($"grads ??= new T[]?[{loss.Inputs.Count}];");
            for (int k = 0; k < loss.Inputs.Count; k++)
                if (!loss.Inputs[k].IsConst) w.Line($"grads[{k}] ??= new T[n]; hessians[{k}] = new T[n];");
            w.Line("call.Gradients = grads;");
            w.Line("call.Hessians = hessians;");
            w.Line("if (none && upstream is null) { upstream = new T[outputs]; Array.Fill(upstream, T.One); }");
            var hessianArguments = plan.Hessian.Select(p => (p, p.Role switch
            {
                ParameterRole.Weight => "call.Weight",
                ParameterRole.Reduction => "call.Reduction",
                ParameterRole.Output => "output",
                ParameterRole.GradOutputs => "upstream",
                ParameterRole.GradOutput => "T.One",
                ParameterRole.HessianPolicy => "call.HessianPolicy",
                ParameterRole.Gradient => $"grads[{p.Index}]",
                ParameterRole.Hessian => $"hessians[{p.Index}]",
                ParameterRole.Input or ParameterRole.Option => p.Name,
                var other => throw new Diagnostics.UnexpectedValueException("The definition emitter", other),
            }));
            w.Line($"call.Value = RunHessian<T>({NamedArguments.Join(hessianArguments)});");
            w.Line("return;");
            w.Close();
        }
        else w.Line($"if (call.WantHessians) throw new NotSupportedException(\"{loss.Name} is a {kind.ToLowerInvariant()} loss: only elementwise losses have generated second derivatives.\");");
        w.Line($"call.Value = Run<T>({NamedArguments.Join(arguments)});");
        w.Close();
    }
}
