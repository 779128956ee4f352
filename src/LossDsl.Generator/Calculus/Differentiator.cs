using System;
using System.Linq;
using LossDsl.Generator.Diagnostics;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// Exact symbolic derivatives. <c>D(e)</c> is the derivative of <c>e</c> with respect to the leaf that
/// <c>isVariable</c> picks (an input, or an aggregate of a row loss). A conditional differentiates branch by branch,
/// so the branch not taken never contributes (no where-NaN trap). The result is simplified; CSE at emission shares
/// its subexpressions with the value.
/// </summary>
internal static class Differentiator
{
    public static Expr Derivative(Expr e, Func<Expr, bool> isVariable) => Simplifier.Simplify(D(e, isVariable));

    private static Expr Mul(Expr a, Expr b) => new Binary(BinaryOp.Multiply, a, b);
    private static Expr Div(Expr a, Expr b) => new Binary(BinaryOp.Divide, a, b);
    private static Expr Add(Expr a, Expr b) => new Binary(BinaryOp.Add, a, b);
    private static Expr Sub(Expr a, Expr b) => new Binary(BinaryOp.Subtract, a, b);
    private static Expr Neg(Expr a) => new Unary(UnaryOp.Negate, a);

    private static bool IsZero(Expr e) => e is Constant { Value: 0 };

    private static Expr D(Expr e, Func<Expr, bool> v)
    {
        StackGuard.Ensure();
        switch (e)
        {
            // The leaves a derivative is taken with respect to: an input, an aggregate (row losses), a function's parameter.
            // In a sum_pairs summand, x[i] (OuterRef) is a variable as x[j] (InputRef) is: the pair gradient takes both.
            case InputRef or AggregateRef or ParamRef or OuterRef:
                return v(e) ? Constant.One : Constant.Zero;
            // Values that do not vary with any variable: constants, options, per-row and per-class values, the
            // coefficients of gradient kernels. A subscript x[t] is lifted into an aggregate whose gradient is a scatter.
            case Constant or BoolConstant or OptionRef or IndexRef or RowRef or RowNumberRef or ClassRef or ColumnRef or OuterColumnRef or ListRef or CoefficientRef or Gather:
                return Constant.Zero;
            case Unary { Op: UnaryOp.Negate } u:
                return Neg(D(u.Operand, v));
            case Unary { Op: UnaryOp.Not }:
                return Constant.Zero;
            case Binary b:
                return DBinary(b, v);
            case Call c:
                return DCall(c, v);
            case Conditional c:
                return new Conditional(c.Condition, D(c.Then, v), D(c.Else, v));
            case CustomCall c:
                return DCustom(c, v);
            default:
                // Aggregates and row calls are lifted before differentiation, extern calls and cached summands appear
                // after it: meeting one here is a bug of the generator, reported as LOSS999.
                throw new UnexpectedValueException("The differentiator", e);
        }
    }

    /// <summary>A user function: sum over its parameters of (stated gradient, or the body's derivative) times the argument's derivative.</summary>
    private static Expr DCustom(CustomCall c, Func<Expr, bool> v)
    {
        Expr sum = Constant.Zero;
        for (int k = 0; k < c.Arguments.Count; k++)
        {
            var da = Simplifier.Simplify(D(c.Arguments[k], v));
            if (IsZero(da)) continue;
            int index = k;
            // A stated gradient wins; otherwise the body is differentiated (an extern function states every gradient).
            var partial = c.Gradients[k] ?? (c.Body is { } body ? D(body, e => e is ParamRef p && p.Index == index)
                : throw new UnexpectedValueException($"The differentiator (no body nor gradient for parameter {k} of '{c.Name}')", c));
            sum = Add(sum, Mul(ExprWalker.Substitute(partial, c.Arguments), da));
        }
        return sum;
    }

    private static Expr DBinary(Binary b, Func<Expr, bool> v)
    {
        var (l, r) = (b.Left, b.Right);
        switch (b.Op)
        {
            case BinaryOp.Add: return Add(D(l, v), D(r, v));
            case BinaryOp.Subtract: return Sub(D(l, v), D(r, v));
            case BinaryOp.Multiply: return Add(Mul(D(l, v), r), Mul(l, D(r, v)));
            case BinaryOp.Divide:
            {
                var dr = Simplifier.Simplify(D(r, v));
                if (IsZero(dr)) return Div(D(l, v), r);
                // (l/r)' = (l' - (l/r) r') / r : shares l/r with the value.
                return Div(Sub(D(l, v), Mul(b, dr)), r);
            }
            case BinaryOp.Power:
                return Power(l, r, b, D(l, v), D(r, v));
            case BinaryOp.Less or BinaryOp.LessEqual or BinaryOp.Greater or BinaryOp.GreaterEqual or BinaryOp.Equal or BinaryOp.NotEqual or BinaryOp.And or BinaryOp.Or:
                return Constant.Zero; // a condition: piecewise constant
            default:
                throw new UnexpectedValueException("The differentiator", b.Op);
        }
    }

    /// <summary>The derivative of <paramref name="whole"/> = base^exponent, given the derivatives of both.</summary>
    internal static Expr Power(Expr @base, Expr exponent, Expr whole, Expr dBase, Expr dExponent)
    {
        dExponent = Simplifier.Simplify(dExponent);
        if (IsZero(dExponent))
        {
            // (a^c)' = c a^(c-1) a'
            var lowered = exponent is Constant c
                ? new Binary(BinaryOp.Power, @base, new Constant(c.Value - 1))
                : new Binary(BinaryOp.Power, @base, Sub(exponent, Constant.One));
            var derivative = Mul(Mul(exponent, lowered), dBase);
            // PyTorch's pow backward is exactly 0 for a zero exponent (0 * base^-1 would be NaN at base 0).
            return exponent is Constant ? derivative : new Conditional(new Binary(BinaryOp.Equal, exponent, Constant.Zero), Constant.Zero, derivative);
        }
        // (a^b)' = a^b (b' log a + b a' / a)
        return Mul(whole, Add(Mul(dExponent, new Call(Function.Log, @base)), Div(Mul(exponent, dBase), @base)));
    }

    /// <summary>
    /// max(a, b) and min(a, b) as PyTorch differentiates them: against a constant bound (clamp) a tie passes the whole
    /// gradient to a; between two values (torch.maximum / minimum) a tie splits it in half.
    /// </summary>
    internal static Expr Extremum(bool max, Expr a, Expr b, Expr da, Expr db)
    {
        var wins = new Binary(max ? BinaryOp.Greater : BinaryOp.Less, a, b);
        static bool Bound(Expr e) => !ExprWalker.Any(e, x => x is InputRef or OuterRef or AggregateRef or ClassRef or Gather or CustomCall or ParamRef);
        if (Bound(b))
            return new Conditional(new Binary(max ? BinaryOp.GreaterEqual : BinaryOp.LessEqual, a, b), da, db);
        if (Bound(a))
            return new Conditional(new Binary(max ? BinaryOp.GreaterEqual : BinaryOp.LessEqual, b, a), db, da);
        var tie = new Conditional(new Binary(BinaryOp.Equal, a, b), Mul(Constant.Half, Add(da, db)), db);
        return new Conditional(wins, da, tie);
    }

    /// <summary>A built-in function: its table entry's rule, given its arguments' derivatives (each taken once, when the rule asks).</summary>
    private static Expr DCall(Call c, Func<Expr, bool> v)
    {
        var info = Functions.Of(c.Function);
        var derivatives = new Expr?[c.Arguments.Count];
        if (info.Derivative is null)
        {
            // Refused only where it matters: of an argument that does not vary (a detached one), the derivative is 0.
            if (c.Arguments.All(a => IsZero(Simplifier.Simplify(D(a, v))))) return Constant.Zero;
            throw new NoDerivativeException(info);
        }
        return info.Derivative(c, k => derivatives[k] ??= D(c.Arguments[k], v));
    }
}
