using System.Collections.Generic;
using System.Text.Json;
using LossDsl.Cli.Eval;
using LossDsl.Conformance.Tests.Fakes;
using Xunit;

namespace LossDsl.Conformance.Tests;

/// <summary>Reading cases and writing answers: the protocol's JSON, named literals, shapes, bad lines.</summary>
public class JsonProtocolTests
{
    [Fact]
    public void CaseReadsNamedLiteralsScalarsAndIntegers()
    {
        var c = CaseReader.Parse("""
            {"id": "a", "loss": "mse_loss", "dtype": "float64",
             "inputs": {"input": {"shape": [3], "data": ["NaN", "Infinity", "-Infinity"]},
                        "target": {"shape": [], "data": [2.5]},
                        "index": {"shape": [2], "dtype": "int64", "data": [1, 7]}},
             "grad": ["input"]}
            """);
        Assert.Equal("a", c.Id.GetString());
        Assert.Equal(DType.Float64, c.DType);
        var input = c.Inputs["input"];
        Assert.Equal(new[] { 3 }, input.Shape);
        Assert.True(double.IsNaN(input.Data[0]));
        Assert.Equal(double.PositiveInfinity, input.Data[1]);
        Assert.Equal(double.NegativeInfinity, input.Data[2]);
        Assert.Empty(c.Inputs["target"].Shape);
        Assert.Equal(2.5, c.Inputs["target"].Data[0]);
        Assert.True(c.Inputs["index"].IsInteger);
        Assert.Equal(new[] { "input" }, c.Grad);
    }

    [Fact]
    public void Float32CasesAreRoundedToFloat()
    {
        var c = CaseReader.Parse("""{"id": 1, "loss": "mse_loss", "dtype": "float32", "inputs": {"input": {"shape": [1], "data": [0.1]}}}""");
        Assert.Equal((double)0.1f, c.Inputs["input"].Data[0]);
        Assert.Equal(TensorElementType.Float32, c.Inputs["input"].Type);
    }

    [Theory]
    [InlineData("""{"id": "x", "loss": "mse_loss", "inputs": {"input": {"shape": [2], "data": [1]}}}""", "\"x\"")]
    [InlineData("""{"id": 7, "loss": "mse_loss", "dtype": "float16", "inputs": {}}""", "7")]
    [InlineData("""{"id": "y", "loss": "mse_loss", "inputs": {"input": {"shape": [1], "data": ["nan"]}}}""", "\"y\"")]
    [InlineData("""{"id": "z", "loss": "mse_loss", "inputs": {"input": {"shape": [1], "dtype": "int64", "data": [1.5]}}}""", "\"z\"")]
    [InlineData("""{"id": "w", "loss": "mse_loss", "inputs": {"input": {"shape": [-1], "data": []}}}""", "\"w\"")]
    [InlineData("""{"id": "v", "inputs": {}}""", "\"v\"")]
    [InlineData("""{"id": "u", "loss": "mse_loss", "inputs": {"input": {"shape": [1], "data": [1]}}, "grad": "input"}""", "\"u\"")]
    [InlineData("""{"loss": "mse_loss", "inputs": 3}""", "null")]
    [InlineData("""not json at all""", "null")]
    [InlineData("""{"id": "t", "loss": "mse_loss", """, "null")]
    [InlineData("""[1, 2]""", "null")]
    [InlineData("""null""", "null")]
    public void BadLinesGetAnErrorWithTheirId(string line, string id)
    {
        var answer = FakeLosses.Evaluator.EvaluateLine(line);
        Assert.True(answer.IsError);
        using var doc = JsonDocument.Parse(AnswerWriter.ToJson(answer));
        Assert.Equal(id, doc.RootElement.GetProperty("id").GetRawText());
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("error").GetString()));
    }

    [Fact]
    public void AnswersWriteNamedLiteralsShapesAndFloat32()
    {
        var answer = new Answer
        {
            Id = JsonDocument.Parse("\"c1\"").RootElement,
            Loss = new LossTensor([3], [double.NaN, double.PositiveInfinity, double.NegativeInfinity]),
            Grad = [new("input", new LossTensor([], [(double)0.1f], TensorElementType.Float32)), new("target", new LossTensor([1, 2], [1.5, -2]))],
        };
        string json = AnswerWriter.ToJson(answer);
        Assert.Equal("""{"id":"c1","loss":{"shape":[3],"data":["NaN","Infinity","-Infinity"]},"grad":{"input":{"shape":[],"data":[0.1]},"target":{"shape":[1,2],"data":[1.5,-2]}}}""", json);

        var back = AnswerReader.Parse(json);
        Assert.True(double.IsNaN(back.Loss!.Data[0]));
        Assert.Equal(new[] { 1, 2 }, back.GradOf("target")!.Shape);
        Assert.Equal(0.1, back.GradOf("input")!.Data[0]);
    }

    [Fact]
    public void ErrorsWithoutIdWriteNull()
    {
        Assert.Equal("""{"id":null,"error":"it's \"bad\""}""", AnswerWriter.ToJson(Answer.Failure(default, "it's \"bad\"")));
    }

    [Fact]
    public void Float64ValuesRoundTrip()
    {
        var values = new[] { 0.1, 1.0 / 3, 1e-300, -123456789.123456789, double.Epsilon, double.MaxValue };
        var back = AnswerReader.Parse(AnswerWriter.ToJson(new Answer { Loss = new LossTensor([values.Length], values) }));
        Assert.Equal(values, back.Loss!.Data);
    }

    [Fact]
    public void WriterBuffersLinesUntilFlushed()
    {
        var stream = new System.IO.MemoryStream();
        using var writer = new AnswerWriter(stream);
        writer.Write(Answer.Failure(default, "a"));
        writer.Write(new Answer { Loss = LossTensor.Scalar(1) });
        writer.Flush();
        var lines = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("""{"id":null,"error":"a"}""", lines[0]);
        Assert.Equal("""{"id":null,"loss":{"shape":[],"data":[1]}}""", lines[1]);
        Assert.Equal("", lines[2]);
    }

    [Fact]
    public void ShapesBroadcastAndSumBack()
    {
        Assert.Equal(new[] { 2, 3 }, TensorShapes.TryBroadcast([2, 1], [3], out _));
        Assert.Null(TensorShapes.TryBroadcast([2], [3], out string? error));
        Assert.Contains("must match", error);
        var expanded = TensorShapes.Expand([1, 2], [2, 1], [2, 3]);
        Assert.Equal(new double[] { 1, 1, 1, 2, 2, 2 }, expanded);
        Assert.Equal(new double[] { 1, 2, 3, 1, 2, 3 }, TensorShapes.Expand([1, 2, 3], [3], [2, 3]));
        Assert.Equal(new double[] { 3, 6 }, TensorShapes.SumTo(expanded, [2, 3], [2, 1]));
        Assert.Equal(new double[] { 9 }, TensorShapes.SumTo(expanded, [2, 3], []));
        Assert.Equal(new double[] { 3, 3, 3 }, TensorShapes.SumTo(expanded, [2, 3], [3]));
    }

    [Fact]
    public void OptionTensorsMayBeWrittenShort()
    {
        Assert.Equal(new[] { 3 }, CaseReader.OptionTensor(JsonDocument.Parse("[1, 2, \"NaN\"]").RootElement, TensorElementType.Float64, "w")!.Shape);
        Assert.Empty(CaseReader.OptionTensor(JsonDocument.Parse("2").RootElement, TensorElementType.Float64, "w")!.Shape);
        Assert.Null(CaseReader.OptionTensor(JsonDocument.Parse("null").RootElement, TensorElementType.Float64, "w"));
    }
}
