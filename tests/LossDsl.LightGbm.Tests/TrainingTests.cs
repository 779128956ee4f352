using System;
using System.Linq;
using System.Runtime.CompilerServices;
using LossDsl.LightGbm;
using Xunit;

namespace LossDsl.LightGbm.Tests;

/// <summary>A few boosting rounds of LightGBM (its native library, from the LightGBM package) with generated losses as objectives.</summary>
public class TrainingTests
{
    private static ILossDefinition Loss(string name)
    {
        RuntimeHelpers.RunModuleConstructor(typeof(LossDsl.Losses.MseLoss).Module.ModuleHandle);
        Assert.True(LossRegistry.TryGet(name, out var d), name);
        return d;
    }

    /// <summary>y = 3 x0 - 2 x1 + 0.5 x2² + noise, 300 rows.</summary>
    private static (double[] X, double[] Y, int Rows, int Columns) Data(int seed)
    {
        var rng = new Random(seed);
        const int rows = 300, columns = 3;
        var x = new double[rows * columns];
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) x[r * columns + c] = rng.NextDouble() * 4 - 2;
            y[r] = 3 * x[r * columns] - 2 * x[r * columns + 1] + 0.5 * x[r * columns + 2] * x[r * columns + 2] + 0.1 * (rng.NextDouble() - 0.5);
        }
        return (x, y, rows, columns);
    }

    [Theory]
    [InlineData("mse_loss", HessianPolicyKind.AsDerived)]
    [InlineData("huber_loss", HessianPolicyKind.Clamped)]
    [InlineData("l1_loss", HessianPolicyKind.Constant)]
    public void AFewRounds_LowerTheTrainingLoss(string name, HessianPolicyKind kind)
    {
        var (x, y, rows, columns) = Data(42);
        var policy = kind switch
        {
            // Huber's linear part has h = 0: a floor far below the quadratic part's 1 (1e-3) makes steps of |g| / 1e-3 and
            // diverges; a floor of the order of the curvature where it exists is the usable clamp.
            HessianPolicyKind.Clamped => HessianPolicy.ClampedTo(0.5),
            HessianPolicyKind.Constant => HessianPolicy.Constant(1),
            _ => HessianPolicy.AsDerived,
        };
        var objective = new LossObjective(Loss(name), policy: policy);
        using var data = new Dataset(x, rows, columns, y, parameters: "max_bin=63 min_data_in_bin=1 verbosity=-1");
        using var booster = new Booster(data, "learning_rate=0.3 num_leaves=8 min_data_in_leaf=5 num_threads=1 seed=1");
        var losses = Enumerable.Range(0, 30).Select(_ => booster.Update(objective).Loss).ToList();
        Assert.Equal(30, booster.Iterations);
        Assert.True(losses[^1] < 0.25 * losses[0], $"{name}: training loss {losses[0]} -> {losses[^1]}");

        // The booster's predictions for the training rows are its training scores.
        var predicted = booster.Predict(x, rows);
        var scores = new double[rows];
        booster.TrainingScores(scores);
        for (int i = 0; i < rows; i++) Assert.Equal(scores[i], predicted[i], 9);
    }

    [Fact]
    public void ARowLoss_IsRefused_AndLightGbmErrorsCarryItsMessage()
    {
        Assert.Throws<ArgumentException>(() => new LossObjective(Loss("cross_entropy")));
        var (x, y, rows, columns) = Data(1);
        using var data = new Dataset(x, rows, columns, y);
        var e = Assert.Throws<LightGbmException>(() => new Booster(data, "num_leaves=-3"));
        Assert.Contains("LGBM_BoosterCreate", e.Message);
    }
}
