using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using LossDsl.Generator.Emit;
using LossDsl.Generator.Plan;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// The run plan (Plan/RunPlan) as data: Run's, RunHessian's and RunRows' parameters with their roles, types and
/// names; and the calls generated from it, whose every argument is a variable of the parameter's name or named.
/// </summary>
public class RunPlanTests
{
    private static Model.LossModel Model(string text)
    {
        var unit = Compiler.Compile(new Model.FormulaSource("/src/f.loss", text, Generator.Model.SourceMap.File, "N", null, "public",
            Generator.Model.EquatableArray<Diagnostics.DiagnosticInfo>.Empty));
        Assert.Empty(unit.Diagnostics);
        return Assert.Single(unit.Losses);
    }

    [Fact]
    public void AnElementwiseLoss_RunTakesInputsOptionsWeightReductionAndGradients_InOrder()
    {
        var plan = RunPlan.Of(Model("loss l(x, const y; delta = 1.0) = delta * (x - y)^2").Loss);
        Assert.Equal(new RunParameter[]
        {
            new(ParameterRole.Input, ParameterType.Values, "x", 0),
            new(ParameterRole.Input, ParameterType.Values, "y", 1),
            new(ParameterRole.Option, ParameterType.Scalar, "delta", 0),
            new(ParameterRole.Weight, ParameterType.Values, "weight"),
            new(ParameterRole.Reduction, ParameterType.Reduction, "reduction"),
            new(ParameterRole.Output, ParameterType.Outputs, "output"),
            new(ParameterRole.Gradients, ParameterType.Flag, "gradients"),
            new(ParameterRole.GradOutputs, ParameterType.Values, "gradOutputs"),
            new(ParameterRole.GradOutput, ParameterType.Scalar, "gradOutput"),
            new(ParameterRole.Gradient, ParameterType.Outputs, "xGrad", 0),
        }, plan.Run);
        // RunHessian: Run's without the gradients flag, then the policy and the Hessian spans; no RunRows.
        Assert.Equal(plan.Run.Where(p => p.Role != ParameterRole.Gradients).Concat(new RunParameter[]
        {
            new(ParameterRole.HessianPolicy, ParameterType.HessianPolicy, "hessianPolicy"),
            new(ParameterRole.Hessian, ParameterType.Outputs, "xHess", 0),
        }), plan.Hessian);
        Assert.Empty(plan.Rows);
    }

    [Fact]
    public void ARowLoss_TakesTheRowLength_IndexInputsAsIntegers_AndRunRowsTheDivisorAndFirstRow()
    {
        var plan = RunPlan.Of(Model("loss l(x, const index t) = logsumexp(x) - x[t] + row").Loss);
        Assert.Equal(new RunParameter(ParameterRole.Input, ParameterType.Indices, "t", 1), plan.Run[1]);
        Assert.Equal(new RunParameter(ParameterRole.RowLength, ParameterType.Count, "rowLength"), plan.Run[2]);
        Assert.DoesNotContain(plan.Run, p => p.Role == ParameterRole.Weight);
        Assert.Empty(plan.Hessian);
        Assert.Equal(plan.Run.Concat(new RunParameter[]
        {
            new(ParameterRole.Divisor, ParameterType.Scalar, "divisor"),
            new(ParameterRole.FirstRow, ParameterType.Count, "firstRow"),
        }), plan.Rows);
    }

    [Fact]
    public void AWholeLoss_HasNoReductionNorPerElementSpans()
    {
        var plan = RunPlan.Of(Model("loss l(x, y) = sqrt(mean_all((x - y)^2))").Loss);
        Assert.Equal(new[] { ParameterRole.Input, ParameterRole.Input, ParameterRole.Gradients, ParameterRole.GradOutput, ParameterRole.Gradient, ParameterRole.Gradient },
            plan.Run.Select(p => p.Role));
        Assert.Equal(new[] { 0, 1 }, plan.Run.Where(p => p.Role == ParameterRole.Gradient).Select(p => p.Index));
    }

    [Fact]
    public void ANameOfGeneratedCode_IsRenamed_ButFoundByItsRoleAndIndex()
    {
        var plan = RunPlan.Of(Model("loss l(n, const chunks; scale = 2.0) = scale * (n - chunks)^2").Loss);
        Assert.Equal(new RunParameter(ParameterRole.Input, ParameterType.Values, "n_", 0), plan.Run[0]);
        Assert.Equal(new RunParameter(ParameterRole.Input, ParameterType.Values, "chunks_", 1), plan.Run[1]);
        Assert.Equal(new RunParameter(ParameterRole.Option, ParameterType.Scalar, "scale_", 0), plan.Run[2]);
        Assert.Single(plan.Run, p => p.Carries(ParameterRole.Output));
    }

    [Fact]
    public void Plans_AreValueEqual_AcrossCompilations_AndDifferWhenTheLossDoes()
    {
        const string text = "loss l(x, const index t; s = 0.0) = logsumexp(x) - x[t] + s * mean(x)";
        Assert.Equal(RunPlan.Of(Model(text).Loss), RunPlan.Of(Model(text).Loss));
        Assert.NotEqual(RunPlan.Of(Model(text).Loss), RunPlan.Of(Model(text.Replace("const index t", "const index u").Replace("[t]", "[u]")).Loss));
    }

    /// <summary>Splits an argument list at its top-level commas.</summary>
    private static string[] Arguments(string list)
    {
        var parts = new System.Collections.Generic.List<string>();
        int depth = 0, start = 0;
        for (int k = 0; k < list.Length; k++)
        {
            if (list[k] is '(' or '[' or '<') depth++;
            else if (list[k] is ')' or ']' or '>') depth--;
            else if (list[k] == ',' && depth == 0) { parts.Add(list.Substring(start, k - start).Trim()); start = k + 1; }
        }
        parts.Add(list.Substring(start).Trim());
        return parts.ToArray();
    }

    [Fact]
    public void EveryArgumentOfAGeneratedRunCall_IsAVariableOfTheParametersName_OrNamed()
    {
        var call = new Regex(@"\b(Run|RunHessian|RunRows|RunChunked)<\w+>\((.+)\);", RegexOptions.CultureInvariant);
        var plain = new Regex(@"^@?[A-Za-z_]\w*$|^@?[A-Za-z_]\w*: ", RegexOptions.CultureInvariant);
        int calls = 0;
        foreach (var file in Directory.GetFiles(GeneratorHarness.RepositoryFile("definitions"), "*.loss"))
        {
            var unit = Compiler.Compile(new Model.FormulaSource(file, File.ReadAllText(file), Generator.Model.SourceMap.File, "N", null, "public",
                Generator.Model.EquatableArray<Diagnostics.DiagnosticInfo>.Empty));
            foreach (var model in unit.Losses)
            {
                var (source, error) = Compiler.EmitSafely(model, allowUnsafe: true);
                Assert.Null(error);
                foreach (Match m in call.Matches(source!))
                {
                    calls++;
                    foreach (var argument in Arguments(m.Groups[2].Value))
                        Assert.True(plain.IsMatch(argument), $"{Path.GetFileName(file)}: '{argument}' in {m.Value}");
                }
            }
        }
        Assert.True(calls > 500, $"{calls} calls");
    }
}
