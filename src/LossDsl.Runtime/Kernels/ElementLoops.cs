using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

/// <summary>
/// The loops every generated kernel runs in, written once: the widest accelerated vector (Vector512, then 256, then 128),
/// with independent accumulators taken in turn, and a tail that re-runs the last full vector (overlapping, masked for sums)
/// instead of falling back to one scalar per element. Only inputs shorter than one vector run the scalar body.
/// The JIT specialises each loop per kernel struct, so the kernel's body is inlined with no virtual call.
/// </summary>
public static partial class ElementLoops
{
    /// <summary>Sums the kernel's values over <paramref name="start"/> .. <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum<TKernel, T>(ref TKernel kernel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
        => Sum<TKernel, T>(ref kernel, start, end, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum<TKernel, T>(ref TKernel kernel, int start, int end, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        int length = end - start;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count) return Sum512<TKernel, T>(ref kernel, start, end, aligned);
        if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count) return Sum256<TKernel, T>(ref kernel, start, end, aligned);
        if (Vector128.IsHardwareAccelerated && length >= Vector128<T>.Count) return Sum128<TKernel, T>(ref kernel, start, end, aligned);
        T sum = T.Zero;
        for (int i = start; i < end; i++) sum += kernel.Invoke(i);
        return sum;
    }

    /// <summary>
    /// The kernel over elements 0 .. <paramref name="n"/> reduced: for <see cref="Reduction.None"/> each element's value
    /// to <paramref name="output"/> (or, when it is empty, the kernel run for its gradients only) and zero returned;
    /// otherwise the sum, divided by n for <see cref="Reduction.Mean"/>.
    /// </summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="n">The number of elements.</param>
    /// <param name="reduction">None, Mean or Sum.</param>
    /// <param name="output">The per-element values for None (empty: not written).</param>
    /// <param name="aligned">Where the vector loop should start after one peeled vector (0: no peeling): the index at
    /// which the output the kernel streams to is aligned (<see cref="AlignedStart{T}"/>). Sum and Run only.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Reduce<TKernel, T>(ref TKernel kernel, int n, Reduction reduction, Span<T> output, int aligned = 0)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        if (reduction == Reduction.None)
        {
            if (output.IsEmpty) Run<TKernel, T>(ref kernel, 0, n, aligned);
            else Map<TKernel, T>(ref kernel, 0, n, output);
            return T.Zero;
        }
        T total = Sum<TKernel, T>(ref kernel, 0, n, aligned);
        return reduction == Reduction.Mean ? total / T.CreateTruncating(n) : total;
    }

    /// <summary>Writes the kernel's values to <paramref name="output"/>[i] for i in <paramref name="start"/> .. <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<TKernel, T>(ref TKernel kernel, int start, int end, Span<T> output)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        ref T o = ref MemoryMarshal.GetReference(output);
        int length = end - start;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count) Map512<TKernel, T>(ref kernel, start, end, ref o);
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count) Map256<TKernel, T>(ref kernel, start, end, ref o);
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<T>.Count) Map128<TKernel, T>(ref kernel, start, end, ref o);
        else
        {
            TKernel k = kernel; // a local copy: its fields stay in registers (see SumFrom512)
            for (int i = start; i < end; i++) Unsafe.Add(ref o, i) = k.Invoke(i);
        }
    }

    // The loop, in a method of its own (as SumFrom512), so that a pair's two values stay in registers. A cheap kernel
    // (IUnrolledKernel) runs two copies a step, both loaded before either stores (see SumFrom512), through AddPair: each
    // sum starts at -0, and adding a value to -0 gives that value exactly (-0 + -0 is -0), so the sums are the values.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Map512<TKernel, T>(ref TKernel kernel, int start, int end, ref T o)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        TKernel k = kernel;
        int last = end - Vector512<T>.Count, i = start;
        if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
        {
            for (; i < last - Vector512<T>.Count; i += 2 * Vector512<T>.Count)
            {
                Vector512<T> v0 = NegativeZero512<T>(), v1 = v0;
                k.AddPair512(i, ref v0, ref v1);
                v0.StoreUnsafe(ref o, (nuint)i);
                v1.StoreUnsafe(ref o, (nuint)(i + Vector512<T>.Count));
            }
        }
        for (; i < last; i += Vector512<T>.Count) k.Invoke512(i).StoreUnsafe(ref o, (nuint)i);
        k.Invoke512(last).StoreUnsafe(ref o, (nuint)last);
    }

    // The loop, in a method of its own (as SumFrom256), so that a pair's two values stay in registers. A cheap kernel
    // (IUnrolledKernel) runs two copies a step, both loaded before either stores (see SumFrom512), through AddPair: each
    // sum starts at -0, and adding a value to -0 gives that value exactly (-0 + -0 is -0), so the sums are the values.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Map256<TKernel, T>(ref TKernel kernel, int start, int end, ref T o)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        TKernel k = kernel;
        int last = end - Vector256<T>.Count, i = start;
        if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
        {
            for (; i < last - Vector256<T>.Count; i += 2 * Vector256<T>.Count)
            {
                Vector256<T> v0 = NegativeZero256<T>(), v1 = v0;
                k.AddPair256(i, ref v0, ref v1);
                v0.StoreUnsafe(ref o, (nuint)i);
                v1.StoreUnsafe(ref o, (nuint)(i + Vector256<T>.Count));
            }
        }
        for (; i < last; i += Vector256<T>.Count) k.Invoke256(i).StoreUnsafe(ref o, (nuint)i);
        k.Invoke256(last).StoreUnsafe(ref o, (nuint)last);
    }

    // The loop, in a method of its own (as SumFrom128), so that a pair's two values stay in registers. A cheap kernel
    // (IUnrolledKernel) runs two copies a step, both loaded before either stores (see SumFrom512), through AddPair: each
    // sum starts at -0, and adding a value to -0 gives that value exactly (-0 + -0 is -0), so the sums are the values.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Map128<TKernel, T>(ref TKernel kernel, int start, int end, ref T o)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        TKernel k = kernel;
        int last = end - Vector128<T>.Count, i = start;
        if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
        {
            for (; i < last - Vector128<T>.Count; i += 2 * Vector128<T>.Count)
            {
                Vector128<T> v0 = NegativeZero128<T>(), v1 = v0;
                k.AddPair128(i, ref v0, ref v1);
                v0.StoreUnsafe(ref o, (nuint)i);
                v1.StoreUnsafe(ref o, (nuint)(i + Vector128<T>.Count));
            }
        }
        for (; i < last; i += Vector128<T>.Count) k.Invoke128(i).StoreUnsafe(ref o, (nuint)i);
        k.Invoke128(last).StoreUnsafe(ref o, (nuint)last);
    }

    /// <summary>Runs the kernel for its side effects (gradients) over <paramref name="start"/> .. <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TKernel, T>(ref TKernel kernel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
        => Run<TKernel, T>(ref kernel, start, end, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run<TKernel, T>(ref TKernel kernel, int start, int end, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        TKernel k = kernel; // a local copy: its fields stay in registers (see Sum512)
        int length = end - start;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
        {
            int last = end - Vector512<T>.Count, i = start;
            if (aligned > 0 && aligned < Vector512<T>.Count && start + aligned < last)
            {
                Peel512<TKernel, T>(ref kernel, start, start + aligned); // the next vector, at the aligned output, rewrites its last lanes with the same values
                i = start + aligned;
            }
            if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
            {
                // two copies a step, loads first (IUnrolledKernel); their sums are not used
                Vector512<T> s0 = default, s1 = default;
                for (; i < last - Vector512<T>.Count; i += 2 * Vector512<T>.Count) k.AddPair512(i, ref s0, ref s1);
            }
            for (; i < last; i += Vector512<T>.Count) k.Invoke512(i);
            k.Invoke512(last);
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count)
        {
            int last = end - Vector256<T>.Count, i = start;
            if (aligned > 0 && aligned < Vector256<T>.Count && start + aligned < last)
            {
                Peel256<TKernel, T>(ref kernel, start, start + aligned); // the next vector, at the aligned output, rewrites its last lanes with the same values
                i = start + aligned;
            }
            if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
            {
                // two copies a step, loads first (IUnrolledKernel); their sums are not used
                Vector256<T> s0 = default, s1 = default;
                for (; i < last - Vector256<T>.Count; i += 2 * Vector256<T>.Count) k.AddPair256(i, ref s0, ref s1);
            }
            for (; i < last; i += Vector256<T>.Count) k.Invoke256(i);
            k.Invoke256(last);
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<T>.Count)
        {
            int last = end - Vector128<T>.Count, i = start;
            if (aligned > 0 && aligned < Vector128<T>.Count && start + aligned < last)
            {
                Peel128<TKernel, T>(ref kernel, start, start + aligned); // the next vector, at the aligned output, rewrites its last lanes with the same values
                i = start + aligned;
            }
            if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
            {
                // two copies a step, loads first (IUnrolledKernel); their sums are not used
                Vector128<T> s0 = default, s1 = default;
                for (; i < last - Vector128<T>.Count; i += 2 * Vector128<T>.Count) k.AddPair128(i, ref s0, ref s1);
            }
            for (; i < last; i += Vector128<T>.Count) k.Invoke128(i);
            k.Invoke128(last);
        }
        else
        {
            for (int i = start; i < end; i++) k.Invoke(i);
        }
    }

    // The kernel adds its loss to the sum itself (Add256): a loss that is a product, as a square, is one multiply-add.
    // Two accumulators, taken in turn, hide the add latency with one copy of the kernel's body in the loop (an unrolled
    // loop inlines the body once per copy, and a transcendental kernel then runs out of the JIT's inlining budget: its
    // lane operations became calls). A cheap kernel (IUnrolledKernel) runs two copies a step, both loaded before either
    // stores (AddPair: a store ahead of the next loads stalls them under 4K aliasing); four were tried and were
    // no faster in the suite (AVX2 and SSE4, ceiling and fb tables, huber slower). The last, overlapping vector is masked
    // to the lanes not yet counted.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum512<TKernel, T>(ref TKernel kernel, int start, int end, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        // peeled to the aligned output: the first vector counts only the lanes before the aligned start
        if (aligned > 0 && aligned < Vector512<T>.Count && end - (start + aligned) >= Vector512<T>.Count)
            return SumFrom512<TKernel, T>(ref kernel, start + aligned, end, Peel512<TKernel, T>(ref kernel, start, start + aligned));
        return SumFrom512<TKernel, T>(ref kernel, start, end, Vector512<T>.Zero);
    }

    // The loop, in a method of its own with no call in it, so that its accumulators stay in registers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumFrom512<TKernel, T>(ref TKernel kernel, int start, int end, Vector512<T> head)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        // A local copy: its fields (span pointers, flags, scalars) can live in registers, hoisted out of the loop,
        // where the caller's kernel, reached by reference, is re-read after every store through a span.
        TKernel k = kernel;
        int count = Vector512<T>.Count;
        Vector512<T> a0 = Vector512<T>.Zero, a1 = head;
        int i = start;
        if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
        {
            for (; i <= end - 2 * count; i += 2 * count) k.AddPair512(i, ref a0, ref a1);
        }
        for (; i <= end - count; i += count)
        {
            Vector512<T> next = k.Add512(i, a0);
            a0 = a1;
            a1 = next;
        }
        if (i < end)
        {
            int last = end - count;
            a0 += Vector512.ConditionalSelect(FreshLanes512<T>(last, i), k.Invoke512(last), Vector512<T>.Zero);
        }
        return Vector512.Sum(a0 + a1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum256<TKernel, T>(ref TKernel kernel, int start, int end, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        // peeled to the aligned output: the first vector counts only the lanes before the aligned start
        if (aligned > 0 && aligned < Vector256<T>.Count && end - (start + aligned) >= Vector256<T>.Count)
            return SumFrom256<TKernel, T>(ref kernel, start + aligned, end, Peel256<TKernel, T>(ref kernel, start, start + aligned));
        return SumFrom256<TKernel, T>(ref kernel, start, end, Vector256<T>.Zero);
    }

    // The loop, in a method of its own with no call in it, so that its accumulators stay in registers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumFrom256<TKernel, T>(ref TKernel kernel, int start, int end, Vector256<T> head)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        // A local copy: its fields (span pointers, flags, scalars) can live in registers, hoisted out of the loop,
        // where the caller's kernel, reached by reference, is re-read after every store through a span.
        TKernel k = kernel;
        int count = Vector256<T>.Count;
        Vector256<T> a0 = Vector256<T>.Zero, a1 = head;
        int i = start;
        if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
        {
            for (; i <= end - 2 * count; i += 2 * count) k.AddPair256(i, ref a0, ref a1);
        }
        for (; i <= end - count; i += count)
        {
            Vector256<T> next = k.Add256(i, a0);
            a0 = a1;
            a1 = next;
        }
        if (i < end)
        {
            int last = end - count;
            a0 += Vector256.ConditionalSelect(FreshLanes256<T>(last, i), k.Invoke256(last), Vector256<T>.Zero);
        }
        return Vector256.Sum(a0 + a1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum128<TKernel, T>(ref TKernel kernel, int start, int end, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        // peeled to the aligned output: the first vector counts only the lanes before the aligned start
        if (aligned > 0 && aligned < Vector128<T>.Count && end - (start + aligned) >= Vector128<T>.Count)
            return SumFrom128<TKernel, T>(ref kernel, start + aligned, end, Peel128<TKernel, T>(ref kernel, start, start + aligned));
        return SumFrom128<TKernel, T>(ref kernel, start, end, Vector128<T>.Zero);
    }

    // The loop, in a method of its own with no call in it, so that its accumulators stay in registers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumFrom128<TKernel, T>(ref TKernel kernel, int start, int end, Vector128<T> head)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        // A local copy: its fields (span pointers, flags, scalars) can live in registers, hoisted out of the loop,
        // where the caller's kernel, reached by reference, is re-read after every store through a span.
        TKernel k = kernel;
        int count = Vector128<T>.Count;
        Vector128<T> a0 = Vector128<T>.Zero, a1 = head;
        int i = start;
        if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
        {
            for (; i <= end - 2 * count; i += 2 * count) k.AddPair128(i, ref a0, ref a1);
        }
        for (; i <= end - count; i += count)
        {
            Vector128<T> next = k.Add128(i, a0);
            a0 = a1;
            a1 = next;
        }
        if (i < end)
        {
            int last = end - count;
            a0 += Vector128.ConditionalSelect(FreshLanes128<T>(last, i), k.Invoke128(last), Vector128<T>.Zero);
        }
        return Vector128.Sum(a0 + a1);
    }

    /// <summary>The vector at <paramref name="start"/>, masked to the lanes before <paramref name="aligned"/>: the peeled vector of a streaming loop, out of line so that the loop keeps one copy of the kernel's body.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<T> Peel512<TKernel, T>(ref TKernel kernel, int start, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
        => Vector512.ConditionalSelect(~FreshLanes512<T>(start, aligned), kernel.Invoke512(start), Vector512<T>.Zero);

    /// <summary>The vector at <paramref name="start"/>, masked to the lanes before <paramref name="aligned"/>: the peeled vector of a streaming loop, out of line so that the loop keeps one copy of the kernel's body.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<T> Peel256<TKernel, T>(ref TKernel kernel, int start, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
        => Vector256.ConditionalSelect(~FreshLanes256<T>(start, aligned), kernel.Invoke256(start), Vector256<T>.Zero);

    /// <summary>The vector at <paramref name="start"/>, masked to the lanes before <paramref name="aligned"/>: the peeled vector of a streaming loop, out of line so that the loop keeps one copy of the kernel's body.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<T> Peel128<TKernel, T>(ref TKernel kernel, int start, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
        => Vector128.ConditionalSelect(~FreshLanes128<T>(start, aligned), kernel.Invoke128(start), Vector128<T>.Zero);

    // -0 in every lane (the sign bit alone), for float and double: the start of a sum that is to equal its one term.
    private static Vector512<T> NegativeZero512<T>() where T : unmanaged => Unsafe.SizeOf<T>() == 4
        ? Vector512.Create(0x8000_0000u).As<uint, T>() : Vector512.Create(0x8000_0000_0000_0000ul).As<ulong, T>();

    private static Vector256<T> NegativeZero256<T>() where T : unmanaged => Unsafe.SizeOf<T>() == 4
        ? Vector256.Create(0x8000_0000u).As<uint, T>() : Vector256.Create(0x8000_0000_0000_0000ul).As<ulong, T>();

    private static Vector128<T> NegativeZero128<T>() where T : unmanaged => Unsafe.SizeOf<T>() == 4
        ? Vector128.Create(0x8000_0000u).As<uint, T>() : Vector128.Create(0x8000_0000_0000_0000ul).As<ulong, T>();

    // Lanes whose element index (last + lane) is at least firstFresh: the ones the main loop has not counted.
    internal static Vector512<T> FreshLanes512<T>(int last, int firstFresh) where T : unmanaged
    {
        if (Vector512<T>.Count == 16)
            return Vector512.GreaterThanOrEqual(Vector512.CreateSequence(last, 1), Vector512.Create(firstFresh)).As<int, T>();
        return Vector512.GreaterThanOrEqual(Vector512.CreateSequence((long)last, 1), Vector512.Create((long)firstFresh)).As<long, T>();
    }

    internal static Vector256<T> FreshLanes256<T>(int last, int firstFresh) where T : unmanaged
    {
        if (Vector256<T>.Count == 8)
            return Vector256.GreaterThanOrEqual(Vector256.CreateSequence(last, 1), Vector256.Create(firstFresh)).As<int, T>();
        return Vector256.GreaterThanOrEqual(Vector256.CreateSequence((long)last, 1), Vector256.Create((long)firstFresh)).As<long, T>();
    }

    internal static Vector128<T> FreshLanes128<T>(int last, int firstFresh) where T : unmanaged
    {
        if (Vector128<T>.Count == 4)
            return Vector128.GreaterThanOrEqual(Vector128.CreateSequence(last, 1), Vector128.Create(firstFresh)).As<int, T>();
        return Vector128.GreaterThanOrEqual(Vector128.CreateSequence((long)last, 1), Vector128.Create((long)firstFresh)).As<long, T>();
    }
}
