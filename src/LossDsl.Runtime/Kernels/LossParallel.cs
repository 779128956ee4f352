using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace LossDsl;

/// <summary>
/// The parallel path of the generated kernels: a large call is cut into fixed chunks of <see cref="ChunkLength"/>
/// elements that the calling thread and up to <see cref="MaxThreads"/> - 1 worker threads compute, and whose partial
/// sums the calling thread adds in chunk order.
/// </summary>
/// <remarks>
/// <para><b>Determinism.</b> The chunk boundaries depend only on the element count <c>n</c>: chunk <c>c</c> is
/// [c * <see cref="ChunkLength"/>, min((c + 1) * <see cref="ChunkLength"/>, n)). Each chunk's partial sum is computed by
/// the same compiled code over the same elements in the same order whichever thread takes it, so its bits do not depend
/// on the thread; each is stored in its own slot <c>partials[c]</c>; and the calling thread adds the slots in index order
/// (<c>0 + partials[0] + partials[1] + ...</c>) after every chunk is done. Which thread ran which chunk, and when, cannot
/// reach the result: its bits depend only on <c>n</c> (and the inputs), never on <see cref="MaxThreads"/>, on the
/// scheduling, or on whether the call ran serially because another call was in flight.</para>
/// <para><b>Allocation.</b> A call allocates nothing: the job descriptor lives on the caller's stack, the partial sums
/// too (or, beyond <see cref="MaxStackChunks"/> chunks, in an array rented from <see cref="ArrayPool{T}.Shared"/>), and
/// the workers are long-lived threads woken through their own semaphore. Only the first call that needs a worker
/// creates it (and a failing kernel's exception is captured with an allocation).</para>
/// <para><b>One job at a time.</b> The workers serve one call at a time. A call that finds them busy (another thread's
/// call, or a kernel calling <see cref="Run{TKernel, T}(ref TKernel, int)"/> from inside a chunk) runs its chunks on its own thread, in
/// order: the same chunks, hence the same bits, and no waiting on anyone, so no deadlock.</para>
/// </remarks>
public static unsafe partial class LossParallel
{
    /// <summary>
    /// Elements per chunk (65,536): a split call is cut into chunks of this length (the last one shorter) whatever the
    /// number of threads, and their partial sums are added in chunk order on the calling thread, so the result's bits
    /// depend only on n, never on the thread count or the scheduling.
    /// </summary>
    public const int ChunkLength = 1 << 16;

    /// <summary>The most chunks whose partial sums are kept on the stack (1,024 chunks: n &lt;= 64M elements); beyond, they go in a pooled array.</summary>
    private const int MaxStackChunks = 1024;

    private static int s_threshold = 1 << 20;
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// Calls of at least this many elements are split (default 1 &lt;&lt; 20). Values below 2 * <see cref="ChunkLength"/>
    /// act as 2 * <see cref="ChunkLength"/> (a chunk is never split again). Settable by the caller (process-wide).
    /// </summary>
    public static int Threshold
    {
        get => Volatile.Read(ref s_threshold);
        set => Volatile.Write(ref s_threshold, value);
    }

    /// <summary>
    /// The most threads one call uses, the calling thread included (default: <see cref="Environment.ProcessorCount"/>).
    /// 1 runs every chunk on the calling thread: the same chunks in the same order, so the same bits. Must be &gt;= 1.
    /// Settable by the caller (process-wide); worker threads are created when a call first needs them and kept.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is less than 1.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref s_maxThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref s_maxThreads, value);
        }
    }

    /// <summary>Whether a call of <paramref name="n"/> elements takes the chunked path: n &gt;= max(<see cref="Threshold"/>, 2 * <see cref="ChunkLength"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ShouldSplit(int n) => n >= Math.Max(Volatile.Read(ref s_threshold), 2 * ChunkLength);

    /// <summary>
    /// Whether a row loss whose rows are each expensive (a row function: CTC's dynamic program) takes the chunked path,
    /// one row per chunk: from two rows on, unless the path is turned off (<see cref="Threshold"/> = int.MaxValue). Like
    /// <see cref="ShouldSplit"/> it does not look at the thread count, so the bits do not depend on it.
    /// </summary>
    public static bool ShouldSplitRows(int rows) => rows >= 2 && Volatile.Read(ref s_threshold) != int.MaxValue;

    /// <summary>
    /// Runs <paramref name="kernel"/> over [0, <paramref name="n"/>) in chunks (see <see cref="ChunkLength"/>) on up to
    /// <see cref="MaxThreads"/> threads and returns the sum of the chunks' partial sums, added in chunk order. Blocks until
    /// every chunk is done. Allocates nothing (after the first call, which may start the worker threads).
    /// </summary>
    /// <remarks>
    /// The kernel is shared with the workers by address: it (and what it points to) must stay put and unchanged until the
    /// call returns, which holds for a struct on the caller's stack since the call blocks. If a chunk throws anyway, no
    /// further chunk is started, the call waits for the chunks already running, and the first exception is rethrown on
    /// the calling thread (the outputs are then partly written).
    /// </remarks>
    /// <typeparam name="TKernel">The generated chunk struct.</typeparam>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="kernel">The kernel; its <see cref="IChunkedKernel{T}.Run"/> is called once per chunk.</param>
    /// <param name="n">The number of elements (&gt;= 0).</param>
    /// <returns>0 + partial(chunk 0) + partial(chunk 1) + ..., added in that order (0 when n is 0).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public static T Run<TKernel, T>(ref TKernel kernel, int n)
        where TKernel : unmanaged, IChunkedKernel<T>
        where T : unmanaged, INumberBase<T>
        => Run<TKernel, T>(ref kernel, n, ChunkLength);

    /// <summary>
    /// Rows per chunk for a row loss of <paramref name="rowLength"/> elements per row: about <see cref="ChunkLength"/>
    /// elements, at least one row. It depends on the row length only, so the chunks (and the bits) do too.
    /// </summary>
    public static int RowsPerChunk(int rowLength) => rowLength <= 0 ? ChunkLength : Math.Max(1, ChunkLength / rowLength);

    /// <summary>
    /// <see cref="Run{TKernel, T}(ref TKernel, int)"/> over <paramref name="n"/> units (rows, for a row loss) in chunks of
    /// <paramref name="chunkLength"/> units (see <see cref="RowsPerChunk"/>): the same determinism, the same threads.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative or <paramref name="chunkLength"/> is not positive.</exception>
    [SkipLocalsInit]
    public static T Run<TKernel, T>(ref TKernel kernel, int n, int chunkLength)
        where TKernel : unmanaged, IChunkedKernel<T>
        where T : unmanaged, INumberBase<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkLength);
        if (n == 0) return T.Zero;
        int chunks = (int)(((long)n + chunkLength - 1) / chunkLength);

        // Every chunk writes exactly one slot before the sum reads it, so the buffer needs no clearing (SkipLocalsInit).
        T[]? rented = null;
        Span<T> buffer = chunks <= MaxStackChunks ? stackalloc T[chunks] : (rented = ArrayPool<T>.Shared.Rent(chunks));
        try
        {
            // `fixed` pins the kernel only if it is not on a stack already (a ref into the heap); the partials array if rented.
            fixed (TKernel* pinnedKernel = &kernel)
            fixed (T* partials = buffer)
            {
                Job job = default;
                job.Drain = &Drain<TKernel, T>;
                job.Kernel = pinnedKernel;
                job.Partials = partials;
                job.Length = n;
                job.ChunkLength = chunkLength;
                job.Chunks = chunks;
                Execute(&job);
                ThrowIfFailed(&job);

                // Every partial is visible here: see Execute (the workers' last write precedes their Interlocked check-out,
                // which the caller observes with a Volatile read before it returns).
                T total = T.Zero;
                for (int c = 0; c < chunks; c++) total += partials[c];
                return total;
            }
        }
        finally
        {
            if (rented != null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// One call's job, on the caller's stack. Workers reach it through the pointer handed to them in
    /// <see cref="Worker.Start"/>; it stays valid because the caller does not return before every worker it woke has
    /// checked out (decremented <see cref="Pending"/>), after which no worker touches it again.
    /// </summary>
    private struct Job
    {
        /// <summary>Takes chunks until none is left: <see cref="Drain{TKernel, T}"/> for the call's types (non-generic pointer, so the workers are too).</summary>
        public delegate*<Job*, void> Drain;
        /// <summary>The caller's TKernel.</summary>
        public void* Kernel;
        /// <summary>The caller's T[Chunks] of partial sums.</summary>
        public void* Partials;
        /// <summary>n.</summary>
        public int Length;
        /// <summary>Units per chunk (the last chunk may be shorter).</summary>
        public int ChunkLength;
        public int Chunks;
        /// <summary>The next chunk to hand out; every taker increments it (Interlocked), so each chunk is taken exactly once.</summary>
        public int Next;
        /// <summary>Workers woken for this job that have not yet checked out.</summary>
        public int Pending;
        /// <summary>A GCHandle to the first failure's <see cref="ExceptionDispatchInfo"/>, or 0.</summary>
        public nint Error;
    }

    /// <summary>
    /// Takes chunks from <paramref name="job"/> (the caller and every woken worker run this) and stores each chunk's
    /// partial sum in its slot. Chunks are taken dynamically, so a slow thread simply takes fewer; which thread takes
    /// which chunk does not matter to the result (see the class remarks).
    /// </summary>
    private static void Drain<TKernel, T>(Job* job)
        where TKernel : unmanaged, IChunkedKernel<T>
        where T : unmanaged, INumberBase<T>
    {
        TKernel* kernel = (TKernel*)job->Kernel;
        T* partials = (T*)job->Partials;
        int n = job->Length, chunks = job->Chunks, chunkLength = job->ChunkLength;
        int outerLength = ElementLoops.t_chunkedLength;
        ElementLoops.t_chunkedLength = n; // a chunk streams its outputs as the whole call would (ElementLoops.ShouldStream)
        Interlocked.Increment(ref ElementLoops.s_chunkingThreads);
        try
        {
            int c;
            while ((c = Interlocked.Increment(ref job->Next) - 1) < chunks)
            {
                int start = (int)((long)c * chunkLength);
                int end = n - start > chunkLength ? start + chunkLength : n; // no overflow near int.MaxValue
                partials[c] = kernel->Run(start, end);
            }
        }
        catch (Exception e)
        {
            Fail(job, e);
        }
        finally
        {
            Interlocked.Decrement(ref ElementLoops.s_chunkingThreads);
            ElementLoops.t_chunkedLength = outerLength;
        }
    }

    /// <summary>Records the first failure of a job and stops it handing out chunks (the ones running finish).</summary>
    private static void Fail(Job* job, Exception e)
    {
        // Next only grows past Chunks from here (every later increment starts at >= Chunks), so nobody takes another chunk.
        Interlocked.Exchange(ref job->Next, job->Chunks);
        GCHandle handle = GCHandle.Alloc(ExceptionDispatchInfo.Capture(e));
        if (Interlocked.CompareExchange(ref job->Error, GCHandle.ToIntPtr(handle), 0) != 0) handle.Free();
    }

    /// <summary>Rethrows a job's first failure, with its original stack trace, on the calling thread.</summary>
    private static void ThrowIfFailed(Job* job)
    {
        if (job->Error == 0) return;
        GCHandle handle = GCHandle.FromIntPtr(job->Error);
        var error = (ExceptionDispatchInfo)handle.Target!;
        handle.Free();
        job->Error = 0;
        error.Throw();
    }
}
