using System.Runtime.Intrinsics;

namespace LossDsl;

/// <summary>
/// The per-element body of a generated kernel, at every width: element <c>i</c> (scalar) or the elements starting at
/// <c>i</c> (one vector). It reads its inputs itself, may write gradients, and returns the loss of those elements.
/// Generated kernels are <c>ref struct</c>s holding their spans; <see cref="ElementLoops"/> drives them.
/// </summary>
public interface IElementKernel<T> where T : unmanaged
{
    /// <summary>Element <paramref name="i"/>.</summary>
    T Invoke(int i);
    /// <summary>Elements <paramref name="i"/> .. i + Vector128&lt;T&gt;.Count.</summary>
    Vector128<T> Invoke128(int i);
    /// <summary>Elements <paramref name="i"/> .. i + Vector256&lt;T&gt;.Count.</summary>
    Vector256<T> Invoke256(int i);
    /// <summary>Elements <paramref name="i"/> .. i + Vector512&lt;T&gt;.Count.</summary>
    Vector512<T> Invoke512(int i);
    /// <summary><paramref name="sum"/> plus the loss of elements <paramref name="i"/> .. i + Vector128&lt;T&gt;.Count: the sum loop's step, a loss that is a product fused into the sum (one multiply-add).</summary>
    Vector128<T> Add128(int i, Vector128<T> sum);
    /// <summary><paramref name="sum"/> plus the loss of elements <paramref name="i"/> .. i + Vector256&lt;T&gt;.Count: the sum loop's step, a loss that is a product fused into the sum (one multiply-add).</summary>
    Vector256<T> Add256(int i, Vector256<T> sum);
    /// <summary><paramref name="sum"/> plus the loss of elements <paramref name="i"/> .. i + Vector512&lt;T&gt;.Count: the sum loop's step, a loss that is a product fused into the sum (one multiply-add).</summary>
    Vector512<T> Add512(int i, Vector512<T> sum);
    /// <summary>The sum loop's two steps at once: <paramref name="sum0"/> plus the loss at <paramref name="i"/>, <paramref name="sum1"/> plus the loss one vector on, with every load before the first store (<see cref="IUnrolledKernel"/>).</summary>
    void AddPair128(int i, ref Vector128<T> sum0, ref Vector128<T> sum1);
    /// <summary>The sum loop's two steps at once: <paramref name="sum0"/> plus the loss at <paramref name="i"/>, <paramref name="sum1"/> plus the loss one vector on, with every load before the first store (<see cref="IUnrolledKernel"/>).</summary>
    void AddPair256(int i, ref Vector256<T> sum0, ref Vector256<T> sum1);
    /// <summary>The sum loop's two steps at once: <paramref name="sum0"/> plus the loss at <paramref name="i"/>, <paramref name="sum1"/> plus the loss one vector on, with every load before the first store (<see cref="IUnrolledKernel"/>).</summary>
    void AddPair512(int i, ref Vector512<T> sum0, ref Vector512<T> sum1);
    /// <summary>
    /// Sets the kernel's per-call vectors (its scalars spread over the lanes) again from those scalars. The loops call it
    /// on their own copy of the kernel, so that the vectors are made in registers instead of copied from the caller's
    /// frame: on AMD Zen 4 a Vector512 loaded from a stack address that is not 64-byte aligned, right after it was stored,
    /// cost about 12 ns per call in half of the processes (see <see cref="ElementLoops"/>' SumFrom512).
    /// </summary>
    void Spread();
}

/// <summary>
/// A kernel cheap enough (no transcendental function) that the loops run two copies of its body per iteration
/// (<see cref="IElementKernel{T}.AddPair256"/>), as a hand-written loop would; an expensive kernel runs one copy (more
/// copies exhaust the JIT's inlining budget). The pair loads both copies' inputs before it stores either's gradients:
/// a store ahead of the next loads stalls them when an output lies a multiple of 4 KB from an input (4K aliasing, as
/// arrays of a power-of-two length allocated one after another do), up to 1.4x at 4,096 to 65,536 floats on AVX2.
/// </summary>
public interface IUnrolledKernel;

/// <summary>
/// A cheap kernel (<see cref="IUnrolledKernel"/>) whose loss adds to the sum in one multiply-add (a square, as
/// mse_loss's): its sum loop's only chain is that add, so the sum runs four accumulators (two pairs a step), where two
/// left the loop waiting on the add's latency. Other kernels keep two: their bodies hide the latency, and four made
/// huber_loss and smooth_l1_loss 7-45% slower in the ceiling table (measured on AVX2).
/// </summary>
public interface IFusedSumKernel : IUnrolledKernel;
