using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LossDsl;

// The forward variables (Graves et al. 2006, eqs. 6-7), in log space:
//   alpha[0, 0] = lp[0, blank],  alpha[0, 1] = lp[0, l1] (if S > 0),  alpha[0, s] = -inf for s > 1;
//   alpha[t, s] = log(e^alpha[t-1, s] + e^alpha[t-1, s-1] + [l'_s != l'_(s-2)] e^alpha[t-1, s-2]) + lp[t, l'_s].
// Row t depends on row t-1 only, so its 2S + 1 states are computed a vector at a time: the three terms are loads of the
// padded previous row at offsets 0, -1 and -2, the skip term masked by the precomputed skip mask.
public static partial class Ctc
{
    /// <summary>One step of the alpha recursion: state s of frame t from the padded row of frame t-1.</summary>
    private readonly ref struct AlphaStep<T> : IRowKernel<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _previous, _skipMask, _emission;

        public AlphaStep(ReadOnlySpan<T> previous, ReadOnlySpan<T> skipMask, ReadOnlySpan<T> emission)
        {
            _previous = previous;
            _skipMask = skipMask;
            _emission = emission;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV, O, L>(int s) where O : ILaneOps<TV, T> where L : ILaneLoad<TV, T>
        {
            ref T previous = ref MemoryMarshal.GetReference(_previous);
            TV stay = L.Load(ref previous, Pad + s);          // alpha[t-1, s]
            TV advance = L.Load(ref previous, Pad + s - 1);   // alpha[t-1, s-1] (-inf pad for s = 0)
            TV skip = O.Select(
                L.Load(ref MemoryMarshal.GetReference(_skipMask), Pad + s),
                L.Load(ref previous, Pad + s - 2),            // alpha[t-1, s-2] where l'_s != l'_(s-2)
                O.C(double.NegativeInfinity));
            return O.Add(LogSumExp3<TV, T, O, L>(stay, advance, skip), L.Load(ref MemoryMarshal.GetReference(_emission), s));
        }
    }

    /// <summary>Writes the first frame's row: only the initial blank and the first label can start a path.</summary>
    private static void AlphaStart<T>(ReadOnlySpan<T> logProbs, in Lattice lattice, ReadOnlySpan<int> extended, Span<T> row)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        row.Fill(T.NegativeInfinity);
        row[Pad] = logProbs[lattice.Blank];
        if (lattice.Labels > 0) row[Pad + 1] = logProbs[extended[1]];
    }

    /// <summary>Runs the recursion over frames 0 .. Frames-1 in two rows and returns the padded row of the last frame.</summary>
    private static ReadOnlySpan<T> Forward<T>(ReadOnlySpan<T> logProbs, in Lattice lattice, in ForwardWork<T> work)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Span<T> previous = work.RowA, current = work.RowB;
        AlphaStart(logProbs, lattice, work.Extended, previous);
        current.Fill(T.NegativeInfinity); // its pads stay -inf: the steps write states only
        for (int t = 1; t < lattice.Frames; t++)
        {
            lattice.GatherEmission(logProbs, t, work.Extended, work.Emission);
            var step = new AlphaStep<T>(previous, work.SkipMask, work.Emission);
            MapLanes<AlphaStep<T>, T>(ref step, current.Slice(Pad, lattice.Lanes));
            Span<T> done = current;
            current = previous;
            previous = done;
        }
        return previous;
    }

    /// <summary>
    /// Runs the recursion over frames 0 .. Frames-1 into the table <paramref name="alpha"/> (Frames padded rows), and
    /// gathers every frame's emissions into <paramref name="emissions"/> (Frames rows of Lanes, the lanes past the
    /// states -inf), which the beta recursion and the posteriors read again.
    /// </summary>
    private static void ForwardTable<T>(ReadOnlySpan<T> logProbs, in Lattice lattice, Span<T> alpha, Span<T> emissions, ReadOnlySpan<T> skipMask, ReadOnlySpan<int> extended)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int w = lattice.Stride, lanes = lattice.Lanes;
        emissions.Fill(T.NegativeInfinity);
        lattice.GatherEmission(logProbs, 0, extended, emissions.Slice(0, lanes));
        AlphaStart(logProbs, lattice, extended, alpha.Slice(0, w));
        for (int t = 1; t < lattice.Frames; t++)
        {
            Span<T> row = alpha.Slice(t * w, w);
            row.Slice(0, Pad).Fill(T.NegativeInfinity); // the steps write the states only
            row.Slice(w - Pad).Fill(T.NegativeInfinity);
            Span<T> emission = emissions.Slice(t * lanes, lanes);
            lattice.GatherEmission(logProbs, t, extended, emission);
            var step = new AlphaStep<T>(alpha.Slice((t - 1) * w, w), skipMask, emission);
            MapLanes<AlphaStep<T>, T>(ref step, alpha.Slice(t * w + Pad, lattice.Lanes));
        }
    }
}
