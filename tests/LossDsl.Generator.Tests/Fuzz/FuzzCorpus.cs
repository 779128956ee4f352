using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// The fuzz cases: case seed → text. About two thirds are generated formulas, a quarter are mutations of generated
/// formulas or of the catalogue (definitions/*.loss), the rest random characters. The same seed always gives the
/// same text.
/// </summary>
internal static class FuzzCorpus
{
    private static readonly Lazy<string[]> s_catalogue = new(() =>
    {
        var folder = GeneratorHarness.RepositoryFile("definitions");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.loss").OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText).ToArray() : Array.Empty<string>();
    });

    public enum Kind { Generated, Mutated, Garbage }

    public static (Kind Kind, string Text) Case(int seed)
    {
        var r = new Random(seed);
        double roll = r.NextDouble();
        if (roll < 0.68) return (Kind.Generated, new FormulaGenerator(r, maxDepth: r.Next(2, 6)) { Chaos = r.NextDouble() < 0.5 ? 0 : 0.05 }.File());
        if (roll < 0.95)
        {
            var catalogue = s_catalogue.Value;
            var original = r.NextDouble() < 0.3 && catalogue.Length > 0 ? catalogue[r.Next(catalogue.Length)] : new FormulaGenerator(r, r.Next(2, 5)).File();
            return (Kind.Mutated, new FormulaMutator(r).Mutate(original));
        }
        return (Kind.Garbage, new FormulaMutator(r).RandomText(r.Next(0, 400)));
    }

    /// <summary>Generated formulas only (for the compile-the-C# test): the texts that are meant to compile.</summary>
    public static string Generated(int seed)
    {
        var r = new Random(seed);
        return new FormulaGenerator(r, maxDepth: r.Next(2, 5)) { Chaos = 0 }.File();
    }
}
