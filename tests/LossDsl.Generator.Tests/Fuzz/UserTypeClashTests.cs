using System.Linq;
using Xunit;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// A user's own type in the loss's namespace, named like something the generated code refers to (the runtime's
/// <c>Reduction</c>, <c>LossMath</c>, a BCL type it imports with <c>using</c>), must not break the generated code: it
/// should name everything it uses with <c>global::</c>. One elementwise, one row and one whole loss each time.
/// </summary>
public class UserTypeClashTests
{
    private const string Formulas = """
        loss clash_elementwise(input, target; delta = 1.0) =
            let d = abs(input - target) in if d < delta then 0.5 * d^2 else delta * (d - 0.5 * delta)
        loss clash_row(input, const index target except ignore, const class weight = 1; ignore = -100) =
            weight[target] * (logsumexp(input) - input[target]) + 0.1 * norm(input)
        mean by weight[target]
        loss clash_whole(input, target) = sqrt(mean_all((input - target)^2))
        """;

    [Theory]
    [InlineData("Reduction")]
    [InlineData("LossMath")]
    [InlineData("LossRegistry")]
    [InlineData("LossGuard")]
    [InlineData("ElementLoops")]
    [InlineData("LossParallel")]
    [InlineData("ILossDefinition")]
    [InlineData("LossKind")]
    [InlineData("LossCall")]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    [InlineData("Vector512")]
    [InlineData("MemoryMarshal")]
    [InlineData("Math")]
    [InlineData("ArgumentException")]
    [InlineData("MethodImplOptions")]
    [InlineData("Unsafe")]
    [InlineData("System")]
    [InlineData("LossDsl")]
    [Trait(FuzzSettings.Trait, FuzzSettings.Category)]
    public void AUserTypeNamedLikeWhatGeneratedCodeUses_DoesNotBreakTheBuild(string name)
    {
        var outcome = CompilerOracle.Run(Formulas, "Fuzz.Clash");
        Assert.Empty(outcome.Problems);
        Assert.False(outcome.HasErrors, string.Join("; ", outcome.Unit!.Diagnostics.Select(d => d.Id + " " + string.Join(", ", d.Arguments))));
        Assert.Equal(3, outcome.Emitted.Count);
        var user = $"namespace Fuzz.Clash {{ internal sealed class {name} {{ }} }}";
        var compilation = GeneratedCode.Compilation("Clash" + name,
            outcome.Emitted.Select(e => (Path: e.Model.ClassName + ".g.cs", Source: e.Source)).Append((Path: "User.cs", Source: user)));
        var errors = GeneratedCode.Errors(compilation);
        Assert.True(errors.Count == 0, $"A user type '{name}' in the loss's namespace breaks the generated code ({errors.Count} errors):\n"
                                      + string.Join("\n", errors.Take(5).Select(GeneratedCode.Describe)));
    }
}
