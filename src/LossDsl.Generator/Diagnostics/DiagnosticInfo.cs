using LossDsl.Generator.Model;
using Microsoft.CodeAnalysis;

namespace LossDsl.Generator.Diagnostics;

/// <summary>A diagnostic as equatable data: the descriptor's id, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, SourceSpan? Span, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic()
    {
        var descriptor = Descriptors.ById(Id);
        return Diagnostic.Create(descriptor, Span?.ToLocation() ?? Location.None, Arguments.ToArrayOfObjects());
    }
}

internal static class DiagnosticArguments
{
    public static object[] ToArrayOfObjects(this EquatableArray<string> arguments)
    {
        var result = new object[arguments.Count];
        for (int i = 0; i < result.Length; i++) result[i] = arguments[i];
        return result;
    }
}
