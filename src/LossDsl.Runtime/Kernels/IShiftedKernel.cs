namespace LossDsl;

/// <summary>
/// The summand of a sum shifted by a row maximum it reads, <c>e^(x - shift)</c> (logsumexp, softmax, log_softmax): the
/// online log-sum-exp (<see cref="ElementLoops.LogSumExp{TMax, TSum, T}"/>) sets the shift to the running maximum of
/// each chunk of the row before it sums the chunk.
/// </summary>
public interface IShiftedKernel<T> where T : unmanaged
{
    /// <summary>The maximum the summand subtracts.</summary>
    T Shift { get; set; }
}
