using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>Declarations: a loss's inputs and options, bound into its scope.</summary>
internal sealed partial class Binder
{
    /// <summary>
    /// The inputs and options, each in scope under its name: a name may be declared once, none named like a constant,
    /// a function or a gradient or Hessian span (LOSS013, LOSS019); defaults are literals (LOSS015); input kinds and
    /// their 'except' options are checked (LOSS024).
    /// </summary>
    private (List<InputModel> Inputs, List<OptionModel> Options) BindDeclarations(LossSyntax loss)
    {
        var inputs = new List<InputModel>();
        var options = new List<OptionModel>();
        var declared = new HashSet<string>(StringComparer.Ordinal);

        foreach (var input in loss.Inputs)
        {
            if (!CheckDeclaredName(input.Name, new TextRange(input.Range.End - input.Range.Length, input.Range.Length), declared)) continue;
            double? @default = null;
            if (input.Default is not null)
            {
                if (input.Kind is InputKind.Index or InputKind.Row or InputKind.Labels)
                    Report(BindErrorKind.BadDefault, input.Default.Range, $"A {input.Kind.ToString().ToLowerInvariant()} input has one value per row and no default");
                else if (!input.IsConst)
                    Report(BindErrorKind.BadDefault, input.Default.Range, $"Only a 'const' input can have a default value; declare 'const {input.Name}'");
                else if (LiteralValue(input.Default, out var value, out var isBool) && !isBool)
                    @default = value;
                else
                    Report(BindErrorKind.BadDefault, input.Default.Range, $"The default of input '{input.Name}' must be a number");
            }
            _scope[input.Name] = input.Kind switch
            {
                InputKind.Index => new IndexRef(inputs.Count, input.Name),
                InputKind.Row => new RowRef(inputs.Count, input.Name),
                InputKind.Class => new ClassRef(inputs.Count, input.Name),
                InputKind.Labels => new ListRef(inputs.Count, input.Name),
                _ => new InputRef(inputs.Count, input.Name),
            };
            if (input.Kind != InputKind.Element && !input.IsConst)
                Report(BindErrorKind.BadInputKind, input.Range, $"{(input.Kind == InputKind.Index ? "An" : "A")} {input.Kind.ToString().ToLowerInvariant()} input has no gradient: declare it 'const {input.Kind.ToString().ToLowerInvariant()} {input.Name}'");
            if (input.Except is not null && input.Kind != InputKind.Index)
                Report(BindErrorKind.BadInputKind, input.ExceptRange, "'except' belongs to an index input: the rows whose index equals the option are left out");
            inputs.Add(new InputModel(input.Name, input.IsConst, @default) { Kind = input.Kind, Except = input.Except });
        }
        foreach (var option in loss.Options)
        {
            if (!CheckDeclaredName(option.Name, option.Range, declared)) continue;
            if (option.Default is null)
            {
                Report(BindErrorKind.BadDefault, option.Range, $"The option '{option.Name}' needs a default value: options are written 'name = value'");
                continue;
            }
            if (!LiteralValue(option.Default, out var value, out var isBool))
            {
                Report(BindErrorKind.BadDefault, option.Default.Range, $"The default of option '{option.Name}' must be a number, true or false");
                continue;
            }
            _scope[option.Name] = new OptionRef(options.Count, option.Name, isBool);
            options.Add(new OptionModel(option.Name, isBool, value));
        }
        foreach (var input in loss.Inputs.Where(i => i.Except is not null))
            if (!options.Any(o => o.Name == input.Except && !o.IsBoolean))
                Report(BindErrorKind.BadInputKind, input.ExceptRange, $"'{input.Except}' is not a numeric option of this loss");
        if (inputs.Count > 0 && !inputs.Any(i => i.IsElement))
            Report(BindErrorKind.BadInputKind, loss.NameRange, "A loss needs at least one element input (one value per element)");
        return (inputs, options);
    }

    private bool CheckDeclaredName(string name, TextRange range, HashSet<string> declared)
    {
        if (name.Length == 0) return false;
        // Gradient spans are public parameters named <input>Grad.
        if (Emit.Names.PublicCamel(name).EndsWith("Grad", StringComparison.Ordinal))
        {
            Report(BindErrorKind.ReservedName, range, name, "gradient spans are named <input>Grad");
            return false;
        }
        // Hessian spans (GradientHessian, elementwise losses) are public parameters named <input>Hess.
        if (Emit.Names.PublicCamel(name).EndsWith("Hess", StringComparison.Ordinal))
        {
            Report(BindErrorKind.ReservedName, range, name, "Hessian spans are named <input>Hess");
            return false;
        }
        // Two names with one C# name (y_pred and yPred) would be one parameter twice.
        if (!declared.Add(Emit.Names.PublicCamel(name)) || s_constants.ContainsKey(name) || Functions.ByName.ContainsKey(name))
        {
            Report(BindErrorKind.DuplicateName, range, name);
            return false;
        }
        return true;
    }

    private static bool LiteralValue(SyntaxNode node, out double value, out bool isBool)
    {
        isBool = false;
        switch (node)
        {
            case NumberSyntax n: value = n.Value; return true;
            case BoolSyntax b: value = b.Value ? 1 : 0; isBool = true; return true;
            case UnarySyntax { Operator: TokenKind.Minus, Operand: NumberSyntax n }: value = -n.Value; return true;
            default: value = 0; return false;
        }
    }
}
