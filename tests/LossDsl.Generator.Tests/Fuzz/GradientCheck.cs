using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// Compiles elementwise losses into one in-memory assembly with a probe per loss (plain methods over arrays that call
/// the generated double-precision <c>Forward</c> and <c>ForwardBackward</c>), loads it in a collectible context, and
/// compares each analytic gradient with central differences of <c>Forward</c> with <see cref="Reduction.Sum"/>.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Elements per input: two Vector512 iterations of doubles and a tail.</summary>
    public const int Elements = 19;

    public sealed record Loaded(Func<double[][], double> Value, Func<double[][], double[][], double> Gradient, Action<double[][], double[]> Terms);

    /// <summary>The probe of a loss whose inputs are <paramref name="inputs"/> (differentiable) then an optional const input.</summary>
    private static string Probe(int k, string @namespace, string className, int inputs, bool hasConst)
    {
        int all = inputs + (hasConst ? 1 : 0);
        string xs = string.Join(", ", Enumerable.Range(0, all).Select(i => $"x[{i}]"));
        string gs = string.Join(", ", Enumerable.Range(0, inputs).Select(i => $"g[{i}]"));
        string loss = $"global::{@namespace}.{className}";
        return $$"""
            namespace FuzzProbes
            {
                public static class P{{k}}
                {
                    public static double Value(double[][] x) => {{loss}}.Forward({{xs}}, global::LossDsl.Reduction.Sum);
                    public static double Gradient(double[][] x, double[][] g) => {{loss}}.ForwardBackward({{xs}}, {{gs}}, global::LossDsl.Reduction.Sum);
                    public static void Terms(double[][] x, double[] output) => {{loss}}.Forward({{xs}}, output);
                }
            }
            """;
    }

    /// <summary>
    /// Compiles the formulas (each its own source and namespace) and loads them; per formula the probe, or why there is
    /// none (compiler diagnostics or C# errors).
    /// </summary>
    public static List<(SmoothFormula Formula, Loaded? Loss, string? Error)> Load(IReadOnlyList<SmoothFormula> formulas, string name)
    {
        var results = new List<(SmoothFormula, Loaded?, string?)>();
        var sources = new List<(string Path, string Source)>();
        var probes = new List<int>();
        for (int k = 0; k < formulas.Count; k++)
        {
            var ns = $"Fuzz.Smooth{k}";
            var outcome = CompilerOracle.Run(formulas[k].Text, ns);
            var errors = outcome.Unit?.Diagnostics.Where(d => d.Id != "LOSS017").ToList();
            if (outcome.Problems.Count > 0 || errors is null || errors.Count > 0 || outcome.Emitted.Count != 1)
            {
                var why = string.Join("; ", outcome.Problems.Select(p => p.Cause + ": " + p.Detail).Concat((errors ?? new()).Select(d => d.Id + " " + string.Join(", ", d.Arguments))));
                results.Add((formulas[k], null, "does not compile: " + why));
                continue;
            }
            var (model, source) = outcome.Emitted[0];
            sources.Add(($"smooth{k}.g.cs", source));
            sources.Add(($"probe{k}.cs", Probe(k, ns, model.ClassName, formulas[k].Inputs.Length, formulas[k].HasConst)));
            probes.Add(k);
            results.Add((formulas[k], null, null));
        }
        var (assembly, _, cerrors) = GeneratedCode.Load(GeneratedCode.Compilation(name, sources));
        if (assembly is null)
        {
            foreach (var k in probes)
            {
                var mine = cerrors.Where(e => e.Location.SourceTree?.FilePath == $"smooth{k}.g.cs" || e.Location.SourceTree?.FilePath == $"probe{k}.cs").Take(3).Select(GeneratedCode.Describe).ToList();
                results[k] = (formulas[k], null, mine.Count > 0 ? "C# errors: " + string.Join("\n", mine) : "not loaded: another loss of the batch has C# errors");
            }
            return results;
        }
        foreach (var k in probes)
        {
            var type = assembly.GetType($"FuzzProbes.P{k}")!;
            var value = type.GetMethod("Value")!;
            var gradient = type.GetMethod("Gradient")!;
            var terms = type.GetMethod("Terms")!;
            results[k] = (formulas[k], new Loaded(
                x => Invoke<double>(value, new object[] { x }),
                (x, g) => Invoke<double>(gradient, new object[] { x, g }),
                (x, o) => Invoke<object?>(terms, new object[] { x, o })), null);
        }
        return results;
    }

    private static T Invoke<T>(MethodInfo method, object[] args)
    {
        try { return (T)method.Invoke(null, args)!; }
        catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
    }

    /// <summary>
    /// Where the analytic gradient and central differences disagree (empty when they agree): |g - fd| must be within
    /// 1e-5 (1 + |fd|) plus the rounding error of the differences, eps · Σ|loss terms| / h.
    /// </summary>
    public static List<string> Compare(SmoothFormula formula, Loaded loss, Random random)
    {
        int inputs = formula.Inputs.Length, all = inputs + (formula.HasConst ? 1 : 0);
        var x = Enumerable.Range(0, all).Select(_ => Enumerable.Range(0, Elements).Select(_ => Math.Round(random.NextDouble() * 3 - 1.5, 3)).ToArray()).ToArray();
        var g = Enumerable.Range(0, inputs).Select(_ => new double[Elements]).ToArray();
        var mismatches = new List<string>();
        double value = loss.Value(x);
        double fused = loss.Gradient(x, g);
        var terms = new double[Elements];
        loss.Terms(x, terms);
        double magnitude = terms.Sum(Math.Abs);
        if (!double.IsFinite(value)) return mismatches; // outside what central differences can check
        if (Math.Abs(fused - value) > 1e-12 * (1 + magnitude))
            mismatches.Add($"ForwardBackward's value {fused:R} differs from Forward's {value:R}");
        for (int j = 0; j < inputs; j++)
        {
            for (int i = 0; i < Elements; i++)
            {
                double saved = x[j][i], h = 1e-6 * Math.Max(1, Math.Abs(saved));
                x[j][i] = saved + h;
                double up = loss.Value(x);
                x[j][i] = saved - h;
                double down = loss.Value(x);
                x[j][i] = saved;
                double fd = (up - down) / (2 * h);
                double tolerance = 1e-5 * (1 + Math.Abs(fd)) + 8 * 2.2e-16 * (1 + magnitude) / h;
                if (!(Math.Abs(g[j][i] - fd) <= tolerance) && double.IsFinite(fd))
                {
                    var at = string.Join(", ", formula.Inputs.Select((name, n) => $"{name} = {x[n][i].ToString("R", CultureInfo.InvariantCulture)}"))
                             + (formula.HasConst ? $", c = {x[inputs][i].ToString("R", CultureInfo.InvariantCulture)}" : "");
                    mismatches.Add($"d/d{formula.Inputs[j]} at element {i} ({at}): generated {g[j][i]:R}, central difference {fd:R}");
                    break;
                }
            }
        }
        return mismatches;
    }

    /// <summary>A failure message: every failing formula with its first mismatches.</summary>
    public static string Describe(IEnumerable<(SmoothFormula Formula, IReadOnlyList<string> Problems)> failures, int inputSeed)
    {
        var sb = new StringBuilder($"input seed {inputSeed}\n");
        foreach (var (formula, problems) in failures)
        {
            sb.AppendLine("-- " + formula.Loss.Replace("\n", " "));
            foreach (var p in problems.Take(3)) sb.AppendLine("   " + p);
        }
        return sb.ToString();
    }
}
