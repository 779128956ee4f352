using System;
using System.Collections.Generic;

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
        }
    }

    public static bool Any(Expr e, Func<Expr, bool> predicate)
    {
        if (predicate(e)) return true;
        foreach (var child in Children(e))
            if (Any(child, predicate)) return true;
        return false;
    }

    /// <summary>True when the value is the same for every element (no input is read).</summary>
    public static bool IsUniform(Expr e) => !Any(e, x => x is InputRef or ClassRef or ColumnRef);
}
