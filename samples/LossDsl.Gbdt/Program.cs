using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
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

    public static int Main(string[] args)
    {
        RuntimeHelpers.RunModuleConstructor(typeof(LossDsl.Losses.HuberLoss).Module.ModuleHandle);
        RuntimeHelpers.RunModuleConstructor(typeof(Program).Module.ModuleHandle);
        if (args.Length > 0 && args[0] == "worker") return Worker(int.Parse(args[1], CultureInfo.InvariantCulture), args[2], args[3]);
        if (args.Length > 0 && args[0] == "distributed") return Distributed();

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

    /// <param name="grid">Features on a grid of 32 values: every machine of a distributed run then sees every value, so
    /// each one bins them as one machine with all the rows would (LightGBM bins each distinct value when there are fewer
    /// than max_bin).</param>
    private static (double[] X, double[] Y) Regression(int rows, int seed, double outliers, bool grid = false)
    {
        var random = new Random(seed);
        var x = new double[rows * Columns];
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < Columns; c++) x[r * Columns + c] = grid ? random.Next(32) / 8.0 - 2 : random.NextDouble() * 4 - 2;
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

    // ---- data-parallel training on LightGBM's own network: two workers on loopback ----

    private const string Objective = "huber_loss";

    /// <summary>
    /// Starts two worker processes on 127.0.0.1, each with half of the training rows and the formula objective, and
    /// compares their model (its test predictions) with single-machine training on all the rows.
    /// </summary>
    private static int Distributed()
    {
        var ports = new[] { FreePort(), FreePort() };
        var machines = string.Join(",", ports.Select(p => "127.0.0.1:" + p));
        var outputs = ports.Select(p => Path.Combine(Path.GetTempPath(), $"lossdsl-gbdt-{Environment.ProcessId}-{p}.txt")).ToArray();
        var workers = Enumerable.Range(0, 2).Select(rank => StartWorker(rank, machines, outputs[rank])).ToArray();
        bool finished = workers.All(w => w.WaitForExit(TimeSpan.FromMinutes(2)));
        foreach (var w in workers) if (!w.HasExited) w.Kill(entireProcessTree: true);
        if (!finished || workers.Any(w => w.ExitCode != 0))
        {
            Console.WriteLine($"A worker failed or timed out: exit codes {string.Join(", ", workers.Select(w => w.HasExited ? w.ExitCode.ToString(CultureInfo.InvariantCulture) : "running"))}");
            return 1;
        }
        var distributed = outputs.Select(f => File.ReadAllLines(f).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        foreach (var f in outputs) File.Delete(f);

        var (xTrain, yTrain) = Regression(Train, seed: 1, outliers: 0.06, grid: true);
        var (xTest, yTest) = Regression(Test, seed: 2, outliers: 0, grid: true);
        var single = Formula(Objective, HessianPolicy.Constant(1), xTrain, yTrain).Predict(xTest, Test);

        double workersApart = distributed[0].Zip(distributed[1], (a, b) => Math.Abs(a - b)).Max();
        double fromSingle = distributed[0].Zip(single, (a, b) => Math.Abs(a - b)).Max();
        double rmseDistributed = Math.Sqrt(distributed[0].Zip(yTest, (p, t) => (p - t) * (p - t)).Average());
        double rmseSingle = Math.Sqrt(single.Zip(yTest, (p, t) => (p - t) * (p - t)).Average());
        Console.WriteLine($"Data-parallel LightGBM (tree_learner=data) on {machines}, {Objective} as the formula objective, {Rounds} rounds:");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  the two workers' models: max |difference| of test predictions {workersApart:E2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  vs one machine on all the rows: max |difference| {fromSingle:E2}; test RMSE {rmseDistributed:F4} (distributed) vs {rmseSingle:F4} (single)"));
        // What LightGBM's data-parallel learner guarantees: the split search runs on histograms summed over the machines,
        // so with the same feature bins the trees are those of one machine on all the rows (up to the order of the sums).
        // The bins are the part that can differ (each machine bins its own rows and LightGBM merges them): on this grid of
        // feature values every machine bins exactly as one machine would, so the models must agree to rounding.
        double scale = single.Max(Math.Abs);
        bool ok = workersApart == 0 && fromSingle <= 1e-9 * (1 + scale);
        Console.WriteLine(ok ? "  Distributed training agrees with one machine." : "  Distributed training DISAGREES.");
        return ok ? 0 : 1;
    }

    private static Process StartWorker(int rank, string machines, string output)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in new[] { "worker", rank.ToString(CultureInfo.InvariantCulture), machines, output }) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>One machine: its half of the rows, the generated gradients and Hessians of those rows, trees grown together.</summary>
    private static int Worker(int rank, string machines, string output)
    {
        int port = int.Parse(machines.Split(',')[rank].Split(':')[1], CultureInfo.InvariantCulture);
        var (xTrain, yTrain) = Regression(Train, seed: 1, outliers: 0.06, grid: true);
        var (xTest, _) = Regression(Test, seed: 2, outliers: 0, grid: true);
        int half = Train / 2, first = rank * half;
        var x = xTrain.AsSpan(first * Columns, half * Columns).ToArray();
        var y = yTrain.AsSpan(first, half).ToArray();
        using var network = new Network(machines, port, timeoutMinutes: 1);
        if (!LossRegistry.TryGet(Objective, out var definition)) return 2;
        var objective = new LossObjective(definition, policy: HessianPolicy.Constant(1));
        using var data = new Dataset(x, half, Columns, y, parameters: Bins + " pre_partition=true num_machines=2");
        using var booster = new Booster(data, Trees + " tree_learner=data num_machines=2 pre_partition=true");
        for (int r = 0; r < Rounds; r++) booster.Update(objective);
        File.WriteAllLines(output, booster.Predict(xTest, Test).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
