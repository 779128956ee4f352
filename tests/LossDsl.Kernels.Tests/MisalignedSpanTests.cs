using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// The typed API on spans that start at offsets 1..7 of larger arrays (so not vector-aligned, and with neighbours the
/// kernels must neither read into the result nor write) gives exactly what it gives on fresh, separately allocated copies.
/// </summary>
public class MisalignedSpanTests
{
    // 2,053: past ElementLoops.ShiftedBytes (8 KB) in float and double, where a cheap kernel runs its pairs from the
    // alignment of its output or first input (SumShifted*), with the same bits as from the start
    private static readonly int[] s_lengths = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 64, 100, 257, 2_053];

    public static TheoryData<string, string> Data
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var name in TypedLosses.Names)
                foreach (var type in new[] { "float", "double" })
                    data.Add(name, type);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Data))]
    public void OffsetSlicesGiveTheSameResultsAsAlignedCopies(string name, string type)
    {
        var failures = type == "float" ? Check<float>(name) : Check<double>(name);
        Assert.True(failures.Count == 0, $"{name} ({type}): {failures.Count} differences; first ones:\n" + string.Join("\n", failures.Take(15)));
    }

    private static List<string> Check<T>(string name) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var loss = TypedLosses.Get<T>(name);
        var c = Catalog.GetCase(name);
        var rng = new Random(GradientCheckTests.Seed(name + typeof(T).Name + "offsets"));
        var failures = new List<string>();
        T sentinel = T.CreateTruncating(-12345.5);
        T gradOutput = T.CreateTruncating(0.75);
        const int Pad = 16;

        foreach (int n in s_lengths)
        {
            int rowLength = loss.RowLength(n);
            int outputs = rowLength > 0 ? n / rowLength : n;
            var data = Catalog.Generate(c, rng, n);
            var a = Catalog.Convert<T>(data[0])!;
            var b = Catalog.Convert<T>(data[1])!;
            var upstream = Catalog.Convert<T>(Catalog.Upstream(rng, outputs))!;

            for (int offset = 1; offset <= 7; offset++)
            {
                string where = $"n={n}, offset={offset}";
                T[] Big(T[] values)
                {
                    var big = new T[values.Length + offset + Pad];
                    Array.Fill(big, sentinel);
                    values.CopyTo(big, offset);
                    return big;
                }
                T[] Fresh(int length) { var s = new T[length + offset + Pad]; Array.Fill(s, sentinel); return s; }
                var bigA = Big(a);
                var bigB = Big(b);
                var bigUp = Big(upstream);
                ReadOnlySpan<T> SA() => bigA.AsSpan(offset, n);
                ReadOnlySpan<T> SB() => bigB.AsSpan(offset, n);
                ReadOnlySpan<T> SU() => bigUp.AsSpan(offset, outputs);

                void Same(string what, T expected, T actual)
                {
                    if (!expected.Equals(actual)) failures.Add($"{where}: {what}: offset {actual}, aligned {expected}");
                }
                void SameSpan(string what, T[] expected, T[] big)
                {
                    for (int i = 0; i < big.Length; i++)
                    {
                        bool inside = i >= offset && i < offset + expected.Length;
                        if (inside) Same($"{what}[{i - offset}]", expected[i - offset], big[i]);
                        else if (!big[i].Equals(sentinel)) failures.Add($"{where}: {what}: wrote {big[i]} at {i - offset}, outside the span");
                    }
                }
                // Each call is checked on its own, so that one throwing does not hide the others.
                void Guarded(string what, Action check)
                {
                    try { check(); }
                    catch (Exception e) { failures.Add($"{where}: {what} threw {e.GetType().Name}: {e.Message}"); }
                }

                foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum })
                {
                    Guarded($"Forward({reduction})", () =>
                        Same($"Forward({reduction})", loss.Forward(a, b, rowLength, reduction), loss.Forward(SA(), SB(), rowLength, reduction)));

                    Guarded($"ForwardBackward({reduction})", () =>
                    {
                        var ga = new T[n]; var gb = new T[n];
                        var bigGa = Fresh(n); var bigGb = Fresh(n);
                        T expected = loss.ForwardBackward(a, b, rowLength, ga, gb, reduction, gradOutput);
                        T actual = loss.ForwardBackward(SA(), SB(), rowLength, bigGa.AsSpan(offset, n), bigGb.AsSpan(offset, n), reduction, gradOutput);
                        Same($"ForwardBackward({reduction})", expected, actual);
                        SameSpan($"ForwardBackward({reduction}) grad a", ga, bigGa);
                        SameSpan($"ForwardBackward({reduction}) grad b", gb, bigGb);
                    });

                    Guarded($"Backward({reduction})", () =>
                    {
                        var ga = new T[n]; var bigGa = Fresh(n); var bigGb = Fresh(n);
                        loss.Backward(a, b, rowLength, ga, default, reduction, gradOutput);
                        loss.Backward(SA(), SB(), rowLength, bigGa.AsSpan(offset, n), default, reduction, gradOutput);
                        SameSpan($"Backward({reduction}) grad a only", ga, bigGa);
                        SameSpan($"Backward({reduction}) grad b untouched", Array.Empty<T>(), bigGb);
                    });
                }

                Guarded("Forward(None)", () =>
                {
                    var output = new T[outputs];
                    var bigOut = Fresh(outputs);
                    loss.Forward(a, b, rowLength, output);
                    loss.Forward(SA(), SB(), rowLength, bigOut.AsSpan(offset, outputs));
                    SameSpan("Forward(None) output", output, bigOut);
                });

                Guarded("ForwardBackward(None)", () =>
                {
                    var output = new T[outputs]; var bigOut = Fresh(outputs);
                    var ga = new T[n]; var gb = new T[n];
                    var bigGa = Fresh(n); var bigGb = Fresh(n);
                    loss.ForwardBackward(a, b, rowLength, output, upstream, ga, gb);
                    loss.ForwardBackward(SA(), SB(), rowLength, bigOut.AsSpan(offset, outputs), SU(), bigGa.AsSpan(offset, n), bigGb.AsSpan(offset, n));
                    SameSpan("ForwardBackward(None) output", output, bigOut);
                    SameSpan("ForwardBackward(None) grad a", ga, bigGa);
                    SameSpan("ForwardBackward(None) grad b", gb, bigGb);
                });

                Guarded("Backward(None)", () =>
                {
                    var ga = new T[n]; var gb = new T[n];
                    var bigGa = Fresh(n); var bigGb = Fresh(n);
                    loss.Backward(a, b, rowLength, upstream, ga, gb);
                    loss.Backward(SA(), SB(), rowLength, SU(), bigGa.AsSpan(offset, n), bigGb.AsSpan(offset, n));
                    SameSpan("Backward(None) grad a", ga, bigGa);
                    SameSpan("Backward(None) grad b", gb, bigGb);
                });
            }
        }
        return failures;
    }
}
