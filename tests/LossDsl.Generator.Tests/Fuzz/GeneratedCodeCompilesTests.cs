using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// The C# the generator emits for random valid formulas compiles without errors: a formula the compiler accepts must
/// never break the user's build later, in Roslyn. Many losses go into one compilation (each formula in a namespace
/// of its own), and a failing batch names the formulas whose code has errors.
/// </summary>
public class GeneratedCodeCompilesTests
{
    private const int BatchSize = 100;

    private readonly ITestOutputHelper _output;

    public GeneratedCodeCompilesTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// How many formulas without errors are compiled by Roslyn: 1,000, or a fiftieth of a larger run; a count set
    /// below 1,000 (a reproduction: LOSSDSL_FUZZ_COUNT=1) compiles that many.
    /// </summary>
    private static int Target => FuzzSettings.CountIsSet && FuzzSettings.Count < 1_000 ? Math.Max(1, FuzzSettings.Count) : Math.Max(1_000, FuzzSettings.Count / 50);

    [Fact]
    [Trait(FuzzSettings.Trait, FuzzSettings.Category)]
    public void EmittedCode_OfFormulasWithoutErrors_CompilesWithoutErrors()
    {
        int first = FuzzSettings.Seed(salt: 1), target = Target;
        var report = new FuzzReport();
        var clock = Stopwatch.StartNew();
        var batches = new List<List<(int Seed, string Text, List<(string Path, string Source)> Sources)>> { new() };
        int formulas = 0, losses = 0, tried = 0, pairs = 0;
        for (int i = 0; formulas < target && i < target * 20; i++)
        {
            int seed = unchecked(first + i);
            tried++;
            var text = FuzzCorpus.Generated(seed);
            var outcome = CompilerOracle.Run(text, "Fuzz.Case" + seed.ToString(CultureInfo.InvariantCulture));
            if (outcome.HasErrors || outcome.Problems.Count > 0 || outcome.Emitted.Count == 0) continue; // CompilerFuzzTests reports problems
            formulas++;
            losses += outcome.Emitted.Count;
            if (text.Contains("sum_pairs(", StringComparison.Ordinal)) pairs++;
            if (batches[^1].Count == BatchSize) batches.Add(new());
            batches[^1].Add((seed, text, outcome.Emitted.Select(e => ($"case{seed}/{e.Model.ClassName}.g.cs", e.Source)).ToList()));
        }
        // Roslyn checks one compilation mostly on one thread: the batches go in parallel.
        var generated = clock.Elapsed;
        Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, batch => CompileBatch(batch, report));

        _output.WriteLine($"{formulas} formulas ({losses} losses, {pairs} with sum_pairs) of {tried} generated from seed {first} compiled in {clock.Elapsed.TotalSeconds:0.0} s ({(clock.Elapsed - generated).TotalSeconds:0.0} s in Roslyn)");
        Assert.True(formulas >= target, $"Only {formulas} of {tried} generated formulas compiled without errors");
        // the pairwise aggregates reach Roslyn too (about one valid formula in twenty has one)
        Assert.True(target < 1_000 || pairs >= target / 100, $"Only {pairs} of {formulas} compiled formulas have a sum_pairs");
        Assert.True(report.Count == 0, report.Describe("Generated C# does not compile", first, tried));
    }

    private static void CompileBatch(List<(int Seed, string Text, List<(string Path, string Source)> Sources)> batch, FuzzReport report)
    {
        var compilation = GeneratedCode.Compilation("FuzzBatch" + batch[0].Seed.ToString(CultureInfo.InvariantCulture), batch.SelectMany(b => b.Sources));
        var errors = GeneratedCode.Errors(compilation);
        if (errors.Count == 0) return;
        foreach (var (seed, text, sources) in batch)
        {
            var mine = errors.Where(e => sources.Any(s => s.Path == e.Location.SourceTree?.FilePath)).ToList();
            if (mine.Count == 0) continue;
            report.Add($"{mine[0].Id} {CompilerOracle.Normalize(mine[0].GetMessage())}", seed, text, string.Join("\n", mine.Take(4).Select(GeneratedCode.Describe)));
        }
        var elsewhere = errors.Where(e => !batch.Any(b => b.Sources.Any(s => s.Path == e.Location.SourceTree?.FilePath))).ToList();
        if (elsewhere.Count > 0)
            report.Add($"{elsewhere[0].Id} outside any one loss", batch[0].Seed, batch[0].Text, string.Join("\n", elsewhere.Take(4).Select(GeneratedCode.Describe)));
    }
}
