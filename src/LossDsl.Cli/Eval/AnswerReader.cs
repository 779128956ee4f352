using System;
using System.Collections.Generic;
using System.Text.Json;

namespace LossDsl.Cli.Eval;

/// <summary>Reads answer lines (ours or a reference's) back into <see cref="Answer"/>s, for checks and tests.</summary>
public static class AnswerReader
{
    public static Answer Parse(string line) =>
        FromJson(JsonSerializer.Deserialize(line, ProtocolJsonContext.Default.AnswerJson)
                 ?? throw new JsonException("an answer must be a JSON object"));

    public static Answer FromJson(AnswerJson json)
    {
        if (json.Error is not null) return Answer.Failure(json.Id, json.Error);
        var grads = new List<KeyValuePair<string, LossTensor>>();
        if (json.Grad is not null)
            foreach (var (name, t) in json.Grad)
                grads.Add(new(name, CaseReader.ToTensor(t, TensorElementType.Float64, $"grad '{name}'")));
        var hess = new List<KeyValuePair<string, LossTensor>>();
        if (json.Hess is not null)
            foreach (var (name, t) in json.Hess)
                hess.Add(new(name, CaseReader.ToTensor(t, TensorElementType.Float64, $"hess '{name}'")));
        return new Answer
        {
            Hess = hess,
            Id = json.Id,
            Loss = json.Loss is null ? null : CaseReader.ToTensor(json.Loss, TensorElementType.Float64, "loss"),
            Grad = grads,
        };
    }
}
