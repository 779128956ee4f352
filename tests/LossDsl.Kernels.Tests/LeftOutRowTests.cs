using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// Losses with an index input that has an except option (ignore_index): a row whose index is the except value is left
/// out. It has zero loss and zero gradient, and the mean does not count it: the call gives exactly what the same call
/// without those rows gives (values, the kept rows' outputs and gradients).
/// </summary>
public class LeftOutRowTests
{
    private const int RowLength = 5, Rows = 6, N = RowLength * Rows;
    private static readonly bool[] s_leftOut = [false, true, false, false, true, false];

    public static TheoryData<string, Reduction> Data
    {
        get
        {
            var data = new TheoryData<string, Reduction>();
            foreach (var c in Catalog.Cases.Where(c => Catalog.Except(c) is not null))
                foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
                    data.Add(c.Id, reduction);
            return data;
        }
    }

    public static TheoryData<string> CaseIds
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in Catalog.Cases.Where(c => Catalog.Except(c) is not null)) data.Add(c.Id);
            return data;
        }
    }

    [Fact]
    public void SomeLossesHaveAnExceptOption() => Assert.NotEmpty(CaseIds);

    /// <summary>The values of one input for the given rows only.</summary>
    private static double[] KeepRows(LossInput input, double[] values, int[] rows) => input.Kind switch
    {
        LossInputKind.Class => values.ToArray(),
        LossInputKind.Element => rows.SelectMany(r => values.Skip(r * RowLength).Take(RowLength)).ToArray(),
        _ => rows.Select(r => values[r]).ToArray(),
    };

    private static double[]?[] Inputs(LossCase c, Random rng, Func<int, bool> leftOut)
    {
        var (k, except) = Catalog.Except(c)!.Value;
        var inputs = Catalog.Generate(c, rng, N, rowLength: RowLength);
        var classes = Enumerable.Range(0, RowLength).Where(j => j != except).ToArray();
        for (int r = 0; r < Rows; r++)
        {
            if (leftOut(r)) inputs[k]![r] = except;
            else if (inputs[k]![r] == except) inputs[k]![r] = classes[rng.Next(classes.Length)];
        }
        return inputs;
    }

    [Theory]
    [MemberData(nameof(Data))]
    public void LeftOutRowsAddNothingAndAreNotCounted(string id, Reduction reduction)
    {
        var c = Catalog.GetCase(id);
        var rng = new Random(GradientCheckTests.Seed(id + reduction + "left out"));
        var inputs = Inputs(c, rng, r => s_leftOut[r]);
        var keptRows = Enumerable.Range(0, Rows).Where(r => !s_leftOut[r]).ToArray();
        var kept = inputs.Select((a, m) => a is null ? null : KeepRows(c.Definition.Inputs[m], a, keptRows)).ToArray();
        double[]? upstream = reduction == Reduction.None ? Catalog.Upstream(rng, Rows) : null;
        double[]? keptUpstream = upstream is null ? null : keptRows.Select(r => upstream[r]).ToArray();

        var failures = new List<string>();
        void Same(string what, double actual, double expected)
        {
            if (!GradientCheckTests.Close(actual, expected, 1e-12, 1e-300))
                failures.Add($"{what}: {actual:R}, without the left-out rows {expected:R}");
        }

        var forward = Catalog.Evaluate(c, inputs, reduction, RowLength);
        var all = Catalog.Evaluate(c, inputs, reduction, RowLength, gradients: true, gradOutput: upstream);
        var only = Catalog.Evaluate(c, kept, reduction, RowLength, gradients: true, gradOutput: keptUpstream);
        if (reduction == Reduction.None)
        {
            foreach (var (what, call) in new[] { ("Forward output", forward), ("ForwardBackward output", all) })
            {
                Assert.Equal(Rows, call.Output!.Length);
                for (int r = 0, j = 0; r < Rows; r++)
                    if (s_leftOut[r]) { if (call.Output[r] != 0) failures.Add($"{what}[{r}] (left out) = {call.Output[r]:R}, not 0"); }
                    else Same($"{what}[{r}]", call.Output[r], only.Output![j++]);
            }
        }
        else
        {
            Assert.True(double.IsFinite(only.Value), $"{id} {reduction}: value {only.Value} without the left-out rows");
            Same("Forward value", forward.Value, only.Value);
            Same("ForwardBackward value", all.Value, only.Value);
        }

        bool anyNonZero = false;
        for (int m = 0; m < c.Definition.Inputs.Count; m++)
        {
            var g = all.Gradients![m];
            if (!c.Definition.Inputs[m].Differentiable) { Assert.Null(g); continue; }
            Assert.Equal(N, g!.Length);
            for (int r = 0, j = 0; r < Rows; r++)
            {
                for (int i = r * RowLength; i < (r + 1) * RowLength; i++)
                {
                    string what = $"d/d{c.Definition.Inputs[m].Name}[{i}] (row {r}{(s_leftOut[r] ? ", left out" : "")})";
                    if (s_leftOut[r]) { if (g[i] != 0) failures.Add($"{what} = {g[i]:R}, not 0"); }
                    else
                    {
                        Same(what, g[i], only.Gradients![m]![j * RowLength + i - r * RowLength]);
                        anyNonZero |= g[i] != 0;
                    }
                }
                if (!s_leftOut[r]) j++;
            }
        }
        Assert.True(anyNonZero, $"{id} {reduction}: every gradient of the kept rows is 0");
        Assert.True(failures.Count == 0, $"{id} {reduction}: {failures.Count} differences:\n" + string.Join("\n", failures.Take(15)));
    }

    /// <summary>
    /// Every row left out: the sum is 0, every output and gradient is 0, and the mean (over no rows: a zero divisor)
    /// is NaN, as in torch.
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseIds))]
    public void EveryRowLeftOut(string id)
    {
        var c = Catalog.GetCase(id);
        var inputs = Inputs(c, new Random(GradientCheckTests.Seed(id + "all left out")), _ => true);
        foreach (bool gradients in new[] { false, true })
        {
            var sum = Catalog.Evaluate(c, inputs, Reduction.Sum, RowLength, gradients: gradients);
            Assert.Equal(0.0, sum.Value);
            var mean = Catalog.Evaluate(c, inputs, Reduction.Mean, RowLength, gradients: gradients);
            Assert.True(double.IsNaN(mean.Value), $"{id}: mean over no rows = {mean.Value:R}, expected NaN");
            var none = Catalog.Evaluate(c, inputs, Reduction.None, RowLength, gradients: gradients);
            Assert.All(none.Output!, v => Assert.Equal(0.0, v));
            if (!gradients) continue;
            foreach (var call in new[] { sum, mean, none })
                for (int m = 0; m < c.Definition.Inputs.Count; m++)
                    if (call.Gradients![m] is { } g) Assert.All(g, v => Assert.Equal(0.0, v));
        }
    }
}
