using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>The <c>shape</c> clauses of a loss: its tensor semantics, checked against <see cref="ShapeRuleTable"/>.</summary>
internal sealed partial class Binder
{
    /// <summary>
    /// Binds every rule of the <c>shape</c> clauses: LOSS029 at a rule that is not in the table, at an argument list of
    /// the wrong length, at an argument that is not what the rule takes (an input, an option, a whole number), and at a
    /// message given to a rule that takes none.
    /// </summary>
    private EquatableArray<ShapeRuleModel> BindShapes(LossSyntax loss, IReadOnlyList<InputModel> inputs, IReadOnlyList<OptionModel> options)
    {
        var rules = new List<ShapeRuleModel>();
        foreach (var rule in loss.Shapes)
        {
            if (!ShapeRuleTable.TryGet(rule.Rule, out var entry))
            {
                Report(BindErrorKind.BadShape, rule.RuleRange,
                    $"'{rule.Rule}' is not a shape rule (the rules: {string.Join(", ", ShapeRuleTable.All.Select(e => e.Form))})");
                continue;
            }
            if (rule.Arguments.Count != entry.Parameters.Length)
            {
                Report(BindErrorKind.BadShape, rule.Range, $"'{rule.Rule}' takes {entry.Parameters.Length} argument(s): {entry.Form}");
                continue;
            }
            if (rule.Message is not null && !entry.TakesMessage)
            {
                Report(BindErrorKind.BadShape, rule.Range, $"'{rule.Rule}' takes no message: its refusal is worded by the runtime");
                continue;
            }
            var arguments = new List<ShapeArgument>();
            for (int k = 0; k < entry.Parameters.Length; k++)
            {
                var argument = rule.Arguments[k];
                string? problem = (entry.Parameters[k], argument.Name) switch
                {
                    (ShapeParameter.Input or ShapeParameter.IntegerInput, null) or (ShapeParameter.Option, null) or (ShapeParameter.Loss, null) => "a name",
                    (ShapeParameter.Input or ShapeParameter.IntegerInput, var n) when !inputs.Any(i => i.Name == n) => "an input of this loss",
                    (ShapeParameter.Option, var n) when !options.Any(o => o.Name == n) => "an option of this loss",
                    (ShapeParameter.Integer, var n) when n is not null || argument.Number != System.Math.Floor(argument.Number) => "a whole number",
                    (ShapeParameter.Number, not null) => "a number",
                    _ => null,
                };
                if (problem is not null)
                {
                    Report(BindErrorKind.BadShape, argument.Range, $"Argument {k + 1} of '{rule.Rule}' must be {problem}: {entry.Form}");
                    break;
                }
                arguments.Add(new ShapeArgument(argument.Name, argument.Number));
            }
            if (arguments.Count != entry.Parameters.Length) continue;
            if (entry.TakesMessage) arguments.Add(new ShapeArgument(rule.Message, double.NaN) { IsText = true });
            rules.Add(new ShapeRuleModel(entry.RuntimeType, arguments.ToEquatableArray()));
        }
        return rules.ToEquatableArray();
    }
}
