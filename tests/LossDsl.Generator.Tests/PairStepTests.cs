using System.Linq;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// A cheap kernel's pair step (AddPair, two vectors per iteration of the sum loop) loads both copies' inputs before it
/// stores either's gradients: a store ahead of the next copy's loads stalls them when an output lies a multiple of 4 KB
/// from an input (4K aliasing), as arrays of a power-of-two length allocated one after another do.
/// </summary>
public class PairStepTests
{
    [Theory]
    [InlineData("loss sq(x, y) = (x - y)^2", "IFusedSumKernel")] // a product: the step fuses the square into its sum (four accumulators)
    [InlineData("loss hub(x, y; delta = 1.0) = let d = abs(x - y) in if d < delta then 0.5 * d^2 else delta * (d - 0.5 * delta)", "IUnrolledKernel")]
    public void ThePairStep_LoadsBothCopiesBeforeItsFirstStore(string text, string marker)
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/a.loss", text) });
        Assert.Null(result.Exception);
        Assert.True(result.Diagnostics.IsEmpty, string.Join("; ", result.Diagnostics));
        string source = result.GeneratedSources.Single(s => s.HintName.EndsWith(".g.cs", System.StringComparison.Ordinal) && s.SourceText.ToString().Contains("struct GradientKernel<")).SourceText.ToString();
        int kernel = source.IndexOf("struct GradientKernel<", System.StringComparison.Ordinal);
        Assert.EndsWith($", {marker} where T : unmanaged, IBinaryFloatingPointIeee754<T> where F0 : struct, IFlag where F1 : struct, IFlag where F2 : struct, IFlag where F3 : struct, IFlag where F4 : struct, IFlag where F5 : struct, IFlag", source[kernel..source.IndexOf('\n', kernel)]);
        foreach (var width in new[] { "128", "256", "512" })
        {
            int method = source.IndexOf($"public void AddPair{width}(int i,", kernel, System.StringComparison.Ordinal);
            Assert.True(method > 0, $"no AddPair{width}");
            string body = source[method..source.IndexOf("\n            }\n", method, System.StringComparison.Ordinal)];
            int lastLoad = body.LastIndexOf("LoadUnsafe", System.StringComparison.Ordinal);
            int firstStore = body.IndexOf("ElementLoops.Store<", System.StringComparison.Ordinal);
            Assert.True(firstStore > 0, body);
            Assert.True(lastLoad < firstStore, body);
            // both copies: the second at j, one vector on, and each copy stores its own element
            Assert.Contains($"int j = i + Vector{width}<T>.Count;", body);
            Assert.Contains("(nuint)i);", body[firstStore..]);
            Assert.Contains("(nuint)j);", body[firstStore..]);
        }
    }

    /// <summary>
    /// A kernel with many outputs (distance_box_iou_loss's gradient: 196 operations, eight gradients) keeps the two
    /// steps: both copies in one method held every first copy's gradients live and compiled 2.2x slower.
    /// </summary>
    [Fact]
    public void ALargeKernel_PairsTheTwoSteps()
    {
        var path = GeneratorHarness.RepositoryFile("definitions/distance_box_iou_loss.loss");
        var (result, _) = GeneratorHarness.Run(new[] { (path, System.IO.File.ReadAllText(path)) });
        Assert.Null(result.Exception);
        string source = Assert.Single(result.GeneratedSources).SourceText.ToString();
        int kernel = source.IndexOf("struct GradientKernel<", System.StringComparison.Ordinal);
        int method = source.IndexOf("public void AddPair256(int i,", kernel, System.StringComparison.Ordinal);
        string body = source[method..source.IndexOf("\n            }\n", method, System.StringComparison.Ordinal)];
        Assert.Contains("sum0 = Add256(i, sum0);", body);
        Assert.Contains("sum1 = Add256(i + Vector256<T>.Count, sum1);", body);
        Assert.DoesNotContain("LoadUnsafe", body);
    }
}
