using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>The generated source of every definition, and of an attribute-declared loss, against its snapshot.</summary>
public class SnapshotTests
{
    public static TheoryData<string> Definitions()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(GeneratorHarness.RepositoryFile("definitions"), "*.loss").OrderBy(f => f))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Definition(string name)
    {
        var path = GeneratorHarness.RepositoryFile($"definitions/{name}.loss");
        var (result, output) = GeneratorHarness.Run(new[] { (path, File.ReadAllText(path)) });
        Assert.Null(result.Exception);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        var source = Assert.Single(result.GeneratedSources);
        Snapshot.Verify(source.SourceText.ToString(), nameof(SnapshotTests), nameof(Definition), source.HintName.Replace(".g.cs", ""));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void AttributeCarrier()
    {
        const string source = """
            using LossDsl;
            namespace Sample.Losses;
            /// <summary>User docs.</summary>
            [Loss("loss pinball(input, const target; tau = 0.5) = let r = target - input in max(tau * r, (tau - 1) * r)")]
            public static partial class Pinball;
            """;
        var (result, output) = GeneratorHarness.Run(System.Array.Empty<(string, string)>(), source);
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        var generated = Assert.Single(result.GeneratedSources);
        Assert.Equal("Sample.Losses.Pinball.Loss.g.cs", generated.HintName);
        Snapshot.Verify(generated.SourceText.ToString(), nameof(SnapshotTests), nameof(AttributeCarrier), "Pinball");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void WholeCatalogueCompilesTogether()
    {
        var files = Directory.GetFiles(GeneratorHarness.RepositoryFile("definitions"), "*.loss").Select(f => (f, File.ReadAllText(f))).ToArray();
        var (result, output) = GeneratorHarness.Run(files);
        Assert.Null(result.Exception);
        Assert.Equal(files.Length, result.GeneratedSources.Length);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(10)));
    }
}
