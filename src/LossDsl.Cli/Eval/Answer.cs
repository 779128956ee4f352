using System.Collections.Generic;
using System.Text.Json;

namespace LossDsl.Cli.Eval;

/// <summary>The answer to one case: the loss and the wanted gradients, or an error.</summary>
public sealed class Answer
{
    /// <summary>The case's id as written; <c>Undefined</c> is written as <c>null</c>.</summary>
    public JsonElement Id { get; init; }
    public LossTensor? Loss { get; init; }
    /// <summary>The gradients by input name, in the order the case asked for them.</summary>
    public IReadOnlyList<KeyValuePair<string, LossTensor>> Grad { get; init; } = [];
    /// <summary>The Hessian diagonals by input name, in the order the case asked for them.</summary>
    public IReadOnlyList<KeyValuePair<string, LossTensor>> Hess { get; init; } = [];
    /// <summary>Why the case has no answer, or null.</summary>
    public string? Error { get; init; }

    public bool IsError => Error is not null;

    public static Answer Failure(JsonElement id, string message) => new() { Id = id, Error = message };

    /// <summary>The Hessian diagonal of an input, or null.</summary>
    public LossTensor? HessOf(string name)
    {
        foreach (var (n, t) in Hess)
            if (n == name) return t;
        return null;
    }

    /// <summary>The gradient of an input, or null.</summary>
    public LossTensor? GradOf(string name)
    {
        foreach (var (n, t) in Grad)
            if (n == name) return t;
        return null;
    }
}
