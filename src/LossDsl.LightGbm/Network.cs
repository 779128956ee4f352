using System;

namespace LossDsl.LightGbm;

/// <summary>
/// LightGBM's own network for data-parallel training (LGBM_NetworkInit / LGBM_NetworkFree): every machine runs the same
/// program on its own rows, creates its <see cref="Dataset"/> and <see cref="Booster"/> after joining (LightGBM then
/// agrees on the feature bins and sums the gradient histograms over the machines), and computes the gradients and
/// Hessians of its own rows with the generated kernels. One network per process: LightGBM keeps it in global state.
/// Boosters need <c>tree_learner=data num_machines=N</c> in their parameters.
/// </summary>
public sealed class Network : IDisposable
{
    private bool _joined;

    /// <param name="machines">Every machine as host:port, comma-separated, the same list (in the same order) on each.</param>
    /// <param name="localPort">This machine's port in <paramref name="machines"/>.</param>
    /// <param name="timeoutMinutes">How long to wait for the others to connect.</param>
    public Network(string machines, int localPort, int timeoutMinutes = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(machines);
        int count = machines.Split(',', StringSplitOptions.RemoveEmptyEntries).Length;
        if (count < 2) throw new ArgumentException("at least two machines (host:port,host:port)", nameof(machines));
        ArgumentOutOfRangeException.ThrowIfLessThan(localPort, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMinutes, 1);
        NativeMethods.Check(NativeMethods.LGBM_NetworkInit(machines, localPort, timeoutMinutes, count), "LGBM_NetworkInit");
        _joined = true;
        Machines = count;
    }

    /// <summary>How many machines train together.</summary>
    public int Machines { get; }

    public void Dispose()
    {
        if (!_joined) return;
        _joined = false;
        NativeMethods.LGBM_NetworkFree();
    }
}
