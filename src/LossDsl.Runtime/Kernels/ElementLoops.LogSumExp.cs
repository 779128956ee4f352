using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// The online log-sum-exp: the maximum M of a row of values x and the sum S = sum e^(x - M) in one pass over the row
// (the model: PyTorch's vectorized log_softmax and oneDNN's softmax, which block the row; Milakov & Gimelshein 2018).
// The row is cut into chunks of a few kilobytes. Each chunk is read twice while it sits in the first-level cache:
// its maximum, then its exponentials shifted by the running maximum m; when a chunk raises m, the sum so far is
// rescaled by e^(m_old - m_new), a scalar. So memory sees the row once, each e^x is computed once, and the result is
// the two-pass one up to rounding (e^(x - m) e^(m - M) for e^(x - M)).
// A summand kernel that also stores its exponentials (the gradient's factor, see the generator's LossModel.Cache)
// leaves e^(x - m_chunk) behind; the chunks whose shift was not the final M are rescaled by e^(m_chunk - M) at the end
// (for a typical row, only the first few chunks: the maximum is soon found). A chunk's maximum is the hardware's (one
// instruction a vector; it may drop a NaN, which then makes the sum NaN). A row with a non-finite chunk maximum (+-inf)
// or a NaN sum takes the exact two-pass path, so its infinities and NaNs are those of max, then sum e^(x - M).
public static partial class ElementLoops
{
    /// <summary>The most chunks of a row (a larger row has longer chunks): their shifts are kept on the stack.</summary>
    private const int LogSumExpChunks = 64;

    /// <summary>
    /// The shortest chunk, in bytes: long enough that the per-chunk folds weigh little, short enough for L1 (and the
    /// next chunk's loads then overlap this one's exponentials: 8 KiB chunks, one for a row of 1,000 floats, were slower).
    /// </summary>
    private const int LogSumExpChunkBytes = 2048;

    /// <summary>
    /// The maximum <paramref name="maximum"/> of <paramref name="max"/>'s values over <paramref name="start"/> ..
    /// <paramref name="end"/> and the sum of <paramref name="sum"/>'s values shifted by it (its <see cref="IShiftedKernel{T}.Shift"/>
    /// set to the maximum): the row's log-sum-exp is <c>maximum + log(result)</c>. When <paramref name="stored"/> is not
    /// empty, <paramref name="sum"/> stores its values there (at the same indices) and they are left shifted by the maximum.
    /// On return the kernel's shift is the maximum.
    /// </summary>
    [SkipLocalsInit]
    public static T LogSumExp<TMax, TSum, T>(ref TMax max, ref TSum sum, int start, int end, Span<T> stored, out T maximum)
        where TMax : struct, IElementKernel<T>, allows ref struct
        where TSum : struct, IElementKernel<T>, IShiftedKernel<T>, allows ref struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int length = end - start;
        int minimum = LogSumExpChunkBytes / Unsafe.SizeOf<T>();
        int chunk = Math.Max(minimum, (length + LogSumExpChunks - 1) / LogSumExpChunks);
        if (length <= chunk) return OneChunk<TMax, TSum, T>(ref max, ref sum, start, end, out maximum);

        Span<T> shifts = stackalloc T[LogSumExpChunks];
        T m = T.NegativeInfinity, s = T.Zero;
        bool finite = true;
        int c = 0;
        for (int from = start; from < end; from += chunk, c++)
        {
            int to = Math.Min(from + chunk, end);
            T chunkMax = NativeMax<TMax, T>(ref max, from, to);
            if (!T.IsFinite(chunkMax)) { finite = false; break; }
            if (chunkMax > m)
            {
                s *= LossMath.Exp(m - chunkMax); // 0 while m is -inf (s is 0 then)
                m = chunkMax;
            }
            sum.Shift = m;
            s += Sum<TSum, T>(ref sum, from, to);
            shifts[c] = m;
        }
        // A NaN the hardware maximum dropped reached the sum (e^(NaN - m) is NaN): the exact passes give its NaNs.
        if (!finite || T.IsNaN(s)) return TwoPass<TMax, TSum, T>(ref max, ref sum, start, end, out maximum);

        if (!stored.IsEmpty)
        {
            c = 0;
            for (int from = start; from < end && shifts[c] != m; from += chunk, c++)
            {
                var values = stored.Slice(from, Math.Min(chunk, end - from));
                TensorPrimitives.Multiply(values, LossMath.Exp(shifts[c] - m), values);
            }
        }
        maximum = m;
        return s;
    }

    /// <summary>
    /// The maximum of a chunk by the hardware's max (one instruction a vector; a NaN may be dropped, which the sum then
    /// catches): <see cref="Max{TKernel, T}"/> spends several a vector on IEEE NaN propagation.
    /// </summary>
    private static T NativeMax<TKernel, T>(ref TKernel kernel, int start, int end)
        where TKernel : struct, IElementKernel<T>, allows ref struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // The vectors may overlap (the last one ends at end): a maximum does not mind seeing an element twice.
        if (Vector512.IsHardwareAccelerated && end - start >= Vector512<T>.Count)
        {
            int n = Vector512<T>.Count, i = start + n;
            Vector512<T> a = kernel.Invoke512(start), b = a;
            for (; i <= end - 2 * n; i += 2 * n) { a = Vector512.MaxNative(a, kernel.Invoke512(i)); b = Vector512.MaxNative(b, kernel.Invoke512(i + n)); }
            if (i < end) a = Vector512.MaxNative(a, kernel.Invoke512(Math.Min(i, end - n)));
            if (i + n < end) b = Vector512.MaxNative(b, kernel.Invoke512(end - n));
            return Fold(Vector512.MaxNative(a, b).GetLower(), Vector512.MaxNative(a, b).GetUpper(), max: true);
        }
        if (Vector256.IsHardwareAccelerated && end - start >= Vector256<T>.Count)
        {
            int n = Vector256<T>.Count, i = start + n;
            Vector256<T> a = kernel.Invoke256(start), b = a;
            for (; i <= end - 2 * n; i += 2 * n) { a = Vector256.MaxNative(a, kernel.Invoke256(i)); b = Vector256.MaxNative(b, kernel.Invoke256(i + n)); }
            if (i < end) a = Vector256.MaxNative(a, kernel.Invoke256(Math.Min(i, end - n)));
            if (i + n < end) b = Vector256.MaxNative(b, kernel.Invoke256(end - n));
            return Fold(Vector256.MaxNative(a, b), max: true);
        }
        if (Vector128.IsHardwareAccelerated && end - start >= Vector128<T>.Count)
        {
            int n = Vector128<T>.Count, i = start + n;
            Vector128<T> a = kernel.Invoke128(start), b = a;
            for (; i <= end - 2 * n; i += 2 * n) { a = Vector128.MaxNative(a, kernel.Invoke128(i)); b = Vector128.MaxNative(b, kernel.Invoke128(i + n)); }
            if (i < end) a = Vector128.MaxNative(a, kernel.Invoke128(Math.Min(i, end - n)));
            if (i + n < end) b = Vector128.MaxNative(b, kernel.Invoke128(end - n));
            a = Vector128.MaxNative(a, b);
            T folded = a.GetElement(0);
            for (int k = 1; k < n; k++) folded = LossMath.Max(folded, a.GetElement(k));
            return folded;
        }
        return Max<TKernel, T>(ref kernel, start, end);
    }

    /// <summary>
    /// A row of one chunk: its maximum by the hardware's max, then the sum shifted by it; the exact passes when the
    /// maximum is not finite or the sum is NaN (a NaN the hardware max dropped), as for a longer row.
    /// </summary>
    private static T OneChunk<TMax, TSum, T>(ref TMax max, ref TSum sum, int start, int end, out T maximum)
        where TMax : struct, IElementKernel<T>, allows ref struct
        where TSum : struct, IElementKernel<T>, IShiftedKernel<T>, allows ref struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T m = NativeMax<TMax, T>(ref max, start, end);
        if (T.IsFinite(m))
        {
            sum.Shift = m;
            T s = Sum<TSum, T>(ref sum, start, end);
            if (!T.IsNaN(s))
            {
                maximum = m;
                return s;
            }
        }
        return TwoPass<TMax, TSum, T>(ref max, ref sum, start, end, out maximum);
    }

    /// <summary>The maximum, then the sum shifted by it: two passes (a row with a non-finite maximum or a NaN).</summary>
    private static T TwoPass<TMax, TSum, T>(ref TMax max, ref TSum sum, int start, int end, out T maximum)
        where TMax : struct, IElementKernel<T>, allows ref struct
        where TSum : struct, IElementKernel<T>, IShiftedKernel<T>, allows ref struct
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        maximum = Max<TMax, T>(ref max, start, end);
        sum.Shift = maximum;
        return Sum<TSum, T>(ref sum, start, end);
    }
}
