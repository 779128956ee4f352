using System.Text;

namespace LossDsl.Generator.Emit;

/// <summary>Writes C# text with indentation (the System.Text.Json generator's SourceWriter, in small).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    public SourceWriter Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    /// <summary>Writes each line of <paramref name="text"/> behind <paramref name="prefix"/> (e.g. "/// ").</summary>
    public SourceWriter Comment(string prefix, string text)
    {
        foreach (var line in text.Replace("\r\n", "\n").Split('\n')) Line((prefix + line).TrimEnd());
        return this;
    }

    public override string ToString() => _text.ToString();
}
