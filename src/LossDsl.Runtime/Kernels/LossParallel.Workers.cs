using System;
using System.Threading;

namespace LossDsl;

// The worker threads and the hand-off of a job to them.
//
// Memory ordering, in the .NET memory model (Volatile.Read = acquire, Volatile.Write = release, Interlocked = full fence):
//  * Publication. The caller fills the Job (plain stores on its stack), then hands its address to each worker with
//    Volatile.Write (release), then releases the worker's semaphore. The worker takes the address with
//    Interlocked.Exchange (a full fence, so an acquire): seeing the address implies seeing every field stored before it.
//    It does not rely on the semaphore's internal ordering: if the address is not visible yet it spins until it is.
//  * Completion. A worker writes its partial sums (plain stores), then checks out with Interlocked.Decrement(Pending)
//    (a full fence: the stores are visible before the decrement is). The caller reads Pending with Volatile.Read
//    (acquire) until it is 0: seeing the last decrement implies seeing every partial (and any recorded error) of every
//    worker, because each worker's decrement follows its own stores and the decrements are totally ordered.
//  * Lifetime. After its decrement a worker touches nothing of the job (only the static s_done monitor), so the caller may
//    return, and its stack frame (the Job, the kernel, the stackalloc'd partials) may be reused, as soon as Pending is 0.
public static unsafe partial class LossParallel
{
    /// <summary>1 while a call owns the workers (Interlocked); a call finding it 1 runs serially instead.</summary>
    private static int s_busy;

    /// <summary>The workers created so far (only grown, only by the call owning <see cref="s_busy"/>).</summary>
    private static Worker[] s_workers = [];

    /// <summary>
    /// The monitor the caller blocks on (after a brief spin) until its job's Pending is 0, pulsed by the worker whose
    /// check-out brings it there. A plain Monitor, not a ManualResetEventSlim: that one creates its lock object on its
    /// first blocking wait, which would make some later call allocate.
    /// </summary>
    private static readonly object s_done = new();

    /// <summary>
    /// Runs every chunk of <paramref name="job"/>: on the calling thread plus min(MaxThreads - 1, chunks - 1) workers if
    /// they are free, on the calling thread alone otherwise (MaxThreads 1, a single chunk, another call in flight, or a
    /// call from inside a chunk). Returns when every chunk is done and no worker touches the job any more.
    /// </summary>
    private static void Execute(Job* job)
    {
        int helpers = Math.Min(Volatile.Read(ref s_maxThreads), job->Chunks) - 1;
        if (helpers <= 0 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            // Serial: the same chunks in the same order through the same Drain, so the same partials and the same sum.
            job->Drain(job);
            return;
        }
        try
        {
            Worker[] workers = EnsureWorkers(helpers);
            job->Pending = helpers; // published to the workers by the Volatile.Write in Start
            for (int i = 0; i < helpers; i++) workers[i].Start(job);
            job->Drain(job);        // the caller takes chunks too (it never throws: failures are recorded in the job)
            WaitForWorkers(job);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>At least <paramref name="count"/> workers, creating the missing ones (the caller owns <see cref="s_busy"/>).</summary>
    private static Worker[] EnsureWorkers(int count)
    {
        Worker[] workers = s_workers;
        if (workers.Length >= count) return workers;
        var grown = new Worker[count];
        Array.Copy(workers, grown, workers.Length);
        int created = workers.Length;
        try
        {
            for (; created < count; created++) grown[created] = new Worker();
        }
        finally
        {
            // If a thread cannot be created, keep the ones started so far (the exception reaches the caller, before any
            // job was handed out).
            s_workers = created == count ? grown : grown[..created];
        }
        return grown;
    }

    /// <summary>
    /// Waits until every worker woken for <paramref name="job"/> has checked out: a brief spin (a worker usually finishes
    /// its last chunk about when the caller does), then blocking on <see cref="s_done"/>.
    /// </summary>
    /// <remarks>
    /// No wake-up is lost: the caller reads Pending while holding <see cref="s_done"/> and releases it only inside
    /// Monitor.Wait, and the last worker takes <see cref="s_done"/> to pulse only after its decrement; so either the caller
    /// reads 0, or the pulse comes while it waits. A pulse meant for an earlier job only makes the caller read Pending
    /// again. The wait cannot be cut short by <see cref="Thread.Interrupt"/> (the workers are still using the caller's
    /// stack): an interrupt is held back and re-posted once the job is done.
    /// </remarks>
    private static void WaitForWorkers(Job* job)
    {
        SpinWait spin = default;
        while (!spin.NextSpinWillYield)
        {
            if (Volatile.Read(ref job->Pending) == 0) return;
            spin.SpinOnce(sleep1Threshold: -1);
        }
        bool interrupted = false;
        while (true)
        {
            try
            {
                lock (s_done)
                {
                    while (Volatile.Read(ref job->Pending) != 0) Monitor.Wait(s_done);
                }
                break;
            }
            catch (ThreadInterruptedException)
            {
                interrupted = true;
            }
        }
        if (interrupted) Thread.CurrentThread.Interrupt();
    }

    /// <summary>
    /// A dedicated background thread ("LossDsl worker"), kept for the process, that sleeps on its own semaphore and runs
    /// the jobs it is handed.
    /// </summary>
    private sealed class Worker
    {
        private readonly SemaphoreSlim _signal = new(0);
        private nint _job;

        public Worker()
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = "LossDsl worker" };
            thread.UnsafeStart(); // no ExecutionContext (AsyncLocals) captured from the first caller
        }

        /// <summary>Hands <paramref name="job"/> to this worker and wakes it.</summary>
        public void Start(Job* job)
        {
            Volatile.Write(ref _job, (nint)job);
            _signal.Release();
        }

        private void Loop()
        {
            while (true)
            {
                _signal.Wait();
                nint taken;
                SpinWait spin = default;
                while ((taken = Interlocked.Exchange(ref _job, 0)) == 0) spin.SpinOnce(sleep1Threshold: -1);
                Job* job = (Job*)taken;
                job->Drain(job);
                // Check out; after this the job may be gone (see the memory-ordering notes at the top of the file).
                if (Interlocked.Decrement(ref job->Pending) == 0)
                {
                    lock (s_done) Monitor.PulseAll(s_done);
                }
            }
        }
    }
}
