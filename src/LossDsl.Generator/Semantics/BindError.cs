using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>What the binder refuses; each kind has its diagnostic (<see cref="BindError.DiagnosticId"/>).</summary>
internal enum BindErrorKind
{
    UnknownName,
    UnknownFunction,
    WrongArity,
    DuplicateName,
    TypeMismatch,
    BadDefault,
    AggregateMisuse,
    BadGradient,
    BadSubscript,
    BadInputKind,
    BadFunction,
    /// <summary>A function that calls itself (LOSS025): reported where a loss uses it, as well as in the function.</summary>
    Recursion,
    ReservedName,
    TooComplex,
    BadHessian,
    BadRequire,
    BadShape,
}

/// <summary>
/// An error of the binder, as data: its kind, where it is, and its message's arguments. The binder collects them and
/// turns them into located <see cref="DiagnosticInfo"/>s only when it returns, so whoever needs to know what went
/// wrong (a function's template that recurses) tests the kind, never a message's text.
/// </summary>
internal sealed record BindError(BindErrorKind Kind, TextRange Range, EquatableArray<string> Arguments)
{
    public string DiagnosticId => Kind switch
    {
        BindErrorKind.UnknownName => Descriptors.UnknownName.Id,
        BindErrorKind.UnknownFunction => Descriptors.UnknownFunction.Id,
        BindErrorKind.WrongArity => Descriptors.WrongArity.Id,
        BindErrorKind.DuplicateName => Descriptors.DuplicateName.Id,
        BindErrorKind.TypeMismatch => Descriptors.TypeMismatch.Id,
        BindErrorKind.BadDefault => Descriptors.BadDefault.Id,
        BindErrorKind.AggregateMisuse => Descriptors.AggregateMisuse.Id,
        BindErrorKind.BadGradient => Descriptors.BadGradient.Id,
        BindErrorKind.BadSubscript => Descriptors.BadSubscript.Id,
        BindErrorKind.BadInputKind => Descriptors.BadInputKind.Id,
        BindErrorKind.BadFunction or BindErrorKind.Recursion => Descriptors.BadFunction.Id,
        BindErrorKind.ReservedName => Descriptors.ReservedName.Id,
        BindErrorKind.TooComplex => Descriptors.TooComplex.Id,
        BindErrorKind.BadHessian => Descriptors.BadHessian.Id,
        BindErrorKind.BadRequire => Descriptors.BadRequire.Id,
        BindErrorKind.BadShape => Descriptors.BadShape.Id,
        var other => throw new UnexpectedValueException("The binder's diagnostics", other),
    };
}
