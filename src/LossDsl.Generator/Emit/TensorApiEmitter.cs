using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Emit;

/// <summary>
/// Emits a loss's tensor API, the nested class <c>Tensors</c>: <c>Forward</c> and <c>ForwardBackward</c> over
/// System.Numerics.Tensors' <c>ReadOnlyTensorSpan&lt;T&gt;</c> (float and double; class indices, lengths and label
/// lists as <c>ReadOnlyTensorSpan&lt;long&gt;</c>) with PyTorch's semantics: any shape the loss's <c>shape</c> clauses
/// accept, reduction none in PyTorch's output shape, gradients in each input's shape, PyTorch's refusals as
/// <c>ArgumentException</c>s. They run <c>LossDsl.Tensors.TensorLoss</c> on the loss's definition; the span methods stay
/// the allocation-free core.
/// </summary>
internal static class TensorApiEmitter
{
    private const string Ns = "global::LossDsl.Tensors.";
    private const string TensorNs = "global::System.Numerics.Tensors.";

    public static void Emit(SourceWriter w, LossModel model)
    {
        var loss = model.Loss;
        // a nested class cannot take its enclosing class's name (CS0542): a loss named 'tensors' keeps its span API only
        if (model.ClassName == "Tensors") return;
        string definition = LossEmitter.Implementation(model) + ".Instance";
        // options a shape rule sets itself (a sequence's class count) are not parameters
        var supplied = loss.ShapeRules.SelectMany(r => ShapeRuleTable.Arguments(r, ShapeParameter.Option)).ToList();
        var options = loss.Options.Where(o => !supplied.Contains(o.Name)).ToList();
        bool elementWeight = loss.Shape != LossShape.Whole && !loss.Inputs.Any(i => Names.PublicCamel(i.Name) == "weight");
        var integers = Integers(loss);
        var differentiable = loss.Inputs.Where(i => !i.IsConst && !integers.Contains(i.Name)).ToList();
        // an elementwise loss of floating-point inputs runs its span method on dense tensors of one shape (DenseTensors)
        bool dense = loss.Shape == LossShape.Elementwise && integers.Count == 0 && elementWeight && loss.Inputs.Any(i => i.Default is null);

        w.Line();
        w.Line($"/// <summary>The loss on tensors with PyTorch's semantics (<c>{loss.Name}</c> as torch.nn.functional takes it): the shapes its");
        w.Line("/// <c>shape</c> clauses declare, broadcasting, reduction none in PyTorch's output shape, gradients in each input's shape.</summary>");
        w.Open("public static class Tensors");
        w.Line("/// <summary>Any call of the loss: tensors by input name (a packed input as <c>(..., k)</c>), options, reduction (<c>batchmean</c> too), derivatives.</summary>");
        w.Line($"public static {Ns}LossResult Evaluate({Ns}LossArguments arguments) => {Ns}TensorLoss.Evaluate({definition}, arguments);");
        foreach (var type in new[] { "float", "double" })
        {
            string span = $"{TensorNs}ReadOnlyTensorSpan<{type}>";
            string tensor = $"{TensorNs}Tensor<{type}>";
            string InputType(InputModel i) => integers.Contains(i.Name) ? $"{TensorNs}ReadOnlyTensorSpan<long>" : span;
            var required = loss.Inputs.Where(i => i.Default is null).Select(i => $"{InputType(i)} {Names.Public(i.Name)}");
            var optional = loss.Inputs.Where(i => i.Default is not null).Select(i => $"{InputType(i)} {Names.Public(i.Name)} = default")
                .Concat(elementWeight ? [$"{span} weight = default"] : [])
                .Concat(options.Select(o => o.IsBoolean ? $"bool {Names.Public(o.Name)} = {(o.Default != 0 ? "true" : "false")}" : $"double {Names.Public(o.Name)} = {Names.Double(o.Default)}"));
            string reduction = loss.Shape == LossShape.Whole ? "" : "global::LossDsl.Reduction reduction = global::LossDsl.Reduction.Mean";

            w.Line();
            w.Line("/// <summary>The loss: one value (shape [1]: System.Numerics.Tensors has no 0-d tensors) when reduced, else one per element (per row) in PyTorch's output shape.</summary>");
            w.Open($"public static {tensor} Forward({string.Join(", ", required.Concat(Optional(reduction)).Concat(optional))})");
            if (dense) DenseForward(w, model, type, options);
            Arguments(w, model, type, options, elementWeight, integers, []);
            w.Line($"return {Ns}TensorLoss.Evaluate({definition}, arguments_).Loss.ToTensor<{type}>();");
            w.Close();

            if (differentiable.Count == 0) continue;
            var outs = differentiable.Select(i => $"out {tensor} {Names.Public(i.Name + "_grad")}");
            w.Line();
            w.Line("/// <summary>The loss and the gradient of each differentiable input (of <c>sum(loss * gradOutput)</c>, gradOutput broadcasting with the loss; ones when not given).</summary>");
            w.Open($"public static {tensor} ForwardBackward({string.Join(", ", required.Concat(outs).Concat(Optional(reduction)).Concat([$"{span} gradOutput = default"]).Concat(optional))})");
            if (dense) DenseForwardBackward(w, model, type, options, differentiable);
            Arguments(w, model, type, options, elementWeight, integers, differentiable);
            w.Line($"if ({Ns}LossTensor.FromOptional(gradOutput) is {{ }} upstream_) arguments_.GradOutput = upstream_;");
            w.Line($"var result_ = {Ns}TensorLoss.Evaluate({definition}, arguments_);");
            foreach (var i in differentiable)
                w.Line($"{Names.Public(i.Name + "_grad")} = result_.GradientOf(\"{i.Name}\")!.ToTensor<{type}>();");
            w.Line($"return result_.Loss.ToTensor<{type}>();");
            w.Close();
        }
        w.Close();
    }

    /// <summary>
    /// The copy-free path of <c>Forward</c>: when every tensor is dense and of the first input's shape and the shape
    /// rules hold for it, the span method on the tensors' memory (the same kernel TensorLoss would run on copies).
    /// </summary>
    private static void DenseForward(SourceWriter w, LossModel model, string type, List<OptionModel> options)
    {
        w.Line("// dense tensors of one shape: the span method on their memory, no copy (DenseTensors); any other call through TensorLoss");
        w.Open($"if ({DenseCondition(model)})");
        w.Line($"if (reduction != global::LossDsl.Reduction.None) return {Ns}DenseTensors.Scalar({SpanCall(model, type, "Forward", ["reduction: reduction"], options)});");
        w.Line($"var loss_ = {Ns}DenseTensors.Create<{type}>({Reference(model)}.Lengths, out var values_);");
        w.Line(SpanCall(model, type, "Forward", ["output: values_"], options) + ";");
        w.Line("return loss_;");
        w.Close();
    }

    /// <summary>The copy-free path of <c>ForwardBackward</c> (see <see cref="DenseForward"/>), the upstream gradient one value or a dense tensor of the loss's shape.</summary>
    private static void DenseForwardBackward(SourceWriter w, LossModel model, string type, List<OptionModel> options, List<InputModel> differentiable)
    {
        string lengths = Reference(model) + ".Lengths";
        var grads = differentiable.Select(i => Names.Public(i.Name + "_grad")).ToList();
        var gradArguments = grads.Select(g => $"{g}: {Local(g)}").ToList();
        w.Line("// dense tensors of one shape: the span method on their memory, no copy (DenseTensors); any other call through TensorLoss");
        w.Open($"if ({DenseCondition(model)})");
        w.Open($"if (reduction != global::LossDsl.Reduction.None && {Ns}DenseTensors.TryGetUpstream(gradOutput, out {type} dy_))");
        foreach (var g in grads) w.Line($"{g} = {Ns}DenseTensors.Create<{type}>({lengths}, out var {Local(g)});");
        w.Line($"return {Ns}DenseTensors.Scalar({SpanCall(model, type, "ForwardBackward", gradArguments.Concat(["reduction: reduction", "gradOutput: dy_"]), options)});");
        w.Close();
        w.Open($"if (reduction == global::LossDsl.Reduction.None && {Ns}DenseTensors.TryGetUpstreams(gradOutput, {lengths}, out var dys_))");
        foreach (var g in grads) w.Line($"{g} = {Ns}DenseTensors.Create<{type}>({lengths}, out var {Local(g)});");
        w.Line($"var loss_ = {Ns}DenseTensors.Create<{type}>({lengths}, out var values_);");
        w.Line(SpanCall(model, type, "ForwardBackward", new[] { "output: values_", "gradOutput: dys_" }.Concat(gradArguments), options) + ";");
        w.Line("return loss_;");
        w.Close();
        w.Close();
    }

    /// <summary>The first required input: the shape every other tensor must have for the copy-free path.</summary>
    private static string Reference(LossModel model) => Names.Public(model.Loss.Inputs.First(i => i.Default is null).Name);

    /// <summary>The local holding a tensor's values: <c>v_</c> and the parameter's name without its keyword escape (<c>@is</c>).</summary>
    private static string Local(string parameter) => "v_" + parameter.TrimStart('@');

    private static string DenseCondition(LossModel model)
    {
        var loss = model.Loss;
        string lengths = Reference(model) + ".Lengths";
        var parts = new List<string> { $"{Ns}DenseTensors.Fits({LossEmitter.Implementation(model)}.Instance, {lengths})" };
        foreach (var i in loss.Inputs)
            parts.Add($"{Ns}DenseTensors.{(i.Default is null ? "TryGet" : "TryGetOptional")}({Names.Public(i.Name)}, {lengths}, out var {Local(Names.Public(i.Name))})");
        parts.Add($"{Ns}DenseTensors.TryGetOptional(weight, {lengths}, out var v_weight)");
        return string.Join(" && ", parts);
    }

    /// <summary>A call of the loss's span method <paramref name="method"/>: the required inputs in order, the rest by name.</summary>
    private static string SpanCall(LossModel model, string type, string method, IEnumerable<string> named, List<OptionModel> options)
    {
        var loss = model.Loss;
        var arguments = loss.Inputs.Where(i => i.Default is null).Select(i => Local(Names.Public(i.Name)))
            .Concat(named)
            .Concat(options.Select(o => $"{Names.Public(o.Name)}: {(o.IsBoolean || type == "double" ? Names.Public(o.Name) : $"({type}){Names.Public(o.Name)}")}"))
            .Concat(["weight: v_weight"])
            .Concat(loss.Inputs.Where(i => i.Default is not null).Select(i => $"{Names.Public(i.Name)}: {Local(Names.Public(i.Name))}"));
        return $"{model.ClassName}.{method}({string.Join(", ", arguments)})";
    }

    /// <summary>The inputs given as int64 tensors: class indices, label lists and lengths, and what a shape rule reads as integers.</summary>
    private static List<string> Integers(Semantics.BoundLoss loss) =>
        loss.Inputs.Where(i => Names.IsInteger(i.Kind)).Select(i => i.Name)
            .Concat(loss.ShapeRules.SelectMany(r => ShapeRuleTable.Arguments(r, ShapeParameter.IntegerInput)))
            .Distinct().ToList();

    private static IEnumerable<string> Optional(string parameter) => parameter.Length == 0 ? [] : [parameter];

    /// <summary>The body's <c>LossArguments</c>: every tensor given, every option, the gradients asked for.</summary>
    private static void Arguments(SourceWriter w, LossModel model, string type, List<OptionModel> options, bool elementWeight, List<string> integers, List<InputModel> gradients)
    {
        var loss = model.Loss;
        string reduction = loss.Shape == LossShape.Whole ? "" : " Reduction = reduction,";
        w.Line($"var arguments_ = new {Ns}LossArguments {{{reduction} Float32 = {(type == "float" ? "true" : "false")} }};");
        for (int k = 0; k < loss.Inputs.Count; k++)
        {
            var i = loss.Inputs[k];
            string from = integers.Contains(i.Name) ? "FromIntegers" : "From";
            if (i.Default is null) w.Line($"arguments_.Inputs[\"{i.Name}\"] = {Ns}LossTensor.{from}({Names.Public(i.Name)});");
            else w.Line($"if ({Ns}LossTensor.FromOptional({Names.Public(i.Name)}) is {{ }} given_{k}) arguments_.Inputs[\"{i.Name}\"] = given_{k};");
        }
        if (elementWeight) w.Line($"arguments_.Weight = {Ns}LossTensor.FromOptional(weight);");
        foreach (var o in options)
            w.Line($"arguments_.Options[\"{o.Name}\"] = {(o.IsBoolean ? $"{Names.Public(o.Name)} ? 1 : 0" : Names.Public(o.Name))};");
        foreach (var i in gradients) w.Line($"arguments_.Gradients.Add(\"{i.Name}\");");
    }
}
