using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics;
using LossDsl.Generator.Calculus;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// Walks the function table (<see cref="Functions.All"/>): each entry has a double reference (its own, or LossMath's
/// double scalar path where .NET has none), a first and a second derivative rule that agree with central differences
/// of that reference (or a refusal that is an error, never a zero), and a vector implementation at every width for
/// float and double (a LossMath method, or a lowering into functions that have one) that agrees with it. A function
/// added to <see cref="Function"/> without an entry, or an entry without all of these, fails here.
/// </summary>
public class FunctionTableTests
{
    /// <summary>The entry's reference, or LossMath's double scalar path (the runtime's accuracy tests hold it to mpmath).</summary>
    private static Func<double, double, double> Reference(Function f)
    {
        var info = Functions.Of(f);
        if (info.Reference is { } reference) return reference;
        var method = typeof(LossMath).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == info.RuntimeName && m.IsGenericMethodDefinition && m.GetParameters().Length == info.Arity
                && m.GetParameters()[0].ParameterType.IsGenericParameter)
            .MakeGenericMethod(typeof(double));
        return info.Arity == 1 ? (x, _) => (double)method.Invoke(null, new object[] { x })! : (x, y) => (double)method.Invoke(null, new object[] { x, y })!;
    }

    /// <summary>LossMath's double scalar path of a one-argument function (the runtime's accuracy tests hold it to mpmath).</summary>
    private static Func<double, double> LossMathDouble(Function f)
    {
        var method = typeof(LossMath).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == Functions.RuntimeName(f) && m.IsGenericMethodDefinition && m.GetParameters().Length == 1
                && m.GetParameters()[0].ParameterType.IsGenericParameter)
            .MakeGenericMethod(typeof(double));
        return x => (double)method.Invoke(null, new object[] { x })!;
    }

    /// <summary>
    /// The special functions' own double references (what constant folding computes, Calculus/SpecialReferences) agree
    /// with LossMath's double path over a dense scan of each one's range, tails and reflected half included: to 5e-13
    /// relative (1e-13 absolute near a zero), and both infinite (or NaN) at the same points.
    /// </summary>
    [Theory]
    [InlineData("Erf", -7.0, 7.0)]
    [InlineData("Erfc", -7.0, 26.0)]
    [InlineData("LogNdtr", -60.0, 12.0)]
    [InlineData("Lgamma", -12.0, 60.0)]
    [InlineData("Digamma", -12.0, 60.0)]
    [InlineData("Trigamma", -12.0, 60.0)]
    public void SpecialReferences_AgreeWithLossMath_OnADenseScan(string name, double low, double high)
    {
        var f = Enum.Parse<Function>(name);
        var reference = Functions.Of(f).Reference!;
        var lossMath = LossMathDouble(f);
        const int steps = 5000;
        for (int k = 0; k <= steps; k++)
        {
            double x = low + (high - low) * k / steps + 1e-3; // off the integers: the poles of the gamma family
            double expected = lossMath(x), actual = reference(x, 0);
            if (!double.IsFinite(expected)) { Assert.Equal(expected, actual); continue; }
            Assert.True(Math.Abs(actual - expected) <= Math.Max(5e-13 * Math.Abs(expected), 1e-13), $"{name}({x:R}): {actual:R}, LossMath {expected:R}");
        }
        foreach (var x in new[] { 0.5, 1.0, 2.0, 10.0 })
            Assert.True(double.IsFinite(reference(x, 0)), $"{name}({x}) is not folded");
    }

    /// <summary>Points away from every kink: (x, y) pairs, y positive; the negative x only for functions defined there.</summary>
    private static readonly (double X, double Y)[] s_points = { (0.3, 1.7), (0.85, 0.45), (1.9, 2.6), (2.45, 0.8), (-0.7, 0.45), (-1.9, 2.6) };

    private static IEnumerable<(double X, double Y)> Points(Function f) => s_points.Where(p => p.X > Functions.Of(f).DomainLow);

    public static IEnumerable<object[]> All() => Functions.All.Select(f => new object[] { f.Function.ToString() });

    private static int Arity(Function f) => Functions.Of(f).Arity;

    private static Expr CallOf(Function f) => Arity(f) == 1
        ? new Call(f, new InputRef(0, "x"))
        : new Call(f, new InputRef(0, "x"), new InputRef(1, "y"));

    [Fact]
    public void EveryFunctionHasOneEntry_WithAUniqueName_AndAReferenceOrALossMathMethod()
    {
        foreach (var f in Enum.GetValues<Function>())
        {
            Assert.Single(Functions.All, e => e.Function == f);
            Assert.Same(Functions.Of(f), Functions.ByName[Functions.NameOf(f)]);
            Assert.False(double.IsNaN(Reference(f)(0.3, 1.7)), $"{f}: no reference");
        }
        Assert.Equal(Functions.All.Count, Functions.All.Select(e => e.Name).Distinct().Count());
    }

    [Fact]
    public void AFunctionWithoutAnEntry_IsAGeneratorError_NotADefault() =>
        Assert.Throws<Diagnostics.UnexpectedValueException>(() => Functions.Of((Function)999));

    [Fact]
    public void OnlyFoldedFunctions_BecomeConstants()
    {
        foreach (var info in Functions.All.Where(i => i.Arity == 1 && i.Function != Function.Detach))
        {
            var folded = Simplifier.Simplify(new Call(info.Function, new Constant(0.5)));
            if (info.Folds) Assert.Equal(new Constant(info.Reference!(0.5, 0)), folded);
            else Assert.IsType<Call>(folded);
        }
    }

    private static Model.CompiledUnit Compile(string text) => Compiler.Compile(new Model.FormulaSource("/src/f.loss", text,
        Model.SourceMap.File, "N", null, "public", Model.EquatableArray<Diagnostics.DiagnosticInfo>.Empty));

    [Fact]
    public void AGradientThatNeedsARefusedDerivative_IsLOSS025_AtTheLoss_AndTheRestOfTheFileCompiles()
    {
        const string text = "loss bad(x) = trigamma(x)\nloss good(x) = lgamma(x) + digamma(2 * x)";
        var unit = Compile(text);
        var d = Assert.Single(unit.Diagnostics);
        Assert.Equal("LOSS025", d.Id);
        Assert.Contains("trigamma", d.Arguments[0]);
        Assert.Equal("bad", text.Substring(d.Span!.Start, d.Span.Length));
        Assert.Equal("good", Assert.Single(unit.Losses).Loss.Name);
    }

    [Fact]
    public void AHessianThatNeedsARefusedDerivative_IsNaN_NotZero_WhileLgammaHasAll()
    {
        var unit = Compile("loss d(x) = digamma(x)\nloss l(x) = lgamma(x)");
        Assert.Empty(unit.Diagnostics);
        var digamma = unit.Losses.Single(m => m.Loss.Name == "d");
        Assert.Equal(new Call(Function.Trigamma, new InputRef(0, "x")), digamma.Gradients[0]);
        Assert.True(digamma.Hessians[0] is Constant { Value: double.NaN });
        var lgamma = unit.Losses.Single(m => m.Loss.Name == "l");
        Assert.Equal(new Call(Function.Trigamma, new InputRef(0, "x")), lgamma.Hessians[0]);
    }

    [Fact]
    public void StatingTheGradient_OrDetaching_LiftsTheRefusal()
    {
        var unit = Compile("loss a(x) = trigamma(x)\n  grad x = -2 / x^3\nloss b(x, const t) = x * trigamma(detach(t + x))");
        Assert.Empty(unit.Diagnostics);
        Assert.Equal(2, unit.Losses.Count);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void FirstAndSecondDerivatives_MatchCentralDifferences(string name)
    {
        var f = Enum.Parse<Function>(name);
        var call = CallOf(f);
        var reference = Reference(f);
        for (int input = 0; input < Arity(f); input++)
        {
            int v = input;
            bool IsVariable(Expr e) => e is InputRef r && r.Index == v;
            if (Functions.Of(f).Derivative is null)
            {
                // A refused derivative is an exception the compiler turns into LOSS025, never a zero.
                var refused = Assert.Throws<NoDerivativeException>(() => Differentiator.Derivative(call, IsVariable));
                Assert.Contains(Functions.NameOf(f), refused.Message);
                continue;
            }
            var first = Differentiator.Derivative(call, IsVariable);
            Expr? second = null;
            try { second = Differentiator.Derivative(first, IsVariable); }
            catch (NoDerivativeException) { Assert.True(ExprWalker.Any(first, e => e is Call c && Functions.Of(c.Function).Derivative is null)); }
            foreach (var (x, y) in Points(f))
            {
                double Shift(double h, int which) => which == v ? h : 0;
                double F(double h) => reference(x + Shift(h, 0), y + Shift(h, 1));
                double D1(double h) => Evaluate(first, x + Shift(h, 0), y + Shift(h, 1));
                const double h = 1e-5;
                double expected1 = f == Function.Detach ? 0 : (F(h) - F(-h)) / (2 * h);
                double expected2 = f == Function.Detach ? 0 : (D1(h) - D1(-h)) / (2 * h);
                Assert.True(Math.Abs(D1(0) - expected1) <= 1e-6 * (1 + Math.Abs(expected1)), $"d{Functions.NameOf(f)}/d{(v == 0 ? "x" : "y")} at ({x}, {y}): {D1(0)} vs {expected1}");
                if (second is null) continue;
                double d2 = Evaluate(second, x, y);
                Assert.True(Math.Abs(d2 - expected2) <= 1e-5 * (1 + Math.Abs(expected2)), $"d2{Functions.NameOf(f)} at ({x}, {y}): {d2} vs {expected2}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void VectorImplementation_AtEveryWidthAndType_MatchesTheReference(string name)
    {
        var f = Enum.Parse<Function>(name);
        // What the emitter computes: the function itself (a LossMath method) or its lowering into other functions.
        var lowered = Lowering.Lower(Simplifier.Simplify(CallOf(f)));
        var calls = new List<Function>();
        ExprWalker.Any(lowered, e => { if (e is Call c && c.Function != Function.Detach) calls.Add(c.Function); return false; });
        if (f == Function.Pow) calls.Add(Function.Pow); // x^y: emitted as LossMath.Pow
        foreach (var g in calls.Distinct()) AssertLossMath(g);
        foreach (var (x, y) in Points(f))
            Assert.Equal(Reference(f)(x, y), Evaluate(lowered, x, y), 12);
    }

    private static void AssertLossMath(Function f)
    {
        var name = Functions.RuntimeName(f);
        var methods = typeof(LossMath).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == name && m.IsGenericMethodDefinition).ToList();
        foreach (var element in new[] { typeof(float), typeof(double) })
        {
            foreach (var (x, y) in Points(f))
            {
                double expected = Reference(f)(x, y);
                foreach (var width in new[] { "scalar", "128", "256", "512" })
                {
                    var argument = width switch
                    {
                        "scalar" => element,
                        "128" => typeof(Vector128<>).MakeGenericType(element),
                        "256" => typeof(Vector256<>).MakeGenericType(element),
                        _ => typeof(Vector512<>).MakeGenericType(element),
                    };
                    var method = methods.Select(m => m.MakeGenericMethod(element))
                        .FirstOrDefault(m => m.GetParameters().Length == Arity(f) && m.GetParameters().All(p => p.ParameterType == argument));
                    Assert.True(method is not null, $"LossMath.{name} has no {width} overload for {element.Name}");
                    object Value(double v) => width switch
                    {
                        "scalar" => Convert.ChangeType(v, element),
                        _ => typeof(LossMathHelpers).GetMethod("Splat" + width)!.MakeGenericMethod(element).Invoke(null, new[] { Convert.ChangeType(v, element) })!,
                    };
                    var args = Arity(f) == 1 ? new[] { Value(x) } : new[] { Value(x), Value(y) };
                    var result = method!.Invoke(null, args)!;
                    double lane = width == "scalar" ? Convert.ToDouble(result)
                        : Convert.ToDouble(typeof(LossMathHelpers).GetMethod("First" + width)!.MakeGenericMethod(element).Invoke(null, new[] { result }));
                    double tolerance = element == typeof(float) ? 2e-6 * (1 + Math.Abs(expected)) : 1e-13 * (1 + Math.Abs(expected));
                    Assert.True(Math.Abs(lane - expected) <= tolerance, $"LossMath.{name}<{element.Name}> at {width}: {lane} vs {expected}");
                }
            }
        }
    }

    /// <summary>Evaluates an expression over x (input 0) and y (input 1) with the scalar references.</summary>
    private static double Evaluate(Expr e, double x, double y) => e switch
    {
        Constant c => c.Value,
        InputRef r => r.Index == 0 ? x : y,
        Unary { Op: UnaryOp.Negate } u => -Evaluate(u.Operand, x, y),
        Binary { Op: BinaryOp.Add } b => Evaluate(b.Left, x, y) + Evaluate(b.Right, x, y),
        Binary { Op: BinaryOp.Subtract } b => Evaluate(b.Left, x, y) - Evaluate(b.Right, x, y),
        Binary { Op: BinaryOp.Multiply } b => Evaluate(b.Left, x, y) * Evaluate(b.Right, x, y),
        Binary { Op: BinaryOp.Divide } b => Evaluate(b.Left, x, y) / Evaluate(b.Right, x, y),
        Binary { Op: BinaryOp.Power } b => Math.Pow(Evaluate(b.Left, x, y), Evaluate(b.Right, x, y)),
        Conditional c => Test(c.Condition, x, y) ? Evaluate(c.Then, x, y) : Evaluate(c.Else, x, y),
        Call c => Reference(c.Function)(Evaluate(c.Arguments[0], x, y), c.Arguments.Count > 1 ? Evaluate(c.Arguments[1], x, y) : 0),
        _ => throw new InvalidOperationException("cannot evaluate " + e),
    };

    private static bool Test(Expr e, double x, double y) => e switch
    {
        BoolConstant b => b.Value,
        Unary { Op: UnaryOp.Not } u => !Test(u.Operand, x, y),
        Binary { Op: BinaryOp.And } b => Test(b.Left, x, y) && Test(b.Right, x, y),
        Binary { Op: BinaryOp.Or } b => Test(b.Left, x, y) || Test(b.Right, x, y),
        Binary { Op: BinaryOp.Less } b => Evaluate(b.Left, x, y) < Evaluate(b.Right, x, y),
        Binary { Op: BinaryOp.LessEqual } b => Evaluate(b.Left, x, y) <= Evaluate(b.Right, x, y),
        Binary { Op: BinaryOp.Greater } b => Evaluate(b.Left, x, y) > Evaluate(b.Right, x, y),
        Binary { Op: BinaryOp.GreaterEqual } b => Evaluate(b.Left, x, y) >= Evaluate(b.Right, x, y),
        Binary { Op: BinaryOp.Equal } b => Evaluate(b.Left, x, y) == Evaluate(b.Right, x, y),
        Binary { Op: BinaryOp.NotEqual } b => Evaluate(b.Left, x, y) != Evaluate(b.Right, x, y),
        _ => throw new InvalidOperationException("cannot test " + e),
    };
}

/// <summary>Vector constructors callable by reflection.</summary>
public static class LossMathHelpers
{
    public static Vector128<T> Splat128<T>(T value) => Vector128.Create(value);
    public static Vector256<T> Splat256<T>(T value) => Vector256.Create(value);
    public static Vector512<T> Splat512<T>(T value) => Vector512.Create(value);
    public static T First128<T>(Vector128<T> v) => v.GetElement(0);
    public static T First256<T>(Vector256<T> v) => v.GetElement(0);
    public static T First512<T>(Vector512<T> v) => v.GetElement(0);
}
