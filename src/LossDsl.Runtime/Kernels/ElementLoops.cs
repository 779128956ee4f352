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
    /// <param name="aligned">The index at which the kernel's first output, or for a kernel that stores nothing its first
    /// input, is aligned (<see cref="AlignedStart{T}(T*)"/>; 0: do not align). Map, Run and the sum of a cheap kernel
    /// (<see cref="IUnrolledKernel"/>) then store (or load) aligned, with the same bits as from 0; another kernel's sum is
    /// peeled to it, and its bits then depend on where the output lies (passed only when it streams).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Reduce<TKernel, T>(ref TKernel kernel, int n, Reduction reduction, Span<T> output, int aligned = 0)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        if (reduction == Reduction.None)
        {
            if (output.IsEmpty) Run<TKernel, T>(ref kernel, 0, n, aligned);
            else Map<TKernel, T>(ref kernel, 0, n, output, aligned);
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
        => Map<TKernel, T>(ref kernel, start, end, output, 0);

    // From the aligned index of the kernel's first output on, after one vector at start (0: from start).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Map<TKernel, T>(ref TKernel kernel, int start, int end, Span<T> output, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        ref T o = ref MemoryMarshal.GetReference(output);
        int length = end - start;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count) Map512<TKernel, T>(ref kernel, start, end, ref o, aligned);
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count) Map256<TKernel, T>(ref kernel, start, end, ref o, aligned);
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<T>.Count) Map128<TKernel, T>(ref kernel, start, end, ref o, aligned);
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
    private static void Map512<TKernel, T>(ref TKernel kernel, int start, int end, ref T o, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        TKernel k = kernel;
        k.Spread();
        int last = end - Vector512<T>.Count, i = start;
        if (aligned > 0 && aligned < Vector512<T>.Count && start + aligned < last)
        {
            // the next vector, at the aligned output, rewrites this one's last lanes with the same values
            k.Invoke512(start).StoreUnsafe(ref o, (nuint)start);
            i = start + aligned;
        }
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
    private static void Map256<TKernel, T>(ref TKernel kernel, int start, int end, ref T o, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        TKernel k = kernel;
        k.Spread();
        int last = end - Vector256<T>.Count, i = start;
        if (aligned > 0 && aligned < Vector256<T>.Count && start + aligned < last)
        {
            // the next vector, at the aligned output, rewrites this one's last lanes with the same values
            k.Invoke256(start).StoreUnsafe(ref o, (nuint)start);
            i = start + aligned;
        }
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
    private static void Map128<TKernel, T>(ref TKernel kernel, int start, int end, ref T o, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
    {
        TKernel k = kernel;
        k.Spread();
        int last = end - Vector128<T>.Count, i = start;
        if (aligned > 0 && aligned < Vector128<T>.Count && start + aligned < last)
        {
            // the next vector, at the aligned output, rewrites this one's last lanes with the same values
            k.Invoke128(start).StoreUnsafe(ref o, (nuint)start);
            i = start + aligned;
        }
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
        k.Spread();
        int length = end - start;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
        {
            int last = end - Vector512<T>.Count, i = start;
            if (aligned > 0 && aligned < Vector512<T>.Count && start + aligned < last)
            {
                Peel512<TKernel, T>(ref kernel, start); // the next vector, at the aligned output, rewrites its last lanes with the same values
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
                Peel256<TKernel, T>(ref kernel, start); // the next vector, at the aligned output, rewrites its last lanes with the same values
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
                Peel128<TKernel, T>(ref kernel, start); // the next vector, at the aligned output, rewrites its last lanes with the same values
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

    // The size of the inputs from which a cheap kernel's sum runs its pairs at the aligned output (SumShifted256), in
    // bytes of each input: a few permutes and one more pair a call, which cost more than aligned stores save on fewer
    // elements (measured on AVX2: a loss at 256 floats, about even at 1,024, a gain from 2,048).
    private const int ShiftedBytes = 8 * 1024;

    // The kernel adds its loss to the sum itself (Add256): a loss that is a product, as a square, is one multiply-add.
    // Two accumulators, taken in turn, hide the add latency with one copy of the kernel's body in the loop (an unrolled
    // loop inlines the body once per copy, and a transcendental kernel then runs out of the JIT's inlining budget: its
    // lane operations became calls). A cheap kernel (IUnrolledKernel) runs two copies a step, both loaded before either
    // stores (AddPair: a store ahead of the next loads stalls them under 4K aliasing), and one whose loss is a single
    // multiply-add into the sum (IFusedSumKernel) two pairs into four accumulators: its loop is that add's latency, where
    // for the others four were no faster (AVX2 and SSE4, ceiling and fb tables; huber_loss and smooth_l1_loss 7-45%
    // slower). The last, overlapping vector is masked to the lanes not yet counted.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum512<TKernel, T>(ref TKernel kernel, int start, int end, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        if (aligned > 0 && aligned < Vector512<T>.Count)
        {
            // a cheap kernel: its pairs at the aligned output, with the sums of the loop from start (SumShifted512)
            if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
            {
                if ((long)(end - start) * Unsafe.SizeOf<T>() >= ShiftedBytes)
                    return typeof(TKernel).IsAssignableTo(typeof(IFusedSumKernel)) ? SumShiftedFour512<TKernel, T>(ref kernel, start, end, aligned) : SumShifted512<TKernel, T>(ref kernel, start, end, aligned);
            }
            // another, streaming: peeled to the aligned output, the first vector counting only the lanes before it
            else if (end - (start + aligned) >= Vector512<T>.Count)
                return SumFrom512<TKernel, T>(ref kernel, start, start + aligned, end);
        }
        return SumFrom512<TKernel, T>(ref kernel, start, start, end);
    }

    // The loop, in a method of its own with no call in it, so that its accumulators stay in registers. A cheap kernel
    // runs a pair a step into a0 and a1, or, one whose loss is a multiply-add into the sum (IFusedSumKernel), two pairs
    // into a0, a1 and a2, a3: four chains of that add, where two left its in-cache loop waiting on the add's latency
    // (mse_loss forward at 4,096 floats on AVX2: 1.02-1.08 of the two-accumulator hand loop before, 0.87-0.89 after).
    // Another kernel takes two in turn (Finish512). A streaming kernel's peeled lanes, from peel up to start (the aligned
    // output), open a1. They are computed here, not passed in: a vector argument goes through the stack, and on AMD Zen 4
    // a Vector512 passed by value cost about 12 ns per call in half of the processes (the stack's placement is random per
    // process; a call with one: 16.2 ns in those, 4.3 ns in the others and without it; a Vector256 argument: 3.6-4.4 ns).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumFrom512<TKernel, T>(ref TKernel kernel, int peel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        // A local copy: its fields (span pointers, flags, scalars) can live in registers, hoisted out of the loop,
        // where the caller's kernel, reached by reference, is re-read after every store through a span; and its per-call
        // vectors made here from their scalars (Spread), not loaded from the caller's frame.
        TKernel k = kernel;
        k.Spread();
        int count = Vector512<T>.Count;
        Vector512<T> a0 = Vector512<T>.Zero, a1 = a0;
        if (peel < start) a1 = Vector512.ConditionalSelect(~FreshLanes512<T>(peel, start), k.Invoke512(peel), a0);
        int i = start;
        if (typeof(TKernel).IsAssignableTo(typeof(IFusedSumKernel)))
        {
            Vector512<T> a2 = a0, a3 = a0;
            for (; i <= end - 4 * count; i += 4 * count)
            {
                k.AddPair512(i, ref a0, ref a1);
                k.AddPair512(i + 2 * count, ref a2, ref a3);
            }
            return Finish512<TKernel, T>(ref k, i, end, a0, a1, a2, a3);
        }
        if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
        {
            for (; i <= end - 2 * count; i += 2 * count) k.AddPair512(i, ref a0, ref a1);
        }
        return Finish512<TKernel, T>(ref k, i, end, a0, a1);
    }

    // After the steps: one copy a step, the accumulators taken in turn, then the last, overlapping vector masked to the
    // lanes not yet counted.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Finish512<TKernel, T>(ref TKernel k, int i, int end, Vector512<T> a0, Vector512<T> a1)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        int count = Vector512<T>.Count;
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

    // Finish512 for a fused sum's four accumulators (IFusedSumKernel).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Finish512<TKernel, T>(ref TKernel k, int i, int end, Vector512<T> a0, Vector512<T> a1, Vector512<T> a2, Vector512<T> a3)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        int count = Vector512<T>.Count;
        for (; i <= end - count; i += count)
        {
            Vector512<T> next = k.Add512(i, a0);
            a0 = a1;
            a1 = a2;
            a2 = a3;
            a3 = next;
        }
        if (i < end)
        {
            int last = end - count;
            a0 += Vector512.ConditionalSelect(FreshLanes512<T>(last, i), k.Invoke512(last), Vector512<T>.Zero);
        }
        return Vector512.Sum((a0 + a1) + (a2 + a3));
    }

    // SumFrom512's pair loop run at the output's alignment, start + shift + 2 * count * j, so that every store of the
    // output is aligned, with the same sums, bit for bit, wherever the output lies. The sums are lane by lane: in the
    // loop from start, lane c of a0 adds the elements start + c + 2 * count * j in turn, and lane c of a1 those one vector
    // further. Shifted, lane l of s0 adds start + shift + l + 2 * count * j: the same elements, in the same order, as lane
    // (shift + l) mod count of a0 (l < count - shift) or of a1 (the others); and s1 likewise, one vector further, a1's
    // lanes from shift and a0's below it, one pair later. So the shifted sums are a0 and a1 with their lanes rotated by
    // shift and swapped below it, once the first shift elements (a0's first values below shift) open s1, and the last
    // pair, which the shifted loop leaves half done, runs where the loop from start runs it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumShifted512<TKernel, T>(ref TKernel kernel, int start, int end, int shift)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        TKernel k = kernel;
        k.Spread();
        int count = Vector512<T>.Count, pairs = (end - start) / (2 * count);
        Vector512<T> later = FreshLanes512<T>(0, shift); // the lanes from shift on
        // the first shift elements, added to zero as the loop from start adds its first vector; their gradients are
        // stored here, and the lanes from shift on again by the first pair, with the same values
        Vector512<T> head = Vector512.ConditionalSelect(later, Vector512<T>.Zero, k.Add512(start, Vector512<T>.Zero));
        Vector512<T> s0 = Vector512<T>.Zero, s1 = Rotate512(head, shift);
        for (int j = start + shift, stop = j + 2 * count * (pairs - 1); j < stop; j += 2 * count) k.AddPair512(j, ref s0, ref s1);
        Vector512<T> r0 = Rotate512(s0, count - shift), r1 = Rotate512(s1, count - shift);
        Vector512<T> a0 = Vector512.ConditionalSelect(later, r0, r1), a1 = Vector512.ConditionalSelect(later, r1, r0);
        // the last pair: a0's lanes below shift have its first vector already (the shifted loop's last s1)
        int i = start + 2 * count * (pairs - 1);
        Vector512<T> b0 = a0;
        k.AddPair512(i, ref b0, ref a1);
        a0 = Vector512.ConditionalSelect(later, b0, a0);
        return Finish512<TKernel, T>(ref k, i + 2 * count, end, a0, a1);
    }

    // SumShifted512 for a fused sum's four accumulators (IFusedSumKernel), a step of two pairs: lane l of s0 adds the
    // elements of lane (shift + l) mod count of a0 (l < count - shift) or of a1 (the others), s1 of a1 or a2, s2 of a2 or
    // a3, and s3 of a3 or, one step later, a0. So each a is its s rotated by shift, with its lanes below shift from the s
    // before it (a0's from s3); the first shift elements open s3, and the last step runs where the loop from start runs
    // it. (A method of its own: one generic over the count of accumulators kept every instantiation's dead half, and the
    // JIT then copied the kernel struct through memory in the two-accumulator loop: smooth_l1_loss up to 40% slower.)
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumShiftedFour512<TKernel, T>(ref TKernel kernel, int start, int end, int shift)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        TKernel k = kernel;
        k.Spread();
        int count = Vector512<T>.Count, steps = (end - start) / (4 * count);
        Vector512<T> later = FreshLanes512<T>(0, shift); // the lanes from shift on
        // the first shift elements, added to zero as the loop from start adds its first vector; their gradients are
        // stored here, and the lanes from shift on again by the first step, with the same values
        Vector512<T> head = Vector512.ConditionalSelect(later, Vector512<T>.Zero, k.Add512(start, Vector512<T>.Zero));
        Vector512<T> s0 = Vector512<T>.Zero, s1 = s0, s2 = s0, s3 = Rotate512(head, shift);
        for (int j = start + shift, stop = j + 4 * count * (steps - 1); j < stop; j += 4 * count)
        {
            k.AddPair512(j, ref s0, ref s1);
            k.AddPair512(j + 2 * count, ref s2, ref s3);
        }
        Vector512<T> r0 = Rotate512(s0, count - shift), r1 = Rotate512(s1, count - shift), r2 = Rotate512(s2, count - shift), r3 = Rotate512(s3, count - shift);
        Vector512<T> a0 = Vector512.ConditionalSelect(later, r0, r3), a1 = Vector512.ConditionalSelect(later, r1, r0);
        Vector512<T> a2 = Vector512.ConditionalSelect(later, r2, r1), a3 = Vector512.ConditionalSelect(later, r3, r2);
        // the last step: a0's lanes below shift have its first vector already (the shifted loop's last s3)
        int i = start + 4 * count * (steps - 1);
        Vector512<T> b0 = a0;
        k.AddPair512(i, ref b0, ref a1);
        k.AddPair512(i + 2 * count, ref a2, ref a3);
        a0 = Vector512.ConditionalSelect(later, b0, a0);
        return Finish512<TKernel, T>(ref k, i + 4 * count, end, a0, a1, a2, a3);
    }

    // Lane c of the result is lane (c + by) mod count of value (one permute: Shuffle with indices known at run time).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Rotate512<T>(Vector512<T> value, int by) where T : unmanaged => Unsafe.SizeOf<T>() == 4
        ? Vector512.Shuffle(value.As<T, int>(), Vector512.CreateSequence(by, 1) & Vector512.Create(Vector512<int>.Count - 1)).As<int, T>()
        : Vector512.Shuffle(value.As<T, long>(), Vector512.CreateSequence((long)by, 1) & Vector512.Create((long)Vector512<long>.Count - 1)).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum256<TKernel, T>(ref TKernel kernel, int start, int end, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        if (aligned > 0 && aligned < Vector256<T>.Count)
        {
            // a cheap kernel: its pairs at the aligned output, with the sums of the loop from start (SumShifted256)
            if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
            {
                if ((long)(end - start) * Unsafe.SizeOf<T>() >= ShiftedBytes)
                    return typeof(TKernel).IsAssignableTo(typeof(IFusedSumKernel)) ? SumShiftedFour256<TKernel, T>(ref kernel, start, end, aligned) : SumShifted256<TKernel, T>(ref kernel, start, end, aligned);
            }
            // another, streaming: peeled to the aligned output, the first vector counting only the lanes before it
            else if (end - (start + aligned) >= Vector256<T>.Count)
                return SumFrom256<TKernel, T>(ref kernel, start, start + aligned, end);
        }
        return SumFrom256<TKernel, T>(ref kernel, start, start, end);
    }

    // The loop, in a method of its own with no call in it, so that its accumulators stay in registers. A cheap kernel
    // runs a pair a step into a0 and a1, or, one whose loss is a multiply-add into the sum (IFusedSumKernel), two pairs
    // into a0, a1 and a2, a3: four chains of that add, where two left its in-cache loop waiting on the add's latency
    // (mse_loss forward at 4,096 floats on AVX2: 1.02-1.08 of the two-accumulator hand loop before, 0.87-0.89 after).
    // Another kernel takes two in turn (Finish256). A streaming kernel's peeled lanes, from peel up to start (the aligned
    // output), open a1: computed here, not passed in (see SumFrom512).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumFrom256<TKernel, T>(ref TKernel kernel, int peel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        // A local copy: its fields (span pointers, flags, scalars) can live in registers, hoisted out of the loop,
        // where the caller's kernel, reached by reference, is re-read after every store through a span; Spread as in SumFrom512.
        TKernel k = kernel;
        k.Spread();
        int count = Vector256<T>.Count;
        Vector256<T> a0 = Vector256<T>.Zero, a1 = a0;
        if (peel < start) a1 = Vector256.ConditionalSelect(~FreshLanes256<T>(peel, start), k.Invoke256(peel), a0);
        int i = start;
        if (typeof(TKernel).IsAssignableTo(typeof(IFusedSumKernel)))
        {
            Vector256<T> a2 = a0, a3 = a0;
            for (; i <= end - 4 * count; i += 4 * count)
            {
                k.AddPair256(i, ref a0, ref a1);
                k.AddPair256(i + 2 * count, ref a2, ref a3);
            }
            return Finish256<TKernel, T>(ref k, i, end, a0, a1, a2, a3);
        }
        if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
        {
            for (; i <= end - 2 * count; i += 2 * count) k.AddPair256(i, ref a0, ref a1);
        }
        return Finish256<TKernel, T>(ref k, i, end, a0, a1);
    }

    // After the steps: one copy a step, the accumulators taken in turn, then the last, overlapping vector masked to the
    // lanes not yet counted.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Finish256<TKernel, T>(ref TKernel k, int i, int end, Vector256<T> a0, Vector256<T> a1)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        int count = Vector256<T>.Count;
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

    // Finish256 for a fused sum's four accumulators (IFusedSumKernel).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Finish256<TKernel, T>(ref TKernel k, int i, int end, Vector256<T> a0, Vector256<T> a1, Vector256<T> a2, Vector256<T> a3)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        int count = Vector256<T>.Count;
        for (; i <= end - count; i += count)
        {
            Vector256<T> next = k.Add256(i, a0);
            a0 = a1;
            a1 = a2;
            a2 = a3;
            a3 = next;
        }
        if (i < end)
        {
            int last = end - count;
            a0 += Vector256.ConditionalSelect(FreshLanes256<T>(last, i), k.Invoke256(last), Vector256<T>.Zero);
        }
        return Vector256.Sum((a0 + a1) + (a2 + a3));
    }

    // SumFrom256's pair loop run at the output's alignment, start + shift + 2 * count * j, so that every store of the
    // output is aligned, with the same sums, bit for bit, wherever the output lies. The sums are lane by lane: in the
    // loop from start, lane c of a0 adds the elements start + c + 2 * count * j in turn, and lane c of a1 those one vector
    // further. Shifted, lane l of s0 adds start + shift + l + 2 * count * j: the same elements, in the same order, as lane
    // (shift + l) mod count of a0 (l < count - shift) or of a1 (the others); and s1 likewise, one vector further, a1's
    // lanes from shift and a0's below it, one pair later. So the shifted sums are a0 and a1 with their lanes rotated by
    // shift and swapped below it, once the first shift elements (a0's first values below shift) open s1, and the last
    // pair, which the shifted loop leaves half done, runs where the loop from start runs it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumShifted256<TKernel, T>(ref TKernel kernel, int start, int end, int shift)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        TKernel k = kernel;
        k.Spread();
        int count = Vector256<T>.Count, pairs = (end - start) / (2 * count);
        Vector256<T> later = FreshLanes256<T>(0, shift); // the lanes from shift on
        // the first shift elements, added to zero as the loop from start adds its first vector; their gradients are
        // stored here, and the lanes from shift on again by the first pair, with the same values
        Vector256<T> head = Vector256.ConditionalSelect(later, Vector256<T>.Zero, k.Add256(start, Vector256<T>.Zero));
        Vector256<T> s0 = Vector256<T>.Zero, s1 = Rotate256(head, shift);
        for (int j = start + shift, stop = j + 2 * count * (pairs - 1); j < stop; j += 2 * count) k.AddPair256(j, ref s0, ref s1);
        Vector256<T> r0 = Rotate256(s0, count - shift), r1 = Rotate256(s1, count - shift);
        Vector256<T> a0 = Vector256.ConditionalSelect(later, r0, r1), a1 = Vector256.ConditionalSelect(later, r1, r0);
        // the last pair: a0's lanes below shift have its first vector already (the shifted loop's last s1)
        int i = start + 2 * count * (pairs - 1);
        Vector256<T> b0 = a0;
        k.AddPair256(i, ref b0, ref a1);
        a0 = Vector256.ConditionalSelect(later, b0, a0);
        return Finish256<TKernel, T>(ref k, i + 2 * count, end, a0, a1);
    }

    // SumShifted256 for a fused sum's four accumulators (IFusedSumKernel), a step of two pairs: lane l of s0 adds the
    // elements of lane (shift + l) mod count of a0 (l < count - shift) or of a1 (the others), s1 of a1 or a2, s2 of a2 or
    // a3, and s3 of a3 or, one step later, a0. So each a is its s rotated by shift, with its lanes below shift from the s
    // before it (a0's from s3); the first shift elements open s3, and the last step runs where the loop from start runs
    // it. (A method of its own: one generic over the count of accumulators kept every instantiation's dead half, and the
    // JIT then copied the kernel struct through memory in the two-accumulator loop: smooth_l1_loss up to 40% slower.)
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumShiftedFour256<TKernel, T>(ref TKernel kernel, int start, int end, int shift)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        TKernel k = kernel;
        k.Spread();
        int count = Vector256<T>.Count, steps = (end - start) / (4 * count);
        Vector256<T> later = FreshLanes256<T>(0, shift); // the lanes from shift on
        // the first shift elements, added to zero as the loop from start adds its first vector; their gradients are
        // stored here, and the lanes from shift on again by the first step, with the same values
        Vector256<T> head = Vector256.ConditionalSelect(later, Vector256<T>.Zero, k.Add256(start, Vector256<T>.Zero));
        Vector256<T> s0 = Vector256<T>.Zero, s1 = s0, s2 = s0, s3 = Rotate256(head, shift);
        for (int j = start + shift, stop = j + 4 * count * (steps - 1); j < stop; j += 4 * count)
        {
            k.AddPair256(j, ref s0, ref s1);
            k.AddPair256(j + 2 * count, ref s2, ref s3);
        }
        Vector256<T> r0 = Rotate256(s0, count - shift), r1 = Rotate256(s1, count - shift), r2 = Rotate256(s2, count - shift), r3 = Rotate256(s3, count - shift);
        Vector256<T> a0 = Vector256.ConditionalSelect(later, r0, r3), a1 = Vector256.ConditionalSelect(later, r1, r0);
        Vector256<T> a2 = Vector256.ConditionalSelect(later, r2, r1), a3 = Vector256.ConditionalSelect(later, r3, r2);
        // the last step: a0's lanes below shift have its first vector already (the shifted loop's last s3)
        int i = start + 4 * count * (steps - 1);
        Vector256<T> b0 = a0;
        k.AddPair256(i, ref b0, ref a1);
        k.AddPair256(i + 2 * count, ref a2, ref a3);
        a0 = Vector256.ConditionalSelect(later, b0, a0);
        return Finish256<TKernel, T>(ref k, i + 4 * count, end, a0, a1, a2, a3);
    }

    // Lane c of the result is lane (c + by) mod count of value (one permute: Shuffle with indices known at run time).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Rotate256<T>(Vector256<T> value, int by) where T : unmanaged => Unsafe.SizeOf<T>() == 4
        ? Vector256.Shuffle(value.As<T, int>(), Vector256.CreateSequence(by, 1) & Vector256.Create(Vector256<int>.Count - 1)).As<int, T>()
        : Vector256.Shuffle(value.As<T, long>(), Vector256.CreateSequence((long)by, 1) & Vector256.Create((long)Vector256<long>.Count - 1)).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sum128<TKernel, T>(ref TKernel kernel, int start, int end, int aligned)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        if (aligned > 0 && aligned < Vector128<T>.Count)
        {
            // a cheap kernel: its pairs at the aligned output, with the sums of the loop from start (SumShifted128)
            if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
            {
                if ((long)(end - start) * Unsafe.SizeOf<T>() >= ShiftedBytes)
                    return typeof(TKernel).IsAssignableTo(typeof(IFusedSumKernel)) ? SumShiftedFour128<TKernel, T>(ref kernel, start, end, aligned) : SumShifted128<TKernel, T>(ref kernel, start, end, aligned);
            }
            // another, streaming: peeled to the aligned output, the first vector counting only the lanes before it
            else if (end - (start + aligned) >= Vector128<T>.Count)
                return SumFrom128<TKernel, T>(ref kernel, start, start + aligned, end);
        }
        return SumFrom128<TKernel, T>(ref kernel, start, start, end);
    }

    // The loop, in a method of its own with no call in it, so that its accumulators stay in registers. A cheap kernel
    // runs a pair a step into a0 and a1, or, one whose loss is a multiply-add into the sum (IFusedSumKernel), two pairs
    // into a0, a1 and a2, a3: four chains of that add, where two left its in-cache loop waiting on the add's latency
    // (mse_loss forward at 4,096 floats on AVX2: 1.02-1.08 of the two-accumulator hand loop before, 0.87-0.89 after).
    // Another kernel takes two in turn (Finish128). A streaming kernel's peeled lanes, from peel up to start (the aligned
    // output), open a1: computed here, not passed in (see SumFrom512).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumFrom128<TKernel, T>(ref TKernel kernel, int peel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        // A local copy: its fields (span pointers, flags, scalars) can live in registers, hoisted out of the loop,
        // where the caller's kernel, reached by reference, is re-read after every store through a span; Spread as in SumFrom512.
        TKernel k = kernel;
        k.Spread();
        int count = Vector128<T>.Count;
        Vector128<T> a0 = Vector128<T>.Zero, a1 = a0;
        if (peel < start) a1 = Vector128.ConditionalSelect(~FreshLanes128<T>(peel, start), k.Invoke128(peel), a0);
        int i = start;
        if (typeof(TKernel).IsAssignableTo(typeof(IFusedSumKernel)))
        {
            Vector128<T> a2 = a0, a3 = a0;
            for (; i <= end - 4 * count; i += 4 * count)
            {
                k.AddPair128(i, ref a0, ref a1);
                k.AddPair128(i + 2 * count, ref a2, ref a3);
            }
            return Finish128<TKernel, T>(ref k, i, end, a0, a1, a2, a3);
        }
        if (typeof(TKernel).IsAssignableTo(typeof(IUnrolledKernel)))
        {
            for (; i <= end - 2 * count; i += 2 * count) k.AddPair128(i, ref a0, ref a1);
        }
        return Finish128<TKernel, T>(ref k, i, end, a0, a1);
    }

    // After the steps: one copy a step, the accumulators taken in turn, then the last, overlapping vector masked to the
    // lanes not yet counted.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Finish128<TKernel, T>(ref TKernel k, int i, int end, Vector128<T> a0, Vector128<T> a1)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        int count = Vector128<T>.Count;
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

    // Finish128 for a fused sum's four accumulators (IFusedSumKernel).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Finish128<TKernel, T>(ref TKernel k, int i, int end, Vector128<T> a0, Vector128<T> a1, Vector128<T> a2, Vector128<T> a3)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        int count = Vector128<T>.Count;
        for (; i <= end - count; i += count)
        {
            Vector128<T> next = k.Add128(i, a0);
            a0 = a1;
            a1 = a2;
            a2 = a3;
            a3 = next;
        }
        if (i < end)
        {
            int last = end - count;
            a0 += Vector128.ConditionalSelect(FreshLanes128<T>(last, i), k.Invoke128(last), Vector128<T>.Zero);
        }
        return Vector128.Sum((a0 + a1) + (a2 + a3));
    }

    // SumFrom128's pair loop run at the output's alignment, start + shift + 2 * count * j, so that every store of the
    // output is aligned, with the same sums, bit for bit, wherever the output lies. The sums are lane by lane: in the
    // loop from start, lane c of a0 adds the elements start + c + 2 * count * j in turn, and lane c of a1 those one vector
    // further. Shifted, lane l of s0 adds start + shift + l + 2 * count * j: the same elements, in the same order, as lane
    // (shift + l) mod count of a0 (l < count - shift) or of a1 (the others); and s1 likewise, one vector further, a1's
    // lanes from shift and a0's below it, one pair later. So the shifted sums are a0 and a1 with their lanes rotated by
    // shift and swapped below it, once the first shift elements (a0's first values below shift) open s1, and the last
    // pair, which the shifted loop leaves half done, runs where the loop from start runs it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumShifted128<TKernel, T>(ref TKernel kernel, int start, int end, int shift)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        TKernel k = kernel;
        k.Spread();
        int count = Vector128<T>.Count, pairs = (end - start) / (2 * count);
        Vector128<T> later = FreshLanes128<T>(0, shift); // the lanes from shift on
        // the first shift elements, added to zero as the loop from start adds its first vector; their gradients are
        // stored here, and the lanes from shift on again by the first pair, with the same values
        Vector128<T> head = Vector128.ConditionalSelect(later, Vector128<T>.Zero, k.Add128(start, Vector128<T>.Zero));
        Vector128<T> s0 = Vector128<T>.Zero, s1 = Rotate128(head, shift);
        for (int j = start + shift, stop = j + 2 * count * (pairs - 1); j < stop; j += 2 * count) k.AddPair128(j, ref s0, ref s1);
        Vector128<T> r0 = Rotate128(s0, count - shift), r1 = Rotate128(s1, count - shift);
        Vector128<T> a0 = Vector128.ConditionalSelect(later, r0, r1), a1 = Vector128.ConditionalSelect(later, r1, r0);
        // the last pair: a0's lanes below shift have its first vector already (the shifted loop's last s1)
        int i = start + 2 * count * (pairs - 1);
        Vector128<T> b0 = a0;
        k.AddPair128(i, ref b0, ref a1);
        a0 = Vector128.ConditionalSelect(later, b0, a0);
        return Finish128<TKernel, T>(ref k, i + 2 * count, end, a0, a1);
    }

    // SumShifted128 for a fused sum's four accumulators (IFusedSumKernel), a step of two pairs: lane l of s0 adds the
    // elements of lane (shift + l) mod count of a0 (l < count - shift) or of a1 (the others), s1 of a1 or a2, s2 of a2 or
    // a3, and s3 of a3 or, one step later, a0. So each a is its s rotated by shift, with its lanes below shift from the s
    // before it (a0's from s3); the first shift elements open s3, and the last step runs where the loop from start runs
    // it. (A method of its own: one generic over the count of accumulators kept every instantiation's dead half, and the
    // JIT then copied the kernel struct through memory in the two-accumulator loop: smooth_l1_loss up to 40% slower.)
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T SumShiftedFour128<TKernel, T>(ref TKernel kernel, int start, int end, int shift)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        TKernel k = kernel;
        k.Spread();
        int count = Vector128<T>.Count, steps = (end - start) / (4 * count);
        Vector128<T> later = FreshLanes128<T>(0, shift); // the lanes from shift on
        // the first shift elements, added to zero as the loop from start adds its first vector; their gradients are
        // stored here, and the lanes from shift on again by the first step, with the same values
        Vector128<T> head = Vector128.ConditionalSelect(later, Vector128<T>.Zero, k.Add128(start, Vector128<T>.Zero));
        Vector128<T> s0 = Vector128<T>.Zero, s1 = s0, s2 = s0, s3 = Rotate128(head, shift);
        for (int j = start + shift, stop = j + 4 * count * (steps - 1); j < stop; j += 4 * count)
        {
            k.AddPair128(j, ref s0, ref s1);
            k.AddPair128(j + 2 * count, ref s2, ref s3);
        }
        Vector128<T> r0 = Rotate128(s0, count - shift), r1 = Rotate128(s1, count - shift), r2 = Rotate128(s2, count - shift), r3 = Rotate128(s3, count - shift);
        Vector128<T> a0 = Vector128.ConditionalSelect(later, r0, r3), a1 = Vector128.ConditionalSelect(later, r1, r0);
        Vector128<T> a2 = Vector128.ConditionalSelect(later, r2, r1), a3 = Vector128.ConditionalSelect(later, r3, r2);
        // the last step: a0's lanes below shift have its first vector already (the shifted loop's last s3)
        int i = start + 4 * count * (steps - 1);
        Vector128<T> b0 = a0;
        k.AddPair128(i, ref b0, ref a1);
        k.AddPair128(i + 2 * count, ref a2, ref a3);
        a0 = Vector128.ConditionalSelect(later, b0, a0);
        return Finish128<TKernel, T>(ref k, i + 4 * count, end, a0, a1, a2, a3);
    }

    // Lane c of the result is lane (c + by) mod count of value (one permute: Shuffle with indices known at run time).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Rotate128<T>(Vector128<T> value, int by) where T : unmanaged => Unsafe.SizeOf<T>() == 4
        ? Vector128.Shuffle(value.As<T, int>(), Vector128.CreateSequence(by, 1) & Vector128.Create(Vector128<int>.Count - 1)).As<int, T>()
        : Vector128.Shuffle(value.As<T, long>(), Vector128.CreateSequence((long)by, 1) & Vector128.Create((long)Vector128<long>.Count - 1)).As<long, T>();

    /// <summary>The kernel at <paramref name="start"/>, for its stores only: <see cref="Run{TKernel, T}(ref TKernel, int, int)"/>'s peeled vector, out of line so that the loop keeps one copy of the kernel's body (no vector returned: none is read).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Peel512<TKernel, T>(ref TKernel kernel, int start)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
        => kernel.Invoke512(start);

    /// <summary>The kernel at <paramref name="start"/>, for its stores only: <see cref="Run{TKernel, T}(ref TKernel, int, int)"/>'s peeled vector, out of line so that the loop keeps one copy of the kernel's body (no vector returned: none is read).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Peel256<TKernel, T>(ref TKernel kernel, int start)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
        => kernel.Invoke256(start);

    /// <summary>The kernel at <paramref name="start"/>, for its stores only: <see cref="Run{TKernel, T}(ref TKernel, int, int)"/>'s peeled vector, out of line so that the loop keeps one copy of the kernel's body (no vector returned: none is read).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Peel128<TKernel, T>(ref TKernel kernel, int start)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged
        => kernel.Invoke128(start);

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
