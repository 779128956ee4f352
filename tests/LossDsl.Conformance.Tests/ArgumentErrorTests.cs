using LossDsl.Cli.Eval;
using Xunit;

namespace LossDsl.Conformance.Tests;

/// <summary>
/// A value the library refuses (a <c>require</c> clause's ArgumentException) is answered as the reference's error: its
/// message alone, not "internal error in ...", and without the " (Parameter '...')" .NET appends.
/// </summary>
public class ArgumentErrorTests
{
    [Theory]
    [InlineData("""{"id": "a", "loss": "binary_cross_entropy", "inputs": {"input": {"shape": [3], "data": [0.5, 1.5, 0.2]}, "target": {"shape": [3], "data": [0, 1, 0]}}, "grad": ["input"]}""",
        "all elements of input should be between 0 and 1")]
    [InlineData("""{"id": "b", "loss": "huber_loss", "options": {"delta": -1}, "inputs": {"input": {"shape": [2], "data": [0.5, 1.5]}, "target": {"shape": [2], "data": [0, 1]}}}""",
        "huber_loss does not support non-positive values for delta.")]
    [InlineData("""{"id": "c", "loss": "cross_entropy", "options": {"label_smoothing": 1.5}, "inputs": {"input": {"shape": [1, 3], "data": [0.5, 1.5, 0.2]}, "target": {"shape": [1], "dtype": "int64", "data": [1]}}}""",
        "label_smoothing must be between 0.0 and 1.0. Got: 1.5")]
    [InlineData("""{"id": "d", "loss": "cross_entropy", "options": {"ignore_index": 2}, "inputs": {"input": {"shape": [1, 3], "data": [0.5, 1.5, 0.2]}, "target": {"shape": [1, 3], "data": [0, 1, 0]}}}""",
        "ignore_index is not supported for floating point target")]
    public void ARefusedValue_IsAnsweredWithTheMessageAlone(string line, string message)
    {
        RegisteredLosses.EnsureLoaded();
        var answer = new Evaluator().EvaluateLine(line);
        Assert.True(answer.IsError, AnswerWriter.ToJson(answer));
        Assert.Equal(message, answer.Error);
    }

    [Fact]
    public void AnArgumentExceptionMessage_LosesOnlyItsParameterSuffix()
    {
        Assert.Equal("bad", Evaluator.ArgumentMessage(new System.ArgumentException("bad", "delta")));
        Assert.Equal("bad (Parameter 'x') here", Evaluator.ArgumentMessage(new System.ArgumentException("bad (Parameter 'x') here", "delta")));
        Assert.Equal("bad", Evaluator.ArgumentMessage(new System.ArgumentException("bad")));
    }
}
