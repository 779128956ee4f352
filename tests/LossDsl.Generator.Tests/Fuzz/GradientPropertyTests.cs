using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck.Xunit;
using Xunit;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// FsCheck properties: the generated double-precision gradients of random smooth elementwise formulas match central
/// differences of the generated Forward (Reduction.Sum). Each test case is a batch of
/// <see cref="SmoothFormulas.BatchSize"/> formulas compiled into one assembly; a failure lists every formula of the
/// batch whose gradient is wrong, with the inputs where it is. FsCheck prints the seed that replays the run
/// (<c>Replay = "..."</c> on the attribute).
/// </summary>
public class GradientPropertyTests
{
    private static int s_batch;

    [Property(MaxTest = 3, Arbitrary = new[] { typeof(SmoothArbitraries) })]
    [Trait(FuzzSettings.Trait, FuzzSettings.Category)]
    public void GradientsOfSmoothFormulas_MatchCentralDifferences(SmoothBatch batch) => Check(batch);

    /// <summary>
    /// The same with calls of user functions without grad clauses (or with a clause for some parameters only), whose
    /// bodies must be differentiated.
    /// </summary>
    [Property(MaxTest = 2, Arbitrary = new[] { typeof(SmoothArbitrariesWithFunctions) })]
    [Trait(FuzzSettings.Trait, FuzzSettings.Category)]
    public void GradientsThroughUserFunctionsWithoutGradClauses_MatchCentralDifferences(SmoothBatch batch) => Check(batch);

    private static void Check(SmoothBatch batch)
    {
        var loaded = GradientCheck.Load(batch.Formulas, "Smooth" + System.Threading.Interlocked.Increment(ref s_batch));
        var random = new Random(batch.InputSeed);
        var failures = new List<(SmoothFormula, IReadOnlyList<string>)>();
        foreach (var (formula, loss, error) in loaded)
        {
            if (loss is null) { failures.Add((formula, new[] { error! })); continue; }
            var mismatches = GradientCheck.Compare(formula, loss, random);
            if (mismatches.Count > 0) failures.Add((formula, mismatches));
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {batch.Formulas.Length} formulas have wrong gradients or do not build:\n" + GradientCheck.Describe(failures, batch.InputSeed));
    }
}
