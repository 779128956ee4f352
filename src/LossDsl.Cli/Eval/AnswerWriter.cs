using System;
using System.Buffers;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LossDsl.Cli.Eval;

/// <summary>
/// Writes answers as JSON Lines: <c>{"id": ..., "loss": {...}, "grad": {...}}</c> or <c>{"id": ..., "error": "..."}</c>,
/// non-finite numbers as the named literals <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>, float32 values in
/// float's shortest round-trip form. Output is buffered; <see cref="Flush"/> pushes it to the stream.
/// </summary>
public sealed class AnswerWriter : IDisposable
{
    private const int FlushThreshold = 1 << 16;
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);
    private readonly Utf8JsonWriter _json;

    public AnswerWriter(Stream output)
    {
        _output = output;
        _json = new Utf8JsonWriter(_buffer, s_options);
    }

    /// <summary>Appends one answer line (written out once enough has gathered, or on <see cref="Flush"/>).</summary>
    public void Write(Answer answer)
    {
        WriteAnswer(_json, answer);
        _json.Flush();
        _json.Reset();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        if (_buffer.WrittenCount >= FlushThreshold) Drain();
    }

    /// <summary>Writes out everything buffered and flushes the stream.</summary>
    public void Flush()
    {
        Drain();
        _output.Flush();
    }

    private void Drain()
    {
        if (_buffer.WrittenCount == 0) return;
        _output.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    public void Dispose()
    {
        Flush();
        _json.Dispose();
    }

    /// <summary>One answer as a JSON line (without the newline).</summary>
    public static string ToJson(Answer answer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, s_options)) WriteAnswer(json, answer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteAnswer(Utf8JsonWriter json, Answer answer)
    {
        json.WriteStartObject();
        json.WritePropertyName("id");
        if (answer.Id.ValueKind == JsonValueKind.Undefined) json.WriteNullValue();
        else answer.Id.WriteTo(json);
        if (answer.Error is not null)
        {
            json.WriteString("error", answer.Error);
        }
        else
        {
            if (answer.Loss is not null)
            {
                json.WritePropertyName("loss");
                WriteTensor(json, answer.Loss);
            }
            if (answer.Grad.Count > 0)
            {
                json.WriteStartObject("grad");
                foreach (var (name, tensor) in answer.Grad)
                {
                    json.WritePropertyName(name);
                    WriteTensor(json, tensor);
                }
                json.WriteEndObject();
            }
            if (answer.Hess.Count > 0)
            {
                json.WriteStartObject("hess");
                foreach (var (name, tensor) in answer.Hess)
                {
                    json.WritePropertyName(name);
                    WriteTensor(json, tensor);
                }
                json.WriteEndObject();
            }
        }
        json.WriteEndObject();
    }

    /// <summary>Writes <c>{"shape": [...], "data": [...]}</c> (with <c>"dtype": "int64"</c> for integer tensors).</summary>
    public static void WriteTensor(Utf8JsonWriter json, LossTensor tensor)
    {
        json.WriteStartObject();
        json.WriteStartArray("shape");
        foreach (int d in tensor.Shape) json.WriteNumberValue(d);
        json.WriteEndArray();
        if (tensor.Type == TensorElementType.Int64) json.WriteString("dtype", "int64");
        json.WriteStartArray("data");
        foreach (double d in tensor.Data) WriteNumber(json, d, tensor.Type);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, double value, TensorElementType type)
    {
        if (double.IsNaN(value)) json.WriteStringValue("NaN");
        else if (double.IsPositiveInfinity(value)) json.WriteStringValue("Infinity");
        else if (double.IsNegativeInfinity(value)) json.WriteStringValue("-Infinity");
        else if (type == TensorElementType.Float32)
        {
            float f = (float)value;
            if (float.IsInfinity(f)) json.WriteStringValue(f > 0 ? "Infinity" : "-Infinity");
            else json.WriteNumberValue(f);
        }
        else if (type == TensorElementType.Int64) json.WriteNumberValue((long)value);
        else json.WriteNumberValue(value);
    }
}
