// LossDsl sample: two losses the catalogue does not have, declared two ways, used to train a linear regression on
// data with outliers, then a finite-difference check of their generated gradients.
//
//   charbonnier.loss  →  LossDsl.Sample.Charbonnier   (a .loss file, namespace from RootNamespace)
//   Pinball.cs        →  LossDsl.Sample.Pinball       ([Loss("...")] on a static partial class)
//
// Run: dotnet run --project samples/LossDsl.Sample -c Release

using System;
using System.Diagnostics;
using System.Globalization;
using LossDsl;
using LossDsl.Sample;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var clock = Stopwatch.StartNew();

// ---- synthetic data: y = 2 x0 - 3 x1 + 0.5 x2 + 1 + noise, with 8% of the targets thrown far upwards ----
const int N = 4000, D = 3;
double[] trueW = { 2.0, -3.0, 0.5 };
const double TrueB = 1.0, NoiseSigma = 0.3, OutlierRate = 0.08;
var rng = new Random(20240601);
var x = new float[N * D];
var y = new float[N];
int outliers = 0;
for (int i = 0; i < N; i++)
{
    double t = TrueB;
    for (int j = 0; j < D; j++)
    {
        x[i * D + j] = (float)(rng.NextDouble() * 4 - 2);
        t += trueW[j] * x[i * D + j];
    }
    t += NoiseSigma * Gaussian(rng);
    if (rng.NextDouble() < OutlierRate) { t += 10 + 20 * rng.NextDouble(); outliers++; }
    y[i] = (float)t;
}
Console.WriteLine($"Data: {N} points, {D} features, {outliers} outliers; true w = [{Format(trueW)}], b = {TrueB:F3}");

var ols = LeastSquares(x, y);
Console.WriteLine($"Ordinary least squares (for contrast): w = [{Format(ols.W)}], b = {ols.B:F3}   <- pulled by the outliers");

// ---- training: the fused kernels give the loss and dL/dprediction in one pass; the chain rule to w, b is ours ----
const float Eps = 0.05f, Tau = 0.75f;

var charbonnier = Train("Charbonnier (eps = 0.05)",
    (p, t, grad) => Charbonnier.ForwardBackward(p, t, grad, Span<float>.Empty, Reduction.Mean, eps: Eps),
    (p, t) => Charbonnier.Forward(p, t, Reduction.Mean, eps: Eps));
Console.WriteLine($"  fitted w = [{Format(charbonnier.W)}], b = {charbonnier.B:F3}   (max |w - w_true| = {MaxDiff(charbonnier.W, trueW):E1})");

var pinball = Train("Pinball (tau = 0.75)",
    (p, t, grad) => Pinball.ForwardBackward(p, t, grad, Reduction.Mean, tau: Tau),
    (p, t) => Pinball.Forward(p, t, Reduction.Mean, tau: Tau));
int below = 0;
for (int i = 0; i < N; i++) if (y[i] <= Predict(pinball, i)) below++;
Console.WriteLine($"  fitted w = [{Format(pinball.W)}], b = {pinball.B:F3}   (fraction of targets below the fit: {below / (double)N:F3}, tau = {Tau})");

// ---- gradient check: generated gradients against central finite differences, in double ----
Console.WriteLine();
Console.WriteLine("Gradient check (double, central differences, h = 1e-6):");
double worst = 0;
worst = Math.Max(worst, CheckGradients("charbonnier d/dinput", seed: 1, kinkGap: 0.01,
    (p, t, output) => Charbonnier.Forward(p, t, output, eps: 0.1),
    (p, t, grad) => Charbonnier.ForwardBackward(p, t, grad, Span<double>.Empty, Reduction.Sum, eps: 0.1)));
worst = Math.Max(worst, CheckGradients("charbonnier d/dtarget", seed: 2, kinkGap: 0.01,
    (p, t, output) => Charbonnier.Forward(t, p, output, eps: 0.1), // the perturbed span is passed as target
    (p, t, grad) => Charbonnier.ForwardBackward(t, p, Span<double>.Empty, grad, Reduction.Sum, eps: 0.1)));
worst = Math.Max(worst, CheckGradients("pinball d/dinput", seed: 3, kinkGap: 0.01,
    (p, t, output) => Pinball.Forward(p, t, output, tau: 0.9),
    (p, t, grad) => Pinball.ForwardBackward(p, t, grad, Reduction.Sum, tau: 0.9)));
worst = Math.Max(worst, CheckMeanAndUpstream(seed: 4));

const double Tolerance = 1e-6;
Console.WriteLine($"Max relative error: {worst:E2} (tolerance {Tolerance:E0}) -> {(worst <= Tolerance ? "OK" : "FAILED")}");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F2} s");
return worst <= Tolerance ? 0 : 1;

// ================================================================================================================

Model Train(string name, Func<float[], float[], float[], float> forwardBackward, Func<float[], float[], float> forward)
{
    // Mini-batch Adam on (w, b). The loss kernels see only predictions and targets: dL/dw_j = sum_i dL/dp_i x_ij.
    const int Epochs = 15, Batch = 250;
    const double Rate = 0.1, Decay = 0.7, Beta1 = 0.9, Beta2 = 0.999, AdamEps = 1e-8;
    var model = new Model(new double[D], 0);
    var m = new double[D + 1];
    var v = new double[D + 1];
    var grad = new double[D + 1];
    var order = new int[N];
    for (int i = 0; i < N; i++) order[i] = i;
    var shuffle = new Random(7);
    var p = new float[Batch];
    var t = new float[Batch];
    var pGrad = new float[Batch];
    var all = new float[N];
    int step = 0;

    Console.WriteLine();
    Console.WriteLine($"Training with {name}: {Epochs} epochs of {N / Batch} mini-batches of {Batch}, Adam (lr {Rate} x {Decay}^epoch)");
    Console.WriteLine($"  epoch  0: loss = {FullLoss():F5}");
    for (int epoch = 1; epoch <= Epochs; epoch++)
    {
        double rate = Rate * Math.Pow(Decay, epoch - 1);
        shuffle.Shuffle(order);
        double running = 0;
        for (int start = 0; start < N; start += Batch)
        {
            for (int k = 0; k < Batch; k++)
            {
                int i = order[start + k];
                p[k] = (float)Predict(model, i);
                t[k] = y[i];
            }
            // One fused pass: the mean loss of the batch, and dL/dp_k (the 1/Batch of the mean already in).
            running += forwardBackward(p, t, pGrad);

            Array.Clear(grad);
            for (int k = 0; k < Batch; k++)
            {
                int i = order[start + k];
                for (int j = 0; j < D; j++) grad[j] += pGrad[k] * x[i * D + j];
                grad[D] += pGrad[k];
            }
            step++;
            for (int j = 0; j <= D; j++)
            {
                m[j] = Beta1 * m[j] + (1 - Beta1) * grad[j];
                v[j] = Beta2 * v[j] + (1 - Beta2) * grad[j] * grad[j];
                double update = rate * (m[j] / (1 - Math.Pow(Beta1, step))) / (Math.Sqrt(v[j] / (1 - Math.Pow(Beta2, step))) + AdamEps);
                if (j < D) model.W[j] -= update; else model.B -= update;
            }
        }
        Console.WriteLine($"  epoch {epoch,2}: loss = {FullLoss():F5}   (mean over this epoch's batches {running / (N / Batch):F5})");
    }
    return model;

    float FullLoss()
    {
        for (int i = 0; i < N; i++) all[i] = (float)Predict(model, i);
        return forward(all, y);
    }
}

double Predict(Model model, int i)
{
    double s = model.B;
    for (int j = 0; j < D; j++) s += model.W[j] * x[i * D + j];
    return s;
}

// The kernel's gradient of sum_i L_i against (L_i(x_i + h) - L_i(x_i - h)) / 2h, element by element. Each element's
// difference is taken from the per-element output (Reduction.None), so no sum of thousands of terms cancels away the
// few digits a finite difference has. Points within kinkGap of a kink (input = target) are moved off it.
static double CheckGradients(string name, int seed, double kinkGap,
    ForwardEach forwardEach, ForwardBackwardSum forwardBackward)
{
    const int Count = 1003; // not a multiple of any vector width: the scalar tail is checked too
    const double H = 1e-6;
    var random = new Random(seed);
    var input = new double[Count];
    var target = new double[Count];
    for (int i = 0; i < Count; i++)
    {
        target[i] = random.NextDouble() * 6 - 3;
        double d = random.NextDouble() * 4 - 2;
        if (Math.Abs(d) < kinkGap) d = d < 0 ? -kinkGap : kinkGap;
        input[i] = target[i] + d;
    }
    var grad = new double[Count];
    forwardBackward(input, target, grad);

    var plus = new double[Count];
    var minus = new double[Count];
    var shifted = (double[])input.Clone();
    for (int i = 0; i < Count; i++) shifted[i] = input[i] + H;
    forwardEach(shifted, target, plus);
    for (int i = 0; i < Count; i++) shifted[i] = input[i] - H;
    forwardEach(shifted, target, minus);

    double worst = 0;
    for (int i = 0; i < Count; i++)
    {
        double numeric = (plus[i] - minus[i]) / ((input[i] + H) - (input[i] - H));
        worst = Math.Max(worst, RelativeError(grad[i], numeric));
    }
    Console.WriteLine($"  {name,-40} {Count} elements, max relative error {worst:E2}");
    return worst;
}

// Reduction.Mean with gradOutput, and the per-element gradOutput overload: both must be the Sum gradient rescaled.
static double CheckMeanAndUpstream(int seed)
{
    const int Count = 517;
    var random = new Random(seed);
    var input = new double[Count];
    var target = new double[Count];
    var upstream = new double[Count];
    for (int i = 0; i < Count; i++)
    {
        input[i] = random.NextDouble() * 4 - 2;
        target[i] = random.NextDouble() * 4 - 2;
        upstream[i] = random.NextDouble() * 2 - 1;
    }
    var sum = new double[Count];
    var mean = new double[Count];
    var each = new double[Count];
    var output = new double[Count];
    double lossSum = Charbonnier.ForwardBackward(input, target, sum, Span<double>.Empty, Reduction.Sum, eps: 0.1);
    double lossMean = Charbonnier.ForwardBackward(input, target, mean, Span<double>.Empty, Reduction.Mean, gradOutput: 3.0, eps: 0.1);
    Charbonnier.ForwardBackward(input, target, output, upstream, each, Span<double>.Empty, eps: 0.1);
    double worst = RelativeError(lossMean, lossSum / Count);
    double total = 0;
    for (int i = 0; i < Count; i++)
    {
        worst = Math.Max(worst, RelativeError(mean[i], 3.0 * sum[i] / Count));
        worst = Math.Max(worst, RelativeError(each[i], upstream[i] * sum[i]));
        total += output[i];
    }
    worst = Math.Max(worst, RelativeError(total, lossSum));
    Console.WriteLine($"  {"charbonnier Mean/gradOutput/None overloads",-40} {Count} elements, max relative error {worst:E2}");
    return worst;
}

static double RelativeError(double a, double b) => Math.Abs(a - b) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(b)), 1e-12);

static double Gaussian(Random random) =>
    Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

static string Format(double[] values) => string.Join(", ", Array.ConvertAll(values, v => v.ToString("F3")));

static double MaxDiff(double[] a, double[] b)
{
    double worst = 0;
    for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
    return worst;
}

// Normal equations on [x, 1]: the least-squares fit the outliers drag upwards.
static Model LeastSquares(float[] x, float[] y)
{
    const int K = D + 1;
    var a = new double[K, K + 1];
    Span<double> row = stackalloc double[K];
    for (int i = 0; i < N; i++)
    {
        for (int j = 0; j < D; j++) row[j] = x[i * D + j];
        row[D] = 1;
        for (int r = 0; r < K; r++)
        {
            for (int c = 0; c < K; c++) a[r, c] += row[r] * row[c];
            a[r, K] += row[r] * y[i];
        }
    }
    for (int c = 0; c < K; c++) // Gauss-Jordan; the matrix is symmetric positive definite
    {
        for (int r = 0; r < K; r++)
        {
            if (r == c) continue;
            double f = a[r, c] / a[c, c];
            for (int k = c; k <= K; k++) a[r, k] -= f * a[c, k];
        }
    }
    var w = new double[D];
    for (int j = 0; j < D; j++) w[j] = a[j, K] / a[j, j];
    return new Model(w, a[D, K] / a[D, D]);
}

sealed class Model(double[] w, double b)
{
    public double[] W { get; } = w;
    public double B { get; set; } = b;
}

delegate void ForwardEach(ReadOnlySpan<double> input, ReadOnlySpan<double> target, Span<double> output);
delegate double ForwardBackwardSum(ReadOnlySpan<double> input, ReadOnlySpan<double> target, Span<double> grad);
