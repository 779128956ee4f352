using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// Functions with stated derivatives: the generated code is compiled, loaded and run. A function whose stated gradient
/// differs from its true derivative proves that the rule, not the body, is differentiated; an extern function proves
/// that C# code computes the value while the stated rule gives the gradient.
/// </summary>
public class CustomDerivativeTests
{
    private const string Primitive = """
        using System.Numerics;
        using System.Runtime.Intrinsics;
        namespace Prims;
        public static class Ops
        {
            public static T Cube<T>(T x) where T : INumberBase<T> => x * x * x;
            public static Vector128<T> Cube<T>(Vector128<T> x) => x * x * x;
            public static Vector256<T> Cube<T>(Vector256<T> x) => x * x * x;
            public static Vector512<T> Cube<T>(Vector512<T> x) => x * x * x;
        }
        """;

    private const string Formula = """
        /// A square whose stated derivative is deliberately wrong: 5 x instead of 2 x.
        fn fake_square(x) = x^2
            grad x = 5 * x
        /// x^3 computed by C# (Prims.Ops.Cube), differentiated by the stated rule.
        extern fn cube(x) = Prims.Ops.Cube
            grad x = 3 * x^2
        loss use_custom(input) = fake_square(input) + cube(input)
        """;

    private static ILossDefinition Load(string formula, string name, string primitive = Primitive)
    {
        var (result, output) = GeneratorHarness.Run(new[] { ("/src/custom.loss", formula) }, primitive);
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
        stream.Position = 0;
        var assembly = new AssemblyLoadContext(name, isCollectible: true).LoadFromStream(stream);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        Assert.True(LossRegistry.TryGet(name, out var definition));
        return definition;
    }

    [Fact]
    public void StatedDerivativeIsUsed_AndExternFunctionComputesTheValue()
    {
        var definition = Load(Formula, "use_custom");
        double[] x = Enumerable.Range(0, 37).Select(i => -2 + 0.11 * i).ToArray();
        var call = new LossCall<double> { Inputs = new[] { x }, Reduction = Reduction.None, WantGradients = true };
        definition.Evaluate(call);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i] * x[i] + x[i] * x[i] * x[i], call.Output![i], 12);
            Assert.Equal(5 * x[i] + 3 * x[i] * x[i], call.Gradients![0]![i], 12); // the stated rules, not 2 x + 3 x^2
        }
    }

    [Fact]
    public void FloatKernelsUseTheSameRules()
    {
        var definition = Load(Formula.Replace("use_custom", "use_custom_f"), "use_custom_f");
        float[] x = Enumerable.Range(0, 300).Select(i => -1.5f + 0.01f * i).ToArray();
        var call = new LossCall<float> { Inputs = new[] { x }, Reduction = Reduction.Sum, WantGradients = true };
        definition.Evaluate(call);
        double expected = x.Sum(v => (double)v * v + (double)v * v * v);
        Assert.Equal(expected, call.Value, 2);
        for (int i = 0; i < x.Length; i++) Assert.Equal(5 * x[i] + 3 * x[i] * x[i], call.Gradients![0]![i], 4);
    }

    [Fact]
    public void LOSS025_ExternFunctionWithoutAStatedGradient()
    {
        const string f = "extern fn g(x) = Prims.Ops.Cube\nloss a(input) = g(input)";
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", f) }, Primitive);
        var d = Assert.Single(result.Diagnostics, x => x.Id == "LOSS025");
        Assert.Equal("g", f.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void LOSS012_FunctionCalledWithTheWrongArity()
    {
        const string f = "fn h(x, y) = x * y\nloss a(input) = h(input)";
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", f) });
        var d = Assert.Single(result.Diagnostics, x => x.Id == "LOSS012");
        Assert.Equal("h(input)", f.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void LOSS010_GradClauseForAnUnknownParameter()
    {
        const string f = "fn h(x) = x * x\n  grad y = 1\nloss a(input) = h(input)";
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", f) });
        var d = Assert.Single(result.Diagnostics, x => x.Id == "LOSS010");
        Assert.Equal("y", f.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    private const string RowPrimitive = """
        using System;
        using System.Numerics;
        namespace Prims;
        public static class Rows
        {
            /// scale * sum of squares of the row, plus the first label (to show the row's label list arrives).
            public static T ScaledSquares<T>(ReadOnlySpan<T> row, ReadOnlySpan<int> labels, T scale) where T : INumberBase<T>
            {
                T sum = T.Zero;
                foreach (var v in row) sum += v * v;
                return scale * sum + T.CreateTruncating(labels[0]);
            }
            /// A deliberately wrong gradient: 7 x instead of 2 scale x.
            public static void FakeGradient<T>(ReadOnlySpan<T> row, ReadOnlySpan<int> labels, T scale, T adjoint, Span<T> grad) where T : INumberBase<T>
            {
                for (int i = 0; i < row.Length; i++) grad[i] += adjoint * T.CreateTruncating(7) * row[i];
            }
            public static int FusedCalls;
            /// The value and FakeGradient's gradient (unscaled, written over the row) in one call, counted.
            public static T ScaledSquaresWithGradient<T>(ReadOnlySpan<T> row, ReadOnlySpan<int> labels, T scale, Span<T> grad) where T : INumberBase<T>
            {
                FusedCalls++;
                for (int i = 0; i < row.Length; i++) grad[i] = T.CreateTruncating(7) * row[i];
                return ScaledSquares(row, labels, scale);
            }
        }
        """;

    private const string RowFormula = """
        extern fn squares(row x, labels, scale) = Prims.Rows.ScaledSquares
            grad x = Prims.Rows.FakeGradient
        loss use_row(input, const labels l, const index len; s = 1.5) = squares(input, l, s) + sum(input)
        mean per max(len, 1)
        """;

    [Fact]
    public void RowFunction_ComputesTheValueInCSharp_AndItsStatedGradientMethodIsUsed()
    {
        var definition = Load(RowFormula, "use_row", RowPrimitive);

        const int rows = 3, length = 5;
        double[] x = Enumerable.Range(0, rows * length).Select(i => -1 + 0.13 * i).ToArray();
        double[] labels = { 4, 9, 2, 8, 0, 7 };      // two labels per row; the function reads the first
        double[] lengths = { 2, 0, 4 };              // mean per max(len, 1): divides by 2, 1, 4
        var call = new LossCall<double> { Inputs = new[] { x, labels, lengths }, RowLength = length, Reduction = Reduction.Mean, WantGradients = true };
        definition.Evaluate(call);
        double expected = 0;
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * length, length).ToArray();
            double per = Math.Max(lengths[r], 1);
            expected += (1.5 * row.Sum(v => v * v) + labels[2 * r] + row.Sum()) / per;
            for (int i = 0; i < length; i++)
                Assert.Equal((7 * row[i] + 1) / (rows * per), call.Gradients![0]![r * length + i], 12); // the stated method, not 3 x + 1
        }
        Assert.Equal(expected / rows, call.Value, 12);
    }

    private static int FusedCalls(ILossDefinition definition) =>
        (int)definition.GetType().Assembly.GetType("Prims.Rows")!.GetField("FusedCalls")!.GetValue(null)!;

    /// <summary>
    /// A 'fused grad' method computes the value and writes the row's gradient in one call; the generated code scales the
    /// row by the adjoint. Same value and gradient as the separate methods, for every reduction, and the fused method
    /// runs once per row of a forward+backward call and never for a forward one.
    /// </summary>
    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.None)]
    public void FusedRowFunction_GivesTheSeparateMethodsValueAndGradient_InOneCallPerRow(Reduction reduction)
    {
        const string separate = "extern fn squares(row x, labels, scale) = Prims.Rows.ScaledSquares\n    grad x = Prims.Rows.FakeGradient\n";
        const string loss = "loss use_row(input, const labels l, const index len; s = 1.5) = 3 * squares(input, l, s)\nmean per max(len, 1)";
        var plain = Load(separate + loss, "use_row", RowPrimitive);
        var fused = Load(separate + "    fused grad x = Prims.Rows.ScaledSquaresWithGradient\n" + loss, "use_row", RowPrimitive);

        const int rows = 3, length = 5;
        double[] x = Enumerable.Range(0, rows * length).Select(i => -1 + 0.13 * i).ToArray();
        double[] labels = { 4, 9, 2, 8, 0, 7 };
        double[] lengths = { 2, 0, 4 };
        double[] upstream = { 0.5, -2, 0 };          // None: a zero upstream gradient zeroes its row
        LossCall<double> Call() => new()
        {
            Inputs = new[] { x, labels, lengths }, RowLength = length, Reduction = reduction, WantGradients = true,
            GradOutput = reduction == Reduction.None ? upstream : null,
        };
        var a = Call();
        plain.Evaluate(a);
        var b = Call();
        fused.Evaluate(b);
        Assert.Equal(rows, FusedCalls(fused));
        Assert.Equal(0, FusedCalls(plain));
        Assert.Equal(a.Value, b.Value);
        if (reduction == Reduction.None) Assert.Equal(a.Output!, b.Output!);
        for (int i = 0; i < x.Length; i++) Assert.Equal(a.Gradients![0]![i], b.Gradients![0]![i], 12); // adjoint (7 x) vs (adjoint 7) x
        Assert.Contains(b.Gradients![0]!, v => v != 0);

        var forward = new LossCall<double> { Inputs = new[] { x, labels, lengths }, RowLength = length, Reduction = reduction };
        fused.Evaluate(forward);
        Assert.Equal(rows, FusedCalls(fused)); // the forward-only call takes the plain method
    }

    [Fact]
    public void FusedRowFunction_IsNotUsed_WhenSomethingElseAddsToTheRowsGradient()
    {
        // + sum(input): the input's per-element gradient is 1, so the gradient kernel writes the row and the separate method adds.
        var definition = Load(RowFormula.Replace("grad x = Prims.Rows.FakeGradient", "grad x = Prims.Rows.FakeGradient\n    fused grad x = Prims.Rows.ScaledSquaresWithGradient"), "use_row", RowPrimitive);
        double[] x = Enumerable.Range(0, 10).Select(i => 0.25 * i).ToArray();
        var call = new LossCall<double> { Inputs = new[] { x, new double[] { 1, 2, 3, 4 }, new double[] { 1, 1 } }, RowLength = 5, Reduction = Reduction.Sum, WantGradients = true };
        definition.Evaluate(call);
        Assert.Equal(0, FusedCalls(definition));
        for (int i = 0; i < x.Length; i++) Assert.Equal(7 * x[i] + 1, call.Gradients![0]![i], 12);
    }

    /// <summary>Misuses of row functions: LOSS025 at the exact span (the last occurrence of the text, or the first).</summary>
    [Theory]
    [InlineData("extern fn sq(row x, scale) = Prims.Rows.ScaledSquares\n  grad x = 2 * x\nloss a(input) = sq(input, 1)", "2 * x", true, "C# method")]
    [InlineData("extern fn sq(row x, scale) = Prims.Rows.ScaledSquares\n  grad x = Prims.Rows.FakeGradient\nloss a(input) = sq(input * 2, 1)", "input * 2", true, "pass an element input")]
    [InlineData("extern fn sq(row x, scale) = Prims.Rows.ScaledSquares\n  grad x = Prims.Rows.FakeGradient\nloss a(input) = sq(input, input)", "input", true, "one number per row")]
    [InlineData("extern fn sq(row x, scale) = Prims.Rows.ScaledSquares\nloss a(input) = sq(input, 1)", "sq", false, "gradient method of every row parameter")]
    [InlineData("fn sq(row x) = x\nloss a(input) = sq(input)", "sq", false, "Only an extern function")]
    [InlineData("extern fn sq(row x, scale) = Prims.Rows.ScaledSquares\n  grad x = Prims.Rows.FakeGradient\n  fused grad scale = Prims.Rows.ScaledSquaresWithGradient\nloss a(input) = sq(input, 1)",
        "fused grad scale = Prims.Rows.ScaledSquaresWithGradient", true, "names a row parameter of an extern row function")]
    [InlineData("fn h(x) = x * x\n  grad x = 2 * x\n  fused grad x = Prims.Rows.ScaledSquaresWithGradient\nloss a(input) = h(input)",
        "fused grad x = Prims.Rows.ScaledSquaresWithGradient", true, "names a row parameter of an extern row function")]
    [InlineData("extern fn sq(row x, scale) = Prims.Rows.ScaledSquares\n  grad x = Prims.Rows.FakeGradient\n  fused grad x = Prims.Rows.ScaledSquaresWithGradient\n  fused grad x = Prims.Rows.ScaledSquaresWithGradient\nloss a(input) = sq(input, 1)",
        "fused grad x = Prims.Rows.ScaledSquaresWithGradient", true, "already has a 'fused grad' clause")]
    [InlineData("extern fn sq(row x, scale) = Prims.Rows.ScaledSquares\n  fused grad x = Prims.Rows.ScaledSquaresWithGradient\nloss a(input) = sq(input, 1)",
        "sq", false, "gradient method of every row parameter")]
    public void LOSS025_RowFunctionMisuse(string formula, string span, bool last, string message)
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", formula) }, RowPrimitive);
        Assert.Null(result.Exception);
        var d = result.Diagnostics.First(x => x.Id == "LOSS025");
        Assert.Contains(message, d.GetMessage());
        Assert.Equal(last ? formula.LastIndexOf(span, StringComparison.Ordinal) : formula.IndexOf(span, StringComparison.Ordinal), d.Location.SourceSpan.Start);
        Assert.Equal(span.Length, d.Location.SourceSpan.Length);
    }

    [Fact]
    public void LOSS010_FusedGradClauseForAnUnknownParameter()
    {
        const string f = "extern fn sq(row x, scale) = Prims.Rows.ScaledSquares\n  grad x = Prims.Rows.FakeGradient\n  fused grad y = Prims.Rows.ScaledSquaresWithGradient\nloss a(input) = sq(input, 1)";
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", f) }, RowPrimitive);
        Assert.Null(result.Exception);
        var d = Assert.Single(result.Diagnostics, x => x.Id == "LOSS010");
        Assert.Equal(f.IndexOf("y =", StringComparison.Ordinal), d.Location.SourceSpan.Start);
        Assert.Equal(1, d.Location.SourceSpan.Length);
    }

    [Fact]
    public void LOSS025_RecursiveFunction()
    {
        const string f = "fn r(x) = r(x) + 1\nloss a(input) = r(input)";
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", f) });
        Assert.Null(result.Exception);
        Assert.Contains(result.Diagnostics, x => x.Id == "LOSS025" && x.GetMessage().Contains("itself"));
    }
}

public class FunctionOfAggregateTests
{
    [Fact]
    public void AnAggregatePassedToAFunction_IsLiftedLikeAnyOther()
    {
        const string f = "fn half(x) = 0.5 * x\n  grad x = 0.5\nloss m(input) = half(mean(input * input))";
        var (result, output) = GeneratorHarness.Run(new[] { ("/src/m.loss", f) });
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }
}
