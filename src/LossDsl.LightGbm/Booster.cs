using System;

namespace LossDsl.LightGbm;

/// <summary>Training data: a row-major matrix of features, the labels and optional weights (kept for the objective).</summary>
public sealed class Dataset : IDisposable
{
    internal SafeDatasetHandle Handle { get; }
    public int Rows { get; }
    public int Columns { get; }
    public double[] Labels { get; }
    public double[]? Weights { get; }

    /// <param name="features">rows × columns values, row-major.</param>
    /// <param name="parameters">LightGBM dataset parameters ("max_bin=63 min_data_in_bin=1 ...").</param>
    public unsafe Dataset(ReadOnlySpan<double> features, int rows, int columns, double[] labels, double[]? weights = null, string parameters = "")
    {
        if (rows <= 0 || columns <= 0 || features.Length != rows * columns) throw new ArgumentException("features must hold rows × columns values", nameof(features));
        if (labels.Length != rows) throw new ArgumentException("one label per row", nameof(labels));
        if (weights is not null && weights.Length != rows) throw new ArgumentException("one weight per row", nameof(weights));
        IntPtr handle;
        fixed (double* data = features)
            NativeMethods.Check(NativeMethods.LGBM_DatasetCreateFromMat(data, NativeMethods.DTypeFloat64, rows, columns, 1, parameters, IntPtr.Zero, out handle), "LGBM_DatasetCreateFromMat");
        Handle = new SafeDatasetHandle(handle);
        var label = Array.ConvertAll(labels, v => (float)v);
        fixed (float* l = label)
            NativeMethods.Check(NativeMethods.LGBM_DatasetSetField(Handle, "label", l, rows, NativeMethods.DTypeFloat32), "LGBM_DatasetSetField(label)");
        (Rows, Columns, Labels, Weights) = (rows, columns, labels, weights);
    }

    public void Dispose() => Handle.Dispose();
}

/// <summary>A LightGBM booster trained with a <see cref="LossObjective"/> (LightGBM's objective is "none").</summary>
public sealed class Booster : IDisposable
{
    private readonly SafeBoosterHandle _handle;
    private readonly Dataset _train;
    private readonly double[] _scores, _gradient, _hessian;
    private readonly float[] _g, _h;
    private readonly bool _builtIn;

    /// <param name="parameters">LightGBM parameters ("learning_rate=0.1 num_leaves=15 ..."); "objective=none" is added.</param>
    public Booster(Dataset train, string parameters = "") : this(train, "objective=none verbosity=-1 " + parameters, builtIn: false) { }

    /// <summary>
    /// A booster trained with one of LightGBM's own objectives (<c>objective=huber</c>, <c>objective=poisson</c>...), by
    /// <see cref="Update()"/>: the baseline a formula objective is compared with.
    /// </summary>
    public static Booster WithBuiltInObjective(Dataset train, string parameters) => new(train, "verbosity=-1 " + parameters, builtIn: true);

    private Booster(Dataset train, string parameters, bool builtIn)
    {
        _builtIn = builtIn;
        _train = train;
        NativeMethods.Check(NativeMethods.LGBM_BoosterCreate(train.Handle, parameters, out var handle), "LGBM_BoosterCreate");
        _handle = new SafeBoosterHandle(handle);
        _scores = new double[train.Rows];
        _gradient = new double[train.Rows];
        _hessian = new double[train.Rows];
        _g = new float[train.Rows];
        _h = new float[train.Rows];
    }

    /// <summary>Boosting rounds done.</summary>
    public int Iterations { get; private set; }

    /// <summary>
    /// One boosting round: the objective's gradients and Hessians at the current training scores, one tree fitted to
    /// them (LGBM_BoosterUpdateOneIterCustom). Returns the objective's value before the round (the weighted sum of losses),
    /// and whether LightGBM can split no further.
    /// </summary>
    public unsafe (double Loss, bool Finished) Update(LossObjective objective)
    {
        if (_builtIn) throw new InvalidOperationException("This booster trains with a built-in objective: call Update().");
        TrainingScores(_scores);
        double loss = objective.Compute(_scores, _train.Labels, _train.Weights, _gradient, _hessian);
        for (int i = 0; i < _g.Length; i++) { _g[i] = (float)_gradient[i]; _h[i] = (float)_hessian[i]; }
        int finished;
        fixed (float* g = _g)
        fixed (float* h = _h)
            NativeMethods.Check(NativeMethods.LGBM_BoosterUpdateOneIterCustom(_handle, g, h, out finished), "LGBM_BoosterUpdateOneIterCustom");
        Iterations++;
        return (loss, finished != 0);
    }

    /// <summary>One boosting round with the booster's built-in objective (LGBM_BoosterUpdateOneIter); returns whether LightGBM can split no further.</summary>
    public bool Update()
    {
        if (!_builtIn) throw new InvalidOperationException("This booster trains with a custom objective: call Update(objective).");
        NativeMethods.Check(NativeMethods.LGBM_BoosterUpdateOneIter(_handle, out int finished), "LGBM_BoosterUpdateOneIter");
        Iterations++;
        return finished != 0;
    }

    /// <summary>The raw scores of the training rows (LGBM_BoosterGetPredict of data 0).</summary>
    public unsafe void TrainingScores(Span<double> scores)
    {
        if (scores.Length != _train.Rows) throw new ArgumentException("one score per training row", nameof(scores));
        fixed (double* s = scores)
            NativeMethods.Check(NativeMethods.LGBM_BoosterGetPredict(_handle, 0, out long length, s), "LGBM_BoosterGetPredict");
    }

    /// <summary>Raw scores for new rows (row-major features, as many columns as the training data).</summary>
    public unsafe double[] Predict(ReadOnlySpan<double> features, int rows)
    {
        if (features.Length != rows * _train.Columns) throw new ArgumentException("features must hold rows × columns values", nameof(features));
        var result = new double[rows];
        fixed (double* data = features)
        fixed (double* r = result)
            NativeMethods.Check(NativeMethods.LGBM_BoosterPredictForMat(_handle, data, NativeMethods.DTypeFloat64, rows, _train.Columns, 1,
                NativeMethods.PredictRawScore, 0, -1, "", out long length, r), "LGBM_BoosterPredictForMat");
        return result;
    }

    public void Dispose() => _handle.Dispose();
}
