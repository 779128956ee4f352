using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// The gradient pass of a cached factor (a row sum's pass stored a factor of the gradient, softmax's exp(x - max), in
// the gradient span; see the generator's LossModel.Cache): the gradient kernel reads the stored value at element i and
// writes the gradient over it, so every element must be visited exactly once (a vector loop, then a scalar tail): the
// overlapping last vector of Run would read values already replaced.
public static partial class ElementLoops
{
    /// <summary>Runs the kernel for its side effects over <paramref name="start"/> .. <paramref name="end"/>, each element exactly once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunExact<TKernel, T>(ref TKernel kernel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        TKernel k = kernel;
        k.Spread();
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
