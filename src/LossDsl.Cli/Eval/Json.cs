using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LossDsl.Cli.Eval;

/// <summary>A tensor as the protocol writes it: <c>{"shape": [...], "data": [...], "dtype": "int64"}</c>.</summary>
public sealed class TensorJson
{
    public int[]? Shape { get; set; }
    public double[]? Data { get; set; }
    public string? Dtype { get; set; }
}

/// <summary>One case line as written (see conformance.md); checked and turned into a <see cref="Case"/> by <see cref="CaseReader"/>.</summary>
public sealed class CaseJson
{
    public JsonElement Id { get; set; }
    public string? Loss { get; set; }
    public string? Dtype { get; set; }
    public Dictionary<string, JsonElement>? Options { get; set; }
    public Dictionary<string, TensorJson>? Inputs { get; set; }
    public List<string>? Grad { get; set; }
    public List<string>? Hess { get; set; }
    public TensorJson? GradOutput { get; set; }
}

/// <summary>One answer line as written.</summary>
public sealed class AnswerJson
{
    public JsonElement Id { get; set; }
    public TensorJson? Loss { get; set; }
    public Dictionary<string, TensorJson>? Grad { get; set; }
    public Dictionary<string, TensorJson>? Hess { get; set; }
    public string? Error { get; set; }
}

/// <summary>One line of a fixture file: a case and the reference's answer to it.</summary>
public sealed class FixtureJson
{
    public JsonElement Case { get; set; }
    public AnswerJson? Expected { get; set; }
}

/// <summary>
/// The serializer settings of the protocol: snake_case names, and the named literals <c>"NaN"</c>, <c>"Infinity"</c>,
/// <c>"-Infinity"</c> for non-finite numbers.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(CaseJson))]
[JsonSerializable(typeof(AnswerJson))]
[JsonSerializable(typeof(FixtureJson))]
[JsonSerializable(typeof(TensorJson))]
[JsonSerializable(typeof(double[]))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
