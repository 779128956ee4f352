using System;
using System.Numerics;

namespace LossDsl;

// Argument checks, all made before anything is read: each failure is an ArgumentException whose ParamName is the
// argument's name. The scalars come from formulas as T, so each must hold a whole number in its range (NaN, infinities
// and fractions are refused); they are compared in double, which holds every int exactly.
public static partial class Ctc
{
    private readonly partial struct Lattice
    {
        /// <summary>Checks the arguments of one sample and returns its dimensions.</summary>
        public static Lattice Create<T>(int logProbsLength, ReadOnlySpan<int> targets, T inputLength, T targetLength, T blank, T classes)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
                throw new NotSupportedException($"CTC runs in float or double (LossMath's lane types), not {typeof(T).Name}.");
            int classCount = WholeNumber(classes, 1, int.MaxValue, nameof(classes), "classes per frame");
            if (logProbsLength % classCount != 0)
                throw new ArgumentException(
                    $"'{nameof(classes)}' is {classCount}: it must divide the length of 'logProbs' ({logProbsLength}), which holds T_max frames of {nameof(classes)} log-probabilities.",
                    nameof(classes));
            int maxFrames = logProbsLength / classCount;

            int blankClass = WholeNumber(blank, 0, classCount - 1, nameof(blank), "a class");
            int frames = WholeNumber(inputLength, 0, maxFrames, nameof(inputLength), "at most T_max, the frames in 'logProbs'");
            int labels = WholeNumber(targetLength, 0, targets.Length, nameof(targetLength), "at most the length of 'targets'");

            for (int i = 0; i < labels; i++)
            {
                if ((uint)targets[i] >= (uint)classCount)
                    throw new ArgumentException(
                        $"'{nameof(targets)}'[{i}] is {targets[i]}: a label must be a class in [0, {classCount}).", nameof(targets));
            }
            return new Lattice(classCount, frames, labels, blankClass);
        }

        // The message is built only on failure (a call that passes allocates nothing).
        private static int WholeNumber<T>(T value, int min, int max, string paramName, string meaning)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            double v = double.CreateTruncating(value);
            if (!double.IsInteger(v) || v < min || v > max)
                throw new ArgumentException($"'{paramName}' is {value}: it must be a whole number in [{min}, {max}] ({meaning}).", paramName);
            return (int)v;
        }
    }
}
