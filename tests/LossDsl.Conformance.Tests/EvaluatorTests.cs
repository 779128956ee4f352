using System;
using System.Linq;
using LossDsl.Cli.Eval;
using LossDsl.Conformance.Tests.Fakes;
using Xunit;

namespace LossDsl.Conformance.Tests;

/// <summary>The evaluator's generic mapping of cases onto kernels, checked against hand-written fake losses.</summary>
public class EvaluatorTests
{
    private static Answer Eval(string line)
    {
        var answer = FakeLosses.Evaluator.EvaluateLine(line);
        return answer;
    }

    private static Answer Ok(string line)
    {
        var answer = Eval(line);
        Assert.False(answer.IsError, answer.Error);
        return answer;
    }

    private static string Error(string line)
    {
        var answer = Eval(line);
        Assert.True(answer.IsError, "expected an error, got " + AnswerWriter.ToJson(answer));
        return answer.Error!;
    }

    private const string X = """{"shape": [2, 2], "data": [1, 2, 3, 4]}""";
    private const string Y = """{"shape": [2, 2], "data": [0, 0, 1, 1]}""";

    [Fact]
    public void MeanSumAndNoneOfAnElementwiseLoss()
    {
        var mean = Ok($$$"""{"id": 1, "loss": "mse_loss", "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["input", "target"]}""");
        Assert.Empty(mean.Loss!.Shape);
        Assert.Equal((1 + 4 + 4 + 9) / 4.0, mean.Loss.Data[0]);
        Assert.Equal(new[] { 2, 2 }, mean.GradOf("input")!.Shape);
        Assert.Equal(new[] { 0.5, 1, 1, 1.5 }, mean.GradOf("input")!.Data);
        Assert.Equal(new[] { -0.5, -1, -1, -1.5 }, mean.GradOf("target")!.Data);

        var sum = Ok($$$"""{"id": 2, "loss": "mse_loss", "options": {"reduction": "sum"}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}}""");
        Assert.Equal(18.0, sum.Loss!.Data[0]);
        Assert.Empty(sum.Grad);

        var none = Ok($$$"""{"id": 3, "loss": "mse_loss", "options": {"reduction": "none"}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["input"], "grad_output": {"shape": [2, 2], "data": [1, 0, -1, 2]}}""");
        Assert.Equal(new[] { 2, 2 }, none.Loss!.Shape);
        Assert.Equal(new double[] { 1, 4, 4, 9 }, none.Loss.Data);
        Assert.Equal(new double[] { 2, 0, -4, 12 }, none.GradOf("input")!.Data);
    }

    [Fact]
    public void ScalarTargetBroadcastsAndItsGradientIsSummed()
    {
        var a = Ok($$$"""{"id": 1, "loss": "mse_loss", "options": {"reduction": "sum"}, "inputs": {"input": {{{X}}}, "target": {"shape": [], "data": [1]}}, "grad": ["target"]}""");
        Assert.Equal(0 + 1 + 4 + 9.0, a.Loss!.Data[0]);
        var g = a.GradOf("target")!;
        Assert.Empty(g.Shape);
        Assert.Equal(-2 * (0 + 1 + 2 + 3.0), g.Data[0]);

        var b = Ok($$$"""{"id": 2, "loss": "mse_loss", "options": {"reduction": "none"}, "inputs": {"input": {"shape": [2], "data": [1, 2]}, "target": {{{Y}}}}, "grad": ["input"]}""");
        Assert.Equal(new[] { 2, 2 }, b.Loss!.Shape);
        Assert.Equal(new[] { 2 }, b.GradOf("input")!.Shape);
        Assert.Equal(new double[] { 2 * 1 + 2 * 0, 2 * 2 + 2 * 1 }, b.GradOf("input")!.Data);

        Assert.Contains("must match the size", Error($$$"""{"id": 3, "loss": "mse_loss", "inputs": {"input": {"shape": [3], "data": [1, 2, 3]}, "target": {{{Y}}}}}"""));
    }

    [Fact]
    public void WeightOptionBroadcastsToTheInput()
    {
        var a = Ok($$$"""{"id": 1, "loss": "mse_loss", "options": {"reduction": "sum", "weight": {"shape": [2], "data": [1, 0]}}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["input"]}""");
        Assert.Equal(1 + 4.0, a.Loss!.Data[0]);
        Assert.Equal(new double[] { 2, 0, 4, 0 }, a.GradOf("input")!.Data);
        Assert.Contains("doesn't match the broadcast shape",
            Error($$$"""{"id": 2, "loss": "mse_loss", "options": {"weight": {"shape": [3, 2, 2], "data": [1,1,1,1,1,1,1,1,1,1,1,1]}}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}}"""));
    }

    [Fact]
    public void UpstreamGradientOfAReducedLossScales()
    {
        var a = Ok($$$"""{"id": 1, "loss": "mse_loss", "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["input"], "grad_output": {"shape": [], "data": [2]}}""");
        Assert.Equal(new[] { 1.0, 2, 2, 3 }, a.GradOf("input")!.Data);
        Assert.Contains("must match", Error($$$"""{"id": 1, "loss": "mse_loss", "options": {"reduction": "none"}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["input"], "grad_output": {"shape": [4], "data": [1,1,1,1]}}"""));
    }

    [Fact]
    public void Float32IsComputedAndWrittenInFloat()
    {
        var a = Ok("""{"id": 1, "loss": "mse_loss", "dtype": "float32", "inputs": {"input": {"shape": [1], "data": [0.1]}, "target": {"shape": [1], "data": [0]}}}""");
        Assert.Equal(TensorElementType.Float32, a.Loss!.Type);
        Assert.Equal((double)(0.1f * 0.1f), a.Loss.Data[0], 1e-12);
        Assert.Contains("0.01", AnswerWriter.ToJson(a));
    }

    [Fact]
    public void RowLossesGiveOneValuePerRow()
    {
        var none = Ok($$$"""{"id": 1, "loss": "fake_row_loss", "options": {"reduction": "none"}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["input"]}""");
        Assert.Equal(new[] { 2 }, none.Loss!.Shape);
        Assert.Equal(new[] { (1 + 4) / 2.0, (4 + 9) / 2.0 }, none.Loss.Data);
        Assert.Equal(new[] { 1.0, 2, 2, 3 }, none.GradOf("input")!.Data);

        var one = Ok("""{"id": 2, "loss": "fake_row_loss", "options": {"reduction": "none"}, "inputs": {"input": {"shape": [2], "data": [1, 2]}, "target": {"shape": [2], "data": [0, 0]}}}""");
        Assert.Empty(one.Loss!.Shape);
        Assert.Equal(2.5, one.Loss.Data[0]);

        var mean = Ok($$$"""{"id": 3, "loss": "fake_row_loss", "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["input"]}""");
        Assert.Equal((2.5 + 6.5) / 2, mean.Loss!.Data[0]);
        Assert.Equal(new[] { 0.5, 1, 1, 1.5 }, mean.GradOf("input")!.Data);

        var scalar = Ok("""{"id": 4, "loss": "fake_row_loss", "options": {"reduction": "none"}, "inputs": {"input": {"shape": [], "data": [3]}, "target": {"shape": [], "data": [1]}}}""");
        Assert.Empty(scalar.Loss!.Shape);
        Assert.Equal(4.0, scalar.Loss.Data[0]);
    }

    [Fact]
    public void OptionsAreReadByName()
    {
        var a = Ok($$$"""{"id": 1, "loss": "fake_row_loss", "options": {"reduction": "sum", "scale": 2, "negate": true}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}}""");
        Assert.Equal(-2 * 9.0, a.Loss!.Data[0]);
        var b = Ok($$$"""{"id": 2, "loss": "fake_row_loss", "options": {"reduction": "sum", "scale": null}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}}""");
        Assert.Equal(9.0, b.Loss!.Data[0]);
        Assert.Contains("true or false", Error($$$"""{"id": 3, "loss": "fake_row_loss", "options": {"negate": 1}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}}"""));
        Assert.Contains("unknown option 'margin'", Error($$$"""{"id": 4, "loss": "fake_row_loss", "options": {"margin": 1}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}}"""));
        Assert.Contains("not a valid value for reduction", Error($$$"""{"id": 5, "loss": "mse_loss", "options": {"reduction": "batchmean"}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}}"""));
        Assert.Contains("not a valid value for reduction", Error($$$"""{"id": 6, "loss": "mse_loss", "options": {"reduction": "avg"}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}}"""));
        Assert.Contains("unknown option 'weight'", Error($$$"""{"id": 7, "loss": "rmse", "options": {"weight": [1, 2]}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}}"""));
    }

    [Fact]
    public void OptionalInputsMayBeLeftOutOrGivenAsOptions()
    {
        var a = Ok($$$"""{"id": 1, "loss": "fake_row_loss", "options": {"reduction": "sum", "offset": {"shape": [2], "data": [1, 3]}}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["offset"]}""");
        Assert.Equal(9.0 + 2 * 2, a.Loss!.Data[0]);
        Assert.Equal(new[] { 2 }, a.GradOf("offset")!.Shape);
        Assert.Equal(new[] { 1.0, 1 }, a.GradOf("offset")!.Data);
        Assert.Contains("not given", Error($$$"""{"id": 2, "loss": "fake_row_loss", "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["offset"]}"""));
    }

    [Fact]
    public void WholeLossesIgnoreTheReduction()
    {
        foreach (string reduction in new[] { "none", "mean", "sum" })
        {
            var a = Ok($$$"""{"id": 1, "loss": "rmse", "options": {"reduction": "{{{reduction}}}"}, "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["input"]}""");
            Assert.Empty(a.Loss!.Shape);
            Assert.Equal(Math.Sqrt(18 / 4.0), a.Loss.Data[0], 1e-15);
        }
    }

    [Fact]
    public void CasesTheEngineRefuses()
    {
        Assert.Contains("unknown loss 'nope'", Error("""{"id": 1, "loss": "nope", "inputs": {}}"""));
        Assert.Contains("needs input 'target'", Error($$$"""{"id": 2, "loss": "mse_loss", "inputs": {"input": {{{X}}}}}"""));
        Assert.Contains("has no input 'label'", Error($$$"""{"id": 3, "loss": "mse_loss", "inputs": {"input": {{{X}}}, "target": {{{Y}}}, "label": {{{Y}}}}}"""));
        Assert.Contains("not differentiable", Error($$$"""{"id": 4, "loss": "fake_row_loss", "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["target"]}"""));
        Assert.Contains("has no input 'weight'", Error($$$"""{"id": 5, "loss": "mse_loss", "inputs": {"input": {{{X}}}, "target": {{{Y}}}}, "grad": ["weight"]}"""));
        Assert.Contains("integer", Error($$$"""{"id": 6, "loss": "mse_loss", "inputs": {"input": {"shape": [1], "dtype": "int64", "data": [1]}, "target": {"shape": [1], "data": [1]}}, "grad": ["input"]}"""));
    }

    [Fact]
    public void KernelExceptionsBecomeErrors()
    {
        var throwing = new LossDsl.Cli.Eval.Evaluator((string name, out ILossDefinition d) => { d = new ThrowingLoss(); return true; });
        var answer = throwing.EvaluateLine("""{"id": "boom", "loss": "x", "inputs": {"input": {"shape": [1], "data": [1]}}}""");
        Assert.True(answer.IsError);
        Assert.Equal("boom", answer.Id.GetString());
        Assert.Contains("kaboom", answer.Error);
    }

    [Fact]
    public void GarbageNeverThrows()
    {
        string[] lines =
        [
            "", " ", "{}", "{\"id\": {}}", "{\"loss\": 3}", "{\"loss\": \"mse_loss\", \"inputs\": {\"input\": null}}",
            "{\"loss\": \"mse_loss\", \"inputs\": {\"input\": {\"shape\": [1e10], \"data\": []}}}",
            "{\"loss\": \"mse_loss\", \"inputs\": {\"input\": {\"shape\": [2147483647, 2147483647], \"data\": [1]}}}",
            "{\"loss\": \"mse_loss\", \"options\": {\"reduction\": 3}, \"inputs\": {}}",
            "{\"loss\": \"mse_loss\", \"options\": [], \"inputs\": {}}", "\"str\"", "1e400", "{\"id\": 1e400}",
            "{\"loss\": \"fake_row_loss\", \"options\": {\"scale\": \"abc\"}, \"inputs\": {\"input\": {\"shape\": [0], \"data\": []}, \"target\": {\"shape\": [0], \"data\": []}}}",
            "{\"loss\": \"fake_row_loss\", \"options\": {\"reduction\": \"none\"}, \"inputs\": {\"input\": {\"shape\": [0, 3], \"data\": []}, \"target\": {\"shape\": [0, 3], \"data\": []}}}",
        ];
        foreach (string line in lines)
        {
            var answer = Eval(line);
            Assert.NotNull(AnswerWriter.ToJson(answer));
        }
    }

    private sealed class ThrowingLoss : ILossDefinition
    {
        public string Name => "x";
        public string Formula => "";
        public LossKind Kind => LossKind.Elementwise;
        public System.Collections.Generic.IReadOnlyList<LossInput> Inputs { get; } = [new("input", true, null)];
        public System.Collections.Generic.IReadOnlyList<LossOption> Options { get; } = [];
        public void Evaluate(LossCall<float> call) => throw new InvalidOperationException("kaboom");
        public void Evaluate(LossCall<double> call) => throw new InvalidOperationException("kaboom");
    }
}
