using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LossDsl;

// The backward variables (Graves et al. 2006, eqs. 10-11), in log space, as PyTorch defines them (including the
// emission of frame t, so alpha[t, s] + beta[t, s] counts lp[t, l'_s] twice):
//   beta[T-1, 2S] = lp[T-1, blank],  beta[T-1, 2S-1] = lp[T-1, lS] (if S > 0),  beta[T-1, s] = -inf otherwise;
//   beta[t, s] = log(e^beta[t+1, s] + e^beta[t+1, s+1] + [l'_(s+2) != l'_s] e^beta[t+1, s+2]) + lp[t, l'_s].
// The mirror image of the alpha step: loads of the padded next row at offsets 0, +1 and +2, the skip term masked by the
// alpha skip mask read two states on (the transition s -> s+2 is the alpha transition into s+2).
public static partial class Ctc
{
    /// <summary>One step of the beta recursion: state s of frame t from the padded row of frame t+1.</summary>
    private readonly ref struct BetaStep<T> : IRowKernel<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _next, _skipMask, _emission;

        public BetaStep(ReadOnlySpan<T> next, ReadOnlySpan<T> skipMask, ReadOnlySpan<T> emission)
        {
            _next = next;
            _skipMask = skipMask;
            _emission = emission;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV, O, L>(int s) where O : ILaneOps<TV, T> where L : ILaneLoad<TV, T>
        {
            ref T next = ref MemoryMarshal.GetReference(_next);
            TV stay = L.Load(ref next, Pad + s);              // beta[t+1, s]
            TV advance = L.Load(ref next, Pad + s + 1);       // beta[t+1, s+1] (-inf pad for s = 2S)
            TV skip = O.Select(
                L.Load(ref MemoryMarshal.GetReference(_skipMask), Pad + s + 2),
                L.Load(ref next, Pad + s + 2),                // beta[t+1, s+2] where l'_(s+2) != l'_s
                O.C(double.NegativeInfinity));
            return O.Add(LogSumExp3<TV, T, O, L>(stay, advance, skip), L.Load(ref MemoryMarshal.GetReference(_emission), s));
        }
    }

    /// <summary>Writes the last frame's row: only the final blank and the last label can end a path.</summary>
    private static void BetaStart<T>(ReadOnlySpan<T> logProbs, in Lattice lattice, ReadOnlySpan<int> extended, Span<T> row)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> frame = logProbs.Slice((lattice.Frames - 1) * lattice.Classes, lattice.Classes);
        int last = Pad + lattice.States - 1;
        row.Fill(T.NegativeInfinity);
        row[last] = frame[lattice.Blank];
        if (lattice.Labels > 0) row[last - 1] = frame[extended[lattice.States - 2]];
    }

    /// <summary>
    /// Computes the padded beta row of a frame t into <paramref name="current"/> from that of frame t+1,
    /// given frame t's emissions (gathered by the alpha pass).
    /// </summary>
    private static void BetaBack<T>(in Lattice lattice, ReadOnlySpan<T> next, Span<T> current, ReadOnlySpan<T> skipMask, ReadOnlySpan<T> emission)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var step = new BetaStep<T>(next, skipMask, emission);
        MapLanes<BetaStep<T>, T>(ref step, current.Slice(Pad, lattice.Lanes));
    }
}
