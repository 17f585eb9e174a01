namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>
/// A recursive-descent parser for the condition language. Grammar (keywords case-insensitive):
/// <code>
/// condition  := or END
/// or         := and ( 'or' and )*
/// and        := unary ( 'and' unary )*
/// unary      := 'not' unary | comparison
/// comparison := primary ( op primary | 'in' '[' literal ( ',' literal )* ']' )?
/// op         := '==' | '!=' | '&gt;' | '&gt;=' | '&lt;' | '&lt;='
/// primary    := '(' or ')' | literal | source '.' name | 'changed' '(' name ')'
/// source     := 'current' | 'proposed' | 'after' | 'args'
/// literal    := number | 'string' | "string" | 'true' | 'false' | 'null'
/// name       := [A-Za-z_][A-Za-z0-9_]*
/// </code>
/// </summary>
internal sealed class ConditionParser
{
    /// <summary>How deeply parentheses and 'not' may nest: deep enough for any real rule, shallow enough for the stack.</summary>
    public const int MaxDepth = 32;

    private const string OperandHelp = "current.<prop>, proposed.<prop>, after.<prop>, args.<name>, changed(<prop>), a number, a quoted string, true, false, null or '('";

    private readonly List<ConditionToken> _tokens;
    private int _next;
    private int _depth;

    private ConditionParser(List<ConditionToken> tokens)
    {
        _tokens = tokens;
    }

    private ConditionToken Peek => _tokens[_next];

    /// <summary>Parses a condition.</summary>
    /// <param name="text">The condition.</param>
    /// <returns>Its syntax tree.</returns>
    /// <exception cref="ConditionSyntaxException">The condition is not valid.</exception>
    public static ConditionNode Parse(string text)
    {
        var parser = new ConditionParser(ConditionLexer.Tokenize(text));
        if (parser.Peek.Kind == ConditionTokenKind.End)
        {
            throw new ConditionSyntaxException(1, "the condition is empty; write one such as \"after.amount > 50000\", or leave 'when' out");
        }

        var root = parser.ParseOr();
        var end = parser.Peek;
        if (end.Kind != ConditionTokenKind.End)
        {
            throw new ConditionSyntaxException(end.Position, $"expected 'and', 'or' or the end of the condition, found {end.Describe()}");
        }

        return root;
    }

    private ConditionToken Take() => _tokens[_next++];

    private ConditionNode ParseOr()
    {
        var left = ParseAnd();
        while (Peek.IsKeyword("or"))
        {
            Take();
            left = new OrNode(left, ParseAnd());
        }

        return left;
    }

    private ConditionNode ParseAnd()
    {
        var left = ParseUnary();
        while (Peek.IsKeyword("and"))
        {
            Take();
            left = new AndNode(left, ParseUnary());
        }

        return left;
    }

    private ConditionNode ParseUnary()
    {
        if (!Peek.IsKeyword("not"))
        {
            return ParseComparison();
        }

        var not = Take();
        Enter(not);
        var operand = ParseUnary();
        _depth--;
        return new NotNode(operand);
    }

    private ConditionNode ParseComparison()
    {
        var left = ParsePrimary();
        var token = Peek;
        if (token.Kind == ConditionTokenKind.Operator)
        {
            Take();
            var op = token.Text switch
            {
                "==" => ComparisonOperator.Equal,
                "!=" => ComparisonOperator.NotEqual,
                ">" => ComparisonOperator.Greater,
                ">=" => ComparisonOperator.GreaterOrEqual,
                "<" => ComparisonOperator.Less,
                _ => ComparisonOperator.LessOrEqual,
            };
            return new ComparisonNode(op, left, ParsePrimary());
        }

        if (token.IsKeyword("in"))
        {
            Take();
            return new InNode(left, ParseList());
        }

        return left;
    }

    private ConditionValue[] ParseList()
    {
        Expect(ConditionTokenKind.OpenBracket, "'[' to start the list, e.g. in ['closedwon', 'closedlost']");
        var values = new List<ConditionValue>();
        while (true)
        {
            var token = Peek;
            if (!TryLiteral(token, out var value))
            {
                throw new ConditionSyntaxException(token.Position, $"expected a literal (a number, a quoted string, true, false or null) in the list, found {token.Describe()}");
            }

            Take();
            values.Add(value);
            if (Peek.Kind == ConditionTokenKind.Comma)
            {
                Take();
                continue;
            }

            Expect(ConditionTokenKind.CloseBracket, "',' or ']' in the list");
            return [.. values];
        }
    }

    private ConditionNode ParsePrimary()
    {
        var token = Peek;
        if (token.Kind == ConditionTokenKind.OpenParen)
        {
            Take();
            Enter(token);
            var inner = ParseOr();
            _depth--;
            Expect(ConditionTokenKind.CloseParen, "')' to close the '(' at position " + token.Position.ToString(CultureInfo.InvariantCulture));
            return inner;
        }

        if (TryLiteral(token, out var literal))
        {
            Take();
            return new LiteralNode(literal);
        }

        if (token.Kind != ConditionTokenKind.Name)
        {
            throw new ConditionSyntaxException(token.Position, $"expected {OperandHelp}; found {token.Describe()}");
        }

        Take();
        if (token.IsKeyword("changed"))
        {
            Expect(ConditionTokenKind.OpenParen, "'(' after changed, e.g. changed(email)");
            var property = ExpectName("a property name in changed(...), e.g. changed(email)");
            Expect(ConditionTokenKind.CloseParen, "')' to close changed(...)");
            return new OperandNode(OperandSource.Changed, property);
        }

        OperandSource? source = token.Text.ToUpperInvariant() switch
        {
            "CURRENT" => OperandSource.Current,
            "PROPOSED" => OperandSource.Proposed,
            "AFTER" => OperandSource.After,
            "ARGS" => OperandSource.Args,
            _ => null,
        };
        if (source is null)
        {
            throw new ConditionSyntaxException(token.Position, $"unknown name '{token.Text}'; expected {OperandHelp}");
        }

        Expect(ConditionTokenKind.Dot, $"'.' after {token.Text}, e.g. {token.Text}.amount");
        var name = ExpectName($"a {(source == OperandSource.Args ? "argument" : "property")} name after '{token.Text}.'");
        return new OperandNode(source.Value, name);
    }

    private static bool TryLiteral(ConditionToken token, out ConditionValue value)
    {
        switch (token.Kind)
        {
            case ConditionTokenKind.Number:
                value = ConditionValue.FromNumber(double.Parse(token.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
                return true;
            case ConditionTokenKind.String:
                value = ConditionValue.FromString(token.Text);
                return true;
            case ConditionTokenKind.Name when token.IsKeyword("true"):
                value = ConditionValue.True;
                return true;
            case ConditionTokenKind.Name when token.IsKeyword("false"):
                value = ConditionValue.False;
                return true;
            case ConditionTokenKind.Name when token.IsKeyword("null"):
                value = ConditionValue.Null;
                return true;
            default:
                value = default;
                return false;
        }
    }

    private void Enter(ConditionToken token)
    {
        if (++_depth > MaxDepth)
        {
            throw new ConditionSyntaxException(token.Position, $"the condition nests more than {MaxDepth.ToString(CultureInfo.InvariantCulture)} levels deep; simplify it");
        }
    }

    private void Expect(ConditionTokenKind kind, string what)
    {
        var token = Peek;
        if (token.Kind != kind)
        {
            throw new ConditionSyntaxException(token.Position, $"expected {what}; found {token.Describe()}");
        }

        Take();
    }

    private string ExpectName(string what)
    {
        var token = Peek;
        if (token.Kind != ConditionTokenKind.Name)
        {
            throw new ConditionSyntaxException(token.Position, $"expected {what}; found {token.Describe()}");
        }

        Take();
        return token.Text;
    }
}
