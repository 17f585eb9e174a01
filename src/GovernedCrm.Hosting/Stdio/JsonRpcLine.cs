namespace GovernedCrm.Hosting.Stdio;

/// <summary>
/// What a JSON-RPC line is, read from its top-level members only: a request (<c>id</c> and <c>method</c>), a response
/// (<c>id</c>, no <c>method</c>), a notification (<c>method</c> only), and for <c>notifications/cancelled</c> the request
/// it cancels. A line that is not a JSON object is <see cref="None"/>.
/// </summary>
/// <param name="Id">The <c>id</c> as its JSON text (so 1 and "1" differ), or null.</param>
/// <param name="Method">The <c>method</c>, or null.</param>
/// <param name="CancelledId">For <c>notifications/cancelled</c>: <c>params.requestId</c> as JSON text.</param>
internal sealed record JsonRpcLine(string? Id, string? Method, string? CancelledId)
{
    public static JsonRpcLine None { get; } = new(null, null, null);

    public bool IsRequest => Id is not null && Method is not null;

    public bool IsResponse => Id is not null && Method is null;

    public static JsonRpcLine Read(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return None;
            }

            string? id = null, method = null, cancelled = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "id" when reader.TokenType is JsonTokenType.String or JsonTokenType.Number:
                        id = RawText(ref reader);
                        break;
                    case "method" when reader.TokenType == JsonTokenType.String:
                        method = reader.GetString();
                        break;
                    case "params" when reader.TokenType == JsonTokenType.StartObject:
                        cancelled = RequestIdIn(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new JsonRpcLine(id, method, method == "notifications/cancelled" ? cancelled : null);
        }
        catch (JsonException)
        {
            return None;
        }
    }

    private static string RawText(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? JsonSerializer.Serialize(reader.GetString()) : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);

    // Reads the params object to its end; returns its requestId, if any.
    private static string? RequestIdIn(ref Utf8JsonReader reader)
    {
        string? requestId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "requestId" && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
            {
                requestId = RawText(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return requestId;
    }
}
