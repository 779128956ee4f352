using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Text.Json;

namespace LossDsl.Cli.Eval;

/// <summary>
/// Answers cases through the library's tensor API (<see cref="TensorLoss"/>): a <see cref="Case"/> becomes
/// <see cref="LossArguments"/>, and the result an <see cref="Answer"/>. The shapes PyTorch accepts and refuses are the
/// losses' own declarations (their <c>shape</c> clauses), not this tool's: it knows no loss by name. Never throws: a
/// case that fails for any reason gets an error answer.
/// </summary>
public sealed class Evaluator
{
    public delegate bool LossLookup(string name, out ILossDefinition definition);

    private readonly LossLookup _lookup;

    /// <summary>An evaluator over the losses in <see cref="LossRegistry"/> (see <see cref="RegisteredLosses.EnsureLoaded"/>).</summary>
    public Evaluator() : this(LossRegistry.TryGet) { }

    /// <summary>An evaluator over the losses <paramref name="lookup"/> finds (for tests).</summary>
    public Evaluator(LossLookup lookup) => _lookup = lookup;

    /// <summary>Answers one line of UTF-8 JSON.</summary>
    public Answer EvaluateLine(ReadOnlySpan<byte> utf8Line)
    {
        Case c;
        try
        {
            c = CaseReader.Parse(utf8Line);
        }
        catch (CaseFormatException e)
        {
            return Answer.Failure(e.Id, e.Message);
        }
        catch (Exception e)
        {
            return Answer.Failure(default, "invalid case: " + e.Message);
        }
        return Evaluate(c);
    }

    /// <summary>Answers one line of JSON text.</summary>
    public Answer EvaluateLine(string line) => EvaluateLine(System.Text.Encoding.UTF8.GetBytes(line));

    /// <summary>Answers a case given as a JSON element (as in a fixture file).</summary>
    public Answer Evaluate(JsonElement caseElement)
    {
        Case c;
        try
        {
            c = CaseReader.Parse(caseElement);
        }
        catch (CaseFormatException e)
        {
            return Answer.Failure(e.Id, e.Message);
        }
        catch (Exception e)
        {
            return Answer.Failure(default, "invalid case: " + e.Message);
        }
        return Evaluate(c);
    }

    /// <summary>Answers a case.</summary>
    public Answer Evaluate(Case c)
    {
        try
        {
            return EvaluateCore(c);
        }
        catch (EvalException e)
        {
            return Answer.Failure(c.Id, e.Message);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            // The loss refused an argument (a require clause, a class index out of range, ...): the reference's error.
            return Answer.Failure(c.Id, ArgumentMessage(e));
        }
        catch (Exception e)
        {
            return Answer.Failure(c.Id, $"internal error in {c.Loss}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>An argument error's message without the " (Parameter 'name')" that .NET appends to it.</summary>
    public static string ArgumentMessage(ArgumentException e)
    {
        var suffix = e.ParamName is null ? null : $" (Parameter '{e.ParamName}')";
        return suffix is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message.Substring(0, e.Message.Length - suffix.Length) : e.Message;
    }

    private Answer EvaluateCore(Case c)
    {
        if (!_lookup(c.Loss, out var definition))
            throw new EvalException($"unknown loss '{c.Loss}'");
        var arguments = Arguments(definition, c);
        var result = TensorLoss.Evaluate(definition, arguments, name => _lookup(name, out var other) ? other : null);
        return new Answer { Id = c.Id, Loss = result.Loss, Grad = result.Gradients, Hess = result.Hessians };
    }

    /// <summary>
    /// A case as the library's <see cref="LossArguments"/>: the protocol's options sorted into the reduction, the loss's
    /// options (typed as declared), tensors given as options (PyTorch's <c>weight=</c>) and the per-element weight.
    /// </summary>
    private static LossArguments Arguments(ILossDefinition def, Case c)
    {
        var arguments = new LossArguments { Float32 = c.DType == DType.Float32, GradOutput = c.GradOutput };
        foreach (var (name, tensor) in c.Inputs) arguments.Inputs[name] = tensor;
        arguments.Gradients.AddRange(c.Grad);
        arguments.Hessians.AddRange(c.Hess);
        foreach (var (name, value) in c.Options)
        {
            if (name == "reduction")
            {
                if (def.Kind == LossKind.Whole) continue; // one value whatever the reduction: the reference ignores it
                string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                switch (text)
                {
                    case "none": arguments.Reduction = Reduction.None; break;
                    case "mean": arguments.Reduction = Reduction.Mean; break;
                    case "sum": arguments.Reduction = Reduction.Sum; break;
                    case "batchmean": arguments.BatchMean = true; break;
                    default: throw new EvalException($"{text} is not a valid value for reduction");
                }
                continue;
            }
            if (def.Options.FirstOrDefault(o => o.Name == name) is { } option)
            {
                if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) continue;
                if (option.IsBoolean && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    throw new EvalException($"option '{name}' of {def.Name} must be true or false, not {value.GetRawText()}");
                arguments.Options[name] = CaseReader.OptionNumber(value, $"option '{name}'");
                continue;
            }
            if (def.Inputs.Any(i => i.Name == name))
            {
                if (c.Inputs.ContainsKey(name)) throw new EvalException($"'{name}' is given both as an input and as an option");
                if (CaseReader.OptionTensor(value, c.FloatType, $"option '{name}'") is { } tensor) arguments.Inputs[name] = tensor;
                continue;
            }
            if (name == "weight" && def.Kind != LossKind.Whole)
            {
                arguments.Weight = CaseReader.OptionTensor(value, c.FloatType, "option 'weight'");
                continue;
            }
            throw new EvalException($"unknown option '{name}' for {def.Name}" +
                                    (def.Options.Count > 0 ? $" (its options: reduction, {string.Join(", ", def.Options.Select(o => o.Name))})" : ""));
        }
        return arguments;
    }
}
