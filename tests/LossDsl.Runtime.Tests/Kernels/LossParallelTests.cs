using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;
using Xunit.Abstractions;

namespace LossDsl.Runtime.Tests.Kernels;

/// <summary>
/// The tests of <see cref="LossParallel"/> change its process-wide settings and measure process-wide allocations, so they
/// run alone: not in parallel with each other, nor with any other test class.
/// </summary>
[CollectionDefinition(nameof(LossParallelCollection), DisableParallelization = true)]
public sealed class LossParallelCollection;

/// <summary>
/// <see cref="LossParallel"/>: bit-for-bit determinism across thread counts, every element computed exactly once, chunk
/// edge cases, the split threshold, allocations, concurrent and reentrant calls, failures, and that it really uses
/// another thread. Each test restores <see cref="LossParallel.Threshold"/> and <see cref="LossParallel.MaxThreads"/>.
/// </summary>
[Collection(nameof(LossParallelCollection))]
public sealed unsafe class LossParallelTests : IDisposable
{
    private const int Chunk = LossParallel.ChunkLength;
    private static readonly int[] ThreadCounts = [1, 2, 3, 8];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private readonly int _threshold = LossParallel.Threshold;
    private readonly int _maxThreads = LossParallel.MaxThreads;
    private readonly ITestOutputHelper _output;

    public LossParallelTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        LossParallel.Threshold = _threshold;
        LossParallel.MaxThreads = _maxThreads;
    }

    // ---------------------------------------------------------------- test kernels

    /// <summary>
    /// Sum of x[i]^2, writing 2 x[i] to the gradient; counts each element's writes (atomically, so a double write cannot
    /// hide), records the thread of each chunk and whether a non-calling thread was a "LossDsl worker" background thread,
    /// and can throw on one chunk or on any thread but the caller. Null pointers turn the bookkeeping off.
    /// </summary>
    private struct SquareKernel<T> : IChunkedKernel<T> where T : unmanaged, INumberBase<T>
    {
        public T* X;
        public T* Grad;
        public int* Writes;
        public int* ChunkThreads;
        public int* ForeignWorkerChunks; // chunks run on a named background worker
        public int CallerThread;
        public int ThrowAtChunk;         // -1: never
        public bool ThrowOffCaller;      // throw on any thread but CallerThread

        public T Run(int start, int end)
        {
            int chunk = start / Chunk;
            int thread = Environment.CurrentManagedThreadId;
            if (ChunkThreads != null) ChunkThreads[chunk] = thread;
            if (ForeignWorkerChunks != null && thread != CallerThread
                && Thread.CurrentThread is { IsBackground: true, Name: "LossDsl worker" })
                Interlocked.Increment(ref *ForeignWorkerChunks);
            if (chunk == ThrowAtChunk) throw new InvalidOperationException($"chunk {chunk}");
            if (ThrowOffCaller && thread != CallerThread) throw new InvalidOperationException("off the calling thread");
            T sum = T.Zero;
            for (int i = start; i < end; i++)
            {
                T x = X[i];
                sum += x * x;
                if (Grad != null) Grad[i] = x + x;
                if (Writes != null) Interlocked.Increment(ref Writes[i]);
            }
            return sum;
        }
    }

    /// <summary>Touches no memory but its bookkeeping: returns end - start and records each chunk's range (huge n is cheap).</summary>
    private struct RangeKernel : IChunkedKernel<double>
    {
        public int* Starts;
        public int* Ends;

        public double Run(int start, int end)
        {
            int chunk = start / Chunk;
            if (Starts != null) { Starts[chunk] = start; Ends[chunk] = end; }
            return end - start;
        }
    }

    /// <summary>Each chunk calls <see cref="LossParallel.Run{TKernel, T}"/> again, over a whole inner kernel.</summary>
    private struct ReentrantKernel : IChunkedKernel<double>
    {
        public SquareKernel<double>* Inner;
        public int InnerLength;

        public double Run(int start, int end)
        {
            SquareKernel<double> inner = *Inner;
            return LossParallel.Run<SquareKernel<double>, double>(ref inner, InnerLength);
        }
    }

    /// <summary>A compute-heavy kernel for the timing: 20 MathF.Exp per element.</summary>
    private struct ExpKernel : IChunkedKernel<float>
    {
        public float* X;
        public float* Output;

        public float Run(int start, int end)
        {
            float sum = 0;
            for (int i = start; i < end; i++)
            {
                float x = X[i], acc = 0;
                for (int j = 1; j <= 20; j++) acc += MathF.Exp(x * (0.05f * j));
                Output[i] = acc;
                sum += acc;
            }
            return sum;
        }
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Values over twenty binades, signs mixed, so the order of additions shows in the bits.</summary>
    private static T[] Data<T>(int n, int seed) where T : unmanaged, INumberBase<T>
    {
        var random = new Random(seed);
        var x = new T[n];
        for (int i = 0; i < n; i++) x[i] = T.CreateTruncating((random.NextDouble() - 0.5) * System.Math.Pow(2, random.Next(-10, 10)));
        return x;
    }

    /// <summary>The expected result, computed serially here: each chunk's partial by the kernel itself, added in order from 0.</summary>
    private static T Expected<T>(T[] x, int n) where T : unmanaged, INumberBase<T>
    {
        fixed (T* px = x)
        {
            var kernel = new SquareKernel<T> { X = px, ThrowAtChunk = -1 };
            T total = T.Zero;
            for (int start = 0; start < n; start += Chunk) total += kernel.Run(start, System.Math.Min(start + Chunk, n));
            return total;
        }
    }

    private static T Squares<T>(T[] x, int n, T[]? grad = null, int[]? writes = null, int[]? chunkThreads = null,
        int[]? foreign = null, int throwAtChunk = -1, bool throwOffCaller = false)
        where T : unmanaged, INumberBase<T>
    {
        fixed (T* px = x) fixed (T* pg = grad) fixed (int* pw = writes) fixed (int* pt = chunkThreads) fixed (int* pf = foreign)
        {
            var kernel = new SquareKernel<T>
            {
                X = px, Grad = pg, Writes = pw, ChunkThreads = pt, ForeignWorkerChunks = pf,
                CallerThread = Environment.CurrentManagedThreadId, ThrowAtChunk = throwAtChunk, ThrowOffCaller = throwOffCaller,
            };
            return LossParallel.Run<SquareKernel<T>, T>(ref kernel, n);
        }
    }

    private static string Bits<T>(T value) where T : unmanaged => Convert.ToHexString(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    private static void AssertSameBits<T>(T expected, T actual, string context) where T : unmanaged
        => Assert.True(Bits(expected) == Bits(actual), $"{context}: expected {expected} ({Bits(expected)}), got {actual} ({Bits(actual)})");

    /// <summary>Runs <paramref name="body"/> on a dedicated thread and fails if it does not finish in time (a deadlock).</summary>
    private static void WithinDeadline(Action body)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { body(); }
            catch (Exception e) { error = e; }
        }) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(Deadline), "deadlock: the call did not return");
        if (error != null) throw new Xunit.Sdk.XunitException($"failed on its thread: {error}");
    }

    // ---------------------------------------------------------------- determinism and coverage

    public static TheoryData<int> Lengths => new()
    {
        2 * Chunk,               // exactly two chunks: the smallest split call
        2 * Chunk + 1,           // a last chunk of one element
        5 * Chunk + 12345,       // not a multiple of the chunk length
        16 * Chunk - 7,
        Chunk - 1, 1,            // a single chunk (Run works for any n; it is then serial)
    };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SameBitsForEveryThreadCount_Float(int n) => SameBitsForEveryThreadCount<float>(n);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SameBitsForEveryThreadCount_Double(int n) => SameBitsForEveryThreadCount<double>(n);

    private static void SameBitsForEveryThreadCount<T>(int n) where T : unmanaged, INumberBase<T>
    {
        T[] x = Data<T>(n, seed: n);
        T expected = Expected(x, n);
        foreach (int threads in ThreadCounts)
        {
            LossParallel.MaxThreads = threads;
            for (int repeat = 0; repeat < 3; repeat++)
            {
                var grad = new T[n];
                var writes = new int[n];
                T actual = Squares(x, n, grad, writes);
                AssertSameBits(expected, actual, $"n {n}, MaxThreads {threads}");
                T two = T.One + T.One;
                for (int i = 0; i < n; i++)
                {
                    if (writes[i] != 1) Assert.Fail($"n {n}, MaxThreads {threads}: element {i} written {writes[i]} times");
                    if (grad[i] != two * x[i]) Assert.Fail($"n {n}, MaxThreads {threads}: gradient {i} is {grad[i]}, not {two * x[i]}");
                }
            }
        }
    }

    [Fact]
    public void EmptyCallIsZeroAndNegativeLengthThrows()
    {
        Assert.Equal(0.0, Squares(Array.Empty<double>(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Squares(new double[4], -1));
    }

    /// <summary>
    /// n = int.MaxValue (32,768 chunks, so the partial sums go in a pooled array, not on the stack): every chunk runs
    /// once, on the right range (the last one ends at int.MaxValue without overflowing), and the sum is exact.
    /// </summary>
    [Fact]
    public void HugeCallCoversEveryChunkOnce()
    {
        const int n = int.MaxValue;
        int chunks = n / Chunk + 1;
        foreach (int threads in ThreadCounts)
        {
            LossParallel.MaxThreads = threads;
            var starts = new int[chunks];
            var ends = new int[chunks];
            double total;
            fixed (int* ps = starts) fixed (int* pe = ends)
            {
                var kernel = new RangeKernel { Starts = ps, Ends = pe };
                total = LossParallel.Run<RangeKernel, double>(ref kernel, n);
            }
            Assert.Equal(n, total);
            for (int c = 0; c < chunks; c++)
            {
                Assert.Equal(c * Chunk, starts[c]);
                Assert.Equal(c == chunks - 1 ? n : (c + 1) * Chunk, ends[c]);
            }
        }
    }

    // ---------------------------------------------------------------- settings

    [Fact]
    public void ShouldSplitHonoursThresholdAndTwoChunkFloor()
    {
        Assert.Equal(1 << 20, LossParallel.Threshold);
        Assert.Equal(Environment.ProcessorCount, LossParallel.MaxThreads);
        Assert.Equal(65536, LossParallel.ChunkLength);

        Assert.True(LossParallel.ShouldSplit(1 << 20));
        Assert.False(LossParallel.ShouldSplit((1 << 20) - 1));
        Assert.True(LossParallel.ShouldSplit(int.MaxValue));

        LossParallel.Threshold = 3 * Chunk;
        Assert.True(LossParallel.ShouldSplit(3 * Chunk));
        Assert.False(LossParallel.ShouldSplit(3 * Chunk - 1));

        foreach (int low in new[] { 2 * Chunk, 2 * Chunk - 1, Chunk, 1, 0, -5, int.MinValue })
        {
            LossParallel.Threshold = low;
            Assert.Equal(low, LossParallel.Threshold);
            Assert.True(LossParallel.ShouldSplit(2 * Chunk));
            Assert.False(LossParallel.ShouldSplit(2 * Chunk - 1));
            Assert.False(LossParallel.ShouldSplit(0));
        }

        LossParallel.Threshold = int.MaxValue;
        Assert.False(LossParallel.ShouldSplit(int.MaxValue - 1));
        Assert.True(LossParallel.ShouldSplit(int.MaxValue));
    }

    [Fact]
    public void MaxThreadsMustBePositive()
    {
        LossParallel.MaxThreads = 3;
        Assert.Throws<ArgumentOutOfRangeException>(() => LossParallel.MaxThreads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => LossParallel.MaxThreads = -1);
        Assert.Equal(3, LossParallel.MaxThreads);
        LossParallel.MaxThreads = 1;
        Assert.Equal(1, LossParallel.MaxThreads);
    }

    // ---------------------------------------------------------------- allocations

    [Fact]
    public void RepeatedCallsAllocateNothing()
    {
        const int n = 12 * Chunk + 100;
        float[] x = Data<float>(n, 1);
        var grad = new float[n];
        foreach (int threads in new[] { 1, 2, Environment.ProcessorCount })
        {
            LossParallel.MaxThreads = threads;
            Squares(x, n, grad); // the first call may create the workers

            // Best of three windows of 10 calls: the runtime itself now and then allocates a few KB on a thread once (seen
            // here even around a plain loop that never calls LossParallel, right after this test's large allocations),
            // while an allocation of ours would show in every window.
            long mine = long.MaxValue;
            for (int attempt = 0; attempt < 3 && mine != 0; attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int call = 0; call < 10; call++) Squares(x, n, grad);
                mine = System.Math.Min(mine, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            Assert.True(mine == 0, $"MaxThreads {threads}: 10 calls allocated {mine} bytes on the calling thread");

            // The workers' allocations are on their own threads: count the whole process (best of three tries, in case
            // something else in the process allocates meanwhile; this collection runs with no other test).
            long best = long.MaxValue;
            for (int attempt = 0; attempt < 3 && best > 256; attempt++)
            {
                long start = GC.GetTotalAllocatedBytes(precise: true);
                for (int call = 0; call < 20; call++) Squares(x, n, grad);
                best = System.Math.Min(best, GC.GetTotalAllocatedBytes(precise: true) - start);
            }
            Assert.True(best <= 256, $"MaxThreads {threads}: 20 calls allocated {best} bytes in the process");
        }
    }

    /// <summary>The pooled-partials path (more than 1,024 chunks) allocates nothing either, once the pool holds an array.</summary>
    [Fact]
    public void RepeatedHugeCallsAllocateNothing()
    {
        LossParallel.MaxThreads = 2;
        var kernel = new RangeKernel();
        LossParallel.Run<RangeKernel, double>(ref kernel, int.MaxValue);
        long mine = long.MaxValue;
        for (int attempt = 0; attempt < 3 && mine != 0; attempt++) // best of three, as in RepeatedCallsAllocateNothing
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            double total = LossParallel.Run<RangeKernel, double>(ref kernel, int.MaxValue);
            mine = System.Math.Min(mine, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(int.MaxValue, total);
        }
        Assert.Equal(0, mine);
    }

    // ---------------------------------------------------------------- threads

    [Fact]
    public void UsesAnotherThread()
    {
        if (Environment.ProcessorCount < 2) return; // nothing to show on one core
        const int n = 64 * Chunk;
        float[] x = Data<float>(n, 2);
        float expected = Expected(x, n);
        LossParallel.MaxThreads = 2;
        var seen = new List<int>();
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var chunkThreads = new int[n / Chunk];
            var foreign = new int[1];
            AssertSameBits(expected, Squares(x, n, chunkThreads: chunkThreads, foreign: foreign), "MaxThreads 2");
            int distinct = chunkThreads.Distinct().Count();
            seen.Add(distinct);
            Assert.True(distinct <= 2, $"MaxThreads 2 used {distinct} threads");
            if (distinct == 2)
            {
                Assert.Contains(Environment.CurrentManagedThreadId, chunkThreads); // the caller takes chunks too
                Assert.True(foreign[0] > 0, "the other thread is not a background 'LossDsl worker'");
                return;
            }
        }
        Assert.Fail($"20 calls of 64 chunks never left the calling thread (distinct threads per call: {string.Join(", ", seen)})");
    }

    [Fact]
    public void ConcurrentCallsAreCorrectAndDoNotDeadlock()
    {
        const int n = 24 * Chunk + 333;
        LossParallel.MaxThreads = 2;
        float[][] xs = [Data<float>(n, 10), Data<float>(n, 11)];
        float[] expected = [Expected(xs[0], n), Expected(xs[1], n)];
        var failures = new List<string>();
        using var barrier = new Barrier(2);
        WithinDeadline(() =>
        {
            var threads = new Thread[2];
            for (int t = 0; t < 2; t++)
            {
                int which = t;
                threads[t] = new Thread(() =>
                {
                    var grad = new float[n];
                    barrier.SignalAndWait();
                    for (int call = 0; call < 30; call++)
                    {
                        float actual = Squares(xs[which], n, grad);
                        bool gradOk = true;
                        for (int i = 0; i < n && gradOk; i++) gradOk = grad[i] == 2 * xs[which][i];
                        if (Bits(actual) != Bits(expected[which]) || !gradOk)
                            lock (failures) failures.Add($"thread {which}, call {call}: {actual} vs {expected[which]}, gradient ok {gradOk}");
                        Array.Clear(grad);
                    }
                }) { IsBackground = true };
                threads[t].Start();
            }
            foreach (Thread thread in threads) Assert.True(thread.Join(Deadline), "deadlock between two concurrent calls");
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void ReentrantCallsRunSeriallyWithoutDeadlock()
    {
        const int innerLength = 3 * Chunk + 17, outerLength = 6 * Chunk;
        double[] x = Data<double>(innerLength, 3);
        double inner = Expected(x, innerLength);
        double expected = 0;
        for (int c = 0; c < outerLength / Chunk; c++) expected += inner;
        foreach (int threads in ThreadCounts)
        {
            LossParallel.MaxThreads = threads;
            double actual = 0;
            WithinDeadline(() =>
            {
                fixed (double* px = x)
                {
                    var innerKernel = new SquareKernel<double> { X = px, ThrowAtChunk = -1 };
                    var kernel = new ReentrantKernel { Inner = &innerKernel, InnerLength = innerLength };
                    actual = LossParallel.Run<ReentrantKernel, double>(ref kernel, outerLength);
                }
            });
            AssertSameBits(expected, actual, $"MaxThreads {threads}");
        }
    }

    // ---------------------------------------------------------------- failures

    [Fact]
    public void ThrowingChunkReachesTheCallerAndTheNextCallWorks()
    {
        const int n = 10 * Chunk;
        float[] x = Data<float>(n, 4);
        float expected = Expected(x, n);
        foreach (int threads in ThreadCounts)
        {
            LossParallel.MaxThreads = threads;
            foreach (int bad in new[] { 0, 3, 9 })
            {
                InvalidOperationException? e = null;
                WithinDeadline(() => e = Assert.Throws<InvalidOperationException>(() => Squares(x, n, throwAtChunk: bad)));
                Assert.Equal($"chunk {bad}", e!.Message);
                Assert.Contains("SquareKernel", e.StackTrace); // the original stack trace is kept
                AssertSameBits(expected, Squares(x, n), $"after a failure, MaxThreads {threads}");
            }
        }
    }

    [Fact]
    public void ExceptionOnAWorkerReachesTheCaller()
    {
        if (Environment.ProcessorCount < 2) return;
        const int n = 64 * Chunk;
        float[] x = Data<float>(n, 5);
        float expected = Expected(x, n);
        LossParallel.MaxThreads = 2;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            Exception? error = null;
            WithinDeadline(() =>
            {
                try { Squares(x, n, throwOffCaller: true); }
                catch (Exception e) { error = e; }
            });
            AssertSameBits(expected, Squares(x, n), "after a worker's failure");
            if (error == null) continue; // the caller took every chunk this time
            Assert.IsType<InvalidOperationException>(error);
            Assert.Equal("off the calling thread", error.Message);
            return;
        }
        Assert.Fail("20 calls of 64 chunks never ran a chunk on a worker");
    }

    // ---------------------------------------------------------------- timing (not a test of speed)

    /// <summary>
    /// 20 MathF.Exp per element over 2^24 elements, MaxThreads 1 against 2, median of 5: a print, not an assertion, and only
    /// with LOSSDSL_TIMING=1 (it takes several seconds).
    /// </summary>
    [Fact]
    public void TimingPrint()
    {
        if (Environment.GetEnvironmentVariable("LOSSDSL_TIMING") != "1")
        {
            _output.WriteLine("set LOSSDSL_TIMING=1 to time 20 MathF.Exp per element over 2^24 elements, MaxThreads 1 vs 2");
            return;
        }
        const int n = 1 << 24;
        var random = new Random(6);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = 2 * random.NextSingle() - 1; // the sum stays finite
        var output = new float[n];
        var results = new Dictionary<int, (double Median, float Value)>();
        foreach (int threads in new[] { 1, 2 })
        {
            LossParallel.MaxThreads = threads;
            var times = new double[5];
            float value = 0;
            fixed (float* px = x) fixed (float* po = output)
            {
                var kernel = new ExpKernel { X = px, Output = po };
                LossParallel.Run<ExpKernel, float>(ref kernel, n); // warm-up (JIT, workers)
                for (int run = 0; run < times.Length; run++)
                {
                    var watch = Stopwatch.StartNew();
                    value = LossParallel.Run<ExpKernel, float>(ref kernel, n);
                    times[run] = watch.Elapsed.TotalMilliseconds;
                }
            }
            Array.Sort(times);
            results[threads] = (times[2], value);
            _output.WriteLine($"MaxThreads {threads}: median {times[2]:F1} ms (runs {string.Join(", ", times.Select(t => t.ToString("F1")))}), value {value} ({Bits(value)})");
        }
        _output.WriteLine($"speedup {results[1].Median / results[2].Median:F2}x on {Environment.ProcessorCount} cores");
        AssertSameBits(results[1].Value, results[2].Value, "timing kernel, MaxThreads 1 vs 2");
    }
}
