using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Calculus;

/// <summary>Generic traversals of <see cref="Expr"/> trees.</summary>
internal static class ExprWalker
{
    public static IEnumerable<Expr> Children(Expr e)
    {
        switch (e)
        {
            case Unary u: yield return u.Operand; break;
            case Binary b: yield return b.Left; yield return b.Right; break;
            case Call c: foreach (var a in c.Arguments) yield return a; break;
            case Conditional c: yield return c.Condition; yield return c.Then; yield return c.Else; break;
            case Aggregate a: yield return a.Body; break;
            case CustomCall c: foreach (var a in c.Arguments) yield return a; break;
            case ExternCall c: foreach (var a in c.Arguments) yield return a; break;
            case RowCall c: foreach (var a in c.Arguments) yield return a; break;
            case var leaf when IsLeafKind(leaf): break;
            default: throw new Diagnostics.UnexpectedValueException("The expression walker", e);
        }
    }

    /// <summary>The nodes without children: every other node kind is listed above, so a new kind is an error, not a leaf by default.</summary>
    private static bool IsLeafKind(Expr e) => e is Constant or BoolConstant or InputRef or OptionRef or AggregateRef or CoefficientRef
        or IndexRef or RowRef or RowNumberRef or ClassRef or ColumnRef or Gather or ParamRef or ListRef or CachedSummand
        or OuterRef or OuterColumnRef or PairSlot;

    /// <summary>Whether some node satisfies <paramref name="predicate"/>; a subtree shared by several uses is visited once.</summary>
    public static bool Any(Expr e, Func<Expr, bool> predicate) => Any(e, predicate, new HashSet<Expr>(ReferenceComparer.Instance));

    private static bool Any(Expr e, Func<Expr, bool> predicate, HashSet<Expr> visited)
    {
        if (!visited.Add(e)) return false;
        Diagnostics.StackGuard.Ensure();
        if (predicate(e)) return true;
        foreach (var child in Children(e))
            if (Any(child, predicate, visited)) return true;
        return false;
    }

    /// <summary>Identity, not structural equality: a subtree shared by several uses is one entry.</summary>
    internal sealed class ReferenceComparer : IEqualityComparer<Expr>
    {
        public static readonly ReferenceComparer Instance = new();
        public bool Equals(Expr? x, Expr? y) => ReferenceEquals(x, y);
        public int GetHashCode(Expr obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }

    /// <summary>
    /// The same node with <paramref name="map"/> applied to each of its <see cref="Children"/> (a call's arguments, not a
    /// user function's own body): the one traversal that every rewriting pass builds on.
    /// </summary>
    public static Expr MapChildren(Expr e, Func<Expr, Expr> map)
    {
        Diagnostics.StackGuard.Ensure();
        return MapChildrenCore(e, map);
    }

    private static Expr MapChildrenCore(Expr e, Func<Expr, Expr> map) => e switch
    {
        Unary u => u with { Operand = map(u.Operand) },
        Binary b => b with { Left = map(b.Left), Right = map(b.Right) },
        Call c => c with { Arguments = c.Arguments.Select(map).ToEquatableArray() },
        Conditional c => new Conditional(map(c.Condition), map(c.Then), map(c.Else)),
        Aggregate a => a with { Body = map(a.Body) },
        CustomCall c => c with { Arguments = c.Arguments.Select(map).ToEquatableArray() },
        ExternCall c => c with { Arguments = c.Arguments.Select(map).ToEquatableArray() },
        RowCall c => c with { Arguments = c.Arguments.Select(map).ToEquatableArray() },
        _ when IsLeafKind(e) => e,
        _ => throw new Diagnostics.UnexpectedValueException("The expression walker", e),
    };

    /// <summary>Replaces each <see cref="ParamRef"/> by its argument (not inside nested calls' own bodies).</summary>
    public static Expr Substitute(Expr e, EquatableArray<Expr> arguments) =>
        e is ParamRef p ? arguments[p.Index] : MapChildren(e, x => Substitute(x, arguments));

    /// <summary>
    /// True when the value is the same for every element (no input is read). In a <c>sum_pairs</c> pass the first
    /// position's values (<see cref="OuterRef"/>) are fixed while the pass runs over the second: uniform too.
    /// </summary>
    public static bool IsUniform(Expr e) => !Any(e, x => x is InputRef or ClassRef or ColumnRef or CachedSummand);
}
