using System.Linq;
using LossDsl.Generator.Calculus;

namespace LossDsl.Generator.Emit;

/// <summary>Prints an expression back in the formula language, for the comments above generated kernels.</summary>
internal static class FormulaPrinter
{
    public static string Print(Expr e) => Print(e, -1, "A", false);

    /// <summary>
    /// An aggregate's definition, the right-hand side of <c>A_j = ...</c>: <c>sum over the row of e</c>, a subscript,
    /// a row function's call, or the pair sum (<paramref name="over"/>: "the row" or "all elements").
    /// </summary>
    public static string PrintAggregate(Semantics.AggregateModel a, string over) =>
        a.Source is { } gather ? Print(gather)
        : a.Call is { } call ? Print(call)
        : a.IsPair ? "sum over the ordered pairs (i, j) of positions of the row of " + PrintPair(a.Body)
        : $"{KindName(a.Kind)} over {over} of " + Print(a.Body);

    private static string KindName(AggregateKind kind) => kind switch
    {
        AggregateKind.Sum or AggregateKind.SumAll => "sum",
        AggregateKind.Mean or AggregateKind.MeanAll => "mean",
        AggregateKind.Max => "max",
        AggregateKind.Min => "min",
        var other => throw new Diagnostics.UnexpectedValueException("The formula printer", other),
    };

    /// <summary>A <c>sum_pairs(i, j: e)</c> summand: the current element is position j (<c>x[j]</c>), the outer one i (<c>x[i]</c>).</summary>
    public static string PrintPair(Expr e) => Print(e, -1, "A", true);

    // Precedence: 1 or, 2 and, 3 not, 4 comparison, 5 additive, 6 multiplicative, 7 unary minus, 8 power, 9 primary.
    private static string Print(Expr e, int context, string aggregate, bool pair)
    {
        var (text, precedence) = e switch
        {
            Constant { Value: double.PositiveInfinity } => ("inf", 9),
            Constant c => (c.Value < 0 ? "(" + Short(c.Value) + ")" : Short(c.Value), 9),
            BoolConstant b => (b.Value ? "true" : "false", 9),
            InputRef i => (pair ? i.Name + "[j]" : i.Name, 9),
            OuterRef o => (o.Name + "[i]", 9),
            OuterColumnRef => ("i", 9),
            OptionRef o => (o.Name, 9),
            AggregateRef a => (aggregate + a.Index, 9),
            CoefficientRef c => ("c" + c.Index, 9),
            IndexRef x => (x.Name, 9),
            RowRef x => (x.Name, 9),
            ClassRef x => (pair ? x.Name + "[j]" : x.Name, 9),
            ColumnRef => (pair ? "j" : "column", 9),
            RowNumberRef => ("row", 9),
            Gather g => (g.Name + "[" + g.Index.Name + "]", 9),
            CustomCall c => (c.Name + "(" + string.Join(", ", c.Arguments.Select(a => Print(a, 0, aggregate, pair))) + ")", 9),
            ExternCall c => (c.Method + "(" + string.Join(", ", c.Arguments.Select(a => Print(a, 0, aggregate, pair))) + ")", 9),
            ParamRef p => (p.Name, 9),
            ListRef l => (l.Name, 9),
            CachedSummand c => ("e" + c.Aggregate, 9),
            RowCall c => (c.Name + "(" + string.Join(", ", c.Arguments.Select(a => Print(a, 0, aggregate, pair))) + ")", 9),
            Aggregate { Kind: AggregateKind.PairSum } a => ("sum_pairs(i, j: " + Print(a.Body, 0, aggregate, true) + ")", 9),
            Aggregate a => (a.Kind.ToString().ToLowerInvariant() + "(" + Print(a.Body, 0, aggregate, pair) + ")", 9),
            Unary { Op: UnaryOp.Negate } u => ("-" + Print(u.Operand, 7, aggregate, pair), 7),
            Unary u => ("not " + Print(u.Operand, 3, aggregate, pair), 3),
            Binary b => PrintBinary(b, aggregate, pair),
            Call c => (Functions.NameOf(c.Function) + "(" + string.Join(", ", c.Arguments.Select(a => Print(a, 0, aggregate, pair))) + ")", 9),
            Conditional c => ("if " + Print(c.Condition, 0, aggregate, pair) + " then " + Print(c.Then, 0, aggregate, pair) + " else " + Print(c.Else, 0, aggregate, pair), 0),
            _ => throw new Diagnostics.UnexpectedValueException("The formula printer", e),
        };
        return precedence < context || (precedence == context && precedence is 0 or 4) ? "(" + text + ")" : text;
    }

    private static string Short(double value) => value.ToString("G10", System.Globalization.CultureInfo.InvariantCulture);

    private static (string, int) PrintBinary(Binary b, string aggregate, bool pair)
    {
        var (symbol, precedence) = b.Op switch
        {
            BinaryOp.Add => ("+", 5), BinaryOp.Subtract => ("-", 5),
            BinaryOp.Multiply => ("*", 6), BinaryOp.Divide => ("/", 6),
            BinaryOp.Power => ("^", 8),
            BinaryOp.Less => ("<", 4), BinaryOp.LessEqual => ("<=", 4), BinaryOp.Greater => (">", 4),
            BinaryOp.GreaterEqual => (">=", 4), BinaryOp.Equal => ("==", 4), BinaryOp.NotEqual => ("!=", 4),
            BinaryOp.And => ("and", 2), BinaryOp.Or => ("or", 1),
            var other => throw new Diagnostics.UnexpectedValueException("The formula printer", other),
        };
        // Left-associative: the right operand of - and / needs parentheses at equal precedence; ^ is right-associative.
        int left = b.Op == BinaryOp.Power ? precedence + 1 : precedence;
        int right = b.Op == BinaryOp.Power ? precedence : precedence + (b.Op is BinaryOp.Subtract or BinaryOp.Divide ? 1 : 0);
        return (Print(b.Left, left, aggregate, pair) + " " + symbol + " " + Print(b.Right, right, aggregate, pair), precedence);
    }
}
