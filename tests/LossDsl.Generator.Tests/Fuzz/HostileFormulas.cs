using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// Texts no person writes but a build may meet: 20,000-deep nesting of every recursive construct, 200 KB
/// expressions, unclosed parentheses, garbage, undefined names. Each has a name, so that a child process can rebuild it
/// (<see cref="FuzzChild"/>): a stack overflow kills the process that meets it.
/// </summary>
internal static class HostileFormulas
{
    public const int Depth = 20_000;
    public const int LargeLength = 200_000;

    public static readonly IReadOnlyDictionary<string, Func<string>> Cases = new Dictionary<string, Func<string>>(StringComparer.Ordinal)
    {
        ["deep_parentheses"] = () => "loss a(x) = " + Repeat("(", Depth) + "x" + Repeat(")", Depth),
        ["deep_unary_minus"] = () => "loss a(x) = " + Repeat("-", Depth) + "x",
        ["deep_not"] = () => "loss a(x) = if " + Repeat("not ", Depth) + "x > 0 then x else 0",
        ["deep_power"] = () => "loss a(x) = x" + Repeat("^x", Depth),
        ["deep_calls"] = () => "loss a(x) = " + Repeat("tanh(", Depth) + "x" + Repeat(")", Depth),
        ["deep_let"] = () => "loss a(x) = " + string.Concat(Enumerable.Range(0, Depth).Select(i => $"let v{i}_ = {(i == 0 ? "x" : $"v{i - 1}_")} in ")) + $"v{Depth - 1}_",
        ["deep_if"] = () => "loss a(x) = " + Repeat("if x > 0 then x else ", Depth) + "0",
        ["deep_ternary"] = () => "loss a(x) = " + Repeat("x > 1 ? x : ", Depth) + "0",
        ["deep_aggregates"] = () => "loss a(x) = " + Repeat("sum(x * ", Depth) + "x" + Repeat(")", Depth),
        ["deep_subscripts"] = () => "loss a(x, const index t) = " + Repeat("x[", Depth) + "t" + Repeat("]", Depth),
        ["deep_user_functions"] = () => string.Concat(Enumerable.Range(0, 2_000).Select(i => $"fn f{i}(p) = {(i == 0 ? "p * p" : $"f{i - 1}(p) + 1")}\n")) + "loss a(x) = f1999(x)",
        ["unclosed_parentheses_deep"] = () => "loss a(x) = " + Repeat("(", Depth) + "x",
        ["long_sum"] = () => "loss a(x, y) = " + string.Join(" + ", Enumerable.Repeat("x * y", LargeLength / 8)),
        ["long_difference"] = () => "loss a(x) = " + string.Join(" - ", Enumerable.Repeat("x", LargeLength / 4)),
        ["long_product"] = () => "loss a(x) = " + string.Join(" * ", Enumerable.Repeat("x", LargeLength / 4)),
        ["long_and"] = () => "loss a(x) = if " + string.Join(" and ", Enumerable.Repeat("x > 0", LargeLength / 10)) + " then x else 0",
        ["long_row_sum"] = () => "loss a(x) = " + string.Join(" + ", Enumerable.Range(0, LargeLength / 16).Select(i => $"sum(x * {i})")),
        ["long_identifier"] = () => "loss a(" + Repeat("x", LargeLength) + ") = 1",
        ["long_number"] = () => "loss a(x) = x * " + Repeat("9", LargeLength),
        ["many_losses"] = () => string.Concat(Enumerable.Range(0, 2_000).Select(i => $"loss l{i}(x) = x * {i}\n")),
        ["unclosed_parentheses"] = () => "loss a(x) = ((x + 1) * (x",
        ["unclosed_declaration"] = () => "loss a(x, y; k = 1",
        ["unclosed_subscript"] = () => "loss a(x, const index t) = x[t",
        ["garbage"] = () => new FormulaMutator(new Random(12345)).RandomText(LargeLength),
        ["garbage_ascii"] = () => new string(Enumerable.Range(0, LargeLength).Select(i => (char)(33 + (i * 7919) % 94)).ToArray()),
        ["undefined_names"] = () => "loss a(x) = " + string.Join(" + ", Enumerable.Range(0, 5_000).Select(i => $"undefined{i}")),
        ["undefined_functions"] = () => "loss a(x) = " + string.Join(" + ", Enumerable.Range(0, 5_000).Select(i => $"g{i}(x)")),
        ["only_nul"] = () => new string('\0', 1_000),
        ["empty"] = () => "",
    };

    private static string Repeat(string s, int count)
    {
        var sb = new StringBuilder(s.Length * count);
        for (int i = 0; i < count; i++) sb.Append(s);
        return sb.ToString();
    }
}
