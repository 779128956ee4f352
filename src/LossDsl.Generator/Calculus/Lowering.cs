using System.Linq;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Calculus;

/// <summary>
/// After differentiation, functions that exist for their derivative rule become what the emitter computes:
/// <c>xlogy(x, y)</c> → <c>if x == 0 then 0 else x * log(y)</c>.
/// </summary>
internal static class Lowering
{
    public static Expr Lower(Expr e) => e switch
    {
        Call { Function: Function.Xlogy } c => new Conditional(
            new Binary(BinaryOp.Equal, Lower(c.Arguments[0]), Constant.Zero),
            Constant.Zero,
            new Binary(BinaryOp.Multiply, Lower(c.Arguments[0]), new Call(Function.Log, Lower(c.Arguments[1])))),
        CustomCall { Extern: { } method } c => new ExternCall(method, c.Arguments.Select(Lower).ToEquatableArray()),
        CustomCall c => Lower(ExprWalker.Substitute(c.Body!, c.Arguments)),
        _ => ExprWalker.MapChildren(e, Lower),
    };
}
