using System;
using System.Collections.Generic;
using System.Text.Json;

namespace LossDsl.Cli.Eval;

/// <summary>A line that is not a well-formed case; <see cref="Id"/> is the case's id when it could be read.</summary>
public sealed class CaseFormatException(JsonElement id, string message, Exception? inner = null) : Exception(message, inner)
{
    public JsonElement Id { get; } = id;
}

/// <summary>Reads case lines (JSON) into <see cref="Case"/>s, checking the protocol's structure but nothing loss-specific.</summary>
public static class CaseReader
{
    /// <summary>Reads one line of UTF-8 JSON.</summary>
    /// <exception cref="CaseFormatException">The line is not a well-formed case.</exception>
    public static Case Parse(ReadOnlySpan<byte> utf8Line)
    {
        CaseJson? json;
        try
        {
            json = JsonSerializer.Deserialize(utf8Line, ProtocolJsonContext.Default.CaseJson);
        }
        catch (JsonException e)
        {
            throw new CaseFormatException(TryReadId(utf8Line), "invalid case: " + e.Message, e);
        }
        return FromJson(json);
    }

    /// <summary>Reads one line of JSON text.</summary>
    public static Case Parse(string line) => Parse(System.Text.Encoding.UTF8.GetBytes(line));

    /// <summary>Reads a case given as a JSON element (as in a fixture file).</summary>
    public static Case Parse(JsonElement element)
    {
        CaseJson? json;
        try
        {
            json = element.Deserialize(ProtocolJsonContext.Default.CaseJson);
        }
        catch (JsonException e)
        {
            JsonElement id = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var v) ? v.Clone() : default;
            throw new CaseFormatException(id, "invalid case: " + e.Message, e);
        }
        return FromJson(json);
    }

    private static Case FromJson(CaseJson? json)
    {
        if (json is null) throw new CaseFormatException(default, "invalid case: not a JSON object");
        var id = json.Id;
        try
        {
            if (string.IsNullOrEmpty(json.Loss)) throw new EvalException("the case has no \"loss\"");
            var dtype = json.Dtype switch
            {
                null or "float64" => DType.Float64,
                "float32" => DType.Float32,
                _ => throw new EvalException($"unknown dtype \"{json.Dtype}\" (float64 or float32)"),
            };
            var floatType = dtype == DType.Float32 ? TensorElementType.Float32 : TensorElementType.Float64;
            if (json.Inputs is null) throw new EvalException("the case has no \"inputs\"");
            var inputs = new Dictionary<string, LossTensor>(StringComparer.Ordinal);
            foreach (var (name, t) in json.Inputs)
                inputs[name] = ToTensor(t, floatType, $"input '{name}'");
            return new Case
            {
                Id = id,
                Loss = json.Loss,
                DType = dtype,
                Options = json.Options ?? new Dictionary<string, JsonElement>(),
                Inputs = inputs,
                Grad = json.Grad ?? [],
                Hess = json.Hess ?? [],
                GradOutput = json.GradOutput is null ? null : ToTensor(json.GradOutput, floatType, "grad_output"),
            };
        }
        catch (EvalException e)
        {
            throw new CaseFormatException(id, e.Message, e);
        }
    }

    /// <summary>Turns a written tensor into a <see cref="LossTensor"/>, rounding floating values to <paramref name="floatType"/>.</summary>
    public static LossTensor ToTensor(TensorJson? json, TensorElementType floatType, string what)
    {
        if (json is null) throw new EvalException($"{what} is null");
        if (json.Data is null) throw new EvalException($"{what} has no \"data\"");
        int[] shape = json.Shape ?? [json.Data.Length];
        foreach (int d in shape)
            if (d < 0) throw new EvalException($"{what} has a negative dimension in shape {TensorShapes.Format(shape)}");
        if (TensorShapes.Count(shape) != json.Data.Length)
            throw new EvalException($"{what} has shape {TensorShapes.Format(shape)} ({TensorShapes.Count(shape)} values) but {json.Data.Length} values");
        TensorElementType type = json.Dtype switch
        {
            null => floatType,
            "float64" or "float32" => floatType,
            "int64" or "int32" or "long" or "int" or "bool" => TensorElementType.Int64,
            _ => throw new EvalException($"{what} has unknown dtype \"{json.Dtype}\""),
        };
        if (type == TensorElementType.Int64)
        {
            foreach (double d in json.Data)
                if (double.IsNaN(d) || double.IsInfinity(d) || d != Math.Floor(d))
                    throw new EvalException($"{what} is int64 but holds {d}");
            return new LossTensor(shape, json.Data, type);
        }
        return new LossTensor(shape, json.Data).To(type);
    }

    /// <summary>An option's tensor value: a tensor object, a bare number (a scalar) or an array of numbers (1-D); null for JSON null.</summary>
    public static LossTensor? OptionTensor(JsonElement value, TensorElementType floatType, string what)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Object:
                return ToTensor(value.Deserialize(ProtocolJsonContext.Default.TensorJson), floatType, what);
            case JsonValueKind.Array:
                return ToTensor(new TensorJson { Data = value.Deserialize(ProtocolJsonContext.Default.DoubleArray) }, floatType, what);
            case JsonValueKind.Number:
            case JsonValueKind.String:
                return LossTensor.Scalar(OptionNumber(value, what)).To(floatType);
            default:
                throw new EvalException($"{what} must be a tensor");
        }
    }

    /// <summary>A number written as a JSON number or a named literal (<c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>); booleans read as 1 or 0.</summary>
    public static double OptionNumber(JsonElement value, string what)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number: return value.GetDouble();
            case JsonValueKind.True: return 1;
            case JsonValueKind.False: return 0;
            case JsonValueKind.String:
                switch (value.GetString())
                {
                    case "NaN": return double.NaN;
                    case "Infinity": return double.PositiveInfinity;
                    case "-Infinity": return double.NegativeInfinity;
                }
                break;
        }
        throw new EvalException($"{what} must be a number, not {value.GetRawText()}");
    }

    /// <summary>Best effort: the id of a line that failed to read as a case (default when the line is not a JSON object).</summary>
    private static JsonElement TryReadId(ReadOnlySpan<byte> utf8Line)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Line);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("id", out var id))
                return id.Clone();
        }
        catch (JsonException)
        {
        }
        return default;
    }
}
