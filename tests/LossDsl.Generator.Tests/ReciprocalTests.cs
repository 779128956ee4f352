using System.Linq;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// A quotient by a power of two is emitted as the product by its reciprocal (the same bits, a multiply for a divide): a
/// constant divisor at generation time; a divisor fixed per call (an option) where the call finds it one (a type flag,
/// LossMath.IsExactReciprocal), the division kept for other values.
/// </summary>
public class ReciprocalTests
{
    private static string Generate(string text)
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/a.loss", text) });
        Assert.Null(result.Exception);
        Assert.True(result.Diagnostics.IsEmpty, string.Join("; ", result.Diagnostics));
        return result.GeneratedSources.Single().SourceText.ToString();
    }

    [Fact]
    public void AConstantPowerOfTwo_IsAProduct_AndOtherConstantsStayDivisions()
    {
        string source = Generate("loss half(x, y) = (x - y) / 4 + (x + y) / 3");
        Assert.Contains("* Vector256.Create(T.CreateTruncating(0.25))", source);
        Assert.Contains("/ Vector256.Create(T.CreateTruncating(3.0))", source);
        Assert.DoesNotContain("/ Vector256.Create(T.CreateTruncating(4.0))", source);
    }

    [Fact]
    public void AnOptionDivisor_IsMultipliedByItsReciprocalUnderATypeFlag()
    {
        string source = Generate("loss scaled(x, y; beta = 1.0) = (x - y)^2 / beta");
        Assert.Contains("LossMath.IsExactReciprocal(_beta)", source);   // the call's fact
        Assert.Contains("_reciprocal0 = T.One / _beta;", source);      // once per call
        int kernel = source.IndexOf("struct GradientKernel<", System.StringComparison.Ordinal);
        int method = source.IndexOf("public Vector256<T> Invoke256(int i)", kernel, System.StringComparison.Ordinal);
        string body = source[method..source.IndexOf("\n            }\n", method, System.StringComparison.Ordinal)];
        Assert.Matches(@"\(typeof\(F\d\) == typeof\(On\)\) \? .* \* _reciprocal0512\.GetLower\(\) : .* / beta", body);
    }
}
