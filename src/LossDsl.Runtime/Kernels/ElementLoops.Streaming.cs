using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace LossDsl;

// Non-temporal stores for outputs beyond the caches, as TensorPrimitives streams its large outputs: a gradient written
// once and not read back soon bypasses the caches (no read for ownership, no eviction of the inputs). The stores must be
// aligned, so the loop peels the first vector to the alignment of one output (the kernel's first wanted gradient);
// a store that is not aligned (the peeled vector, the overlapping last one, another output of other alignment) is an
// ordinary one. The generated kernel streams only when its call pinned the outputs (KernelFlags bit 5).
public static partial class ElementLoops
{
    private static int s_nonTemporalBytes = 16 << 20;

    /// <summary>
    /// The size of one output, in bytes, from which a kernel streams its gradients past the caches (non-temporal
    /// stores); default 16 MiB, about the share of a last-level cache one output may take. int.MaxValue turns it off.
    /// </summary>
    public static int NonTemporalBytes
    {
        get => Volatile.Read(ref s_nonTemporalBytes);
        set => Volatile.Write(ref s_nonTemporalBytes, value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A positive size in bytes."));
    }

    /// <summary>The length of the chunked call this thread is running a chunk of (LossParallel), or 0.</summary>
    [ThreadStatic] internal static int t_chunkedLength;

    /// <summary>
    /// The number of threads running chunks of a chunked call (LossParallel): while none is, no thread's
    /// <see cref="t_chunkedLength"/> is set, and <see cref="ShouldStream{T}"/> does not read it (a thread-static read is a
    /// helper call, a fixed cost on every small call).
    /// </summary>
    internal static int s_chunkingThreads;

    /// <summary>
    /// Whether outputs of <paramref name="n"/> elements are streamed (see <see cref="NonTemporalBytes"/>); a chunk of
    /// the parallel path streams when its whole call would.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe bool ShouldStream<T>(int n) where T : unmanaged
    {
        int bytes = NonTemporalBytes;
        return (long)n * sizeof(T) >= bytes || (Volatile.Read(ref s_chunkingThreads) != 0 && (long)t_chunkedLength * sizeof(T) >= bytes);
    }

    /// <summary>
    /// The first element index (0 .. one vector) at which <paramref name="output"/>, pinned, is aligned to the widest
    /// accelerated vector; 0 when it cannot be (null, or not aligned to its element size).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int AlignedStart<T>(T* output) where T : unmanaged
    {
        nuint size = Vector512.IsHardwareAccelerated ? 64u : Vector256.IsHardwareAccelerated ? 32u : 16u;
        nuint misalignment = (nuint)output % size;
        if (output == null || misalignment == 0 || misalignment % (nuint)sizeof(T) != 0) return 0;
        return (int)((size - misalignment) / (nuint)sizeof(T));
    }

    /// <summary>
    /// <see cref="AlignedStart{T}(T*)"/> of a span's first element, not pinned: the GC may move it after, so the index is
    /// a hint, for a loop whose results do not depend on where it starts (a cheap kernel's sum, a map). 0 for a call
    /// whose data lies beyond the caches (<see cref="ShouldStream{T}"/>), where a loop aligned to one of its inputs
    /// measured slower (mse_loss forward at 16.7M floats, AVX-512, one thread: 5.5-6.2 ms from the start, 6.1-7.4 ms
    /// aligned to the input; 1 MB and less: the same or faster).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int AlignedStart<T>(ReadOnlySpan<T> span) where T : unmanaged
        => span.IsEmpty || ShouldStream<T>(span.Length) ? 0 : AlignedStart((T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)));

    /// <summary>Stores <paramref name="value"/> at <paramref name="output"/>[i]: streamed (<see cref="Stream{T}(Vector128{T}, ref T, nuint)"/>) when <typeparamref name="TStream"/> is <see cref="On"/>, else an ordinary store. One call in the kernel's code, whichever it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TStream, T>(Vector128<T> value, ref T output, nuint i) where TStream : struct, IFlag where T : unmanaged
    {
        if (typeof(TStream) == typeof(On)) Stream(value, ref output, i);
        else value.StoreUnsafe(ref output, i);
    }

    /// <summary>Stores <paramref name="value"/> at <paramref name="output"/>[i]: streamed (<see cref="Stream{T}(Vector256{T}, ref T, nuint)"/>) when <typeparamref name="TStream"/> is <see cref="On"/>, else an ordinary store. One call in the kernel's code, whichever it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TStream, T>(Vector256<T> value, ref T output, nuint i) where TStream : struct, IFlag where T : unmanaged
    {
        if (typeof(TStream) == typeof(On)) Stream(value, ref output, i);
        else value.StoreUnsafe(ref output, i);
    }

    /// <summary>Stores <paramref name="value"/> at <paramref name="output"/>[i]: streamed (<see cref="Stream{T}(Vector512{T}, ref T, nuint)"/>) when <typeparamref name="TStream"/> is <see cref="On"/>, else an ordinary store. One call in the kernel's code, whichever it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TStream, T>(Vector512<T> value, ref T output, nuint i) where TStream : struct, IFlag where T : unmanaged
    {
        if (typeof(TStream) == typeof(On)) Stream(value, ref output, i);
        else value.StoreUnsafe(ref output, i);
    }

    /// <summary>Stores <paramref name="value"/> at <paramref name="output"/>[i], non-temporal where aligned; <paramref name="output"/> must be pinned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Stream<T>(Vector128<T> value, ref T output, nuint i) where T : unmanaged
    {
        T* p = (T*)Unsafe.AsPointer(ref Unsafe.Add(ref output, i));
        if (((nuint)p & 15) == 0) Vector128.StoreAlignedNonTemporal(value, p); else Vector128.Store(value, p);
    }

    /// <summary>Stores <paramref name="value"/> at <paramref name="output"/>[i], non-temporal where aligned; <paramref name="output"/> must be pinned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Stream<T>(Vector256<T> value, ref T output, nuint i) where T : unmanaged
    {
        T* p = (T*)Unsafe.AsPointer(ref Unsafe.Add(ref output, i));
        if (((nuint)p & 31) == 0) Vector256.StoreAlignedNonTemporal(value, p); else Vector256.Store(value, p);
    }

    /// <summary>Stores <paramref name="value"/> at <paramref name="output"/>[i], non-temporal where aligned; <paramref name="output"/> must be pinned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Stream<T>(Vector512<T> value, ref T output, nuint i) where T : unmanaged
    {
        T* p = (T*)Unsafe.AsPointer(ref Unsafe.Add(ref output, i));
        if (((nuint)p & 63) == 0) Vector512.StoreAlignedNonTemporal(value, p); else Vector512.Store(value, p);
    }
}
