using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace LossDsl.Cli.Eval;

/// <summary>One case of a fixture file, run and compared with the reference's answer.</summary>
public sealed record FixtureResult(int Line, string Id, string Loss, List<string> Problems)
{
    public bool Passed => Problems.Count == 0;
    public override string ToString() => $"line {Line}, id {Id} ({Loss}): {string.Join("; ", Problems)}";
}

/// <summary>Runs fixture files: JSON Lines of <c>{"case": {...}, "expected": {...}}</c>.</summary>
public static class Fixtures
{
    public static IEnumerable<FixtureResult> Run(Evaluator evaluator, string path)
    {
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return RunLine(evaluator, line, lineNumber);
        }
    }

    public static FixtureResult RunLine(Evaluator evaluator, string line, int lineNumber)
    {
        FixtureJson? fixture;
        try
        {
            fixture = JsonSerializer.Deserialize(line, ProtocolJsonContext.Default.FixtureJson);
        }
        catch (JsonException e)
        {
            return new FixtureResult(lineNumber, "?", "?", [$"unreadable fixture line: {e.Message}"]);
        }
        if (fixture is null || fixture.Case.ValueKind != JsonValueKind.Object || fixture.Expected is null)
            return new FixtureResult(lineNumber, "?", "?", ["a fixture line needs \"case\" and \"expected\""]);

        var c = fixture.Case;
        string id = c.TryGetProperty("id", out var idElement) ? idElement.ToString() : "?";
        string loss = c.TryGetProperty("loss", out var lossElement) ? lossElement.ToString() : "?";
        var dtype = c.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String && d.GetString() == "float32" ? DType.Float32 : DType.Float64;

        Answer expected;
        try
        {
            expected = AnswerReader.FromJson(fixture.Expected);
        }
        catch (Exception e)
        {
            return new FixtureResult(lineNumber, id, loss, [$"unreadable expected answer: {e.Message}"]);
        }
        var actual = evaluator.Evaluate(c);
        return new FixtureResult(lineNumber, id, loss, AnswerComparer.Compare(actual, expected, dtype));
    }
}
