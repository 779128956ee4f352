using Xunit;

namespace LossDsl.Runtime.Tests.Kernels;

/// <summary>
/// KernelFlags.Dispatch turns a call's bits into the flag types of the kernel it runs, bit k to F k, and reads only the
/// bits of the facts its call type can have (IFlaggedCall.Facts): any other bit runs as Off.
/// </summary>
public class KernelFlagsTests
{
    /// <summary>A call that records which instantiation ran, as bits: F k On sets bit k.</summary>
    private readonly struct RecordingCall<TFacts>(int bits) : IFlaggedCall<int> where TFacts : struct, IFacts
    {
        public static int Facts => TFacts.Value;

        public int Bits => bits;

        public int Run<F0, F1, F2, F3, F4, F5>() where F0 : struct, IFlag where F1 : struct, IFlag where F2 : struct, IFlag where F3 : struct, IFlag where F4 : struct, IFlag where F5 : struct, IFlag
            => On<F0>(0) | On<F1>(1) | On<F2>(2) | On<F3>(3) | On<F4>(4) | On<F5>(5);

        private static int On<F>(int bit) => typeof(F) == typeof(LossDsl.On) ? 1 << bit : 0;
    }

    public interface IFacts { static abstract int Value { get; } }

    public readonly struct AllFacts : IFacts { public static int Value => 63; }

    public readonly struct WeightAndStream : IFacts { public static int Value => 1 | 32; }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(42)]
    [InlineData(63)]
    public void EveryBit_RunsItsFlagOn(int bits)
    {
        var call = new RecordingCall<AllFacts>(bits);
        Assert.Equal(bits, KernelFlags.Dispatch<RecordingCall<AllFacts>, int>(ref call));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(63, 33)]
    [InlineData(2 | 4 | 8 | 16, 0)]
    [InlineData(1 | 2 | 32, 33)]
    public void ABitOutsideTheCallTypesFacts_RunsOff(int bits, int expected)
    {
        var call = new RecordingCall<WeightAndStream>(bits);
        Assert.Equal(expected, KernelFlags.Dispatch<RecordingCall<WeightAndStream>, int>(ref call));
    }
}
