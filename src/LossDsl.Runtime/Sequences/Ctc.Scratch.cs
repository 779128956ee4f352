using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LossDsl;

// The scratch of one call, carved out of a single span of T (stack or rented): the T buffers first, then the
// extended labels as ints in the tail. Every buffer is written before it is read (the span is not cleared).
public static partial class Ctc
{
    /// <summary>Scratch of <see cref="NegativeLogLikelihood{T}"/>: two padded alpha rows (previous and current frame).</summary>
    private readonly ref struct ForwardWork<T> where T : unmanaged
    {
        /// <summary>Padded rows: log-alpha of the previous and of the current frame, swapped after each frame.</summary>
        public readonly Span<T> RowA, RowB;
        /// <summary>The skip mask, a padded row (see <see cref="Lattice.Prepare{T}"/>).</summary>
        public readonly Span<T> SkipMask;
        /// <summary>logProbs[t, l'_s] of the current frame, per state.</summary>
        public readonly Span<T> Emission;
        /// <summary>l', per state.</summary>
        public readonly Span<int> Extended;

        public ForwardWork(in Lattice lattice, Span<T> scratch)
        {
            int w = lattice.Stride, n = lattice.States, lanes = lattice.Lanes;
            RowA = scratch.Slice(0, w);
            RowB = scratch.Slice(w, w);
            SkipMask = scratch.Slice(2 * w, w);
            Emission = scratch.Slice(3 * w, lanes);
            Emission.Slice(n).Fill(NegativeInfinity<T>()); // the lanes past the states: see Lattice.Lanes
            Extended = MemoryMarshal.Cast<T, int>(scratch.Slice(3 * w + lanes)).Slice(0, n);
        }
    }

    /// <summary>
    /// Scratch of <see cref="Gradient{T}"/>: the whole log-alpha table (the backward pass combines it with log-beta frame
    /// by frame), every frame's emissions, two padded log-beta rows, and the per-frame posteriors.
    /// </summary>
    private readonly ref struct GradientWork<T> where T : unmanaged
    {
        /// <summary>Log-alpha, Frames padded rows of Stride.</summary>
        public readonly Span<T> Alpha;
        /// <summary>Padded rows: log-beta of the next and of the current frame, swapped after each frame.</summary>
        public readonly Span<T> BetaA, BetaB;
        /// <summary>The skip mask, a padded row (see <see cref="Lattice.Prepare{T}"/>).</summary>
        public readonly Span<T> SkipMask;
        /// <summary>logProbs[t, l'_s] per frame and state: Frames rows of Lanes (gathered once, by the alpha pass).</summary>
        public readonly Span<T> Emissions;
        /// <summary>The posterior of each state at the current frame.</summary>
        public readonly Span<T> StatePosterior;
        /// <summary>The posterior of each class at the current frame (the sum over its states).</summary>
        public readonly Span<T> ClassPosterior;
        /// <summary>l', per state.</summary>
        public readonly Span<int> Extended;

        private readonly int _stride, _lanes;

        public GradientWork(in Lattice lattice, Span<T> scratch)
        {
            int w = lattice.Stride, n = lattice.States, c = lattice.Classes, lanes = lattice.Lanes;
            _stride = w;
            _lanes = lanes;
            Alpha = scratch.Slice(0, lattice.Frames * w);
            scratch = scratch.Slice(Alpha.Length);
            Emissions = scratch.Slice(0, lattice.Frames * lanes); // filled by ForwardTable
            scratch = scratch.Slice(Emissions.Length);
            BetaA = scratch.Slice(0, w);
            BetaB = scratch.Slice(w, w);
            SkipMask = scratch.Slice(2 * w, w);
            scratch = scratch.Slice(3 * w);
            StatePosterior = scratch.Slice(0, lanes);
            ClassPosterior = scratch.Slice(lanes, c);
            Extended = MemoryMarshal.Cast<T, int>(scratch.Slice(lanes + c)).Slice(0, n);
        }

        /// <summary>The padded log-alpha row of frame <paramref name="t"/>.</summary>
        public Span<T> AlphaRow(int t) => Alpha.Slice(t * _stride, _stride);

        /// <summary>The emissions of frame <paramref name="t"/>, Lanes wide.</summary>
        public ReadOnlySpan<T> EmissionRow(int t) => Emissions.Slice(t * _lanes, _lanes);
    }

    private static T NegativeInfinity<T>() where T : unmanaged
        => Unsafe.SizeOf<T>() == sizeof(float) ? Unsafe.BitCast<float, T>(float.NegativeInfinity) : Unsafe.BitCast<double, T>(double.NegativeInfinity);
}
