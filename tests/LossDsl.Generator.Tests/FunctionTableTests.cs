using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics;
using LossDsl.Generator.Calculus;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// Walks every built-in function: each has a scalar reference (here), a first and a second derivative rule that agree
/// with central differences of that reference, and a vector implementation at every width for float and double (a
/// LossMath method, or a lowering into functions that have one) that agrees with it. A function added to
/// <see cref="Function"/> without all of these fails here, instead of differentiating to a silent zero.
/// </summary>
public class FunctionTableTests
{
    private static readonly Dictionary<Function, Func<double, double, double>> s_reference = new()
    {
        [Function.Abs] = (x, _) => Math.Abs(x),
        [Function.Sign] = (x, _) => Math.Sign(x),
        [Function.Min] = Math.Min,
        [Function.Max] = Math.Max,
        [Function.Exp] = (x, _) => Math.Exp(x),
        [Function.Log] = (x, _) => Math.Log(x),
        [Function.Log1p] = (x, _) => Math.Log(1 + x),
        [Function.Expm1] = (x, _) => Math.Exp(x) - 1,
        [Function.Sqrt] = (x, _) => Math.Sqrt(x),
        [Function.Pow] = Math.Pow,
        [Function.Sigmoid] = (x, _) => 1 / (1 + Math.Exp(-x)),
        [Function.Softplus] = (x, _) => Math.Log(1 + Math.Exp(x)),
        [Function.LogSigmoid] = (x, _) => -Math.Log(1 + Math.Exp(-x)),
        [Function.Tanh] = (x, _) => Math.Tanh(x),
        [Function.Cosh] = (x, _) => Math.Cosh(x),
        [Function.Atan] = (x, _) => Math.Atan(x),
        [Function.Detach] = (x, _) => x,
        [Function.Xlogy] = (x, y) => x == 0 ? 0 : x * Math.Log(y),
    };

    /// <summary>Points inside each function's domain and away from its kinks: (x, y) pairs.</summary>
    private static readonly (double X, double Y)[] s_points = { (0.3, 1.7), (0.85, 0.45), (1.9, 2.6), (2.45, 0.8) };

    public static IEnumerable<object[]> All() => Enum.GetValues<Function>().Select(f => new object[] { f.ToString() });

    private static int Arity(Function f) => Functions.ByName.Values.Single(v => v.Function == f).Arity;

    private static Expr CallOf(Function f) => Arity(f) == 1
        ? new Call(f, new InputRef(0, "x"))
        : new Call(f, new InputRef(0, "x"), new InputRef(1, "y"));

    [Fact]
    public void EveryFunctionHasAReferenceAndAName()
    {
        foreach (var f in Enum.GetValues<Function>())
        {
            Assert.True(s_reference.ContainsKey(f), $"{f} has no scalar reference in this test");
            Assert.Contains(Functions.ByName.Values, v => v.Function == f);
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void FirstAndSecondDerivatives_MatchCentralDifferences(string name)
    {
        var f = Enum.Parse<Function>(name);
        var call = CallOf(f);
        var reference = s_reference[f];
        for (int input = 0; input < Arity(f); input++)
        {
            int v = input;
            bool IsVariable(Expr e) => e is InputRef r && r.Index == v;
            var first = Differentiator.Derivative(call, IsVariable);
            var second = Differentiator.Derivative(first, IsVariable);
            foreach (var (x, y) in s_points)
            {
                double Shift(double h, int which) => which == v ? h : 0;
                double F(double h) => reference(x + Shift(h, 0), y + Shift(h, 1));
                double D1(double h) => Evaluate(first, x + Shift(h, 0), y + Shift(h, 1));
                const double h = 1e-5;
                double expected1 = f == Function.Detach ? 0 : (F(h) - F(-h)) / (2 * h);
                double expected2 = f == Function.Detach ? 0 : (D1(h) - D1(-h)) / (2 * h);
                Assert.True(Math.Abs(D1(0) - expected1) <= 1e-6 * (1 + Math.Abs(expected1)), $"d{Functions.NameOf(f)}/d{(v == 0 ? "x" : "y")} at ({x}, {y}): {D1(0)} vs {expected1}");
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
        foreach (var (x, y) in s_points)
            Assert.Equal(s_reference[f](x, y), Evaluate(lowered, x, y), 12);
    }

    private static void AssertLossMath(Function f)
    {
        var name = Functions.RuntimeName(f);
        var methods = typeof(LossMath).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == name && m.IsGenericMethodDefinition).ToList();
        foreach (var element in new[] { typeof(float), typeof(double) })
        {
            foreach (var (x, y) in s_points)
            {
                double expected = s_reference[f](x, y);
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
        Call c => s_reference[c.Function](Evaluate(c.Arguments[0], x, y), c.Arguments.Count > 1 ? Evaluate(c.Arguments[1], x, y) : 0),
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
