using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>The <c>require</c> clauses of a loss: preconditions on its options and element values.</summary>
internal sealed partial class Binder
{
    /// <summary>
    /// Binds every <c>require condition else "message"</c> of <paramref name="loss"/> in the loss's scope (inputs and
    /// options; the body's lets are not in scope). The condition is a condition (LOSS014 otherwise); LOSS028 where it
    /// reads aggregates, subscripts or row functions, reads element values in a loss that is not elementwise, reads no
    /// input or option at all, or where the message names in braces something that is not an option.
    /// </summary>
    private EquatableArray<RequireModel> BindRequires(LossSyntax loss, LossShape shape, IReadOnlyList<InputModel> inputs, IReadOnlyList<OptionModel> options)
    {
        var requires = new List<RequireModel>();
        foreach (var clause in loss.Requires)
        {
            var condition = BindBool(clause.Condition);
            if (condition is null) continue;
            if (ExprWalker.Any(condition, e => e is Aggregate or Gather or RowCall or ColumnRef or RowNumberRef))
            {
                Report(BindErrorKind.BadRequire, clause.Condition.Range, "A require clause checks each value on its own: it cannot use aggregates, subscripts, row functions, 'row' or 'column'");
                continue;
            }
            var reads = new List<string>();
            ExprWalker.Any(condition, e =>
            {
                var name = e switch { InputRef x => x.Name, ClassRef x => x.Name, IndexRef x => x.Name, RowRef x => x.Name, OptionRef o => o.Name, _ => null };
                if (name is not null && !reads.Contains(name)) reads.Add(name);
                return false;
            });
            bool uniform = ExprWalker.IsUniform(condition) && !ExprWalker.Any(condition, e => e is IndexRef or RowRef);
            if (reads.Count == 0)
            {
                Report(BindErrorKind.BadRequire, clause.Condition.Range, "A require clause must read an input or an option: it names the argument it refuses");
                continue;
            }
            if (!uniform && shape != LossShape.Elementwise)
            {
                Report(BindErrorKind.BadRequire, clause.Condition.Range, "Only an elementwise loss can require something of its inputs' values (checked in its kernels' pass); a row or whole loss can require something of its options");
                continue;
            }
            // The argument it names: the first input it reads, else the first option.
            var argument = inputs.Select(i => i.Name).FirstOrDefault(reads.Contains) ?? reads[0];
            var parts = MessageParts(clause, options);
            if (parts is null) continue;
            requires.Add(new RequireModel(condition, parts.ToEquatableArray(), argument, uniform));
        }
        return requires.ToEquatableArray();
    }

    /// <summary>
    /// The message split into text and option names: <c>"Got: {label_smoothing}"</c> is <c>"Got: "</c> then the option
    /// <c>label_smoothing</c>; <c>{{</c> and <c>}}</c> are braces. Null (LOSS028 reported) for a brace that names no option.
    /// </summary>
    private List<MessagePart>? MessageParts(RequireSyntax clause, IReadOnlyList<OptionModel> options)
    {
        var parts = new List<MessagePart>();
        var text = new System.Text.StringBuilder();
        var message = clause.Message;
        for (int i = 0; i < message.Length; i++)
        {
            char c = message[i];
            if ((c == '{' || c == '}') && i + 1 < message.Length && message[i + 1] == c) { text.Append(c); i++; continue; }
            if (c == '}')
            {
                Report(BindErrorKind.BadRequire, clause.MessageRange, "A '}' in a require message closes nothing: write '}}' for a brace");
                return null;
            }
            if (c != '{') { text.Append(c); continue; }
            int close = message.IndexOf('}', i + 1);
            var name = close < 0 ? "" : message.Substring(i + 1, close - i - 1);
            if (!options.Any(o => o.Name == name))
            {
                Report(BindErrorKind.BadRequire, clause.MessageRange, close < 0
                    ? "A '{' in a require message opens an option's name that is not closed: write '{{' for a brace"
                    : $"'{{{name}}}' in a require message must name an option of the loss, whose value it shows");
                return null;
            }
            if (text.Length > 0) parts.Add(new MessagePart(text.ToString(), IsOption: false));
            text.Clear();
            parts.Add(new MessagePart(name, IsOption: true));
            i = close;
        }
        if (text.Length > 0) parts.Add(new MessagePart(text.ToString(), IsOption: false));
        return parts;
    }
}
