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
}

/// <summary>
/// A kernel cheap enough (no transcendental function) that the sum loop runs two copies of its body per iteration, as a
/// hand-written loop would; an expensive kernel runs one copy (more copies exhaust the JIT's inlining budget).
/// </summary>
public interface IUnrolledKernel;
