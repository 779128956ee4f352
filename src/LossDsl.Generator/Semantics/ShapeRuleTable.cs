using System.Collections.Generic;
using System.Linq;

namespace LossDsl.Generator.Semantics;

/// <summary>What an argument of a shape rule names.</summary>
internal enum ShapeParameter
{
    /// <summary>A declared input.</summary>
    Input,
    /// <summary>A declared input given as integers (int64 label lists), whatever its declared kind.</summary>
    IntegerInput,
    /// <summary>A declared option.</summary>
    Option,
    /// <summary>Another loss, by its name (found at run time in the registry).</summary>
    Loss,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>Any number.</summary>
    Number,
}

/// <summary>
/// One rule of the <c>shape</c> clause: its name in the language, the runtime class (in <c>LossDsl.Tensors</c>) that
/// implements it, its parameters and whether it takes an <c>else "message"</c>. Adding a rule is its entry here and its
/// class in src/LossDsl.Runtime/Tensors/Rules.
/// </summary>
internal sealed record ShapeRuleEntry(string Name, string RuntimeType, ShapeParameter[] Parameters, bool TakesMessage, string Form);

/// <summary>Every shape rule (docs/language.md, "Shapes").</summary>
internal static class ShapeRuleTable
{
    private static readonly ShapeRuleEntry[] s_entries =
    [
        new("same", "SameShape", [ShapeParameter.Input, ShapeParameter.Input], true, "same(a, b)"),
        new("within", "WithinShape", [ShapeParameter.Input], false, "within(a)"),
        new("same_rank", "SameRank", [], true, "same_rank"),
        new("rank", "RankRange", [ShapeParameter.Input, ShapeParameter.Integer, ShapeParameter.Integer], false, "rank(a, min, max)"),
        new("classes", "ClassAxis", [ShapeParameter.Input, ShapeParameter.Input], false, "classes(input, target)"),
        new("frames", "TargetFrames", [ShapeParameter.Input, ShapeParameter.Input], false, "frames(input, target)"),
        new("probabilities", "ProbabilityTargets", [ShapeParameter.Input, ShapeParameter.Loss], false, "probabilities(target, loss)"),
        new("lists", "LabelLists", [ShapeParameter.Input, ShapeParameter.IntegerInput], false, "lists(input, target)"),
        new("sequences", "Sequences", [ShapeParameter.Input, ShapeParameter.Input, ShapeParameter.Input, ShapeParameter.Input, ShapeParameter.Option], false,
            "sequences(scores, labels, score_lengths, label_lengths, classes)"),
        new("drop_last", "DropLastAxis", [ShapeParameter.Input, ShapeParameter.Input], false, "drop_last(a, b)"),
        new("independent", "IndependentShapes", [], false, "independent"),
        new("batchmean", "BatchMean", [], false, "batchmean"),
        new("empty_mean", "EmptyMean", [ShapeParameter.Number], false, "empty_mean(value)"),
    ];

    private static readonly Dictionary<string, ShapeRuleEntry> s_byName = s_entries.ToDictionary(e => e.Name);

    public static IReadOnlyList<ShapeRuleEntry> All => s_entries;

    public static bool TryGet(string name, out ShapeRuleEntry entry) => s_byName.TryGetValue(name, out entry!);

    /// <summary>The names a bound rule passes for its parameters of <paramref name="kind"/> (the inputs it reads as integers, the options it sets).</summary>
    public static IEnumerable<string> Arguments(Model.ShapeRuleModel rule, ShapeParameter kind)
    {
        var parameters = s_entries.First(e => e.RuntimeType == rule.RuntimeType).Parameters;
        for (int k = 0; k < parameters.Length; k++)
            if (parameters[k] == kind) yield return rule.Arguments[k].Text!;
    }
}
