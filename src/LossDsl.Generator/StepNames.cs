namespace LossDsl.Generator;

/// <summary>The names of the pipeline's steps, for <c>WithTrackingName</c> and the incrementality tests.</summary>
internal static class StepNames
{
    public const string AttributeSources = nameof(AttributeSources);
    public const string FileSources = nameof(FileSources);
    public const string Compiled = nameof(Compiled);
    public const string Models = nameof(Models);
    public const string Diagnostics = nameof(Diagnostics);
}
