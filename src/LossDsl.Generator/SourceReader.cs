using System.Linq;
using System.Threading;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LossDsl.Generator;

/// <summary>
/// The first stage: reads a carrier (a [Loss] attribute or a .loss file) into a <see cref="FormulaSource"/>. This is
/// the only place that touches symbols and syntax nodes; what it returns is plain, equatable data.
/// </summary>
internal static class SourceReader
{
    public const string AttributeName = "LossDsl.LossAttribute";
    public const string DefaultAccessibility = "public";

    public static FormulaSource? FromAttribute(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0) return null;
        var attribute = context.Attributes[0];
        var classSyntax = (ClassDeclarationSyntax)context.TargetNode;
        var path = classSyntax.SyntaxTree.FilePath;
        var diagnostics = new System.Collections.Generic.List<DiagnosticInfo>();

        string? problem = type.ContainingType is not null ? "the class is nested"
            : !type.IsStatic ? "the class is not static"
            : !classSyntax.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)) ? "the class is not partial"
            : type.IsGenericType ? "the class is generic"
            : null;
        if (problem is not null)
            diagnostics.Add(new DiagnosticInfo(Descriptors.BadAttributeTarget.Id, Span(classSyntax.Identifier.GetLocation()), new[] { problem }.ToEquatableArray()));

        var formula = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        var argument = (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments.FirstOrDefault()?.Expression;
        var map = MapOf(argument);
        if (formula is null || problem is not null)
        {
            // Nothing to compile; still report what is wrong.
            if (formula is null && argument is not null)
                diagnostics.Add(new DiagnosticInfo(Descriptors.Expected.Id, Span(argument.GetLocation()), new[] { "a formula string", "no constant string" }.ToEquatableArray()));
            return new FormulaSource(path, "", map, null, type.Name, DefaultAccessibility, diagnostics.ToEquatableArray()) { Skip = true };
        }

        var @namespace = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
        var accessibility = type.DeclaredAccessibility == Accessibility.Public ? "public" : "internal";
        return new FormulaSource(path, formula, map, @namespace, type.Name, accessibility, diagnostics.ToEquatableArray());
    }

    public static FormulaSource FromFile(AdditionalText file, string? rootNamespace, CancellationToken cancellationToken)
    {
        var text = file.GetText(cancellationToken)?.ToString() ?? "";
        return new FormulaSource(file.Path, text, SourceMap.File, string.IsNullOrWhiteSpace(rootNamespace) ? null : rootNamespace, null,
            DefaultAccessibility, EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>How offsets in the string's value map to the file: exactly when the literal has no escapes (a plain, verbatim or one-line raw string).</summary>
    private static SourceMap MapOf(ExpressionSyntax? argument)
    {
        if (argument is null) return new SourceMap(0, 0, 0, false, 0);
        var start = argument.GetLocation().GetLineSpan().StartLinePosition;
        if (argument is LiteralExpressionSyntax literal && literal.Token.IsKind(SyntaxKind.StringLiteralToken))
        {
            var token = literal.Token;
            int prefix = token.Text.StartsWith("@\"") ? 2 : 1;
            if (token.Text.Length >= prefix + 1 && token.Text.Substring(prefix, token.Text.Length - prefix - 1) == token.ValueText)
                return new SourceMap(token.SpanStart + prefix, start.Line, start.Character + prefix, true, 0);
        }
        if (argument is LiteralExpressionSyntax raw && raw.Token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken))
        {
            // a raw string on one line has no escapes: a require message's quotes keep exact spans
            var token = raw.Token;
            int quotes = token.Text.TakeWhile(c => c == '"').Count();
            if (token.Text.Length >= 2 * quotes && token.Text.Substring(quotes, token.Text.Length - 2 * quotes) == token.ValueText)
                return new SourceMap(token.SpanStart + quotes, start.Line, start.Character + quotes, true, 0);
        }
        return new SourceMap(argument.SpanStart, start.Line, start.Character, false, argument.Span.Length);
    }

    private static SourceSpan Span(Location location)
    {
        var line = location.GetLineSpan();
        return new SourceSpan(line.Path, location.SourceSpan.Start, location.SourceSpan.Length,
            line.StartLinePosition.Line, line.StartLinePosition.Character, line.EndLinePosition.Line, line.EndLinePosition.Character);
    }
}
