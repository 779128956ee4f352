using System;
using System.Globalization;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// How big a fuzz run is and where its randomness starts. <c>LOSSDSL_FUZZ_COUNT</c> sets the number of formulas
/// (default 5,000: the normal test pass stays short; CI runs 100,000), <c>LOSSDSL_FUZZ_SEED</c> fixes the first seed
/// (otherwise each run takes a new one from the clock). Case <c>i</c> of a run uses seed <c>seed + i</c>, so a failure
/// is reproduced by <c>LOSSDSL_FUZZ_SEED=&lt;its seed&gt; LOSSDSL_FUZZ_COUNT=1</c>.
/// </summary>
internal static class FuzzSettings
{
    public const string Trait = "Category";
    public const string Category = "Fuzz";

    public static int Count => ReadInt("LOSSDSL_FUZZ_COUNT") ?? 5_000;

    /// <summary>Whether the count was set: a small one (a reproduction) then bounds the slower tests too.</summary>
    public static bool CountIsSet => ReadInt("LOSSDSL_FUZZ_COUNT") is not null;

    /// <summary>The first seed: the environment's, or a new one per run.</summary>
    public static int Seed(int salt = 0) => ReadInt("LOSSDSL_FUZZ_SEED") ?? unchecked((int)(DateTime.UtcNow.Ticks / 10_000) * 31 + salt) & int.MaxValue;

    /// <summary>How a failing case is run again.</summary>
    public static string Reproduce(int caseSeed) => $"reproduce with LOSSDSL_FUZZ_SEED={caseSeed} LOSSDSL_FUZZ_COUNT=1";

    private static int? ReadInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
