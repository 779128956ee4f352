using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace LossDsl.Generator.Tests;

/// <summary>
/// The generator never breaks a build: formulas of any size and depth give working code or a located LOSS026, user
/// functions are differentiated through their bodies, and PyTorch's conventions hold at non-smooth points.
/// </summary>
public class RobustnessTests
{
    private readonly ITestOutputHelper _output;
    public RobustnessTests(ITestOutputHelper output) => _output = output;

    private static (GeneratorRunResult Result, Compilation Output) Run(string formula) => GeneratorHarness.Run(new[] { ("/src/f.loss", formula) });

    internal static ILossDefinition Load(string formula, string name)
    {
        var (result, output) = Run(formula);
        Assert.Null(result.Exception);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
        stream.Position = 0;
        var assembly = new AssemblyLoadContext(name, isCollectible: true).LoadFromStream(stream);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        Assert.True(LossRegistry.TryGet(name, out var definition));
        return definition;
    }

    private static (double[] Value, double[][] Gradients) Evaluate(ILossDefinition definition, params double[][] inputs)
    {
        var call = new LossCall<double> { Inputs = inputs, Reduction = Reduction.None, WantGradients = true };
        definition.Evaluate(call);
        return (call.Output!, call.Gradients!.Select(g => g!).ToArray());
    }

    [Fact]
    public void TwentyThousandNestedParentheses_GetLoss026AtTheDeepestOne()
    {
        var formula = "loss deep(x) = " + new string('(', 20_000) + "x" + new string(')', 20_000) + "\nloss fine(x) = x^2";
        var (result, _) = Run(formula);
        Assert.Null(result.Exception);
        var d = Assert.Single(result.Diagnostics, d => d.Id == "LOSS026");
        int start = d.Location.SourceSpan.Start;
        Assert.Equal("(", formula.Substring(start, d.Location.SourceSpan.Length));
        Assert.Equal("loss deep(x) = ".Length + 256, start); // the first parenthesis past the limit
        Assert.Contains(result.GeneratedSources, s => s.HintName.EndsWith("Fine.g.cs"));
    }

    [Theory]
    [InlineData("-", "x")]
    [InlineData("exp(", "x)")]
    [InlineData("x^", "x")]
    [InlineData("let a = ", "x in a")]
    [InlineData("if x > 0 then x else ", "x")]
    [InlineData("not ", "x > 0")]
    public void EveryKindOfNesting_IsGuarded(string open, string close)
    {
        int depth = 5_000;
        var sb = new StringBuilder("loss deep(x) = ");
        for (int i = 0; i < depth; i++) sb.Append(open);
        sb.Append(close.Replace(")", ""));
        for (int i = 0; i < depth; i++) sb.Append(close.Contains(')') ? ")" : "");
        if (open.StartsWith("let")) { sb.Clear().Append("loss deep(x) = "); for (int i = 0; i < depth; i++) sb.Append($"let a{i}b = x in "); sb.Append("x"); }
        if (open.StartsWith("not")) { sb.Clear().Append("loss deep(x) = if "); for (int i = 0; i < depth; i++) sb.Append("not "); sb.Append("x > 0 then x else 0"); }
        var (result, _) = Run(sb.ToString());
        Assert.Null(result.Exception);
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS026");
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "LOSS999");
    }

    [Fact]
    public void AHundredThousandTermSum_Compiles()
    {
        // 100,000 different terms (no two fold together): x * y * c_k - c_k'.
        var sb = new StringBuilder("loss big(x, y) = ");
        for (int k = 0; k < 100_000; k++) sb.Append(k == 0 ? "" : k % 3 == 0 ? " - " : " + ").Append($"x * {1 + k % 97}.5 * y");
        var watch = Stopwatch.StartNew();
        var unit = Compiler.Compile(new Model.FormulaSource("/src/f.loss", sb.ToString(), Model.SourceMap.File, "N", null, "public", Model.EquatableArray<Diagnostics.DiagnosticInfo>.Empty));
        _output.WriteLine($"parse, bind, differentiate, simplify: {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        Compiler.EmitSafely(unit.Losses[0]);
        _output.WriteLine($"emit: {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        var (result, output) = Run(sb.ToString());
        _output.WriteLine($"{sb.Length / 1024} KB formula: generator {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        var source = Assert.Single(result.GeneratedSources);
        _output.WriteLine($"generated {source.SourceText.Length / 1024} KB");
        watch.Restart();
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        _output.WriteLine($"C# compile and emit {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
    }

    [Fact]
    public void LongChainsAreBalanced_SameValueAndGradientAsWritten()
    {
        // 40 terms of + and - and 30 factors of * and /: built balanced, the value is the one written.
        var terms = Enumerable.Range(1, 40).Select(k => $"{(k % 3 == 0 ? "-" : "+")} {k}.25 * x").ToArray();
        var factors = Enumerable.Range(1, 30).Select(k => k % 4 == 0 ? $"/ (1 + x^2 / {k})" : $"* (1 + x / {k + 10})").ToArray();
        var formula = "loss chain(x) = 0 " + string.Join(" ", terms) + "\nloss product(x) = 1 " + string.Join(" ", factors);
        var chain = Load(formula, "chain");
        var product = Load(formula.Replace("chain(", "chain2(").Replace("product(", "product2("), "product2");
        double[] x = { -0.7, 0.3, 1.9 };
        var (value, gradient) = Evaluate(chain, x);
        double slope = Enumerable.Range(1, 40).Sum(k => (k % 3 == 0 ? -1 : 1) * (k + 0.25));
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(slope * x[i], value[i], 9);
            Assert.Equal(slope, gradient[0][i], 9);
        }
        (value, gradient) = Evaluate(product, x);
        for (int i = 0; i < x.Length; i++)
        {
            double f(double v) => Enumerable.Range(1, 30).Aggregate(1.0, (acc, k) => k % 4 == 0 ? acc / (1 + v * v / k) : acc * (1 + v / (k + 10)));
            Assert.Equal(f(x[i]), value[i], 9);
            Assert.Equal((f(x[i] + 1e-6) - f(x[i] - 1e-6)) / 2e-6, gradient[0][i], 5);
        }
    }

    [Fact]
    public void SharedLetsThatExpandExponentially_GetLoss026()
    {
        var sb = new StringBuilder("loss blowup(x) = let a0 = x * x in ");
        for (int k = 1; k < 64; k++) sb.Append($"let a{k} = a{k - 1} * a{k - 1} + 1 in ");
        sb.Append("a63");
        var watch = Stopwatch.StartNew();
        var (result, _) = Run(sb.ToString());
        Assert.Null(result.Exception);
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS026" && d.GetMessage().Contains("expands"));
        Assert.True(watch.Elapsed.TotalSeconds < 30, $"took {watch.Elapsed}");
    }

    [Fact]
    public void UserFunctionWithoutGradClause_IsDifferentiatedThroughItsBody()
    {
        const string formula = """
            fn g(a) = a^2
            fn h(a, b) = g(a) * exp(b) + max(a, b)
            loss p(x) = g(x)
            loss q(x, y) = h(x, y) + g(h(y, x))
            """;
        var p = Load(formula, "p");
        var q = Load(formula.Replace("loss p(", "loss p2(").Replace("loss q(", "loss q2("), "q2");
        double[] x = { -1.3, -0.2, 0.4, 2.1 }, y = { 0.7, -0.9, 0.4, -1.5 };
        var (_, gp) = Evaluate(p, x);
        for (int i = 0; i < x.Length; i++) Assert.Equal(2 * x[i], gp[0][i], 12);

        static double H(double a, double b) => a * a * Math.Exp(b) + Math.Max(a, b);
        static double Q(double a, double b) => H(a, b) + Math.Pow(H(b, a), 2);
        var (value, gq) = Evaluate(q, x, y);
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == y[i]) continue; // max's tie: checked below
            const double h = 1e-6;
            Assert.Equal(Q(x[i], y[i]), value[i], 9);
            Assert.Equal((Q(x[i] + h, y[i]) - Q(x[i] - h, y[i])) / (2 * h), gq[0][i], 4);
            Assert.Equal((Q(x[i], y[i] + h) - Q(x[i], y[i] - h)) / (2 * h), gq[1][i], 4);
        }
        // The tie of max(a, b) with a = b = 0.4 splits the gradient in half, as torch.maximum does: d/dx H = 2 x e^y + 1/2.
        double t = 0.4;
        double dHdx = 2 * t * Math.Exp(t) + 0.5, dHdy = t * t * Math.Exp(t) + 0.5;
        Assert.Equal(dHdx + 2 * H(t, t) * dHdy, gq[0][2], 9);
    }

    [Fact]
    public void RecursiveFunction_IsRefused()
    {
        var (result, _) = Run("fn f(a) = f(a) + 1\nloss p(x) = f(x)");
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS025" && d.GetMessage().Contains("calls itself"));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "LOSS999");
    }

    [Fact]
    public void NormOfAZeroVector_HasZeroGradient_AsPyTorchVectorNorm()
    {
        var definition = Load("loss n(x) = sum(x * 0) + norm(x) + pnorm(x, 3)", "n");
        var call = new LossCall<double> { Inputs = new[] { new double[8] }, Reduction = Reduction.Sum, WantGradients = true, RowLength = 4 };
        definition.Evaluate(call);
        Assert.Equal(0.0, call.Value);
        Assert.All(call.Gradients![0]!, g => Assert.Equal(0.0, g));
        // Away from zero the gradient is x / ||x|| + sign(x) |x|^2 / ||x||_3^2.
        double[] x = { 0.5, -1.0, 2.0, 0.0, 0, 0, 0, 0 };
        call = new LossCall<double> { Inputs = new[] { x }, Reduction = Reduction.Sum, WantGradients = true, RowLength = 4 };
        definition.Evaluate(call);
        double n2 = Math.Sqrt(0.25 + 1 + 4), n3 = Math.Cbrt(0.125 + 1 + 8);
        for (int i = 0; i < 4; i++)
            Assert.Equal(x[i] / n2 + Math.Sign(x[i]) * x[i] * x[i] / (n3 * n3), call.Gradients![0]![i], 12);
        Assert.All(call.Gradients![0]!.Skip(4), g => Assert.Equal(0.0, g));
    }

    /// <summary>Formulas the fuzz suite found (seeds in the names), whose generated C# must compile.</summary>
    [Theory]
    [InlineData("loss neg_28051633(y; p = 1.378, y_true = -2.801) = -detach(-(y_true^p)) + y^2")]
    [InlineData("fn f0(t) = t / tanh(t)\nfn g1(p) = softplus(p)\nloss cached_28053575(const index tau, input; nu = 1) = dot(detach(g1(nu)) * input, max(f0(nu) * input))\nmean per f0(100)")]
    [InlineData("loss all_const_42876719(const m; x = 2) = clamp(m, 3, .5)")]
    [InlineData("loss sign_nan_119303946(o, alpha; xx = 6) = ((1e-5)^((o + alpha) - pow(alpha, xx))) * sign((-3.975)^0.5) + o")]
    [InlineData("fn f0(a) = sqrt(1 + a^2)\nloss mean_per_2139374742(x, z) = norm(z) + sum(x)\nmean per f0(exp(1))")]
    public void FuzzFindings_Compile(string formula)
    {
        var (result, output) = Run(formula);
        Assert.Null(result.Exception);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));
    }

    [Fact]
    public void AnAggregateInAFunctionsGradientClause_IsLoss025()
    {
        var (result, _) = Run("fn f(a, b) = a * b\n    grad b = pnorm(a, 2)\nloss p(x, y) = f(x, y)");
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS025" && d.GetMessage().Contains("gradient clauses"));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "LOSS999");
    }
}
