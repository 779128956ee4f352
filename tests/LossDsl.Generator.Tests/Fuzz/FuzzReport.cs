using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>Failures of a fuzz run, grouped by cause, each group with its count and first reproductions.</summary>
internal sealed class FuzzReport
{
    private readonly Dictionary<string, List<(int Seed, string Text, string Detail)>> _groups = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public int Count { get; private set; }

    public void Add(string cause, int seed, string text, string detail)
    {
        lock (_gate)
        {
            Count++;
            if (!_groups.TryGetValue(cause, out var list)) _groups[cause] = list = new();
            list.Add((seed, text, detail));
        }
    }

    public string Describe(string title, int firstSeed, int cases)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{title}: {Count} failure(s) in {cases} case(s), {_groups.Count} cause(s); first seed {firstSeed} (LOSSDSL_FUZZ_SEED={firstSeed} LOSSDSL_FUZZ_COUNT={cases} runs it again)");
        foreach (var (cause, list) in _groups.OrderByDescending(g => g.Value.Count))
        {
            sb.AppendLine();
            sb.AppendLine($"== {cause}: {list.Count} case(s); seeds {string.Join(", ", list.Take(5).Select(x => x.Seed))}");
            var smallest = list.OrderBy(x => x.Text.Length).First();
            sb.AppendLine($"-- smallest, seed {smallest.Seed} ({FuzzSettings.Reproduce(smallest.Seed)}):");
            sb.AppendLine(Clip(smallest.Text, 1_500));
            sb.AppendLine("-- detail:");
            sb.AppendLine(Clip(smallest.Detail, 1_500));
        }
        return sb.ToString();
    }

    public static string Clip(string text, int length) =>
        text.Length <= length ? Escape(text) : Escape(text.Substring(0, length)) + $"… ({text.Length} characters)";

    /// <summary>Control characters and lone surrogates made visible, so a message survives test loggers.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '\n' || c == '\t' || (!char.IsControl(c) && !char.IsSurrogate(c) && c != '\uffff' && c != '\ufeff')) sb.Append(c);
            else sb.Append($"\\u{(int)c:x4}");
        }
        return sb.ToString();
    }
}
