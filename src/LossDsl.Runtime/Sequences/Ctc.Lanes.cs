using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// The width abstraction of the CTC loops. A row kernel writes one lattice row (or one frame of the gradient) element
// by element; its body is written once, generic over the lane type TV (T, Vector128/256/512<T>), LossMath's lane
// operations O and a loader L (loads and log1p), and the JIT specialises it per width. The driver runs the widest accelerated vectors
// first, then narrower ones, then scalars, each element exactly once: no overlapping tail, so a kernel may update its
// output in place (the gradient accumulates).
public static partial class Ctc
{
    /// <summary>What the row kernels need beyond LossMath's <see cref="ILaneOps{TV, T}"/>: loads, and the log-sum-exp's bounded exp and log1p.</summary>
    private interface ILaneLoad<TV, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        /// <summary>The lanes starting at element <paramref name="index"/> of the buffer starting at <paramref name="origin"/>.</summary>
        static abstract TV Load(ref T origin, int index);

        /// <summary>e^x per lane for x in [-87, 0] (<see cref="LossMath.ExpBounded{T}(T)"/> at this width).</summary>
        static abstract TV ExpBounded(TV x);

        /// <summary>log(1 + x) per lane for x in [0, 2] (<see cref="LossMath.Log1pUnit{T}(T)"/> at this width).</summary>
        static abstract TV Log1pUnit(TV x);
    }

    private readonly struct ScalarLoad<T> : ILaneLoad<T, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Load(ref T origin, int index) => Unsafe.Add(ref origin, index);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T ExpBounded(T x) => LossMath.ExpBounded(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Log1pUnit(T x) => LossMath.Log1pUnit(x);
    }

    private readonly struct Load128<T> : ILaneLoad<Vector128<T>, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<T> Load(ref T origin, int index) => Vector128.LoadUnsafe(ref origin, (nuint)index);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<T> ExpBounded(Vector128<T> x) => LossMath.ExpBounded(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<T> Log1pUnit(Vector128<T> x) => LossMath.Log1pUnit(x);
    }

    private readonly struct Load256<T> : ILaneLoad<Vector256<T>, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Load(ref T origin, int index) => Vector256.LoadUnsafe(ref origin, (nuint)index);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> ExpBounded(Vector256<T> x) => LossMath.ExpBounded(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Log1pUnit(Vector256<T> x) => LossMath.Log1pUnit(x);
    }

    private readonly struct Load512<T> : ILaneLoad<Vector512<T>, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Load(ref T origin, int index) => Vector512.LoadUnsafe(ref origin, (nuint)index);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> ExpBounded(Vector512<T> x) => LossMath.ExpBounded(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Log1pUnit(Vector512<T> x) => LossMath.Log1pUnit(x);
    }

    /// <summary>The body of a row loop: the values of elements <c>i</c> .. i + lanes - 1 of the output.</summary>
    private interface IRowKernel<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TV Invoke<TV, O, L>(int i) where O : ILaneOps<TV, T> where L : ILaneLoad<TV, T>;
    }

    /// <summary>Writes <c>output[i] = kernel(i)</c> for every i of <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Map<TKernel, T>(ref TKernel kernel, Span<T> output)
        where TKernel : struct, IRowKernel<T>, allows ref struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T o = ref MemoryMarshal.GetReference(output);
        int n = output.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                kernel.Invoke<Vector512<T>, V512Ops<T>, Load512<T>>(i).StoreUnsafe(ref o, (nuint)i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                kernel.Invoke<Vector256<T>, V256Ops<T>, Load256<T>>(i).StoreUnsafe(ref o, (nuint)i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
                kernel.Invoke<Vector128<T>, V128Ops<T>, Load128<T>>(i).StoreUnsafe(ref o, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref o, i) = kernel.Invoke<T, ScalarOps<T>, ScalarLoad<T>>(i);
    }

    /// <summary>
    /// Writes <c>output[i] = kernel(i)</c> in the widest accelerated vectors only: <paramref name="output"/>'s length is
    /// a multiple of 16 (<see cref="Lattice.Lanes"/>), which every width divides, so there is no narrower tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MapLanes<TKernel, T>(ref TKernel kernel, Span<T> output)
        where TKernel : struct, IRowKernel<T>, allows ref struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T o = ref MemoryMarshal.GetReference(output);
        int n = output.Length;
        if (Vector512.IsHardwareAccelerated)
            for (int i = 0; i < n; i += Vector512<T>.Count)
                kernel.Invoke<Vector512<T>, V512Ops<T>, Load512<T>>(i).StoreUnsafe(ref o, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (int i = 0; i < n; i += Vector256<T>.Count)
                kernel.Invoke<Vector256<T>, V256Ops<T>, Load256<T>>(i).StoreUnsafe(ref o, (nuint)i);
        else if (Vector128.IsHardwareAccelerated)
            for (int i = 0; i < n; i += Vector128<T>.Count)
                kernel.Invoke<Vector128<T>, V128Ops<T>, Load128<T>>(i).StoreUnsafe(ref o, (nuint)i);
        else
            for (int i = 0; i < n; i++)
                Unsafe.Add(ref o, i) = kernel.Invoke<T, ScalarOps<T>, ScalarLoad<T>>(i);
    }
}
