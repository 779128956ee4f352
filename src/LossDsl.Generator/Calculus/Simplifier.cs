using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// Bottom-up rewriting to a fixed point: constant folding, algebraic identities, the numerically stable forms
/// (log(sigmoid(x)) → log_sigmoid(x), log(1 + exp(x)) → softplus(x), log(1 + x) → log1p(x), exp(x) - 1 → expm1(x),
/// 1 - sigmoid(x) → sigmoid(-x)), and moving products into the taken branch of a conditional so that the branch not
/// taken can never turn a zero into NaN (JAX's where-NaN trap).
/// </summary>
internal static class Simplifier
{
    public static Expr Simplify(Expr e) => Simplify(e, 64);

    // Children first, then rewrite this node; a rewritten node is simplified again (its new children too).
    // The budget bounds the rounds, so a pair of rules that undo each other cannot loop.
    private static Expr Simplify(Expr e, int budget)
    {
        Diagnostics.StackGuard.Ensure();
        var simplified = ExprWalker.MapChildren(e, x => Simplify(x, budget));
        var next = Rewrite(simplified);
        return next.Equals(simplified) || budget == 0 ? next : Simplify(next, budget - 1);
    }

    private static bool IsConst(Expr e, double value) => e is Constant c && c.Value.Equals(value);

    private static Expr Rewrite(Expr e)
    {
        switch (e)
        {
            case Unary { Op: UnaryOp.Negate, Operand: Constant c }:
                return new Constant(-c.Value);
            case Unary { Op: UnaryOp.Negate, Operand: Unary { Op: UnaryOp.Negate } inner }:
                return inner.Operand;
            case Unary { Op: UnaryOp.Negate, Operand: Binary { Op: BinaryOp.Subtract } d }:
                return new Binary(BinaryOp.Subtract, d.Right, d.Left);
            case Unary { Op: UnaryOp.Not, Operand: BoolConstant b }:
                return new BoolConstant(!b.Value);
            case Binary b:
                return RewriteBinary(b);
            case Call c:
                return RewriteCall(c);
            case Conditional { Condition: BoolConstant b } c:
                return b.Value ? c.Then : c.Else;
            case Conditional c when c.Then.Equals(c.Else):
                return c.Then;
            default:
                return e;
        }
    }

    private static Expr RewriteBinary(Binary b)
    {
        var (l, r) = (b.Left, b.Right);
        if (l is Constant lc && r is Constant rc && Fold(b.Op, lc.Value, rc.Value) is { } folded) return folded;
        if (l is BoolConstant lb && r is BoolConstant rb)
            return new BoolConstant(b.Op == BinaryOp.And ? lb.Value && rb.Value : lb.Value || rb.Value);
        switch (b.Op)
        {
            case BinaryOp.Add:
                if (IsConst(l, 0)) return r;
                if (IsConst(r, 0)) return l;
                if (r is Unary { Op: UnaryOp.Negate } rn) return new Binary(BinaryOp.Subtract, l, rn.Operand);
                if (l is Unary { Op: UnaryOp.Negate } ln) return new Binary(BinaryOp.Subtract, r, ln.Operand);
                if (r is Constant && l is not Constant) return new Binary(BinaryOp.Add, r, l);
                break;
            case BinaryOp.Subtract:
                if (IsConst(r, 0)) return l;
                if (IsConst(l, 0)) return new Unary(UnaryOp.Negate, r);
                if (r is Unary { Op: UnaryOp.Negate } sn) return new Binary(BinaryOp.Add, l, sn.Operand);
                // exp(x) - 1 → expm1(x);  1 - sigmoid(x) → sigmoid(-x)
                if (IsConst(r, 1) && l is Call { Function: Function.Exp } exp) return new Call(Function.Expm1, exp.Argument);
                if (IsConst(l, 1) && r is Call { Function: Function.Sigmoid } sig) return new Call(Function.Sigmoid, Negate(sig.Argument));
                break;
            case BinaryOp.Multiply:
                if (IsConst(l, 0) || IsConst(r, 0)) return Constant.Zero;
                if (IsConst(l, 1)) return r;
                if (IsConst(r, 1)) return l;
                if (IsConst(l, -1)) return Negate(r);
                if (IsConst(r, -1)) return Negate(l);
                if (r is Constant && l is not Constant) return new Binary(BinaryOp.Multiply, r, l);
                if (l is Constant c1 && r is Binary { Op: BinaryOp.Multiply, Left: Constant c2 } inner)
                    return new Binary(BinaryOp.Multiply, new Constant(c1.Value * c2.Value), inner.Right);
                if (l is Unary { Op: UnaryOp.Negate } nl && r is Unary { Op: UnaryOp.Negate } nr)
                    return new Binary(BinaryOp.Multiply, nl.Operand, nr.Operand);
                if (l is Unary { Op: UnaryOp.Negate } nl2) return Negate(new Binary(BinaryOp.Multiply, nl2.Operand, r));
                if (r is Unary { Op: UnaryOp.Negate } nr2) return Negate(new Binary(BinaryOp.Multiply, l, nr2.Operand));
                // abs(a) * sign(a) → a
                if (l is Call { Function: Function.Abs } abs && r is Call { Function: Function.Sign } sgn && abs.Argument.Equals(sgn.Argument)) return abs.Argument;
                if (r is Call { Function: Function.Abs } abs2 && l is Call { Function: Function.Sign } sgn2 && abs2.Argument.Equals(sgn2.Argument)) return abs2.Argument;
                if (CollectConstants(b) is { } collected) return collected;
                // Where-NaN safety: (if c then a else 0) * x → if c then a * x else 0.
                if (IntoBranch(l, r) is { } lb2) return lb2;
                if (IntoBranch(r, l) is { } rb2) return rb2;
                break;
            case BinaryOp.Divide:
                if (IsConst(r, 1)) return l;
                if (IsConst(l, 0)) return Constant.Zero;
                if (l is Unary { Op: UnaryOp.Negate } dn) return Negate(new Binary(BinaryOp.Divide, dn.Operand, r));
                if (IntoBranch(l, r, divide: true) is { } db) return db;
                break;
            case BinaryOp.Power:
                if (IsConst(r, 1)) return l;
                if (IsConst(r, 0)) return Constant.One;
                break;
        }
        return b;
    }

    /// <summary>A product with constants inside it (c1 * (x * (c2 * y))) becomes (c1 c2) * (x * y).</summary>
    private static Expr? CollectConstants(Binary product)
    {
        var factors = new List<Expr>();
        void Flatten(Expr e)
        {
            if (e is Binary { Op: BinaryOp.Multiply } m) { Flatten(m.Left); Flatten(m.Right); }
            else factors.Add(e);
        }
        Flatten(product);
        var constants = factors.OfType<Constant>().ToList();
        bool leading = factors[0] is Constant && constants.Count == 1;
        if (constants.Count == 0 || leading) return null;
        double value = constants.Aggregate(1.0, (acc, c) => acc * c.Value);
        var rest = factors.Where(f => f is not Constant).ToList();
        if (rest.Count == 0) return new Constant(value);
        Expr result = rest[0];
        for (int i = 1; i < rest.Count; i++) result = new Binary(BinaryOp.Multiply, result, rest[i]);
        return value == 1 ? result : new Binary(BinaryOp.Multiply, new Constant(value), result);
    }

    private static Expr? IntoBranch(Expr conditional, Expr factor, bool divide = false)
    {
        if (conditional is not Conditional c) return null;
        Expr Apply(Expr branch) => divide ? new Binary(BinaryOp.Divide, branch, factor) : new Binary(BinaryOp.Multiply, branch, factor);
        if (IsConst(c.Else, 0)) return new Conditional(c.Condition, Simplify(Apply(c.Then)), Constant.Zero);
        if (IsConst(c.Then, 0)) return new Conditional(c.Condition, Constant.Zero, Simplify(Apply(c.Else)));
        return null;
    }

    public static Expr Negate(Expr e) => e switch
    {
        Constant c => new Constant(-c.Value),
        Unary { Op: UnaryOp.Negate } u => u.Operand,
        _ => new Unary(UnaryOp.Negate, e),
    };

    private static Expr? Fold(BinaryOp op, double a, double b) => op switch
    {
        BinaryOp.Add => new Constant(a + b),
        BinaryOp.Subtract => new Constant(a - b),
        BinaryOp.Multiply => new Constant(a * b),
        BinaryOp.Divide => new Constant(a / b),
        BinaryOp.Power => new Constant(Math.Pow(a, b)),
        BinaryOp.Less => new BoolConstant(a < b),
        BinaryOp.LessEqual => new BoolConstant(a <= b),
        BinaryOp.Greater => new BoolConstant(a > b),
        BinaryOp.GreaterEqual => new BoolConstant(a >= b),
        BinaryOp.Equal => new BoolConstant(a == b),
        BinaryOp.NotEqual => new BoolConstant(a != b),
        _ => null,
    };

    private static Expr RewriteCall(Call c)
    {
        var a = c.Argument;
        if (c.Function == Function.Detach && a is Constant) return a;
        if (c.Function == Function.Log)
        {
            switch (a)
            {
                case Call { Function: Function.Sigmoid } s: return new Call(Function.LogSigmoid, s.Argument);
                case Call { Function: Function.Exp } x: return x.Argument;
                case Binary { Op: BinaryOp.Add } sum when IsConst(sum.Left, 1) && sum.Right is Call { Function: Function.Exp } e1:
                    return new Call(Function.Softplus, e1.Argument);
                case Binary { Op: BinaryOp.Add } sum when IsConst(sum.Left, 1):
                    return new Call(Function.Log1p, sum.Right);
                case Binary { Op: BinaryOp.Subtract } diff when IsConst(diff.Left, 1):
                    return new Call(Function.Log1p, Negate(diff.Right));
            }
        }
        if (c.Function == Function.Pow) return new Binary(BinaryOp.Power, c.Arguments[0], c.Arguments[1]);
        if (c.Arguments.All(x => x is Constant) && Evaluate(c.Function, c.Arguments.Select(x => ((Constant)x).Value).ToArray()) is { } v
            && !double.IsNaN(v) && !double.IsInfinity(v))
            return new Constant(v);
        return c;
    }

    /// <summary>f(x) by the table's double reference, for the functions the table lets the simplifier fold.</summary>
    private static double? Evaluate(Function f, double[] x) =>
        Functions.Of(f) is { Folds: true, Reference: { } reference } ? reference(x[0], x.Length > 1 ? x[1] : 0) : null;
}
