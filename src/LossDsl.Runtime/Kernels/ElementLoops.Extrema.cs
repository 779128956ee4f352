using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// The max and min of a kernel's values over a range: the reductions behind row aggregates max(...), min(...) and
// logsumexp's shift. NaN propagates, as torch.amax; an empty range gives -inf (max) or +inf (min).
public static partial class ElementLoops
{
    /// <summary>The largest of the kernel's values over <paramref name="start"/> .. <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max<TKernel, T>(ref TKernel kernel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Extremum<TKernel, T>(ref kernel, start, end, max: true);

    /// <summary>The smallest of the kernel's values over <paramref name="start"/> .. <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min<TKernel, T>(ref TKernel kernel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Extremum<TKernel, T>(ref kernel, start, end, max: false);

    private static T Extremum<TKernel, T>(ref TKernel kernel, int start, int end, bool max)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T identity = max ? T.NegativeInfinity : T.PositiveInfinity;
        int length = end - start;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count)
        {
            int count = Vector512<T>.Count;
            // Four accumulators, as in the sums: the max of one vector does not wait for the previous one.
            Vector512<T> acc = Vector512.Create(identity), a1 = acc, a2 = acc, a3 = acc;
            int i = start;
            for (; i <= end - 4 * count; i += 4 * count)
            {
                acc = Pick(acc, kernel.Invoke512(i), max);
                a1 = Pick(a1, kernel.Invoke512(i + count), max);
                a2 = Pick(a2, kernel.Invoke512(i + 2 * count), max);
                a3 = Pick(a3, kernel.Invoke512(i + 3 * count), max);
            }
            acc = Pick(Pick(acc, a1, max), Pick(a2, a3, max), max);
            for (; i <= end - count; i += count) acc = Pick(acc, kernel.Invoke512(i), max);
            if (i < end)
            {
                int last = end - count;
                acc = Pick(acc, Vector512.ConditionalSelect(FreshLanes512<T>(last, i), kernel.Invoke512(last), Vector512.Create(identity)), max);
            }
            return Fold(acc.GetLower(), acc.GetUpper(), max);
        }
        if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count)
        {
            int count = Vector256<T>.Count;
            // Four accumulators, as in the sums: the max of one vector does not wait for the previous one.
            Vector256<T> acc = Vector256.Create(identity), a1 = acc, a2 = acc, a3 = acc;
            int i = start;
            for (; i <= end - 4 * count; i += 4 * count)
            {
                acc = Pick(acc, kernel.Invoke256(i), max);
                a1 = Pick(a1, kernel.Invoke256(i + count), max);
                a2 = Pick(a2, kernel.Invoke256(i + 2 * count), max);
                a3 = Pick(a3, kernel.Invoke256(i + 3 * count), max);
            }
            acc = Pick(Pick(acc, a1, max), Pick(a2, a3, max), max);
            for (; i <= end - count; i += count) acc = Pick(acc, kernel.Invoke256(i), max);
            if (i < end)
            {
                int last = end - count;
                acc = Pick(acc, Vector256.ConditionalSelect(FreshLanes256<T>(last, i), kernel.Invoke256(last), Vector256.Create(identity)), max);
            }
            return Fold(acc, max);
        }
        if (Vector128.IsHardwareAccelerated && length >= Vector128<T>.Count)
        {
            int count = Vector128<T>.Count;
            Vector128<T> acc = Vector128.Create(identity), a1 = acc, a2 = acc, a3 = acc;
            int i = start;
            for (; i <= end - 4 * count; i += 4 * count)
            {
                acc = Pick(acc, kernel.Invoke128(i), max);
                a1 = Pick(a1, kernel.Invoke128(i + count), max);
                a2 = Pick(a2, kernel.Invoke128(i + 2 * count), max);
                a3 = Pick(a3, kernel.Invoke128(i + 3 * count), max);
            }
            acc = Pick(Pick(acc, a1, max), Pick(a2, a3, max), max);
            for (; i <= end - count; i += count) acc = Pick(acc, kernel.Invoke128(i), max);
            if (i < end)
            {
                int last = end - count;
                acc = Pick(acc, Vector128.ConditionalSelect(FreshLanes128<T>(last, i), kernel.Invoke128(last), Vector128.Create(identity)), max);
            }
            T folded = acc.GetElement(0);
            for (int k = 1; k < count; k++) folded = max ? LossMath.Max(folded, acc.GetElement(k)) : LossMath.Min(folded, acc.GetElement(k));
            return folded;
        }
        T result = identity;
        for (int i = start; i < end; i++) result = max ? LossMath.Max(result, kernel.Invoke(i)) : LossMath.Min(result, kernel.Invoke(i));
        return result;
    }

    private static Vector512<T> Pick<T>(Vector512<T> a, Vector512<T> b, bool max) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => max ? LossMath.Max(a, b) : LossMath.Min(a, b);

    private static Vector128<T> Pick<T>(Vector128<T> a, Vector128<T> b, bool max) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => max ? LossMath.Max(a, b) : LossMath.Min(a, b);

    private static Vector256<T> Pick<T>(Vector256<T> a, Vector256<T> b, bool max) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => max ? LossMath.Max(a, b) : LossMath.Min(a, b);

    private static T Fold<T>(Vector256<T> a, Vector256<T> b, bool max) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Fold(Pick(a, b, max), max);

    private static T Fold<T>(Vector256<T> v, bool max) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T result = v.GetElement(0);
        for (int k = 1; k < Vector256<T>.Count; k++) result = max ? LossMath.Max(result, v.GetElement(k)) : LossMath.Min(result, v.GetElement(k));
        return result;
    }
}
