using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Diagnostics;

namespace LossDsl.Generator.Calculus;

/// <summary>The built-in functions of the language; <see cref="Functions.All"/> declares each one.</summary>
internal enum Function
{
    Abs, Sign, Min, Max, Exp, Log, Log1p, Expm1, Sqrt, Pow, Sigmoid, Softplus, LogSigmoid, Tanh, Cosh, Atan,
    /// <summary>Its argument's value, with a zero derivative (PyTorch's <c>.detach()</c>).</summary>
    Detach,
    /// <summary>x log(y), and 0 where x is 0 (PyTorch's xlogy; its gradient too: d/dx = log(y) where x != 0, d/dy = x / y).</summary>
    Xlogy,
    Erf, Erfc, LogNdtr, Lgamma, Digamma, Trigamma,
}

/// <summary>What a function costs, for the passes that decide what is worth storing rather than recomputing.</summary>
internal enum Cost
{
    /// <summary>A few arithmetic instructions (abs, min, sqrt...): recomputing is as cheap as reading back.</summary>
    Arithmetic,
    /// <summary>A polynomial or more per lane (exp, log, erf, lgamma...): worth computing once and reading back (<see cref="LossDifferentiator"/>'s cached factor).</summary>
    Transcendental,
}

/// <summary>
/// A function's derivative rule: the derivative of <paramref name="call"/> given the derivatives of its arguments,
/// <paramref name="argument"/>(k) (computed when asked, so a rule that needs none, like sign's, differentiates nothing).
/// </summary>
internal delegate Expr DerivativeRule(Call call, Func<int, Expr> argument);

/// <summary>
/// One built-in function, declared once: its name and arity in the language, its LossMath method (which has a
/// scalar, Vector128, Vector256 and Vector512 overload for float and double), its derivative rule, its double
/// reference (for constant folding and the tests: .NET's, or <see cref="SpecialReferences"/>' for the special
/// functions, which the tests hold to LossMath's double path; null: the tests use that path), whether the simplifier folds it on
/// constants, its cost and the smallest argument where it is smooth (the tests check the rules above it).
/// </summary>
internal sealed class FunctionInfo
{
    public FunctionInfo(Function function, string name, int arity, DerivativeRule? derivative, Func<double, double, double>? reference,
        bool folds = false, Cost cost = Cost.Arithmetic, double domainLow = double.NegativeInfinity, string? refusal = null)
    {
        Function = function; Name = name; Arity = arity; Derivative = derivative; Reference = reference;
        Folds = folds && reference is not null; Cost = cost; DomainLow = domainLow; Refusal = refusal;
    }

    public Function Function { get; }
    /// <summary>The name in the language and in generated comments.</summary>
    public string Name { get; }
    public int Arity { get; }
    /// <summary>The method of <c>global::LossDsl.LossMath</c> that computes it at every width.</summary>
    public string RuntimeName => Function.ToString();
    /// <summary>Null: the language refuses to differentiate it (<see cref="Refusal"/> says why), with a located error, never a zero.</summary>
    public DerivativeRule? Derivative { get; }
    /// <summary>Why it has no derivative rule (when <see cref="Derivative"/> is null).</summary>
    public string? Refusal { get; }
    public Func<double, double, double>? Reference { get; }
    /// <summary>Whether <c>f(constant)</c> becomes a constant (with <see cref="Reference"/>) in the simplifier.</summary>
    public bool Folds { get; }
    public Cost Cost { get; }
    /// <summary>Its first argument's domain starts above this (log: 0, log1p: -1); the second argument's is positive.</summary>
    public double DomainLow { get; }
}

/// <summary>
/// The function table. Adding a function is one entry here, its LossMath methods (src/LossDsl.Runtime/Math) and its
/// tests (docs/language.md, "Adding a function"); the binder, the differentiator, the simplifier, the cached-factor
/// pass, the emitter and the table-driven tests read everything else from the entry.
/// </summary>
internal static class Functions
{
    private static Expr Mul(Expr a, Expr b) => new Binary(BinaryOp.Multiply, a, b);
    private static Expr Div(Expr a, Expr b) => new Binary(BinaryOp.Divide, a, b);
    private static Expr Add(Expr a, Expr b) => new Binary(BinaryOp.Add, a, b);
    private static Expr Sub(Expr a, Expr b) => new Binary(BinaryOp.Subtract, a, b);
    private static Expr Neg(Expr a) => new Unary(UnaryOp.Negate, a);

    /// <summary>The chain rule of a one-argument function: <paramref name="outer"/>(x, f(x)) times x'.</summary>
    private static DerivativeRule Chain(Func<Expr, Call, Expr> outer) => (c, d) => Mul(outer(c.Argument, c), d(0));

    private const double TwoOverSqrtPi = 1.1283791670955126; // 2 / sqrt(pi)
    private const double InvSqrt2Pi = 0.3989422804014327;    // 1 / sqrt(2 pi)

    public static readonly IReadOnlyList<FunctionInfo> All = new[]
    {
        new FunctionInfo(Function.Abs, "abs", 1, Chain((a, _) => new Call(Function.Sign, a)), (x, _) => Math.Abs(x), folds: true),
        new FunctionInfo(Function.Sign, "sign", 1, (_, _) => Constant.Zero,
            (x, _) => double.IsNaN(x) ? 0 : Math.Sign(x), folds: true), // sign(NaN) is 0, as LossMath.Sign computes it (Math.Sign throws)
        new FunctionInfo(Function.Min, "min", 2, (c, d) => Differentiator.Extremum(false, c.Arguments[0], c.Arguments[1], d(0), d(1)), Math.Min, folds: true),
        new FunctionInfo(Function.Max, "max", 2, (c, d) => Differentiator.Extremum(true, c.Arguments[0], c.Arguments[1], d(0), d(1)), Math.Max, folds: true),
        new FunctionInfo(Function.Exp, "exp", 1, Chain((_, c) => c), (x, _) => Math.Exp(x), folds: true, cost: Cost.Transcendental),
        new FunctionInfo(Function.Log, "log", 1, (c, d) => Div(d(0), c.Argument), (x, _) => Math.Log(x), folds: true, cost: Cost.Transcendental, domainLow: 0),
        new FunctionInfo(Function.Log1p, "log1p", 1, (c, d) => Div(d(0), Add(Constant.One, c.Argument)), (x, _) => Math.Log(1 + x),
            cost: Cost.Transcendental, domainLow: -1),
        new FunctionInfo(Function.Expm1, "expm1", 1, Chain((a, _) => new Call(Function.Exp, a)), (x, _) => Math.Exp(x) - 1, cost: Cost.Transcendental),
        new FunctionInfo(Function.Sqrt, "sqrt", 1, (c, d) => Div(d(0), Mul(Constant.Two, c)), (x, _) => Math.Sqrt(x), folds: true, domainLow: 0),
        new FunctionInfo(Function.Pow, "pow", 2, (c, d) => Differentiator.Power(c.Arguments[0], c.Arguments[1], c, d(0), d(1)), Math.Pow,
            cost: Cost.Transcendental, domainLow: 0),
        new FunctionInfo(Function.Sigmoid, "sigmoid", 1, Chain((a, c) => Mul(c, new Call(Function.Sigmoid, Neg(a)))), (x, _) => 1 / (1 + Math.Exp(-x)),
            cost: Cost.Transcendental),
        new FunctionInfo(Function.Softplus, "softplus", 1, Chain((a, _) => new Call(Function.Sigmoid, a)), (x, _) => Math.Log(1 + Math.Exp(x)),
            cost: Cost.Transcendental),
        new FunctionInfo(Function.LogSigmoid, "log_sigmoid", 1, Chain((a, _) => new Call(Function.Sigmoid, Neg(a))), (x, _) => -Math.Log(1 + Math.Exp(-x)),
            cost: Cost.Transcendental),
        new FunctionInfo(Function.Tanh, "tanh", 1, Chain((_, c) => Sub(Constant.One, Mul(c, c))), (x, _) => Math.Tanh(x), folds: true, cost: Cost.Transcendental),
        new FunctionInfo(Function.Cosh, "cosh", 1, Chain((a, _) => Mul(Constant.Half, Sub(new Call(Function.Exp, a), new Call(Function.Exp, Neg(a))))),
            (x, _) => Math.Cosh(x), folds: true, cost: Cost.Transcendental),
        new FunctionInfo(Function.Atan, "atan", 1, (c, d) => Div(d(0), Add(Constant.One, Mul(c.Argument, c.Argument))), (x, _) => Math.Atan(x),
            folds: true, cost: Cost.Transcendental),
        new FunctionInfo(Function.Detach, "detach", 1, (_, _) => Constant.Zero, (x, _) => x, folds: true),
        new FunctionInfo(Function.Xlogy, "xlogy", 2, (c, d) =>
        {
            var (a, b) = (c.Arguments[0], c.Arguments[1]);
            var dx = new Conditional(new Binary(BinaryOp.Equal, a, Constant.Zero), Constant.Zero, new Call(Function.Log, b));
            return Add(Mul(dx, d(0)), Mul(Div(a, b), d(1)));
        }, (x, y) => x == 0 ? 0 : x * Math.Log(y), cost: Cost.Transcendental),
        // The special functions: .NET has none, so their references (and folding) are SpecialReferences'.
        new FunctionInfo(Function.Erf, "erf", 1, Chain((a, _) => Mul(new Constant(TwoOverSqrtPi), new Call(Function.Exp, Neg(Mul(a, a))))),
            (x, _) => SpecialReferences.Erf(x), folds: true, cost: Cost.Transcendental),
        new FunctionInfo(Function.Erfc, "erfc", 1, Chain((a, _) => Mul(new Constant(-TwoOverSqrtPi), new Call(Function.Exp, Neg(Mul(a, a))))),
            (x, _) => SpecialReferences.Erfc(x), folds: true, cost: Cost.Transcendental),
        // d/dx log Phi(x) = phi(x) / Phi(x) = exp(-x^2/2 - log_ndtr(x)) / sqrt(2 pi): no 0/0 in either tail, and it shares log_ndtr with the value.
        new FunctionInfo(Function.LogNdtr, "log_ndtr", 1,
            Chain((a, c) => Mul(new Constant(InvSqrt2Pi), new Call(Function.Exp, Sub(Mul(new Constant(-0.5), Mul(a, a)), c)))),
            (x, _) => SpecialReferences.LogNdtr(x), folds: true, cost: Cost.Transcendental),
        new FunctionInfo(Function.Lgamma, "lgamma", 1, Chain((a, _) => new Call(Function.Digamma, a)), (x, _) => SpecialReferences.Lgamma(x),
            folds: true, cost: Cost.Transcendental, domainLow: 0),
        new FunctionInfo(Function.Digamma, "digamma", 1, Chain((a, _) => new Call(Function.Trigamma, a)), (x, _) => SpecialReferences.Digamma(x),
            folds: true, cost: Cost.Transcendental, domainLow: 0),
        new FunctionInfo(Function.Trigamma, "trigamma", 1, null, (x, _) => SpecialReferences.Trigamma(x), folds: true, cost: Cost.Transcendental, domainLow: 0,
            refusal: "'trigamma' has no derivative in the language (it would be the tetragamma function): wrap its argument in detach(...) or state the gradient with a 'grad' clause"),
    };

    private static readonly FunctionInfo?[] s_byFunction = Index();

    private static FunctionInfo?[] Index()
    {
        var byFunction = new FunctionInfo?[Enum.GetValues(typeof(Function)).Length];
        foreach (var info in All) byFunction[(int)info.Function] = info;
        return byFunction;
    }

    /// <summary>The entry of <paramref name="function"/>; a function without one is a generator bug (LOSS999), never a default.</summary>
    public static FunctionInfo Of(Function function) =>
        (int)function >= 0 && (int)function < s_byFunction.Length && s_byFunction[(int)function] is { } info
            ? info : throw new UnexpectedValueException("The function table", function);

    /// <summary>Name in the language → entry. <c>clamp</c> and the aggregates are bound separately.</summary>
    public static readonly IReadOnlyDictionary<string, FunctionInfo> ByName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The name used in the language and in generated comments.</summary>
    public static string NameOf(Function function) => Of(function).Name;

    /// <summary>The runtime method (<c>global::LossDsl.LossMath.X</c>) that computes it, at every width.</summary>
    public static string RuntimeName(Function function) => Of(function).RuntimeName;
}

/// <summary>The differentiator met a function the language does not differentiate (<see cref="FunctionInfo.Refusal"/>): a located LOSS025.</summary>
internal sealed class NoDerivativeException : Exception
{
    public NoDerivativeException(FunctionInfo function) : base(function.Refusal ?? $"'{function.Name}' has no derivative rule") => Function = function;

    public FunctionInfo Function { get; }
}
