using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// The two loops of a cached summand (a row aggregate whose summand, softmax's exp(x - max), reappears in the gradient):
// SumStore sums the kernel's values and leaves each one in the output span, and RunExact then runs the gradient kernel,
// which reads the stored value at element i and writes the gradient over it. Every element is visited exactly once by
// RunExact (a vector loop, then a scalar tail): the overlapping last vector of Run would read values already replaced.
public static partial class ElementLoops
{
    /// <summary>
    /// Sums the kernel's values over <paramref name="start"/> .. <paramref name="end"/> and writes each to
    /// <paramref name="output"/>[i] (the output span is indexed like the inputs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SumStore<TKernel, T>(ref TKernel kernel, int start, int end, Span<T> output)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        TKernel k = kernel; // a local copy: its fields stay in registers (see Sum512)
        ref T o = ref MemoryMarshal.GetReference(output);
        int i = start;
        T sum = T.Zero;
        if (Vector512.IsHardwareAccelerated && end - start >= Vector512<T>.Count)
        {
            Vector512<T> a0 = Vector512<T>.Zero, a1 = a0;
            int count = Vector512<T>.Count;
            for (; i <= end - 2 * count; i += 2 * count)
            {
                var v0 = k.Invoke512(i);
                var v1 = k.Invoke512(i + count);
                v0.StoreUnsafe(ref o, (nuint)i);
                v1.StoreUnsafe(ref o, (nuint)(i + count));
                a0 += v0;
                a1 += v1;
            }
            for (; i <= end - count; i += count)
            {
                var v = k.Invoke512(i);
                v.StoreUnsafe(ref o, (nuint)i);
                a0 += v;
            }
            if (i < end)
            {
                // the last, overlapping vector: stored whole (the same values again), summed over its fresh lanes only
                int last = end - count;
                var v = k.Invoke512(last);
                v.StoreUnsafe(ref o, (nuint)last);
                a1 += Vector512.ConditionalSelect(FreshLanes512<T>(last, i), v, Vector512<T>.Zero);
            }
            return Vector512.Sum(a0 + a1);
        }
        if (Vector256.IsHardwareAccelerated && end - start >= Vector256<T>.Count)
        {
            Vector256<T> a0 = Vector256<T>.Zero;
            int count = Vector256<T>.Count;
            for (; i <= end - count; i += count)
            {
                var v = k.Invoke256(i);
                v.StoreUnsafe(ref o, (nuint)i);
                a0 += v;
            }
            if (i < end)
            {
                int last = end - count;
                var v = k.Invoke256(last);
                v.StoreUnsafe(ref o, (nuint)last);
                a0 += Vector256.ConditionalSelect(FreshLanes256<T>(last, i), v, Vector256<T>.Zero);
            }
            return Vector256.Sum(a0);
        }
        if (Vector128.IsHardwareAccelerated && end - start >= Vector128<T>.Count)
        {
            Vector128<T> a0 = Vector128<T>.Zero;
            int count = Vector128<T>.Count;
            for (; i <= end - count; i += count)
            {
                var v = k.Invoke128(i);
                v.StoreUnsafe(ref o, (nuint)i);
                a0 += v;
            }
            if (i < end)
            {
                int last = end - count;
                var v = k.Invoke128(last);
                v.StoreUnsafe(ref o, (nuint)last);
                a0 += Vector128.ConditionalSelect(FreshLanes128<T>(last, i), v, Vector128<T>.Zero);
            }
            return Vector128.Sum(a0);
        }
        for (; i < end; i++)
        {
            T v = k.Invoke(i);
            Unsafe.Add(ref o, i) = v;
            sum += v;
        }
        return sum;
    }

    /// <summary>Runs the kernel for its side effects over <paramref name="start"/> .. <paramref name="end"/>, each element exactly once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunExact<TKernel, T>(ref TKernel kernel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        TKernel k = kernel;
        int i = start;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= end - Vector512<T>.Count; i += Vector512<T>.Count) k.Invoke512(i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= end - Vector256<T>.Count; i += Vector256<T>.Count) k.Invoke256(i);
        if (Vector128.IsHardwareAccelerated)
            for (; i <= end - Vector128<T>.Count; i += Vector128<T>.Count) k.Invoke128(i);
        for (; i < end; i++) k.Invoke(i);
    }
}
