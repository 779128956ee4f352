using BenchmarkDotNet.Attributes;
using LossDsl.Losses;

namespace LossDsl.Benchmarks;

/// <summary>
/// The parallel path (LossParallel): forward+backward, float32, N = 16,777,216, reduction mean, on 1 and 2 threads
/// (LossParallel.MaxThreads). The same data as F32. Issue 5's goal: >= 1.8x one thread on the compute-bound losses
/// (binary_cross_entropy_with_logits, sigmoid_focal_loss, log_cosh, poisson_nll_loss), with the same bits (tested in
/// LossDsl.Kernels.Tests, ParallelPathTests). Run alone: --filter '*ParallelScaling*'.
/// </summary>
[MemoryDiagnoser]
public class ParallelScaling
{
    [Params(16_777_216)]
    public int N;

    [Params(1, 2)]
    public int Threads;

    private Data<float> d = null!;

    [GlobalSetup]
    public void Setup()
    {
        LossParallel.MaxThreads = Threads;
        d = Data<float>.Get(N);
    }

    [Benchmark] public float Mse_Generated_FB() => MseLoss.ForwardBackward(d.X, d.YReg, d.Grad, default);
    [Benchmark] public float Bce_Generated_FB() => BinaryCrossEntropyWithLogits.ForwardBackward(d.X, d.YProb, d.Grad, default);
    [Benchmark] public float Focal_Generated_FB() => SigmoidFocalLoss.ForwardBackward(d.X, d.YProb, d.Grad, default);
    [Benchmark] public float LogCosh_Generated_FB() => LogCosh.ForwardBackward(d.X, d.YReg, F32.RowLength, d.Grad, default);
    [Benchmark] public float PoissonNll_Generated_FB() => PoissonNllLoss.ForwardBackward(d.X, d.YCount, d.Grad);
}
