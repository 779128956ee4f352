using System;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using LossDsl;
using LossDsl.LightGbm;

namespace LossDsl.Gbdt;

/// <summary>
/// Gradient boosting with objectives declared as formulas. LightGBM (its native library) fits each tree to the
/// gradients and Hessian diagonals that the generated GradientHessian kernels compute.
/// (a) Objectives LightGBM also has built in (L2, Huber, Poisson), trained both ways on the same data: the predictions
///     must agree. (b) Objectives it does not have (log-cosh, Tukey's biweight, Cauchy), with the test metrics of all.
/// Exits with 1 if a built-in and its formula disagree.
/// </summary>
public static class Program
{
    private const int Rounds = 100, Train = 2000, Test = 1000, Columns = 4;
    private const string Trees = "learning_rate=0.1 num_leaves=15 min_data_in_leaf=20 num_threads=1 seed=7 deterministic=true";
    private const string Bins = "max_bin=63 verbosity=-1";

    public static int Main()
    {
        RuntimeHelpers.RunModuleConstructor(typeof(LossDsl.Losses.HuberLoss).Module.ModuleHandle);
        RuntimeHelpers.RunModuleConstructor(typeof(Program).Module.ModuleHandle);

        // Regression: y = 2 sin(x0) + x1 x2 - |x3| + noise; 6% of the training labels are outliers (+-10..30).
        var (xTrain, yTrain) = Regression(Train, seed: 1, outliers: 0.06);
        var (xTest, yTest) = Regression(Test, seed: 2, outliers: 0);
        // Counts: y ~ Poisson(exp(0.6 x0 - 0.4 x1 + 0.3 x2 x3)).
        var (cTrain, nTrain) = Counts(Train, seed: 3);
        var (cTest, nTest) = Counts(Test, seed: 4);

        Console.WriteLine($"LightGBM, {Rounds} rounds of {Trees}; {Train} training and {Test} test rows, {Columns} features.");
        Console.WriteLine();
        Console.WriteLine("(a) Built-in objective vs the same objective as a formula (raw test predictions)");
        Console.WriteLine($"  {"objective",-28} {"built-in",-40} {"max |difference|",18}");
        bool agree = true;
        agree &= Compare("l2", "objective=regression boost_from_average=false", "mse_loss", HessianPolicy.AsDerived, xTrain, yTrain, xTest);
        agree &= Compare("huber, delta = 1", "objective=huber alpha=1.0 boost_from_average=false", "huber_loss", HessianPolicy.Constant(1), xTrain, yTrain, xTest);
        agree &= Compare("poisson (log link)", "objective=poisson poisson_max_delta_step=1e-12 boost_from_average=false", "poisson_nll_loss", HessianPolicy.AsDerived, cTrain, nTrain, cTest);
        Console.WriteLine("  (LightGBM's L2 uses (y - s)^2 / 2 and its Huber a Hessian of 1: mse_loss's factor 2 cancels in each leaf's");
        Console.WriteLine("   -sum g / sum h, and Huber's constant Hessian is the formula's 'Constant(1)' policy.)");

        Console.WriteLine();
        Console.WriteLine("(b) Regression with outliers: test metrics on clean data");
        Console.WriteLine($"  {"objective",-44} {"hessian",-18} {"test RMSE",10} {"test MAE",10}");
        Report("l2 (built-in)", "-", BuiltIn("objective=regression", xTrain, yTrain).Predict(xTest, Test), yTest);
        Report("huber (built-in)", "-", BuiltIn("objective=huber alpha=1.0", xTrain, yTrain).Predict(xTest, Test), yTest);
        Report("log_cosh_objective (formula)", "as derived", Formula("log_cosh_objective", HessianPolicy.AsDerived, xTrain, yTrain).Predict(xTest, Test), yTest);
        Report("log_cosh_objective (formula)", "clamped to 0.1", Formula("log_cosh_objective", HessianPolicy.ClampedTo(0.1), xTrain, yTrain).Predict(xTest, Test), yTest);
        Report("cauchy_objective (formula)", "declared clamp", Formula("cauchy_objective", default, xTrain, yTrain).Predict(xTest, Test), yTest);
        Report("tukey_biweight_loss (formula)", "constant 1", Formula("tukey_biweight_loss", HessianPolicy.Constant(1), xTrain, yTrain).Predict(xTest, Test), yTest);
        Report("tukey_biweight_loss (formula)", "clamped to 0.1", Formula("tukey_biweight_loss", HessianPolicy.ClampedTo(0.1), xTrain, yTrain).Predict(xTest, Test), yTest);

        Console.WriteLine("  (log-cosh's derived Hessian 1 - tanh(d)^2 vanishes on the outliers, so Newton steps -g/h explode in their leaves;");
        Console.WriteLine("   a floor keeps the robust gradient and bounds the step: why the policies exist.)");
        Console.WriteLine();
        Console.WriteLine(agree ? "Every built-in objective and its formula agree." : "A built-in objective and its formula DISAGREE.");
        return agree ? 0 : 1;
    }

    private static bool Compare(string name, string builtIn, string loss, HessianPolicy policy, double[] x, double[] y, double[] test)
    {
        var a = BuiltIn(builtIn, x, y).Predict(test, Test);
        var b = Formula(loss, policy, x, y).Predict(test, Test);
        double worst = 0, scale = 0;
        for (int i = 0; i < Test; i++) { worst = Math.Max(worst, Math.Abs(a[i] - b[i])); scale = Math.Max(scale, Math.Abs(a[i])); }
        bool ok = worst <= 1e-4 * (1 + scale); // both train on float gradients: rounding, not a different model
        Console.WriteLine($"  {name,-28} {builtIn.Split(' ')[0] + " vs " + loss,-40} {worst,18:E2}{(ok ? "" : "  DISAGREE")}");
        return ok;
    }

    private static Booster BuiltIn(string objective, double[] x, double[] y)
    {
        var data = new Dataset(x, y.Length, Columns, y, parameters: Bins);
        var booster = Booster.WithBuiltInObjective(data, objective + " " + Trees);
        for (int r = 0; r < Rounds; r++) booster.Update();
        return booster;
    }

    private static Booster Formula(string loss, HessianPolicy policy, double[] x, double[] y)
    {
        if (!LossRegistry.TryGet(loss, out var definition)) throw new InvalidOperationException("no loss " + loss);
        var objective = new LossObjective(definition, policy: policy);
        var data = new Dataset(x, y.Length, Columns, y, parameters: Bins);
        var booster = new Booster(data, Trees);
        for (int r = 0; r < Rounds; r++) booster.Update(objective);
        return booster;
    }

    private static void Report(string name, string hessian, double[] predicted, double[] truth)
    {
        double rmse = Math.Sqrt(predicted.Zip(truth, (p, t) => (p - t) * (p - t)).Average());
        double mae = predicted.Zip(truth, (p, t) => Math.Abs(p - t)).Average();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-44} {hessian,-18} {rmse,10:F4} {mae,10:F4}"));
    }

    private static (double[] X, double[] Y) Regression(int rows, int seed, double outliers)
    {
        var random = new Random(seed);
        var x = new double[rows * Columns];
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < Columns; c++) x[r * Columns + c] = random.NextDouble() * 4 - 2;
            double clean = 2 * Math.Sin(x[r * Columns]) + x[r * Columns + 1] * x[r * Columns + 2] - Math.Abs(x[r * Columns + 3]);
            y[r] = clean + 0.3 * Normal(random);
            if (random.NextDouble() < outliers) y[r] += (random.NextDouble() < 0.5 ? -1 : 1) * (10 + 20 * random.NextDouble());
            if (outliers == 0) y[r] = clean;
        }
        return (x, y);
    }

    private static (double[] X, double[] Y) Counts(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new double[rows * Columns];
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < Columns; c++) x[r * Columns + c] = random.NextDouble() * 4 - 2;
            double rate = Math.Exp(0.6 * x[r * Columns] - 0.4 * x[r * Columns + 1] + 0.3 * x[r * Columns + 2] * x[r * Columns + 3]);
            // Knuth's Poisson sampler (rates here stay below ~30).
            double limit = Math.Exp(-rate), product = random.NextDouble();
            int k = 0;
            while (product > limit) { k++; product *= random.NextDouble(); }
            y[r] = k;
        }
        return (x, y);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
