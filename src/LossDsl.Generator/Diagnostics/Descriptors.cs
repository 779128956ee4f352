using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LossDsl.Generator.Diagnostics;

/// <summary>Every diagnostic the generator reports, one ID each; docs/diagnostics.md documents them.</summary>
internal static class Descriptors
{
    private const string Category = "LossDsl";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: "docs/diagnostics.md#" + id.ToLowerInvariant());

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: "docs/diagnostics.md#" + id.ToLowerInvariant());

    public static readonly DiagnosticDescriptor UnexpectedCharacter = Error("LOSS001", "Unexpected character", "Unexpected character '{0}' in a formula");
    public static readonly DiagnosticDescriptor Expected = Error("LOSS002", "Syntax error", "Expected {0} but found {1}");
    public static readonly DiagnosticDescriptor InvalidNumber = Error("LOSS003", "Invalid number", "'{0}' is not a valid number");
    public static readonly DiagnosticDescriptor UnknownName = Error("LOSS010", "Unknown name", "The name '{0}' is not an input, an option, a let binding or a constant");
    public static readonly DiagnosticDescriptor UnknownFunction = Error("LOSS011", "Unknown function", "'{0}' is not a known function");
    public static readonly DiagnosticDescriptor WrongArity = Error("LOSS012", "Wrong number of arguments", "'{0}' takes {1} argument(s) but is given {2}");
    public static readonly DiagnosticDescriptor DuplicateName = Error("LOSS013", "Duplicate name", "The name '{0}' is already declared in this scope");
    public static readonly DiagnosticDescriptor TypeMismatch = Error("LOSS014", "Type mismatch", "Expected {0} but this expression is {1}");
    public static readonly DiagnosticDescriptor BadDefault = Error("LOSS015", "Invalid default", "{0}");
    public static readonly DiagnosticDescriptor AggregateMisuse = Error("LOSS016", "Aggregate misuse", "{0}");
    public static readonly DiagnosticDescriptor NotDifferentiable = Warning("LOSS017", "Input has no gradient", "The input '{0}' {1}, so its gradient is always zero; declare it 'const'");
    public static readonly DiagnosticDescriptor BadAttributeTarget = Error("LOSS018", "Invalid [Loss] target", "[Loss] must be placed on a non-nested 'static partial class': {0}");
    public static readonly DiagnosticDescriptor ReservedName = Error("LOSS019", "Reserved name", "'{0}' is reserved for the generated API ({1}); choose another name");
    public static readonly DiagnosticDescriptor NoLoss = Warning("LOSS020", "Empty loss file", "This file declares no loss");
    public static readonly DiagnosticDescriptor DuplicateLoss = Error("LOSS021", "Duplicate loss", "A loss named '{0}' is already declared in this compilation unit");
    public static readonly DiagnosticDescriptor BadGradient = Error("LOSS022", "Invalid gradient clause", "{0}");
    public static readonly DiagnosticDescriptor BadSubscript = Error("LOSS023", "Invalid subscript", "{0}");
    public static readonly DiagnosticDescriptor BadInputKind = Error("LOSS024", "Invalid input kind", "{0}");
    public static readonly DiagnosticDescriptor BadFunction = Error("LOSS025", "Invalid function", "{0}");
    public static readonly DiagnosticDescriptor TooComplex = Error("LOSS026", "Formula too complex", "{0}");
    public static readonly DiagnosticDescriptor BadHessian = Error("LOSS027", "Invalid hessian clause", "{0}");
    public static readonly DiagnosticDescriptor BadRequire = Error("LOSS028", "Invalid require clause", "{0}");
    public static readonly DiagnosticDescriptor BadShape = Error("LOSS029", "Invalid shape rule", "{0}");
    public static readonly DiagnosticDescriptor InternalError = Error("LOSS999", "Internal generator error", "The LossDsl generator failed on this formula: {0}. Please report it.");

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new[]
    {
        UnexpectedCharacter, Expected, InvalidNumber, UnknownName, UnknownFunction, WrongArity, DuplicateName,
        TypeMismatch, BadDefault, AggregateMisuse, NotDifferentiable, BadAttributeTarget, ReservedName, NoLoss,
        DuplicateLoss, BadGradient, BadSubscript, BadInputKind, BadFunction, TooComplex, BadHessian, BadRequire, BadShape, InternalError,
    }.ToDictionary(d => d.Id);

    public static IReadOnlyCollection<DiagnosticDescriptor> All => s_byId.Values;

    public static DiagnosticDescriptor ById(string id) => s_byId[id];
}
