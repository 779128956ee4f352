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

    public static string Camel(string name)
    {
        var pascal = Pascal(name);
        if (pascal.Length == 0) return "_";
        return char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
    }

    /// <summary>A camelCase name usable as a C# identifier (keywords get '@').</summary>
    public static string Parameter(string name)
    {
        var camel = Camel(name);
        return s_keywords.Contains(camel) ? "@" + camel : camel;
    }

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
        if (double.IsInfinity(value)) return value > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
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
