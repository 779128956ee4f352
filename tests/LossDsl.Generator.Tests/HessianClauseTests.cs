using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>The 'hessian' clause: its forms, its diagnostics (LOSS027, located), and what it emits.</summary>
public class HessianClauseTests
{
    private static string Generated(string formula)
    {
        var (result, output) = GeneratorHarness.Run(new[] { ("/src/l.loss", formula) });
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return string.Concat(result.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Theory]
    [InlineData("hessian clamp 1e-6", "hessianPolicy = hessianPolicy.Or(HessianPolicy.ClampedTo(1E-06));")]
    [InlineData("hessian constant 1", "hessianPolicy = hessianPolicy.Or(HessianPolicy.Constant(1.0));")]
    [InlineData("hessian derived", "hessianPolicy = hessianPolicy.Or(HessianPolicy.AsDerived);")]
    [InlineData("", "hessianPolicy = hessianPolicy.Or(HessianPolicy.AsDerived);")]
    public void TheClause_IsTheDefaultPolicyOfGradientHessian(string clause, string expected)
    {
        var source = Generated($"loss pinball(input, const target; tau = 0.5) =\n    let r = target - input in max(tau * r, (tau - 1) * r)\n    {clause}");
        Assert.Contains(expected, source);
        Assert.Contains("public static float GradientHessian(", source);
        Assert.Contains("d2L/dinput2 = ", source);
    }

    [Fact]
    public void TheClause_ComesAfterGradClauses_InAnyOrder()
    {
        var source = Generated("loss q(input, const target) = (input - target)^2 hessian constant 2 grad input = 2 * (input - target)");
        Assert.Contains("HessianPolicy.Constant(2.0)", source);
    }

    [Theory]
    [InlineData("loss a(x) = abs(x) hessian clamp", "", 0, 32)]
    [InlineData("loss a(x) = abs(x) hessian floor 1", "floor", 0, 27)]
    [InlineData("loss a(x) = abs(x) hessian clamp -1", "clamp -1", 0, 27)]
    [InlineData("loss a(x) = abs(x) hessian constant 0", "constant 0", 0, 27)]
    [InlineData("loss a(x; k = 1) = abs(x) hessian constant k", "k", 0, 43)]
    [InlineData("loss a(x) = abs(x) hessian derived hessian constant 1", "hessian", 0, 35)]
    [InlineData("loss a(x) = sum(x^2) hessian constant 1", "hessian constant 1", 0, 21)]
    public void ABadClause_IsLOSS027_AtTheOffendingToken(string formula, string text, int line, int column)
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", formula) });
        Assert.Null(result.Exception);
        var d = result.Diagnostics.FirstOrDefault(d => d.Id == "LOSS027");
        Assert.True(d is not null, string.Join("; ", result.Diagnostics));
        var span = d!.Location.GetLineSpan();
        Assert.Equal((line, column), (span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.Equal(text, formula.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Fact]
    public void AnInputNamedLikeAHessianSpan_IsReserved()
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/bad.loss", "loss a(x, x_hess) = x * x_hess") });
        Assert.Contains(result.Diagnostics, d => d.Id == "LOSS019");
    }
}
