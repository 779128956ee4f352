using System.Linq;
using LossDsl.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace LossDsl.Generator.Emit;

/// <summary>
/// Emits a definition's <c>ShapeRules</c>: one runtime rule object per rule of the loss's <c>shape</c> clauses, in
/// declared order (nothing for a loss without one: the interface's default, no rules, applies).
/// </summary>
internal static class ShapeRuleEmitter
{
    public static void Emit(SourceWriter w, EquatableArray<ShapeRuleModel> rules)
    {
        if (rules.Count == 0) return;
        var created = rules.Select(r => $"new global::LossDsl.Tensors.{r.RuntimeType}({string.Join(", ", r.Arguments.Select(Argument))})");
        w.Line($"public IReadOnlyList<global::LossDsl.Tensors.ShapeRule> ShapeRules {{ get; }} = new global::LossDsl.Tensors.ShapeRule[] {{ {string.Join(", ", created)} }};");
    }

    private static string Argument(ShapeArgument argument) => argument switch
    {
        { IsText: true, Text: null } => "null",
        { IsText: true, Text: { } text } => SymbolDisplay.FormatLiteral(text, quote: true),
        _ when argument.Number == System.Math.Floor(argument.Number) && System.Math.Abs(argument.Number) < int.MaxValue => ((int)argument.Number).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Names.Double(argument.Number),
    };
}
