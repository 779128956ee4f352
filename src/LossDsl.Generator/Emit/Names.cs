using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace LossDsl.Generator.Emit;

/// <summary>How formula names become C# names: <c>huber_loss</c> → <c>HuberLoss</c>, <c>y_pred</c> → <c>yPred</c>.</summary>
internal static class Names
{
    private static readonly HashSet<string> s_keywords = new()
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    public static string Pascal(string name) =>
        string.Concat(name.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1)));

    /// <summary>The camelCase of a formula name, as the public API shows it: <c>y_pred</c> → <c>yPred</c>.</summary>
    public static string PublicCamel(string name)
    {
        var pascal = Pascal(name);
        if (pascal.Length == 0) return "_";
        return char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
    }

    /// <summary>A public API parameter: the camelCase name (keywords get '@').</summary>
    public static string Public(string name)
    {
        var camel = PublicCamel(name);
        return s_keywords.Contains(camel) ? "@" + camel : camel;
    }

    /// <summary>
    /// The camelCase of a formula name inside the implementation: the public camelCase, with a trailing '_' when it is
    /// a name the generated code uses for itself (<see cref="IsGenerated"/>). The camelCase of a formula name never
    /// holds '_' and no generated name ends with one, so no name a user writes can collide with a generated local,
    /// field or parameter (an input named <c>n</c>, <c>chunks</c> or <c>t0</c> becomes <c>n_</c>, <c>chunks_</c>, <c>t0_</c>).
    /// </summary>
    public static string Camel(string name)
    {
        var camel = PublicCamel(name);
        return IsGenerated(camel) ? camel + "_" : camel;
    }

    /// <summary>An identifier of the implementation for a formula name (keywords get '@').</summary>
    public static string Parameter(string name)
    {
        var camel = Camel(name);
        return s_keywords.Contains(camel) ? "@" + camel : camel;
    }

    /// <summary>The lower-case names generated code declares for itself (locals, parameters, fields without their '_').</summary>
    private static readonly HashSet<string> s_generated = new()
    {
        "i", "n", "m", "r", "g", "w", "p", "c", "d", "e", "loss", "start", "end", "length", "rows", "divisor", "total", "upstream",
        "outputs", "options", "none", "grads", "chunks", "scale", "column", "value", "sum", "kernel", "fused", "gradients",
        "gradOutputs", "gradOutput", "call", "reduction", "output", "weight", "rowLength", "rowGradient", "rowGradientCached", "rowGradientOthers", "otherGradients",
        "cached", "inverseLength", "per", "summand", "aggregate", "dependency", "bar", "hasWeight", "hasGradOutput",
        "weightLength", "args", "firstRow", "row", "hessianPolicy", "hessians", "policy", "position", "positionI",
    };

    /// <summary>
    /// Whether generated code may declare this name for itself: the fixed names, numbered temporaries and per-aggregate
    /// locals (<c>t0</c>, <c>a1</c>, <c>bar2</c>, the per-call fields <c>_perCall0</c> and <c>_wholePower0</c>, <c>aggregate0Store</c>, <c>d1On0</c>), and names built from a formula
    /// name (<c>tRow</c>, <c>labelsWidth</c>, <c>_hasAlpha</c>, <c>_wantInputGrad</c>, <c>_pInput</c>, <c>_outerS</c>, <c>sAtI</c>, <c>pair0Gradient1</c>). Gradient spans
    /// (<c>inputGrad</c>) are public parameters: a formula name ending in <c>_grad</c> or <c>Grad</c> is refused (LOSS019).
    /// </summary>
    public static bool IsGenerated(string camel) =>
        s_generated.Contains(camel)
        || s_numbered.IsMatch(camel)
        || s_composite.IsMatch(camel);

    private static readonly System.Text.RegularExpressions.Regex s_numbered =
        new(@"^(t|a|c|d|e|bar|aggregate|summand|dependency|pair|refused|perCall|wholePower)\d", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    private static readonly System.Text.RegularExpressions.Regex s_composite =
        new(@"(Row|Width|Length|Store|Kernel|Cached|AtI|Result|128|256|512)$|^(has|want|p|current|outer)[A-Z0-9]", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The field that holds a value in a kernel struct: <c>_yPred</c>.</summary>
    public static string Field(string name) => "_" + Camel(name);

    /// <summary>A double as a C# literal that round-trips.</summary>
    public static string Double(double value)
    {
        if (double.IsNaN(value)) return "double.NaN";
        if (double.IsPositiveInfinity(value)) return "double.PositiveInfinity";
        if (double.IsNegativeInfinity(value)) return "double.NegativeInfinity";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }

    /// <summary>A float literal for a default value of the float API.</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "float.NaN";
        if (float.IsInfinity((float)value)) return value > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity"; // 1e308 overflows float
        return ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f";
    }

    /// <summary>Escapes text for an XML doc comment.</summary>
    public static string Xml(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c switch { '<' => "&lt;", '>' => "&gt;", '&' => "&amp;", _ => c.ToString() });
        }
        return sb.ToString();
    }

    /// <summary>Inputs read as integers: class indices and label lists.</summary>
    public static bool IsInteger(Syntax.InputKind kind) => kind is Syntax.InputKind.Index or Syntax.InputKind.Labels;
}
