using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using LossDsl.Generator.Emit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// Generated code cannot collide with anything a user may legally write: every name the generated code of the
/// catalogue declares, used as an input, option and let name; user types named like every runtime and BCL type it
/// uses, in the loss's namespace and the global one; members of a [Loss] class named like the implementation's. Only
/// names that would clash in the public signature are refused (LOSS019).
/// </summary>
public class HygieneTests
{
    /// <summary>Every lower-case identifier that generated code declares (locals, parameters, fields without '_').</summary>
    private static List<string> GeneratedNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(GeneratorHarness.RepositoryFile("tests/LossDsl.Generator.Tests/_snapshots"), "*.verified.cs"))
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var token in root.DescendantNodes().SelectMany(n => n switch
                     {
                         VariableDeclaratorSyntax v => new[] { v.Identifier },
                         ParameterSyntax p => new[] { p.Identifier },
                         SingleVariableDesignationSyntax d => new[] { d.Identifier },
                         _ => Array.Empty<SyntaxToken>(),
                     }))
            {
                var text = token.ValueText.TrimStart('_');
                if (text.Length > 0 && char.IsLower(text[0])) names.Add(text);
            }
        }
        return names.ToList();
    }

    /// <summary>The names a formula may use: not the public signature's own, not a built-in, one per C# name.</summary>
    private static List<string> Usable(IEnumerable<string> names, params string[] signature)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        return names.Where(n => !signature.Contains(Names.PublicCamel(n)) && !Names.PublicCamel(n).EndsWith("Grad") && !Names.PublicCamel(n).EndsWith("Hess")
                && !Semantics.Binder.IsBuiltIn(n) && !n.Contains("On") && IsPlainName(n) && taken.Add(Names.PublicCamel(n)))
            .ToList();
    }

    /// <summary>A name the language reads as a plain identifier anywhere (not 'loss', 'let', 'in', 'row', 'grad'...).</summary>
    private static bool IsPlainName(string name) =>
        Syntax.Lexer.Lex(name)[0].Kind == Syntax.TokenKind.Identifier
        && name is not ("fn" or "extern" or "grad" or "row" or "class" or "index" or "labels" or "except" or "by" or "per" or "mean");

    private static readonly string[] s_runtimeTypes = typeof(LossAttribute).Assembly.GetExportedTypes()
        .Where(t => t.Namespace == "LossDsl" && !t.IsNested).Select(t => t.Name.Split('`')[0]).Distinct().ToArray();

    private static readonly string[] s_bclTypes =
    {
        "Span", "ReadOnlySpan", "Vector128", "Vector256", "Vector512", "Vector", "MemoryMarshal", "MethodImplAttribute", "MethodImplOptions",
        "MethodImpl", "ModuleInitializerAttribute", "ModuleInitializer", "Math", "MathF", "Array", "ArgumentException", "ArgumentOutOfRangeException",
        "IReadOnlyList", "IBinaryFloatingPointIeee754", "Unsafe", "Numerics", "Intrinsics", "T", "TE", "Generated",
    };

    private static string UserTypes(string? @namespace) =>
        (@namespace is null ? "" : $"namespace {@namespace} {{\n")
        + string.Concat(s_runtimeTypes.Concat(s_bclTypes).Distinct().Select(t => $"public class {t} {{ }}\n"))
        + (@namespace is null ? "" : "}\n");

    [Fact]
    public void EveryGeneratedName_AsInputOptionAndLet_AndUserTypesNamedLikeEveryType_Compile()
    {
        var generated = GeneratedNames();
        Assert.Contains("chunks", generated);
        Assert.Contains("kernel", generated);
        var elementwise = Usable(generated, "reduction", "output", "gradOutput", "weight", "hessianPolicy");
        var row = Usable(generated, "reduction", "output", "gradOutput", "rowLength");

        // Elementwise: half the names as inputs (the first differentiable), half as options, every one as a let too.
        var inputs = elementwise.Where((_, k) => k % 2 == 0).ToList();
        var options = elementwise.Where((_, k) => k % 2 == 1).ToList();
        // A chain of lets, each named like a generated local: let n = x * 1.01 + x in let kernel = n * 1.01 + x in ... kernel
        var letNames = elementwise.Take(200).ToList();
        var lets = string.Concat(letNames.Select((n, k) => $"let {n} = {(k == 0 ? "x" : letNames[k - 1])} * 1.01 + x in ")) + letNames[^1];
        var body = string.Join(" + ", inputs.Select(n => $"{n} * x")) + " + " + string.Join(" + ", options.Select(n => $"{n} * x"));
        var file = $"loss hostile_elementwise(x, {string.Join(", ", inputs)}; {string.Join(", ", options.Select(o => o + " = 0.5"))}) = {body}\n"
            + $"loss hostile_lets(x) = {lets}\n";
        // Row: names as index, class and row inputs and as options.
        var rowNames = row.Take(60).ToList();
        file += $"loss hostile_row(x, const index {rowNames[0]} except {rowNames[1]}, const class {rowNames[2]} = 1, const row {rowNames[3]}; {rowNames[1]} = -100, {string.Join(", ", rowNames.Skip(4).Select(o => o + " = 0.25"))}) =\n"
            + $"    {rowNames[2]}[{rowNames[0]}] * {rowNames[3]} * (logsumexp(x) - x[{rowNames[0]}]) + sum({string.Join(" + ", rowNames.Skip(4).Select(o => o + " * x"))}) + max(x)\n"
            + "    mean by " + rowNames[2] + "[" + rowNames[0] + "]\n";

        var carrier = """
            namespace LossDsl.Losses
            {
                [global::LossDsl.Loss("loss hostile_attribute(input, chunks, kernel; n = 2) = (input - chunks)^2 * n + kernel")]
                public static partial class HostileAttribute
                {
                    private static int Run() => 0;
                    private static int RunRows() => 0;
                    private sealed class Definition { }
                    private struct Chunks { }
                    private struct ValueKernel { }
                    internal static void RegisterLoss() { }
                }
            }
            """;
        var (result, output) = GeneratorHarness.Run(new[] { ("/src/hostile.loss", file) }, carrier, UserTypes("LossDsl.Losses"), UserTypes(null));
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal(4, result.GeneratedSources.Length);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(10)));

        // And it runs: the attribute loss over its hostile names.
        using var stream = new MemoryStream();
        Assert.True(output.Emit(stream).Success);
        stream.Position = 0;
        var assembly = new AssemblyLoadContext("hygiene", isCollectible: true).LoadFromStream(stream);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        Assert.True(LossRegistry.TryGet("hostile_attribute", out var definition));
        var call = new LossCall<double> { Inputs = new[] { new[] { 1.0, 2.0 }, new[] { 0.5, 0.0 }, new[] { 0.25, 1.0 } }, Reduction = Reduction.Sum, WantGradients = true };
        definition.Evaluate(call);
        Assert.Equal(0.25 * 2 + 0.25 + 4 * 2 + 1.0, call.Value, 12);
        Assert.Equal(new[] { 2 * 0.5 * 2, 2 * 2.0 * 2 }, call.Gradients![0]!);
    }

    [Theory]
    [InlineData("loss a(x, reduction) = x * reduction", "reduction")]
    [InlineData("loss a(x; output = 1) = x * output", "output")]
    [InlineData("loss a(x, grad_output) = x * grad_output", "grad_output")]
    [InlineData("loss a(x, gradOutput) = x * gradOutput", "gradOutput")]
    [InlineData("loss a(x, weight) = x * weight", "weight")]
    [InlineData("loss a(x, y_grad) = x * y_grad", "y_grad")]
    [InlineData("loss a(x, const index t; row_length = 1) = sum(x) * row_length + x[t]", "row_length")]
    public void OnlySignatureNames_AreReserved(string formula, string name)
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/r.loss", formula) });
        var d = Assert.Single(result.Diagnostics, d => d.Id == "LOSS019");
        Assert.Contains($"'{name}'", d.GetMessage());
    }

    [Fact]
    public void TwoNamesWithOneCSharpName_AreADuplicate()
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/r.loss", "loss a(y_pred, yPred) = y_pred - yPred") });
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS013" && d.GetMessage().Contains("'yPred'"));
    }
}
