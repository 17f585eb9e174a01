using System.Runtime.InteropServices;

namespace GovernedCrm.Governance.Steps.Validation;

/// <summary>
/// Finds JSON the server cannot read faithfully, before anything digests, queues or runs it: a name repeated in one
/// object (which value counts would be up to each reader), text that is not valid Unicode (a lone surrogate escape,
/// invalid UTF-8), and nesting past <see cref="MaxDepth"/>. It reads raw bytes and never throws on them.
/// </summary>
public static class MalformedJson
{
    /// <summary>The refusal code for an object that repeats a name.</summary>
    public const string DuplicateKeyCode = "validation.duplicate_key";

    /// <summary>The refusal code for text that is not valid Unicode (lone surrogates, invalid UTF-8).</summary>
    public const string InvalidTextCode = "validation.invalid_text";

    /// <summary>The refusal code for arrays and objects nested more than <see cref="MaxDepth"/> levels in one argument.</summary>
    public const string TooDeepCode = "validation.too_deep";

    /// <summary>How many levels of arrays and objects one argument may nest.</summary>
    public const int MaxDepth = 32;

    private const int MaxPathLength = 80;

    /// <summary>The first problem in a call's arguments, or null when every argument can be read faithfully.</summary>
    /// <param name="arguments">The arguments as the transport handed them over.</param>
    /// <returns>The refusal, or null.</returns>
    public static GovernanceRefusal? Find(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        foreach (var (name, value) in arguments.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!JsonText.IsValid(name))
            {
                return new GovernanceRefusal(InvalidTextCode, "An argument name is not valid Unicode text (a lone surrogate such as \\ud800, or invalid UTF-8).");
            }

            if (value.ValueKind != JsonValueKind.Undefined && Find(JsonMarshal.GetRawUtf8Value(value), name, baseDepth: 0) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    /// <summary>
    /// The first problem in a whole arguments object as it was sent (where a repeated argument name is still visible),
    /// or null.
    /// </summary>
    /// <param name="argumentsObject">The UTF-8 JSON text of the arguments object.</param>
    /// <returns>The refusal, or null.</returns>
    public static GovernanceRefusal? FindInArgumentsObject(ReadOnlySpan<byte> argumentsObject) =>
        Find(argumentsObject, string.Empty, baseDepth: 1);

    /// <summary>
    /// The first problem anywhere in a request's parameters object (tool name, arguments, <c>_meta</c>), or null. Paths
    /// in the messages are those of the request's fields.
    /// </summary>
    /// <param name="requestParams">The UTF-8 JSON text of the parameters object.</param>
    /// <returns>The refusal, or null.</returns>
    public static GovernanceRefusal? FindInRequestParams(ReadOnlySpan<byte> requestParams) =>
        Find(requestParams, string.Empty, baseDepth: 2, noun: "Request field");

    private static GovernanceRefusal? Find(ReadOnlySpan<byte> json, string path, int baseDepth, string noun = "Argument")
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4096, CommentHandling = JsonCommentHandling.Disallow });
        var open = new List<(HashSet<string>? Names, string Path)>();
        var valuePath = path;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (reader.CurrentDepth - baseDepth >= MaxDepth)
                        {
                            return new GovernanceRefusal(TooDeepCode, $"{Subject(valuePath, noun)} is nested too deeply (more than {MaxDepth} levels of arrays and objects).");
                        }

                        var isObject = reader.TokenType == JsonTokenType.StartObject;
                        open.Add((isObject ? new HashSet<string>(StringComparer.Ordinal) : null, valuePath));
                        valuePath = isObject ? valuePath : valuePath + "[]";
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.RemoveAt(open.Count - 1);
                        valuePath = open.Count > 0 && open[^1].Names is null ? open[^1].Path + "[]" : valuePath;
                        break;
                    case JsonTokenType.PropertyName:
                        var parent = open[^1];
                        if (!JsonText.IsValid(reader.ValueSpan, reader.ValueIsEscaped))
                        {
                            return new GovernanceRefusal(InvalidTextCode, $"{Subject(parent.Path, noun)} has a property name that is not valid Unicode text (a lone surrogate such as \\ud800, or invalid UTF-8).");
                        }

                        var name = reader.GetString()!;
                        if (!parent.Names!.Add(name))
                        {
                            return new GovernanceRefusal(DuplicateKeyCode, parent.Path.Length == 0 && noun == "Argument"
                                ? $"The arguments name '{Shorten(name, 40)}' more than once: which value would count is ambiguous, so the call is refused."
                                : $"{Subject(parent.Path, noun)} names '{Shorten(name, 40)}' more than once: which value would count is ambiguous, so the call is refused.");
                        }

                        valuePath = parent.Path.Length == 0 ? name : $"{parent.Path}.{name}";
                        break;
                    case JsonTokenType.String:
                        if (!JsonText.IsValid(reader.ValueSpan, reader.ValueIsEscaped))
                        {
                            return new GovernanceRefusal(InvalidTextCode, $"{Subject(valuePath, noun)} holds text that is not valid Unicode (a lone surrogate such as \\ud800, or invalid UTF-8).");
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not reachable for text a JSON parser already accepted; refuse rather than guess.
            return new GovernanceRefusal(InvalidTextCode, $"{Subject(valuePath, noun)} is not JSON the server can read.");
        }

        return null;
    }

    private static string Subject(string path, string noun) => path.Length == 0 ? (noun == "Argument" ? "The arguments" : "The request") : $"{noun} '{Shorten(path, MaxPathLength)}'";

    /// <summary>Cuts valid text to at most <paramref name="length"/> characters (plus an ellipsis) without splitting a surrogate pair.</summary>
    /// <param name="text">Valid text.</param>
    /// <param name="length">The most characters to keep.</param>
    /// <returns>The text, shortened.</returns>
    internal static string Shorten(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
