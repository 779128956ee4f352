using System.Collections.Generic;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// The size and depth limits of an expression tree, checked after binding (before any pass could take exponential time
/// over a tree that <c>let</c>s share: <c>let b = a * a in let c = b * b in ...</c>) and after differentiation. A
/// tree past them is refused with LOSS026 instead of hanging or overflowing the compiler; the records' own equality
/// (which the incremental pipeline calls) recurses once per level, so the depth stays well inside any thread's stack.
/// </summary>
internal static class ExprBudget
{
    /// <summary>The deepest tree a loss may hold (balanced chains are log2 of their length deep).</summary>
    public const int MaxDepth = 1000;

    /// <summary>The most operations a loss may expand to, counting a shared subtree once per use.</summary>
    public const long MaxSize = 2_000_000;

    /// <summary>Null when every tree fits; otherwise what is too big, for the diagnostic.</summary>
    public static string? Check(IEnumerable<Expr?> trees, string what)
    {
        var sizes = new Dictionary<Expr, (long Size, int Depth)>(ExprWalker.ReferenceComparer.Instance);
        long total = 0;
        int deepest = 0;
        foreach (var tree in trees)
        {
            if (tree is null) continue;
            var (size, depth) = Measure(tree, sizes);
            total = System.Math.Min(MaxSize + 1, total + size);
            deepest = System.Math.Max(deepest, depth);
        }
        if (total > MaxSize)
            return $"The {what} expands to more than {MaxSize:N0} operations (a 'let' used several times counts at each use); simplify it or split it into functions with stated gradients";
        if (deepest > MaxDepth)
            return $"The {what} nests {deepest} operations deep, more than the {MaxDepth} a loss may";
        return null;
    }

    private static (long Size, int Depth) Measure(Expr e, Dictionary<Expr, (long, int)> memo)
    {
        if (memo.TryGetValue(e, out var known)) return known;
        Diagnostics.StackGuard.Ensure();
        long size = 1;
        int depth = 0;
        foreach (var child in ExprWalker.Children(e))
        {
            var (s, d) = Measure(child, memo);
            size = System.Math.Min(MaxSize + 1, size + s);
            depth = System.Math.Max(depth, d);
        }
        var result = (size, depth + 1);
        memo[e] = result;
        return result;
    }
}
