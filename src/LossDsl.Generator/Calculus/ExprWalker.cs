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
    /// <summary>Replaces each <see cref="ParamRef"/> by its argument (not inside nested calls' own bodies).</summary>
    public static Expr Substitute(Expr e, EquatableArray<Expr> arguments) => e switch
    {
        ParamRef p => arguments[p.Index],
        Unary u => u with { Operand = Substitute(u.Operand, arguments) },
        Binary b => b with { Left = Substitute(b.Left, arguments), Right = Substitute(b.Right, arguments) },
        Call c => c with { Arguments = c.Arguments.Select(a => Substitute(a, arguments)).ToEquatableArray() },
        Conditional c => new Conditional(Substitute(c.Condition, arguments), Substitute(c.Then, arguments), Substitute(c.Else, arguments)),
        Aggregate a => a with { Body = Substitute(a.Body, arguments) },
        CustomCall c => c with { Arguments = c.Arguments.Select(a => Substitute(a, arguments)).ToEquatableArray() },
        _ => e,
    };

    public static bool IsUniform(Expr e) => !Any(e, x => x is InputRef or ClassRef or ColumnRef);
}
