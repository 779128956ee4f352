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
            Arguments(w, model, type, options, elementWeight, integers, []);
            w.Line($"return {Ns}TensorLoss.Evaluate({definition}, arguments_).Loss.ToTensor<{type}>();");
            w.Close();

            if (differentiable.Count == 0) continue;
            var outs = differentiable.Select(i => $"out {tensor} {Names.Public(i.Name + "_grad")}");
            w.Line();
            w.Line("/// <summary>The loss and the gradient of each differentiable input (of <c>sum(loss * gradOutput)</c>, gradOutput broadcasting with the loss; ones when not given).</summary>");
            w.Open($"public static {tensor} ForwardBackward({string.Join(", ", required.Concat(outs).Concat(Optional(reduction)).Concat([$"{span} gradOutput = default"]).Concat(optional))})");
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
