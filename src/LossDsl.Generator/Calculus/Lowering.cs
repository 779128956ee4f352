using System.Linq;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// After differentiation, functions that exist for their derivative rule become what the emitter computes:
/// <c>xlogy(x, y)</c> → <c>if x == 0 then 0 else x * log(y)</c>. The logistic family is written over one shared
/// exponential, e = exp(-|u|), so that the emitter's common subexpressions compute it once for sigmoid(u), sigmoid(-u),
/// softplus(±u) and log_sigmoid(±u) (a loss and its gradient use several: BCE with logits, focal loss):
/// sigmoid(u) = if u >= 0 then 1 / (1 + e) else e / (1 + e) (and sigmoid(-v) tests v >= 0, as sigmoid(v)); softplus(u) = max(u, 0) + log1p(e);
/// log_sigmoid(u) = min(u, 0) - log1p(e). Each form is the stable one (no overflow, no cancellation).
/// </summary>
internal static class Lowering
{
    public static Expr Lower(Expr e)
    {
        Diagnostics.StackGuard.Ensure();
        return LowerCore(e);
    }

    private static Expr LowerCore(Expr e) => e switch
    {
        Call { Function: Function.Xlogy } c => new Conditional(
            new Binary(BinaryOp.Equal, Lower(c.Arguments[0]), Constant.Zero),
            Constant.Zero,
            new Binary(BinaryOp.Multiply, Lower(c.Arguments[0]), new Call(Function.Log, Lower(c.Arguments[1])))),
        Call { Function: Function.Sigmoid } c => Sigmoid(Lower(c.Arguments[0])),
        Call { Function: Function.Softplus } c => new Binary(BinaryOp.Add,
            new Call(Function.Max, Lower(c.Arguments[0]), Constant.Zero), new Call(Function.Log1p, ExpNegAbs(Lower(c.Arguments[0])))),
        Call { Function: Function.LogSigmoid } c => new Binary(BinaryOp.Subtract,
            new Call(Function.Min, Lower(c.Arguments[0]), Constant.Zero), new Call(Function.Log1p, ExpNegAbs(Lower(c.Arguments[0])))),
        CustomCall { Extern: { } method } c => new ExternCall(method, c.Arguments.Select(Lower).ToEquatableArray()),
        CustomCall c => Lower(ExprWalker.Substitute(c.Body!, c.Arguments)),
        _ => ExprWalker.MapChildren(e, Lower),
    };

    private static Expr Sigmoid(Expr u)
    {
        var e = ExpNegAbs(u);
        var r = new Binary(BinaryOp.Divide, Constant.One, new Binary(BinaryOp.Add, Constant.One, e));
        // sigmoid(-v) = if v >= 0 then e / (1 + e) else 1 / (1 + e): the same test as sigmoid(v)'s, so a kernel that has
        // both (focal loss: p and 1 - p) compares once. The same values: at v = +-0 both sides are 1/2, and NaN gives NaN.
        if (u is Unary { Op: UnaryOp.Negate } n)
            return new Conditional(new Binary(BinaryOp.GreaterEqual, n.Operand, Constant.Zero), new Binary(BinaryOp.Multiply, e, r), r);
        return new Conditional(new Binary(BinaryOp.GreaterEqual, u, Constant.Zero), r, new Binary(BinaryOp.Multiply, e, r));
    }

    /// <summary>exp(-|u|), written the same for u and -u (|-v| is |v|), so both share it.</summary>
    private static Expr ExpNegAbs(Expr u) =>
        new Call(Function.Exp, new Unary(UnaryOp.Negate, new Call(Function.Abs, u is Unary { Op: UnaryOp.Negate } n ? n.Operand : u)));
}
