namespace LossDsl.Generator.Calculus;

/// <summary>
/// The gradient of a pair aggregate <c>A = sum_pairs(i, j: e)</c> = Σ_i Σ_j e(i, j). An element x_p of the row is x[i]
/// in the pairs (p, q) and x[j] in the pairs (q, p), so
/// <c>dA/dx_p = Σ_q [ de/dx[i] (p, q) + de/dx[j] (q, p) ]</c>: one summand h(p, q), the first term as derived and the
/// second with the two positions swapped, summed over q by a pass over the row for each p (O(n^2) per row, like the value).
/// </summary>
internal static class PairGradients
{
    /// <summary>h(p, q) for input <paramref name="input"/>: p is the outer position (<see cref="OuterRef"/>), q the current one.</summary>
    public static Expr Summand(Expr body, int input)
    {
        var outer = Differentiator.Derivative(body, e => e is OuterRef { IsClassInput: false } o && o.Input == input);
        var inner = Differentiator.Derivative(body, e => e is InputRef r && r.Index == input);
        return Simplifier.Simplify(new Binary(BinaryOp.Add, outer, Swap(inner)));
    }

    /// <summary>The same summand with its two positions exchanged: x[i] and x[j], i and j.</summary>
    public static Expr Swap(Expr e) => e switch
    {
        OuterRef o => o.IsClassInput ? new ClassRef(o.Input, o.Name) : new InputRef(o.Input, o.Name),
        InputRef r => new OuterRef(r.Index, r.Name, false),
        ClassRef c => new OuterRef(c.Input, c.Name, true),
        OuterColumnRef => ColumnRef.Instance,
        ColumnRef => OuterColumnRef.Instance,
        _ => ExprWalker.MapChildren(e, Swap),
    };
}
