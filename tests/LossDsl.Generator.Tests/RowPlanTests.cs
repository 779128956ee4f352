using System.IO;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;
using LossDsl.Generator.Plan;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// The row plan (Plan/RowPlan) as data: which passes RunRows makes over a row, what each reads and writes, what guards
/// it, and which kernels they run.
/// </summary>
public class RowPlanTests
{
    private static LossModel Compile(string text)
    {
        var unit = Compiler.Compile(new FormulaSource("/src/f.loss", text, SourceMap.File, "N", null, "public",
            EquatableArray<Diagnostics.DiagnosticInfo>.Empty));
        Assert.Empty(unit.Diagnostics);
        return Assert.Single(unit.Losses);
    }

    private static LossModel Catalogue(string name) =>
        Compile(File.ReadAllText(GeneratorHarness.RepositoryFile($"definitions/{name}.loss")));

    private static readonly Expr Always = new BoolConstant(true);

    private static EquatableArray<int> Ints(params int[] values) => values.ToEquatableArray();

    [Fact]
    public void IndependentSums_OnePassEach_ThenOneAdjointEach_LastToFirst_ThenTheGradientKernel()
    {
        var plan = RowPlan.Of(Compile("loss dice(input, const target; smooth = 1.0) = 1 - (2 * sum(input * target) + smooth) / (sum(input) + sum(target) + smooth)"));
        var expected = new RowPlan(
            new[] { RowKernel.Aggregate(0), RowKernel.Aggregate(1), RowKernel.Aggregate(2), RowKernel.Gradient }.ToEquatableArray(),
            Enumerable.Range(0, 3).Select(j => (RowPass)new AggregatePass(j, RowKernel.Aggregate(j), RowLoop.Sum, false, Always, null, Ints())).ToEquatableArray(),
            new[] { 2, 1, 0 }.Select(k => new AdjointPass(k, EquatableArray<DependencyPass>.Empty)).ToEquatableArray(),
            new GradientPass(RowKernel.Gradient, null, 3, Ints()),
            EquatableArray<RowPass>.Empty,
            Stored: -1);
        Assert.Equal(expected, plan);
    }

    [Fact]
    public void ASummandThatReadsAnAggregate_ReadsIt_AndItsAdjointRunsTheDependencyLoop()
    {
        var model = Compile("loss centred(x) = sum((x - mean(x))^2)");
        var plan = RowPlan.Of(model);
        var mean = Assert.IsType<AggregatePass>(plan.Forward[0]);
        var sum = Assert.IsType<AggregatePass>(plan.Forward[1]);
        Assert.True(mean.Mean);
        Assert.Equal(Ints(), mean.Reads);
        Assert.Equal(Ints(0), sum.Reads);
        // A1's adjoint first; A0's adds bar1 times the loop of dA1/dA0, which reads A0.
        Assert.Equal(new[] { 1, 0 }, plan.Adjoints.Select(a => a.Aggregate));
        Assert.Empty(plan.Adjoints[0].Dependencies);
        var dependency = Assert.Single(plan.Adjoints[1].Dependencies);
        Assert.Equal((1, 0), (dependency.Dependency.K, dependency.Dependency.J));
        Assert.Equal(RowKernel.Dependency(dependency.Dependency), dependency.Kernel);
        Assert.Equal(RowLoop.Sum, dependency.Loop);
        Assert.Equal(Ints(0), dependency.Reads);
        Assert.Equal(Ints(0), plan.Gradient.Reads);
        Assert.Equal(new[] { "aggregate0", "aggregate1", "dependency1On0", "rowGradient" }, plan.Kernels.Select(k => k.Variable));
    }

    [Fact]
    public void CrossEntropy_SubscriptsAreRead_SmoothingPassesAreGuarded_AndLogsumexpStoresItsExponentials()
    {
        var model = Catalogue("cross_entropy");
        var plan = RowPlan.Of(model);
        Assert.Equal(2, plan.Forward.OfType<GatherPass>().Count()); // input[target], weight[target]
        var passes = plan.Forward.OfType<AggregatePass>().ToList();
        // mean(weight) and mean(weight * input) run only when label_smoothing > 0.
        Assert.Equal(2, passes.Count(p => p.Guard != Always));
        Assert.All(passes.Where(p => p.Guard != Always), p => Assert.True(p.Mean));
        Assert.DoesNotContain(passes, p => p.Store is not null);
        // logsumexp's max and sum of exponentials: one online pass, whose summand stores its exponentials.
        var online = Assert.Single(plan.Forward.OfType<LogSumExpPass>());
        Assert.Equal(AggregateKind.Max, model.Loss.Aggregates[online.Maximum].Kind);
        Assert.Equal(AggregateKind.Sum, model.Loss.Aggregates[online.Sum].Kind);
        Assert.DoesNotContain(passes, p => p.Aggregate == online.Maximum || p.Aggregate == online.Sum);
        Assert.Equal(RowKernel.Aggregate(online.Maximum), online.MaxKernel);
        Assert.Equal(RowKernel.Aggregate(online.Sum), online.SumKernel);
        Assert.Equal(RowKernel.Store(online.Sum), online.Store);
        Assert.Equal(0, plan.Stored); // the input's gradient span
        Assert.Equal(RowKernel.GradientCached, plan.Gradient.Cached);
        Assert.Contains(RowKernel.Store(online.Sum), plan.Kernels);
        // The gradient of input[target] lands on one element.
        var scatter = Assert.IsType<ScatterPass>(Assert.Single(plan.Additions));
        Assert.Equal(0, scatter.Input);
        Assert.NotNull(model.Loss.Aggregates[scatter.Aggregate].Source);
    }

    [Fact]
    public void LogCosh_ItsCoefficientKnownBeforeThePass_StoresTheWholeGradient_AndNoPassReadsItBack()
    {
        var model = Catalogue("log_cosh");
        var plan = RowPlan.Of(model);
        // dL/dA0 = 1 reads no aggregate: c0 is set before A0's pass, which stores c0 * e0, y_pred's whole gradient
        Assert.Equal(Ints(0), plan.Early);
        Assert.Equal(0, plan.Stored);
        Assert.True(plan.Gradient.StoredWhole);
        Assert.Equal(RowKernel.GradientOthers, plan.Gradient.Cached); // y_true's gradient, when wanted
        Assert.DoesNotContain(RowKernel.GradientCached, plan.Kernels);
        Assert.Equal(RowKernel.Store(0), Assert.IsType<AggregatePass>(Assert.Single(plan.Forward)).Store);
    }

    [Theory]
    [InlineData("loss a(x, y) = mean(let d = x - y in d + softplus(-2 * d))^2")] // dL/dA0 = 2 A0 reads the aggregate
    [InlineData("loss a(x, y) = mean(let d = x - y in d + softplus(-2 * d)) * sum(x)")] // dL/dA0 reads A1
    public void ACoefficientThatReadsAnAggregate_IsNotKnownBeforeThePass_TheFactorIsReadBack(string text)
    {
        var plan = RowPlan.Of(Compile(text));
        Assert.Equal(0, plan.Stored);
        Assert.Empty(plan.Early);
        Assert.False(plan.Gradient.StoredWhole);
        Assert.Equal(RowKernel.GradientCached, plan.Gradient.Cached);
    }

    /// <summary>The online log-sum-exp is found by the shape of the aggregates, whoever wrote them, and only that shape.</summary>
    [Theory]
    [InlineData("loss a(input) = logsumexp(input)", true)]
    [InlineData("loss a(input) = -sum(log_softmax(2 * input))", true)]
    [InlineData("loss a(input) = detach(max(input)) + log(sum(exp(input - detach(max(input)))))", true)]
    [InlineData("loss a(input) = max(input) + log(sum(exp(input - max(input))))", false)]        // not detached: max gets a gradient pass
    [InlineData("loss a(input) = log(sum(exp(2 * input - detach(max(input)))))", false)]       // shifted by the max of another expression
    [InlineData("loss a(input) = log(mean(exp(input - detach(max(input)))))", false)]          // a mean, not a sum
    [InlineData("loss a(input; k = 0) = if k > 0 then logsumexp(input) else sum(input)", false)] // guarded by an option
    public void LogSumExpPairs_AreOnePass(string formula, bool online)
    {
        var plan = RowPlan.Of(Compile(formula));
        Assert.Equal(online ? 1 : 0, plan.Forward.OfType<LogSumExpPass>().Count());
        if (!online) Assert.Contains(plan.Forward, p => p is AggregatePass { Loop: RowLoop.Max });
    }

    [Fact]
    public void PairSums_LoopOverPairs_AndAddTheirGradientsByPairGradientPasses()
    {
        var model = Catalogue("pairwise_hinge_loss");
        var plan = RowPlan.Of(model);
        Assert.All(plan.Forward, p => Assert.Equal(RowLoop.PairSum, Assert.IsType<AggregatePass>(p).Loop));
        var pair = Assert.IsType<PairGradientPass>(Assert.Single(plan.Additions));
        Assert.Equal(0, pair.Pair.Input); // scores
        Assert.Equal(RowKernel.Pair(model, pair.Pair), pair.Kernel);
        Assert.Equal("Pair" + pair.Pair.Aggregate + "GradientScoresKernel", pair.Kernel.Struct);
        Assert.Contains(pair.Kernel, plan.Kernels);
    }

    [Fact]
    public void ARowFunction_IsCalled_NotLooped_AndItsGradientMethodAddsToItsRowArgument()
    {
        var model = Catalogue("ctc_loss");
        var plan = RowPlan.Of(model);
        var call = Assert.Single(plan.Forward.OfType<RowFunctionPass>());
        Assert.DoesNotContain(plan.Kernels, k => k.Struct == $"Aggregate{call.Aggregate}Kernel");
        var gradient = Assert.Single(plan.Additions.OfType<RowFunctionGradientPass>());
        Assert.Equal(call.Aggregate, gradient.Aggregate);
        Assert.Equal(0, gradient.Input); // log_probs
        Assert.NotNull(call.Call.Gradients[gradient.Argument]);
        // its fused method computes the value and log_probs' gradient in one call, scaled afterwards
        Assert.Equal("LossDsl.Ctc.NegativeLogLikelihoodWithGradient", call.Call.Fused);
        Assert.Equal(0, call.FusedInput);
        Assert.True(gradient.Fused);
        // log_probs, the only differentiable input, gets its gradient from the fused method alone: no gradient-kernel pass
        Assert.True(plan.Gradient.Empty);
    }

    [Fact]
    public void TheGradientKernelPass_IsKept_WhenAnInputsGradientIsNotAFusedRowFunctions()
    {
        Assert.False(RowPlan.Of(Catalogue("cross_entropy")).Gradient.Empty);
        Assert.False(RowPlan.Of(Compile("loss dice(input, const target; smooth = 1.0) = 1 - (2 * sum(input * target) + smooth) / (sum(input) + sum(target) + smooth)")).Gradient.Empty);
    }

    [Fact]
    public void RowPlans_AreValueEqual_AcrossCompilations()
    {
        Assert.Equal(RowPlan.Of(Catalogue("cross_entropy")), RowPlan.Of(Catalogue("cross_entropy")));
        Assert.NotEqual(RowPlan.Of(Catalogue("cross_entropy")), RowPlan.Of(Catalogue("nll_loss")));
    }
}
