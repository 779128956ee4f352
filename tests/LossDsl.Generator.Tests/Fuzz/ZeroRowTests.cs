using System;
using System.Linq;
using Xunit;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// Row functions at a row of zeros, where a careless derivative divides 0 by 0: wherever the loss is finite, its
/// gradient must be finite too (PyTorch's norm has gradient 0 at the zero vector, a subgradient).
/// </summary>
public class ZeroRowTests
{
    private static int s_load;

    [Theory]
    [InlineData("norm(x)")]
    [InlineData("pnorm(x, 2)")]
    [InlineData("pnorm(x, 3)")]
    [InlineData("dot(x, y) / max(norm(x) * norm(y), 1e-8)")]
    [InlineData("max(norm(x - y), 1e-6)")]
    [InlineData("logsumexp(x)")]
    [InlineData("-sum(y * log_softmax(x))")]
    [InlineData("sum(softmax(x) * y)")]
    [InlineData("mean((x - mean(x))^2)")]
    [InlineData("max(x) - min(x)")]
    [Trait(FuzzSettings.Trait, FuzzSettings.Category)]
    public void AtAZeroRow_AFiniteLossHasAFiniteGradient(string body)
    {
        int id = System.Threading.Interlocked.Increment(ref s_load);
        string name = $"zero_row_{id}";
        bool hasY = System.Text.RegularExpressions.Regex.IsMatch(body, @"\by\b");
        var outcome = CompilerOracle.Run($"loss {name}(x{(hasY ? ", y" : "")}) = {body}", "Fuzz.ZeroRow" + id);
        Assert.Empty(outcome.Problems);
        Assert.False(outcome.HasErrors, string.Join("; ", outcome.Unit!.Diagnostics.Select(d => d.Id + " " + string.Join(", ", d.Arguments))));
        var (assembly, _, errors) = GeneratedCode.Load(GeneratedCode.Compilation("ZeroRow" + id, outcome.Emitted.Select(e => (Path: "zero.g.cs", Source: e.Source))));
        Assert.True(assembly is not null, string.Join("\n", errors.Take(5).Select(GeneratedCode.Describe)));
        Assert.True(LossRegistry.TryGet(name, out var definition));

        const int length = 4;
        double[] x = { 0, 0, 0, 0, 0.5, -1, 2, 0.25, 0, 0, 0, 0 };   // rows 0 and 2 are zero
        double[] y = { 0, 0, 0, 0, 1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25 };
        var call = new LossCall<double> { Inputs = hasY ? new[] { x, y } : new[] { x }, RowLength = length, Reduction = Reduction.None, WantGradients = true };
        definition.Evaluate(call);
        for (int row = 0; row < x.Length / length; row++)
        {
            if (!double.IsFinite(call.Output![row])) continue;
            for (int input = 0; input < (hasY ? 2 : 1); input++)
            {
                var grad = call.Gradients![input]!.Skip(row * length).Take(length).ToArray();
                Assert.True(grad.All(double.IsFinite),
                    $"loss {name}(x, y) = {body}: row {row} (x = [{string.Join(", ", x.Skip(row * length).Take(length))}], y = [{string.Join(", ", y.Skip(row * length).Take(length))}]) "
                    + $"has the finite loss {call.Output[row]} but d/d{(input == 0 ? "x" : "y")} = [{string.Join(", ", grad)}]");
            }
        }
    }
}
