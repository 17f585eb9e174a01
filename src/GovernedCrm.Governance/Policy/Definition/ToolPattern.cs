namespace GovernedCrm.Governance.Policy.Definition;

/// <summary>A rule's tool pattern: an exact tool name, a prefix glob ending in '*' ("CRM.*"), or "*" for every tool.</summary>
internal sealed record ToolPattern
{
    private ToolPattern(string text, string? prefix)
    {
        Text = text;
        Prefix = prefix;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>The prefix of a glob ("" for "*"), or null for an exact name.</summary>
    public string? Prefix { get; }

    /// <summary>Reads a pattern; false when '*' appears anywhere but at the end.</summary>
    public static bool TryParse(string text, out ToolPattern? pattern)
    {
        var star = text.IndexOf('*', StringComparison.Ordinal);
        if (text.Length == 0 || (star >= 0 && star != text.Length - 1) || text.Any(char.IsWhiteSpace))
        {
            pattern = null;
            return false;
        }

        pattern = new ToolPattern(text, star < 0 ? null : text[..^1]);
        return true;
    }

    /// <summary>Whether the pattern matches a tool name (names compare ordinally).</summary>
    public bool Matches(string toolName) =>
        Prefix is null ? string.Equals(Text, toolName, StringComparison.Ordinal) : toolName.StartsWith(Prefix, StringComparison.Ordinal);
}
