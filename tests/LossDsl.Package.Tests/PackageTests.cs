using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace LossDsl.Package.Tests;

/// <summary>
/// The LossDsl package as a user gets it: <c>dotnet pack</c> of src/LossDsl.Runtime into a fresh folder, then a console
/// project in a temporary folder outside the repository whose only reference is that package. One pack, one restore,
/// two builds.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly ITestOutputHelper _log;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lossdsl-package-" + Guid.NewGuid().ToString("N")[..12]);

    public PackageTests(ITestOutputHelper log)
    {
        _log = log;
        Directory.CreateDirectory(_root);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { } // a file still held open: the folder is under the temporary directory anyway
        catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public void PackedLossDslCompilesLossFilesAndAttributesAndReportsLocatedErrorsInAProjectOutsideTheRepository()
    {
        // A version no feed has, so a package cached or served elsewhere can never stand in for this one.
        var version = "0.0.0-packagetest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
        var feed = Path.Combine(_root, "feed");
        var app = Path.Combine(_root, "app");

        // 1. Pack, with its own bin/obj (--artifacts-path) so the repository's build outputs are left alone.
        Check(DotnetCli.Run(RepositoryRoot(), null, "pack", Path.Combine("src", "LossDsl.Runtime", "LossDsl.Runtime.csproj"),
            "-c", "Release", "-o", feed, "--artifacts-path", Path.Combine(_root, "artifacts"), "-p:Version=" + version,
            "--disable-build-servers"), expectSuccess: true);
        CheckPackageLayout(Path.Combine(feed, $"LossDsl.{version}.nupkg"));

        // 2. A console project that references only the package: one loss in a .loss file (in LossDslNamespace), one in a
        //    [Loss] attribute (in the class's namespace). Restored into a fresh packages folder.
        WriteConsumer(app, feed, version);
        var packages = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_root, "packages") };
        var run = Check(DotnetCli.Run(app, packages, "run", "-c", "Release", "--disable-build-servers"), expectSuccess: true);

        // input = [1, 2, 3, 4], target = [0.5, 2.5, 1, 5]: differences 0.5, -0.5, 2, -1.
        double mse = (0.25 + 0.25 + 4 + 1) / 4;      // 1.375
        double mae = (0.5 + 0.5 + 2 + 1) / 4;        // 1
        double sumGradient = 2 * (0.5 - 0.5 + 2 - 1); // d/dinput of the summed squared error, summed over the elements
        Assert.Equal(mse, Printed(run.Output, "squared_error"), 12);
        Assert.Equal(mae, Printed(run.Output, "absolute_error"), 12);
        Assert.Equal(sumGradient, Printed(run.Output, "squared_error_gradient_sum"), 12);
        Assert.Equal(mse, Printed(run.Output, "tensor_squared_error"), 12);
        Assert.Equal(2, Printed(run.Output, "tensor_gradient_rank"));
        Assert.Empty(Directory.GetFiles(Path.Combine(app, "bin"), "LossDsl.Generator.dll", SearchOption.AllDirectories));

        // 3. Hostile files: each gets its located LOSSnnn, nothing crashes, no C# error comes from generated code.
        File.WriteAllText(Path.Combine(app, "losses", "bad.loss"), "loss bad(x) = x +");
        File.WriteAllText(Path.Combine(app, "losses", "unclosed.loss"), "loss unclosed(x) = (x + 1");
        File.WriteAllText(Path.Combine(app, "losses", "garbage.loss"), "loss garbage(x) = x # y");
        File.WriteAllBytes(Path.Combine(app, "losses", "binary.loss"), new byte[] { 0x00, 0xFF, 0x13, 0x37, 0x80, 0x0A });
        File.WriteAllText(Path.Combine(app, "losses", "deep.loss"), "loss deep(x) = " + new string('(', 20_000) + "x" + new string(')', 20_000));
        File.WriteAllText(Path.Combine(app, "losses", "undefined.loss"), "loss undefined(x) = x + y");
        var broken = Check(DotnetCli.Run(app, packages, "build", "-c", "Release", "--no-restore", "--disable-build-servers"), expectSuccess: false);
        var reported = Regex.Matches(broken.Output, @"(\w+\.loss)\((\d+),(\d+)\): error (LOSS\d{3})")
            .Select(m => $"{m.Groups[1].Value}({m.Groups[2].Value},{m.Groups[3].Value}) {m.Groups[4].Value}").Distinct().OrderBy(x => x, StringComparer.Ordinal).ToList();
        Assert.Equal(new[]
        {
            "bad.loss(1,18) LOSS002", "binary.loss(1,1) LOSS001", "deep.loss(1,272) LOSS026",
            "garbage.loss(1,21) LOSS001", "unclosed.loss(1,26) LOSS002", "undefined.loss(1,25) LOSS010",
        }, reported);
        Assert.Matches(new Regex(@"bad\.loss\(1,18\): error LOSS002: Expected an expression"), broken.Output);
        Assert.DoesNotMatch(new Regex(@"error CS\d{4}"), broken.Output);

        // 4. Without them, the project builds and runs again, with a 200 KB formula, a loss whose names are the ones the
        //    generated code uses for itself, and types of the user's named like the runtime's next to the losses.
        foreach (var hostile in new[] { "bad", "unclosed", "garbage", "binary", "deep", "undefined" })
            File.Delete(Path.Combine(app, "losses", hostile + ".loss"));
        var terms = Enumerable.Range(0, 12_000).Select(k => $"{1 + k % 89}.25 * x * y");
        File.WriteAllText(Path.Combine(app, "losses", "big.loss"), "loss big(x, y) = " + string.Join(" + ", terms));
        File.WriteAllText(Path.Combine(app, "losses", "names.loss"),
            "loss names(n, chunks, kernel; t0 = 2, i = 3, total = 1) = let value = n - chunks in t0 * value^2 + i * kernel + total");
        File.WriteAllText(Path.Combine(app, "UserTypes.cs"), """
            namespace Consumer.Losses
            {
                public class Reduction { }
                public class LossMath { }
                public class ElementLoops { }
                public class LossGuard { }
                public class LossParallel { }
                public class Vector256 { }
                public class MemoryMarshal { }
                public class Span { }
            }
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), File.ReadAllText(Path.Combine(app, "Program.cs")).Replace(
            "Print(\"squared_error_gradient_sum\", gradientSum);",
            "Print(\"squared_error_gradient_sum\", gradientSum);\n                    Print(\"names\", Names.Forward(new double[] { 3 }, new double[] { 1 }, new double[] { 5 }, LossDsl.Reduction.Sum));\n                    Print(\"big\", Big.Forward(new double[] { 2 }, new double[] { 0.5 }, LossDsl.Reduction.Sum));")
            .Replace("using LossDsl;", "using LossDsl;\nusing Reduction = LossDsl.Reduction;"));
        var again = Check(DotnetCli.Run(app, packages, "run", "-c", "Release", "--disable-build-servers"), expectSuccess: true);
        Assert.Equal(2 * 4 + 3 * 5 + 1, Printed(again.Output, "names"), 12);                // t0 (n - chunks)^2 + i kernel + total
        Assert.Equal(Enumerable.Range(0, 12_000).Sum(k => (1 + k % 89 + 0.25) * 2 * 0.5), Printed(again.Output, "big"), 6);
    }

    private CliResult Check(CliResult result, bool expectSuccess)
    {
        _log.WriteLine(result.ToString());
        Assert.True((result.ExitCode == 0) == expectSuccess, result.ToString());
        return result;
    }

    /// <summary>The runtime for every framework it serves, the generator as an analyzer (not a dependency), the build rules.</summary>
    private static void CheckPackageLayout(string nupkg)
    {
        Assert.True(File.Exists(nupkg), nupkg + " was not produced");
        using var zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in new[]
                 {
                     "analyzers/dotnet/cs/LossDsl.Generator.dll", "lib/net10.0/LossDsl.Runtime.dll", "lib/net10.0/LossDsl.Runtime.xml",
                     "buildTransitive/LossDsl.props", "README.md",
                 })
            Assert.Contains(expected, entries);

        using var nuspecStream = zip.Entries.Single(e => e.FullName == "LossDsl.nuspec").Open();
        var nuspec = XDocument.Load(nuspecStream);
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        // neither the generator nor Roslyn flows to the consumer: the one dependency is System.Numerics.Tensors (the tensor API)
        Assert.Equal(new[] { "System.Numerics.Tensors" }, nuspec.Descendants(ns + "dependency").Select(d => d.Attribute("id")?.Value ?? "").ToArray());
    }

    private static void WriteConsumer(string app, string feed, string version)
    {
        Directory.CreateDirectory(Path.Combine(app, "losses"));
        // Empty Directory.Build.* files stop MSBuild from looking further up for ones that are not this project's.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />\n");
        // The local feed beside the sources this machine already has (no <clear />): restore takes LossDsl from the feed.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="lossdsl-under-test" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <RootNamespace>Consumer.App</RootNamespace>
                <LossDslNamespace>Consumer.Losses</LossDslNamespace>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LossDsl" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "losses", "squared_error.loss"), """
            /// The squared error, elementwise.
            loss squared_error(input, target) = (input - target)^2
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System;
            using System.Globalization;
            using LossDsl;
            using Consumer.Losses;

            namespace Consumer.App;

            [Loss("loss absolute_error(input, target) = abs(input - target)")]
            public static partial class AbsoluteError;

            public static class Program
            {
                public static void Main()
                {
                    double[] input = { 1, 2, 3, 4 };
                    double[] target = { 0.5, 2.5, 1, 5 };
                    double[] inputGrad = new double[4], targetGrad = new double[4];
                    SquaredError.ForwardBackward(input, target, inputGrad, targetGrad, Reduction.Sum);
                    double gradientSum = 0;
                    foreach (var g in inputGrad) gradientSum += g;
                    Print("squared_error", SquaredError.Forward(input, target));
                    Print("absolute_error", AbsoluteError.Forward(input, target));
                    Print("squared_error_gradient_sum", gradientSum);
                    // the tensor API: the same values as a (2, 2) tensor, the gradient in that shape
                    var t = SquaredError.Tensors.ForwardBackward(System.Numerics.Tensors.Tensor.Create(input, [2, 2]),
                        System.Numerics.Tensors.Tensor.Create(target, [2, 2]), out var tGrad, out _, Reduction.Mean);
                    Print("tensor_squared_error", System.Linq.Enumerable.First(t));
                    Print("tensor_gradient_rank", tGrad.Rank);
                }

                private static void Print(string name, double value) => Console.WriteLine(name + " = " + value.ToString("R", CultureInfo.InvariantCulture));
            }
            """);
    }

    private static double Printed(string output, string name)
    {
        var match = Regex.Match(output, "^" + Regex.Escape(name) + @" = (\S+)\s*$", RegexOptions.Multiline);
        Assert.True(match.Success, $"'{name} = ...' not printed:\n{output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LossDsl.sln"))) return dir.FullName;
        throw new InvalidOperationException("LossDsl.sln not found above " + AppContext.BaseDirectory);
    }
}
