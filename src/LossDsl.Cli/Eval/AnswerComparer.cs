using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace LossDsl.Cli.Eval;

/// <summary>
/// Compares an answer with the reference's, as conformance.md says: an error exactly where the reference has one,
/// equal shapes, values within <c>|a - b| &lt;= atol + rtol |b|</c> (float64: 1e-9, 1e-7; float32: 1e-5, 1e-4),
/// NaN and infinities exactly where the reference has them.
/// </summary>
public static class AnswerComparer
{
    public static (double Atol, double Rtol) Tolerance(DType dtype) => dtype == DType.Float32 ? (1e-5, 1e-4) : (1e-9, 1e-7);

    /// <summary>The differences between <paramref name="actual"/> and <paramref name="expected"/>; empty when they agree.</summary>
    public static List<string> Compare(Answer actual, Answer expected, DType dtype)
    {
        var problems = new List<string>();
        if (expected.IsError || actual.IsError)
        {
            if (!expected.IsError) problems.Add($"answered error \"{actual.Error}\" where the reference computes a loss");
            else if (!actual.IsError) problems.Add($"answered a loss ({Describe(actual.Loss)}) where the reference refuses: \"{expected.Error}\"");
            return problems;
        }
        var (atol, rtol) = Tolerance(dtype);
        if (expected.Loss is not null)
        {
            if (actual.Loss is null) problems.Add("no loss answered");
            else CompareTensor("loss", actual.Loss, expected.Loss, atol, rtol, problems);
        }
        foreach (var (name, want) in expected.Grad)
        {
            if (actual.GradOf(name) is not { } got) problems.Add($"no gradient for '{name}'");
            else CompareTensor($"grad '{name}'", got, want, atol, rtol, problems);
        }
        foreach (var (name, want) in expected.Hess)
        {
            if (actual.HessOf(name) is not { } got) problems.Add($"no Hessian for '{name}'");
            else CompareTensor($"hess '{name}'", got, want, atol, rtol, problems);
        }
        return problems;
    }

    private static void CompareTensor(string what, LossTensor actual, LossTensor expected, double atol, double rtol, List<string> problems)
    {
        if (!TensorShapes.Equal(actual.Shape, expected.Shape))
        {
            problems.Add($"{what}: shape {TensorShapes.Format(actual.Shape)}, expected {TensorShapes.Format(expected.Shape)}");
            return;
        }
        int bad = 0;
        string? first = null;
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            double a = actual.Data[i], b = expected.Data[i];
            if (Close(a, b, atol, rtol)) continue;
            bad++;
            first ??= $"[{i}] = {Format(a)}, expected {Format(b)}";
            if (double.IsFinite(a) && double.IsFinite(b)) worst = Math.Max(worst, Math.Abs(a - b));
            else worst = double.PositiveInfinity;
        }
        if (bad > 0)
            problems.Add($"{what}: {bad} of {expected.Count} values differ, first {first}" +
                         (expected.Count > 1 ? $" (largest difference {Format(worst)})" : ""));
    }

    /// <summary>The protocol's closeness of one value to the reference's.</summary>
    public static bool Close(double actual, double expected, double atol, double rtol)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return actual == expected;
        return Math.Abs(actual - expected) <= atol + rtol * Math.Abs(expected);
    }

    private static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static string Describe(LossTensor? t) =>
        t is null ? "none" : $"{TensorShapes.Format(t.Shape)} {string.Join(", ", t.Data.Take(4).Select(Format))}{(t.Count > 4 ? ", ..." : "")}";
}
