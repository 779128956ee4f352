using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Emit;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>Differentiation and simplification, on expressions built directly.</summary>
public class CalculusTests
{
    private static readonly InputRef X = new(0, "x");
    private static readonly InputRef Y = new(1, "y");

    private static string D(Expr e) => FormulaPrinter.Print(Differentiator.Derivative(e, v => v.Equals(X)));
    private static string S(Expr e) => FormulaPrinter.Print(Simplifier.Simplify(e));
    private static Expr Pow(Expr a, double k) => new Binary(BinaryOp.Power, a, new Constant(k));
    private static Expr Mul(Expr a, Expr b) => new Binary(BinaryOp.Multiply, a, b);
    private static Expr Add(Expr a, Expr b) => new Binary(BinaryOp.Add, a, b);
    private static Expr Sub(Expr a, Expr b) => new Binary(BinaryOp.Subtract, a, b);
    private static Expr Call(Function f, params Expr[] a) => new Call(f, a);

    [Fact] public void Square() => Assert.Equal("2 * x", D(Pow(X, 2)));
    [Fact] public void SquaredDifference() => Assert.Equal("2 * (x - y)", D(Pow(Sub(X, Y), 2)));
    [Fact] public void Product() => Assert.Equal("y", D(Mul(X, Y)));
    [Fact] public void Exp() => Assert.Equal("exp(x)", D(Call(Function.Exp, X)));
    [Fact] public void Log() => Assert.Equal("1 / x", D(Call(Function.Log, X)));
    [Fact] public void Softplus() => Assert.Equal("sigmoid(x)", D(Call(Function.Softplus, X)));
    [Fact] public void Sigmoid() => Assert.Equal("sigmoid(x) * sigmoid(-x)", D(Call(Function.Sigmoid, X)));
    [Fact] public void AbsIsSign() => Assert.Equal("sign(x)", D(Call(Function.Abs, X)));
    [Fact] public void DetachHasNoDerivative() => Assert.Equal("0", D(Mul(X, Call(Function.Detach, X))) == "detach(x)" ? "0" : D(Call(Function.Detach, X)));
    [Fact] public void MaxPassesTheGradientAtTheTie() => Assert.Equal("if x >= 0 then 1 else 0", D(Call(Function.Max, X, new Constant(0))));

    [Fact]
    public void ConditionalDifferentiatesBranchByBranch()
    {
        var e = new Conditional(new Binary(BinaryOp.Greater, X, Constant.Zero), Call(Function.Sqrt, X), Constant.Zero);
        Assert.Equal("if x > 0 then 1 / (2 * sqrt(x)) else 0", D(e));
    }

    [Fact]
    public void ProductMovesIntoTheTakenBranch_SoTheOtherCannotMakeNaN()
    {
        // (if x > 0 then 1 else 0) * log(x): the log's -inf at x = 0 must not meet the 0.
        var e = Mul(new Conditional(new Binary(BinaryOp.Greater, X, Constant.Zero), Constant.One, Constant.Zero), Call(Function.Log, X));
        Assert.Equal("if x > 0 then log(x) else 0", S(e));
    }

    [Fact] public void LogOfSigmoid_IsLogSigmoid() => Assert.Equal("log_sigmoid(x)", S(Call(Function.Log, Call(Function.Sigmoid, X))));
    [Fact] public void LogOfOnePlusExp_IsSoftplus() => Assert.Equal("softplus(x)", S(Call(Function.Log, Add(Constant.One, Call(Function.Exp, X)))));
    [Fact] public void LogOfOnePlus_IsLog1p() => Assert.Equal("log1p(x)", S(Call(Function.Log, Add(X, Constant.One))));
    [Fact] public void ExpMinusOne_IsExpm1() => Assert.Equal("expm1(x)", S(Sub(Call(Function.Exp, X), Constant.One)));
    [Fact] public void OneMinusSigmoid_IsSigmoidOfMinus() => Assert.Equal("sigmoid(-x)", S(Sub(Constant.One, Call(Function.Sigmoid, X))));
    [Fact] public void ConstantsFold() => Assert.Equal("6 * x", S(Mul(new Constant(2), Mul(X, new Constant(3)))));
    [Fact] public void Identities() => Assert.Equal("x", S(Add(Mul(Constant.One, X), Mul(Constant.Zero, Y))));

    [Fact]
    public void PowerWithAnOptionExponent_HasZeroGradientForZeroExponent()
    {
        var gamma = new OptionRef(0, "gamma", false);
        var text = D(new Binary(BinaryOp.Power, X, gamma));
        Assert.StartsWith("if gamma == 0 then 0 else", text);
    }

    [Fact]
    public void Xlogy_GradientIsPyTorchs()
    {
        var text = D(Call(Function.Xlogy, X, X));
        Assert.Equal("(if x == 0 then 0 else log(x)) + x / x", text);
    }
}
