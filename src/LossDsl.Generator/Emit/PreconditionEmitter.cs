using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Emit;

/// <summary>
/// The <c>require</c> clauses in generated code. A clause on options is an <c>if</c> in <c>Run</c> before anything
/// runs. A clause on element values costs no pass of its own: each elementwise kernel computes its condition with the
/// loss, lane by lane, and a lane where it fails sets a flag through a <c>ref bool</c> field (a store only then: the
/// common path is one compare and a predicted branch per vector); <c>Run</c> throws after the loop when a flag is set.
/// A loss without <c>require</c> gets none of this.
/// </summary>
internal static class PreconditionEmitter
{
    /// <summary>The clauses checked once, on options.</summary>
    private static IEnumerable<RequireModel> OnOptions(BoundLoss loss) => loss.Requires.Where(r => ExprWalker.IsUniform(r.Condition));

    /// <summary>The clauses checked in the kernels, on element values, with their flag numbers.</summary>
    private static IEnumerable<(RequireModel Require, int Flag)> OnElements(BoundLoss loss) =>
        loss.Requires.Where(r => !ExprWalker.IsUniform(r.Condition)).Select((r, k) => (r, k));

    /// <summary>In Run: a failing option clause throws, naming its argument.</summary>
    public static void CheckOptions(SourceWriter w, BoundLoss loss)
    {
        foreach (var require in OnOptions(loss))
        {
            var emitter = new ExpressionEmitter(Width.Scalar, e => Scalar(e), e => Scalar(e), new Dictionary<Expr, string>(), new HashSet<string>());
            w.Line($"// require {FormulaPrinter.Print(require.Condition)}");
            w.Line($"if (!({emitter.ScalarText(require.Condition, true)})) {Throw(require)}");
        }
    }

    /// <summary>In Run, before the kernels: one flag per element clause (none for a loss without one).</summary>
    public static void DeclareFlags(SourceWriter w, BoundLoss loss)
    {
        foreach (var (require, flag) in OnElements(loss))
            w.Line($"bool refused{flag} = false; // set by the kernel where an element fails: require {FormulaPrinter.Print(require.Condition)}");
    }

    /// <summary>The flags, as the last arguments of an elementwise kernel's constructor.</summary>
    public static string KernelArguments(BoundLoss loss) => string.Concat(OnElements(loss).Select(r => $", ref refused{r.Flag}"));

    /// <summary>In Run, after a kernel's loop: a flag that is set throws, naming its argument.</summary>
    public static void CheckFlags(SourceWriter w, BoundLoss loss)
    {
        foreach (var (require, flag) in OnElements(loss))
            w.Line($"if (refused{flag}) {Throw(require)}");
    }

    /// <summary>An elementwise kernel's flag fields.</summary>
    public static void Fields(SourceWriter w, BoundLoss loss)
    {
        foreach (var (require, flag) in OnElements(loss))
            w.Line($"/// <summary>Set where an element fails <c>require {Names.Xml(FormulaPrinter.Print(require.Condition))}</c>.</summary>")
             .Line($"private readonly ref bool _refused{flag};");
    }

    /// <summary>An elementwise kernel's constructor parameters for its flags (each a <c>ref bool</c>).</summary>
    public static IEnumerable<string> FlagNames(BoundLoss loss) => OnElements(loss).Select(r => $"refused{r.Flag}");

    /// <summary>An elementwise kernel's constructor: the flags by reference.</summary>
    public static void Assignments(SourceWriter w, BoundLoss loss)
    {
        foreach (var (_, flag) in OnElements(loss)) w.Line($"_refused{flag} = ref refused{flag};");
    }

    /// <summary>
    /// What an elementwise kernel computes for its clauses, with its value (extra roots of its expressions): where each
    /// condition fails, <c>not condition</c> (<c>x</c> for <c>not x</c>).
    /// </summary>
    public static IReadOnlyList<Expr> Violations(BoundLoss loss) =>
        loss.Shape == LossShape.Elementwise
            ? OnElements(loss).Select(r => r.Require.Condition is Unary { Op: UnaryOp.Not } not ? not.Operand : new Unary(UnaryOp.Not, r.Require.Condition)).ToList()
            : new List<Expr>();

    /// <summary>In a kernel's body: a lane where a clause's condition fails (its sign bit set in the mask) sets its flag.</summary>
    public static void Checks(SourceWriter w, Width width, IReadOnlyList<string> violations)
    {
        for (int flag = 0; flag < violations.Count; flag++)
            w.Line(width.IsScalar
                ? $"if ({violations[flag]}) _refused{flag} = true;"
                : $"if ({width.Vector}.ExtractMostSignificantBits({violations[flag]}) != 0) _refused{flag} = true;");
    }

    /// <summary>The throw of a clause: its message, with the values of the options it names, and its argument.</summary>
    private static string Throw(RequireModel require)
    {
        bool interpolated = require.Message.Any(p => p.IsOption);
        var message = string.Concat(require.Message.Select(part => part.IsOption
            ? "{" + Names.Parameter(part.Text) + "}"
            : Escape(part.Text, interpolated)));
        var text = interpolated
            ? $"string.Create(global::System.Globalization.CultureInfo.InvariantCulture, $\"{message}\")"
            : $"\"{message}\"";
        return $"throw new ArgumentException({text}, \"{Names.PublicCamel(require.Argument)}\");";
    }

    /// <summary>Text for a C# interpolated (or plain) string literal.</summary>
    private static string Escape(string text, bool interpolated)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
            sb.Append(c switch
            {
                '"' => "\\\"", '\\' => "\\\\", '{' when interpolated => "{{", '}' when interpolated => "}}", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '\0' => "\\0",
                _ when char.IsControl(c) || char.IsSurrogate(c) || c > 0x7e => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    private static string? Scalar(Expr e) => e is OptionRef o ? Names.Parameter(o.Name) : null;
}
