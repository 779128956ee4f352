using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LossDsl;

/// <summary>
/// Connectionist temporal classification over one sample: the negative log-likelihood of a label sequence summed over
/// all its CTC alignments, and its gradient, as PyTorch 1.13's CPU <c>ctc_loss</c> computes them
/// (aten/src/ATen/native/LossCTC.cpp, after Graves et al. 2006, section 4.1).
/// </summary>
/// <remarks>
/// <para>
/// <c>logProbs</c> is the sample's log-probabilities, time-major: <c>logProbs[t * classes + c]</c> for
/// t &lt; T_max = <c>logProbs.Length / classes</c>; only the first <c>inputLength</c> frames are read.
/// <c>targets</c> is the sample's label list, padded: only the first <c>targetLength</c> labels are used.
/// The scalars arrive as <c>T</c> (they come from a formula) and must hold whole numbers.
/// </para>
/// <para>
/// The dynamic program runs on the extended label sequence l' = (blank, l1, blank, l2, ..., blank) of length
/// 2 targetLength + 1, in log space, one time step after the other; the 2 targetLength + 1 states of a step are
/// independent given the previous step, so each step is computed a vector at a time (Ctc.Alpha.cs, Ctc.Beta.cs).
/// Scratch memory is on the stack when small, else rented from <see cref="ArrayPool{T}.Shared"/>: a call allocates nothing.
/// </para>
/// </remarks>
public static partial class Ctc
{
    /// <summary>
    /// -log p(targets[0..targetLength) | logProbs[0..inputLength)), summed over all CTC alignments;
    /// +infinity when no alignment is possible (the input is too short for the labels and their separating blanks).
    /// </summary>
    /// <param name="logProbs">The sample's log-probabilities, time-major: <c>[t * classes + c]</c>.</param>
    /// <param name="targets">The label list, padded: the first <paramref name="targetLength"/> are used.</param>
    /// <param name="inputLength">Frames used: a whole number in [0, T_max].</param>
    /// <param name="targetLength">Labels used: a whole number in [0, targets.Length].</param>
    /// <param name="blank">The blank class: a whole number in [0, classes).</param>
    /// <param name="classes">Classes per frame: a positive whole number dividing logProbs.Length.</param>
    /// <exception cref="ArgumentException">An argument is out of range or not a whole number (ParamName names it).</exception>
    [SkipLocalsInit]
    public static T NegativeLogLikelihood<T>(ReadOnlySpan<T> logProbs, ReadOnlySpan<int> targets, T inputLength, T targetLength, T blank, T classes)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Lattice lattice = Lattice.Create(logProbs.Length, targets, inputLength, targetLength, blank, classes);

        // PyTorch: with no frames the only alignment is the empty one, which exists iff there are no labels.
        if (lattice.Frames == 0) return lattice.Labels == 0 ? T.Zero : T.PositiveInfinity;

        int size = lattice.ForwardScratch<T>(nameof(targetLength));
        T[]? rented = null;
        Span<T> scratch = size <= StackScratch / Unsafe.SizeOf<T>()
            ? stackalloc T[size]
            : (rented = ArrayPool<T>.Shared.Rent(size)).AsSpan(0, size);
        try
        {
            var work = new ForwardWork<T>(lattice, scratch);
            lattice.Prepare(targets, work.Extended, work.SkipMask);
            ReadOnlySpan<T> last = Forward(logProbs, lattice, work);
            return -FinalLogLikelihood(last, lattice);
        }
        finally
        {
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Adds <paramref name="adjoint"/> times the gradient of <see cref="NegativeLogLikelihood{T}"/> with respect to
    /// <paramref name="logProbs"/> into <paramref name="logProbsGrad"/>, with PyTorch's convention that logProbs is
    /// log-softmax output: for t &lt; inputLength,
    /// <c>grad[t, c] += adjoint * (exp(lp[t, c]) - exp(lcab[t, c] + nll - lp[t, c]))</c>, where
    /// <c>lcab[t, c] = log sum over the positions s with l'_s = c of exp(logAlpha[t, s] + logBeta[t, s])</c>
    /// (exp(lp) minus the posterior of class c at frame t); nothing is added for t &gt;= inputLength.
    /// </summary>
    /// <remarks>
    /// When <paramref name="adjoint"/> is 0 nothing is added (after the arguments are checked), so a caller can zero
    /// an infinite sample's gradient (zero_infinity). For an infeasible sample (nll = +inf) and a nonzero adjoint the
    /// added values are NaN for every t &lt; inputLength, as PyTorch's are.
    /// </remarks>
    /// <param name="logProbs">The sample's log-probabilities, time-major: <c>[t * classes + c]</c>.</param>
    /// <param name="targets">The label list, padded: the first <paramref name="targetLength"/> are used.</param>
    /// <param name="inputLength">Frames used: a whole number in [0, T_max].</param>
    /// <param name="targetLength">Labels used: a whole number in [0, targets.Length].</param>
    /// <param name="blank">The blank class: a whole number in [0, classes).</param>
    /// <param name="classes">Classes per frame: a positive whole number dividing logProbs.Length.</param>
    /// <param name="adjoint">The derivative of the final loss with respect to this sample's negative log-likelihood.</param>
    /// <param name="logProbsGrad">Accumulates the gradient; as long as <paramref name="logProbs"/>, not overlapping it.</param>
    /// <exception cref="ArgumentException">An argument is out of range or not a whole number (ParamName names it).</exception>
    [SkipLocalsInit]
    public static void Gradient<T>(ReadOnlySpan<T> logProbs, ReadOnlySpan<int> targets, T inputLength, T targetLength, T blank, T classes, T adjoint, Span<T> logProbsGrad)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Lattice lattice = Lattice.Create(logProbs.Length, targets, inputLength, targetLength, blank, classes);
        LossGuard.Length(logProbsGrad.Length, logProbs.Length, nameof(logProbsGrad));
        LossGuard.NoOverlap(logProbs, logProbsGrad, nameof(logProbsGrad));

        if (adjoint == T.Zero || lattice.Frames == 0) return;

        int size = lattice.GradientScratch<T>(nameof(inputLength));
        T[]? rented = null;
        Span<T> scratch = size <= StackScratch / Unsafe.SizeOf<T>()
            ? stackalloc T[size]
            : (rented = ArrayPool<T>.Shared.Rent(size)).AsSpan(0, size);
        try
        {
            var work = new GradientWork<T>(lattice, scratch);
            lattice.Prepare(targets, work.Extended, work.SkipMask);
            ForwardTable(logProbs, lattice, work.Alpha, work.Emissions, work.SkipMask, work.Extended);
            T nll = -FinalLogLikelihood(work.AlphaRow(lattice.Frames - 1), lattice);
            BackwardAndCollect(logProbs, lattice, work, nll, adjoint, logProbsGrad);
        }
        finally
        {
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// <see cref="NegativeLogLikelihood{T}"/> and its gradient in one call (the <c>fused grad</c> method of ctc_loss's row
    /// function): returns the negative log-likelihood and writes (not adds) its gradient with respect to
    /// <paramref name="logProbs"/>, unscaled, into <paramref name="logProbsGrad"/>: what <see cref="Gradient{T}"/> would
    /// add with an adjoint of 1, and 0 for t &gt;= inputLength. The alpha and beta recursions run once each, where a
    /// call of both methods runs alpha twice.
    /// </summary>
    /// <remarks>The caller scales the row by the adjoint, and clears it for an adjoint of 0 (an infeasible sample's
    /// gradient is NaN, as PyTorch's, and zero_infinity zeroes it).</remarks>
    /// <param name="logProbs">The sample's log-probabilities, time-major: <c>[t * classes + c]</c>.</param>
    /// <param name="targets">The label list, padded: the first <paramref name="targetLength"/> are used.</param>
    /// <param name="inputLength">Frames used: a whole number in [0, T_max].</param>
    /// <param name="targetLength">Labels used: a whole number in [0, targets.Length].</param>
    /// <param name="blank">The blank class: a whole number in [0, classes).</param>
    /// <param name="classes">Classes per frame: a positive whole number dividing logProbs.Length.</param>
    /// <param name="logProbsGrad">Receives the gradient; as long as <paramref name="logProbs"/>, not overlapping it.</param>
    /// <exception cref="ArgumentException">An argument is out of range or not a whole number (ParamName names it).</exception>
    [SkipLocalsInit]
    public static T NegativeLogLikelihoodWithGradient<T>(ReadOnlySpan<T> logProbs, ReadOnlySpan<int> targets, T inputLength, T targetLength, T blank, T classes, Span<T> logProbsGrad)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Lattice lattice = Lattice.Create(logProbs.Length, targets, inputLength, targetLength, blank, classes);
        LossGuard.Length(logProbsGrad.Length, logProbs.Length, nameof(logProbsGrad));
        LossGuard.NoOverlap(logProbs, logProbsGrad, nameof(logProbsGrad));
        logProbsGrad.Slice(lattice.Frames * lattice.Classes).Clear(); // the frames from inputLength on; the others are written

        if (lattice.Frames == 0) return lattice.Labels == 0 ? T.Zero : T.PositiveInfinity;

        int size = lattice.GradientScratch<T>(nameof(inputLength));
        T[]? rented = null;
        Span<T> scratch = size <= StackScratch / Unsafe.SizeOf<T>()
            ? stackalloc T[size]
            : (rented = ArrayPool<T>.Shared.Rent(size)).AsSpan(0, size);
        try
        {
            var work = new GradientWork<T>(lattice, scratch);
            lattice.Prepare(targets, work.Extended, work.SkipMask);
            ForwardTable(logProbs, lattice, work.Alpha, work.Emissions, work.SkipMask, work.Extended);
            T nll = -FinalLogLikelihood(work.AlphaRow(lattice.Frames - 1), lattice);
            BackwardAndCollect(logProbs, lattice, work, nll, T.One, logProbsGrad, add: false);
            return nll;
        }
        finally
        {
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>Scratch up to this many bytes is taken on the stack; larger is rented from the shared array pool.</summary>
    private const int StackScratch = 16 * 1024;
}
