using System.Globalization;
using System.Text.Json;
using GovernedCrm.Governance.Pipeline;

namespace GovernedCrm.Governance.Tests.Policy.Reference;

/// <summary>A condition of the reference model: rendered to text for the policy file, evaluated directly by the reference.</summary>
internal abstract record RefCondition
{
    public abstract string Text { get; }

    public abstract object? Eval(GovernedCall call);

    public bool IsTrue(GovernedCall call) => Eval(call) is true;

    public static string Literal(object? value) => value switch
    {
        null => "null",
        true => "true",
        false => "false",
        double d => d.ToString(CultureInfo.InvariantCulture),
        string s => "'" + s + "'",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    // What a write proposes: its properties argument, when that is an object.
    public static bool TryProposed(GovernedCall call, string property, out object? value)
    {
        value = null;
        if (call.Arguments.TryGetValue(call.Tool.PropertiesArgument, out var properties)
            && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty(property, out var element))
        {
            value = RefValues.FromJson(element);
            return true;
        }

        return false;
    }

    public static object? CurrentValue(GovernedCall call, string property) =>
        call.Current is { } record && record.Values.TryGetValue(property, out var element) ? RefValues.FromJson(element) : null;
}

internal sealed record RefLiteral(object? Value) : RefCondition
{
    public override string Text => Literal(Value);

    public override object? Eval(GovernedCall call) => Value;
}

internal sealed record RefOperand(string Source, string Name) : RefCondition
{
    public override string Text => Source + "." + Name;

    public override object? Eval(GovernedCall call) => Source switch
    {
        "current" => CurrentValue(call, Name),
        "proposed" => TryProposed(call, Name, out var proposed) ? proposed : null,
        "after" => TryProposed(call, Name, out var after) ? after : CurrentValue(call, Name),
        "args" => call.Arguments.TryGetValue(Name, out var argument) ? RefValues.FromJson(argument) : null,
        _ => throw new InvalidOperationException(Source),
    };
}

internal sealed record RefChanged(string Property) : RefCondition
{
    public override string Text => $"changed({Property})";

    public override object? Eval(GovernedCall call) =>
        TryProposed(call, Property, out var proposed) && !RefValues.Equal(proposed, CurrentValue(call, Property));
}

internal sealed record RefCompare(RefCondition Left, string Op, RefCondition Right) : RefCondition
{
    public override string Text => $"{Left.Text} {Op} {Right.Text}";

    public override object? Eval(GovernedCall call)
    {
        var a = Left.Eval(call);
        var b = Right.Eval(call);
        return Op switch
        {
            "==" => RefValues.Equal(a, b),
            "!=" => !RefValues.Equal(a, b),
            ">" => RefValues.Compare(a, b) > 0,
            ">=" => RefValues.Compare(a, b) >= 0,
            "<" => RefValues.Compare(a, b) < 0,
            "<=" => RefValues.Compare(a, b) <= 0,
            _ => throw new InvalidOperationException(Op),
        };
    }
}

internal sealed record RefIn(RefCondition Operand, object?[] Values) : RefCondition
{
    public override string Text => $"{Operand.Text} in [{string.Join(", ", Values.Select(Literal))}]";

    public override object? Eval(GovernedCall call)
    {
        var value = Operand.Eval(call);
        return Values.Any(v => RefValues.Equal(value, v));
    }
}

internal sealed record RefAnd(RefCondition Left, RefCondition Right) : RefCondition
{
    public override string Text => $"({Left.Text}) AND ({Right.Text})";

    public override object? Eval(GovernedCall call) => Left.IsTrue(call) && Right.IsTrue(call);
}

internal sealed record RefOr(RefCondition Left, RefCondition Right) : RefCondition
{
    public override string Text => $"({Left.Text}) or ({Right.Text})";

    public override object? Eval(GovernedCall call) => Left.IsTrue(call) || Right.IsTrue(call);
}

internal sealed record RefNot(RefCondition Operand) : RefCondition
{
    public override string Text => $"not ({Operand.Text})";

    public override object? Eval(GovernedCall call) => !Operand.IsTrue(call);
}
