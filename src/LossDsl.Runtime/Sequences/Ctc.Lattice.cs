using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LossDsl;

// The CTC lattice of one sample: frames t = 0 .. inputLength-1 by states s = 0 .. 2S of the extended label
// sequence l' = (blank, l1, blank, l2, ..., lS, blank), S = targetLength: l'_s = blank for even s, l_(s+1)/2 for odd s
// (0-based: l'_s = targets[s / 2]). A path moves from state s at t-1 to s (stay), s+1 (advance) or s+2 (skip a
// blank) at t; the skip is allowed only onto a state whose label differs from the one two back, l'_s != l'_(s-2)
// (never onto a blank, nor between repeated labels, which need a blank between them).
//
// A lattice row (one frame of log-alpha or log-beta) is stored padded: state s at [Pad + s], with Pad = 2 cells of
// -inf on each side, so the recursions read the neighbours s-1, s-2 (alpha) and s+1, s+2 (beta) as shifted loads
// with no bounds tests at the ends.
public static partial class Ctc
{
    /// <summary>Cells of -inf on each side of a padded lattice row.</summary>
    private const int Pad = 2;

    private readonly partial struct Lattice
    {
        /// <summary>Classes per frame (C).</summary>
        public readonly int Classes;
        /// <summary>Frames used (inputLength).</summary>
        public readonly int Frames;
        /// <summary>Labels used (S = targetLength).</summary>
        public readonly int Labels;
        /// <summary>The blank class.</summary>
        public readonly int Blank;

        private Lattice(int classes, int frames, int labels, int blank)
        {
            Classes = classes;
            Frames = frames;
            Labels = labels;
            Blank = blank;
        }

        /// <summary>States of the extended label sequence, 2S + 1.</summary>
        public int States => 2 * Labels + 1;

        /// <summary>
        /// The states rounded up to a multiple of 16, which every vector width of float and double divides: the
        /// recursions run whole vectors over a row, with no narrower or scalar tail. The lanes past the states stay
        /// -inf (their emission is -inf), so they are pads too.
        /// </summary>
        public int Lanes => (States + 15) & ~15;

        /// <summary>Length of a padded row, Lanes + 2 Pad.</summary>
        public int Stride => Lanes + 2 * Pad;

        /// <summary>
        /// Writes l' into <paramref name="extended"/> and the skip mask into <paramref name="skipMask"/> (a padded row):
        /// skipMask[Pad + s] has all bits set where the transition s-2 -> s is allowed (s &gt; 1 and l'_s != l'_(s-2)),
        /// else 0, and the pads are 0. The backward recursion reads the same mask shifted: the transition s -> s+2 is
        /// allowed where skipMask[Pad + s + 2] is set.
        /// </summary>
        public void Prepare<T>(ReadOnlySpan<int> targets, Span<int> extended, Span<T> skipMask)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            for (int s = 0; s < extended.Length; s++)
                extended[s] = (s & 1) == 0 ? Blank : targets[s >> 1];

            T allow = AllBitsSet<T>();
            skipMask.Clear();
            for (int s = 2; s < extended.Length; s++)
                if (extended[s] != extended[s - 2]) skipMask[Pad + s] = allow;
        }

        /// <summary>The emissions of frame <paramref name="t"/> per state: <c>emission[s] = logProbs[t, l'_s]</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void GatherEmission<T>(ReadOnlySpan<T> logProbs, int t, ReadOnlySpan<int> extended, Span<T> emission)
        {
            ReadOnlySpan<T> frame = logProbs.Slice(t * Classes, Classes);
            for (int s = 0; s < extended.Length; s++) emission[s] = frame[extended[s]];
        }

        /// <summary>Elements of T the likelihood alone needs (see <see cref="ForwardWork{T}"/>).</summary>
        public int ForwardScratch<T>(string paramName) where T : unmanaged
            => Checked(3L * Stride + Lanes + IntSlots<T>(States), paramName);

        /// <summary>Elements of T the gradient needs (see <see cref="GradientWork{T}"/>).</summary>
        public int GradientScratch<T>(string paramName) where T : unmanaged
            => Checked((long)Frames * (Stride + Lanes) + 3L * Stride + Lanes + Classes + IntSlots<T>(States), paramName);

        // Elements of T that hold n ints.
        private static long IntSlots<T>(int n) where T : unmanaged
            => ((long)n * sizeof(int) + Unsafe.SizeOf<T>() - 1) / Unsafe.SizeOf<T>();

        private static int Checked(long size, string paramName)
        {
            if (size > Array.MaxLength)
                throw new ArgumentException($"The CTC lattice needs {size} elements of scratch, more than an array holds.", paramName);
            return (int)size;
        }
    }

    /// <summary>A mask element: all bits set (a lane of a vector comparison's "true").</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T AllBitsSet<T>() where T : unmanaged
        => Unsafe.SizeOf<T>() == sizeof(float) ? Unsafe.BitCast<int, T>(-1) : Unsafe.BitCast<long, T>(-1L);
}
