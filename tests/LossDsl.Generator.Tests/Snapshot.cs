using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace LossDsl.Generator.Tests;

/// <summary>
/// Verify's convention in small (Verify is not available here): <c>_snapshots/{Class}.{Method}#{hint}.verified.cs</c>
/// holds the accepted text; a mismatch writes <c>.received.cs</c> beside it and fails with the first difference.
/// Set LOSSDSL_ACCEPT_SNAPSHOTS=1 to accept the received text.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string text, string className, string method, string hint, string extension = "cs", [CallerFilePath] string here = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(here)!, "_snapshots");
        var stem = Path.Combine(directory, $"{className}.{method}#{hint}");
        var verified = stem + ".verified." + extension;
        var received = stem + ".received." + extension;
        text = text.Replace("\r\n", "\n");
        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == text)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        if (Environment.GetEnvironmentVariable("LOSSDSL_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, text);
            return;
        }
        Directory.CreateDirectory(directory);
        File.WriteAllText(received, text);
        throw new XunitException(expected is null
            ? $"No snapshot {verified}: review {received} and rename it to .verified (or run with LOSSDSL_ACCEPT_SNAPSHOTS=1)."
            : $"Snapshot {verified} differs: {FirstDifference(expected, text)}. Received text is in {received}.");
    }

    private static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "<end>";
            var y = i < b.Length ? b[i] : "<end>";
            if (x != y) return $"line {i + 1}:\n- {x}\n+ {y}";
        }
        return "line endings";
    }
}
