using System;
using System.Linq;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// A random elementwise loss that is smooth everywhere its inputs go: no abs, max, min, sign, if, clamp or detach, and
/// every argument kept in its function's domain (log of 1 + u², exp of tanh u...). Its gradient can be checked
/// against central differences. <see cref="Inputs"/> are the differentiable inputs it declares, in order; a const
/// input <c>c</c> may follow them.
/// </summary>
public sealed record SmoothFormula(string Text, string[] Inputs, bool HasConst)
{
    /// <summary>The loss declaration alone, without the functions every formula declares.</summary>
    public string Loss => Text.Substring(Text.IndexOf("loss ", StringComparison.Ordinal));

    public override string ToString() => Loss;
}

/// <summary>A batch of smooth formulas (compiled into one assembly) and the seed of their input values.</summary>
public sealed record SmoothBatch(SmoothFormula[] Formulas, int InputSeed)
{
    public override string ToString() => $"input seed {InputSeed}:\n" + string.Join("\n", Formulas.Select(f => f.Loss));
}

/// <summary>FsCheck generators of <see cref="SmoothBatch"/>.</summary>
public static class SmoothFormulas
{
    public const int BatchSize = 25;

    /// <summary>User functions whose grad clauses state the true derivative of every parameter.</summary>
    public const string FunctionsWithGradients = """
        fn sq_g(a) = a^2
            grad a = 2 * a
        fn mix_g(a, b) = a * tanh(b)
            grad a = tanh(b)
            grad b = a * (1 - tanh(b)^2)

        """;

    /// <summary>User functions without grad clauses, or with one for a part of their parameters: the body is differentiated for the others.</summary>
    public const string FunctionsWithoutGradients = """
        fn part_g(a, b) = log(1 + a^2) + b * sigmoid(b)
            grad a = 2 * a / (1 + a^2)
        fn sq(a) = a^2
        fn mix(a, b) = a * tanh(b)
        fn soft(a) = log(1 + exp(a))

        """;

    private static readonly string[] s_unary = new[]
    {
        "exp(tanh({0}))", "log(1 + ({0})^2)", "log1p(({0})^2)", "sqrt(1 + ({0})^2)", "sigmoid({0})", "softplus({0})",
        "log_sigmoid({0})", "tanh({0})", "atan({0})", "cosh(tanh({0}))", "expm1(tanh({0}))", "({0})^2", "({0})^3",
        "pow(1 + ({0})^2, 0.5)", "(1 + ({0})^2)^-1", "xlogy(1 + ({0})^2, 2 + tanh({0}))", "log(sigmoid({0}))",
        "log(1 + exp({0}))", "exp(tanh({0})) - 1", "1 - sigmoid({0})", "2^tanh({0})", "(1 + ({0})^2)^tanh({0})",
        "sqrt(exp(tanh({0})))", "log(exp(tanh({0})))", "1 / (2 + tanh({0}))", "k * ({0})", "({0}) / k",
    }.Concat(TableFunctions()).ToArray();

    /// <summary>
    /// Every one-argument function of the function table that is smooth and differentiable (a new one is checked with
    /// no edit here), its argument kept inside its domain: f(tanh(u)), or f(low + 1 + u²) above a domain's lower end.
    /// </summary>
    private static string[] TableFunctions() =>
        Generator.Calculus.Functions.All
            .Where(f => f.Arity == 1 && f.Derivative is not null && f.Cost == Generator.Calculus.Cost.Transcendental)
            .Select(f => double.IsNegativeInfinity(f.DomainLow)
                ? $"{f.Name}(tanh({{0}}))"
                : $"{f.Name}({(f.DomainLow + 1).ToString("R", System.Globalization.CultureInfo.InvariantCulture)} + ({{0}})^2)")
            .ToArray();

    private static readonly string[] s_binary =
    {
        "({0}) + ({1})", "({0}) - ({1})", "({0}) * ({1})", "({0}) / (1 + ({1})^2)", "xlogy(1 + ({0})^2, 1 + ({1})^2)",
        "pow(1 + ({0})^2, tanh({1}))", "atan(({0}) * ({1}))",
    };

    private static readonly string[] s_withGradients = { "sq_g({0})", "mix_g({0}, {1})" };
    private static readonly string[] s_withoutGradients = { "sq({0})", "mix({0}, {1})", "soft({0})", "part_g({0}, {1})" };

    private static readonly Regex s_input = new(@"\bx[0-2]\b", RegexOptions.CultureInvariant);

    /// <summary>Batches of formulas; <paramref name="functionsWithoutGradients"/> adds calls of functions without grad clauses.</summary>
    public static Gen<SmoothBatch> Batches(bool functionsWithoutGradients) =>
        from formulas in Gen.ArrayOf(Formula(functionsWithoutGradients), BatchSize)
        from seed in Gen.Choose(0, int.MaxValue)
        select new SmoothBatch(formulas, seed);

    public static Gen<SmoothFormula> Formula(bool functionsWithoutGradients) =>
        from depth in Gen.Choose(1, 4)
        from body in Expression(depth, 0, functionsWithoutGradients)
        select Declare(body, functionsWithoutGradients);

    private static SmoothFormula Declare(string body, bool functionsWithoutGradients)
    {
        var inputs = s_input.Matches(body).Select(m => m.Value).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToList();
        if (inputs.Count == 0) { body = $"({body}) + 0.5 * x0"; inputs.Add("x0"); }
        bool hasConst = Regex.IsMatch(body, @"\bc\b");
        var declared = string.Join(", ", inputs) + (hasConst ? ", const c" : "");
        var functions = FunctionsWithGradients + (functionsWithoutGradients ? FunctionsWithoutGradients : "");
        return new SmoothFormula($"{functions}loss smooth({declared}; k = 0.75) =\n    {body}", inputs.ToArray(), hasConst);
    }

    private static Gen<string> Leaf =>
        Gen.Frequency(
            (6, Gen.Elements("x0", "x1", "x2")),
            (1, Gen.Elements("c", "k", "pi", "0.5", "2", "1e-3", "e")));

    /// <summary>An expression; <paramref name="lets"/> counts the let names in scope (s0, s1...).</summary>
    private static Gen<string> Expression(int depth, int lets, bool functionsWithoutGradients)
    {
        var leaf = lets == 0 ? Leaf : Gen.Frequency((3, Leaf), (2, Gen.Elements(Enumerable.Range(0, lets).Select(i => $"s{i}").ToArray())));
        if (depth <= 0) return leaf;
        var sub = Expression(depth - 1, lets, functionsWithoutGradients);
        var calls = functionsWithoutGradients ? s_withGradients.Concat(s_withoutGradients).ToArray() : s_withGradients;
        return Gen.Frequency(
            (2, leaf),
            (5, from f in Gen.Elements(s_unary) from a in sub select string.Format(f, a)),
            (4, from f in Gen.Elements(s_binary) from a in sub from b in sub select string.Format(f, a, b)),
            (1, sub.Select(a => $"-({a})")),
            (functionsWithoutGradients ? 4 : 2, from f in Gen.Elements(calls) from a in sub from b in sub select string.Format(f, a, b)),
            (1, from value in sub
                from body in Expression(depth - 1, lets + 1, functionsWithoutGradients)
                select $"(let s{lets} = {value} in {body})"));
    }
}

/// <summary>The FsCheck arbitraries of the gradient properties (no shrinking: every case compiles an assembly).</summary>
public static class SmoothArbitraries
{
    public static Arbitrary<SmoothBatch> Batch() => Arb.From(SmoothFormulas.Batches(functionsWithoutGradients: false));
}

public static class SmoothArbitrariesWithFunctions
{
    public static Arbitrary<SmoothBatch> Batch() => Arb.From(SmoothFormulas.Batches(functionsWithoutGradients: true));
}
