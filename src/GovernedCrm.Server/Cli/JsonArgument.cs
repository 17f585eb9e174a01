using System.Text.Json;

namespace GovernedCrm.Server.Cli;

/// <summary>Reads a JSON object given on the command line; a bad one is described in one plain sentence, without the parser's jargon.</summary>
internal static class JsonArgument
{
    /// <summary>Parses <paramref name="text"/> as a JSON object.</summary>
    /// <param name="option">The option it came from, e.g. <c>--args</c>.</param>
    /// <param name="text">The text.</param>
    /// <param name="value">The object's members.</param>
    /// <param name="error">One sentence: what is wrong and where.</param>
    /// <returns>True when it is a JSON object.</returns>
    public static bool TryParseObject(string option, string text, out Dictionary<string, JsonElement> value, out string error)
    {
        value = [];
        error = "";
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = $"{option} must be a JSON object such as {{\"name\": \"value\"}}, not {Describe(document.RootElement.ValueKind)}.";
                return false;
            }

            value = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
            return true;
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line && ex.BytePositionInLine is { } column
                ? $" at line {line + 1}, column {column + 1}"
                : "";
            error = $"{option} must be a JSON object such as {{\"name\": \"value\"}}; the text given is not valid JSON{where}.";
            return false;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
