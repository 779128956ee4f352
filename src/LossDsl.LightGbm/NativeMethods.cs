using System;
using System.Runtime.InteropServices;

namespace LossDsl.LightGbm;

/// <summary>The few functions of LightGBM's C API (c_api.h) that training with a custom objective needs.</summary>
internal static class NativeMethods
{
    private const string Library = "lib_lightgbm";

    public const int DTypeFloat32 = 0;   // C_API_DTYPE_FLOAT32
    public const int DTypeFloat64 = 1;   // C_API_DTYPE_FLOAT64
    public const int PredictNormal = 0;  // C_API_PREDICT_NORMAL
    public const int PredictRawScore = 1; // C_API_PREDICT_RAW_SCORE

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr LGBM_GetLastError();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern unsafe int LGBM_DatasetCreateFromMat(void* data, int dataType, int nrow, int ncol, int isRowMajor,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string parameters, IntPtr reference, out IntPtr handle);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern unsafe int LGBM_DatasetSetField(SafeDatasetHandle handle, [MarshalAs(UnmanagedType.LPUTF8Str)] string fieldName,
        void* fieldData, int numElement, int type);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int LGBM_DatasetFree(IntPtr handle);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int LGBM_BoosterCreate(SafeDatasetHandle trainData, [MarshalAs(UnmanagedType.LPUTF8Str)] string parameters, out IntPtr handle);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int LGBM_NetworkInit([MarshalAs(UnmanagedType.LPUTF8Str)] string machines, int localListenPort, int listenTimeOut, int numMachines);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int LGBM_NetworkFree();

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int LGBM_BoosterUpdateOneIter(SafeBoosterHandle handle, out int isFinished);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern unsafe int LGBM_BoosterUpdateOneIterCustom(SafeBoosterHandle handle, float* grad, float* hess, out int isFinished);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern unsafe int LGBM_BoosterGetPredict(SafeBoosterHandle handle, int dataIndex, out long length, double* result);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern unsafe int LGBM_BoosterPredictForMat(SafeBoosterHandle handle, void* data, int dataType, int nrow, int ncol,
        int isRowMajor, int predictType, int startIteration, int numIteration, [MarshalAs(UnmanagedType.LPUTF8Str)] string parameter,
        out long length, double* result);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int LGBM_BoosterFree(IntPtr handle);

    /// <summary>Throws <see cref="LightGbmException"/> with LightGBM's last error when <paramref name="result"/> is not 0.</summary>
    public static void Check(int result, string call)
    {
        if (result == 0) return;
        var message = Marshal.PtrToStringUTF8(LGBM_GetLastError()) ?? "unknown error";
        throw new LightGbmException($"{call} failed: {message}");
    }
}

/// <summary>A LightGBM call failed; the message is LightGBM's own (LGBM_GetLastError).</summary>
public sealed class LightGbmException(string message) : Exception(message);

/// <summary>A LightGBM Dataset handle, freed with LGBM_DatasetFree.</summary>
public sealed class SafeDatasetHandle : Microsoft.Win32.SafeHandles.SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeDatasetHandle() : base(ownsHandle: true) { }
    internal SafeDatasetHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);
    protected override bool ReleaseHandle() => NativeMethods.LGBM_DatasetFree(handle) == 0;
}

/// <summary>A LightGBM Booster handle, freed with LGBM_BoosterFree.</summary>
public sealed class SafeBoosterHandle : Microsoft.Win32.SafeHandles.SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeBoosterHandle() : base(ownsHandle: true) { }
    internal SafeBoosterHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);
    protected override bool ReleaseHandle() => NativeMethods.LGBM_BoosterFree(handle) == 0;
}
