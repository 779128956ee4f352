using System;
using System.Diagnostics;
using System.Threading;
using Xunit;
using Xunit.Abstractions;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// Issue 9, "the generator must never break a user's build": <see cref="FuzzSettings.Count"/> random, mutated and
/// garbage texts, each through the whole compiler in process (<see cref="CompilerOracle"/>). Nothing may escape as an
/// exception, nothing may be an internal error (LOSS999), every diagnostic must point into the text.
/// </summary>
public class CompilerFuzzTests
{
    /// <summary>A case that runs longer than this is reported as a hang.</summary>
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper _output;

    public CompilerFuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    [Trait(FuzzSettings.Trait, FuzzSettings.Category)]
    public void EveryText_CompilesWithoutCrashOrInternalError_AndItsDiagnosticsPointIntoIt()
    {
        int first = FuzzSettings.Seed(), count = FuzzSettings.Count;
        var report = new FuzzReport();
        int generated = 0, clean = 0, emitted = 0, done = 0;
        int currentSeed = first;
        long caseStarted = Stopwatch.GetTimestamp();
        var total = Stopwatch.StartNew();

        // The cases run on a thread of the default stack size, as the generator's do in a build; this thread watches
        // for a hang (a case that never ends cannot be stopped, only reported).
        var worker = new Thread(() =>
        {
            for (int i = 0; i < count; i++)
            {
                int seed = unchecked(first + i);
                Volatile.Write(ref currentSeed, seed);
                Volatile.Write(ref caseStarted, Stopwatch.GetTimestamp());
                var (kind, text) = FuzzCorpus.Case(seed);
                var outcome = CompilerOracle.Run(text);
                foreach (var p in outcome.Problems) report.Add(p.Cause, seed, text, p.Detail);
                if (kind == FuzzCorpus.Kind.Generated)
                {
                    generated++;
                    if (!outcome.HasErrors) clean++;
                }
                emitted += outcome.Emitted.Count;
                Volatile.Write(ref done, i + 1);
            }
        }) { IsBackground = true, Name = "fuzz" };
        worker.Start();
        while (!worker.Join(TimeSpan.FromSeconds(1)))
        {
            var running = Stopwatch.GetElapsedTime(Volatile.Read(ref caseStarted));
            if (running > s_hang)
            {
                int seed = Volatile.Read(ref currentSeed);
                Assert.Fail($"Case {Volatile.Read(ref done)} (seed {seed}) has run for {running.TotalSeconds:0} s: a hang. {FuzzSettings.Reproduce(seed)}\n{FuzzReport.Clip(FuzzCorpus.Case(seed).Text, 3_000)}");
            }
        }

        _output.WriteLine($"{count} cases from seed {first} in {total.Elapsed.TotalSeconds:0.0} s: {generated} generated formulas, {clean} of them without errors; {emitted} losses emitted.");
        Assert.True(report.Count == 0, report.Describe("The compiler broke a guarantee", first, count));
        // The generator is meant to make mostly valid formulas: if it stopped, the later stages would go untested.
        Assert.True(count < 200 || clean > generated / 4, $"Only {clean} of {generated} generated formulas compiled without errors: the generator no longer follows the language.");
    }
}
