namespace LossDsl.Generator.Model;

/// <summary>
/// A bound shape rule: the runtime class that implements it (in <c>LossDsl.Tensors</c>) and its constructor's
/// arguments, in order.
/// </summary>
internal sealed record ShapeRuleModel(string RuntimeType, EquatableArray<ShapeArgument> Arguments);

/// <summary>
/// A constructor argument of a shape rule: a name (<paramref name="Text"/>; emitted as a string), or a number; a message
/// (<see cref="IsText"/>, possibly null) is emitted as a string or <c>null</c>.
/// </summary>
internal sealed record ShapeArgument(string? Text, double Number)
{
    public bool IsText { get; init; } = Text is not null;
}
