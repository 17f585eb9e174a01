namespace GovernedCrm.Server.Cli;

/// <summary>How <c>audit history</c> and <c>audit search</c> print their answers as text (with <c>--json</c>, the service's JSON as is).</summary>
internal static class AuditQueryOutput
{
    /// <summary>A record's history: one block per entry, its changes indented under it.</summary>
    public static IEnumerable<string> History(JsonObject body)
    {
        var events = body["events"]!.AsArray();
        yield return $"history of {body["objectType"]} {body["recordId"]} in tenant {body["tenant"]} ({((string?)body["order"])?.Replace('_', ' ')}): {events.Count} entries";
        foreach (var e in events.OfType<JsonObject>())
        {
            var who = $"requested by {e["requestedBy"]}" + (e["decidedBy"] is { } decider ? $", decided by {decider}" : "")
                + (e["approvalRoute"] is { } route ? $", approver {route}" : "");
            var approval = e["approvalId"] is { } id ? $" approval {id}" : "";
            var rule = e["rule"] is { } r ? $" rule {r}" : "";
            yield return $"#{e["seq"]} {e["timestamp"]} {e["event"]} {e["tool"]} ({who}){approval}{rule}: {e["outcome"]}";
            if (e["reason"] is { } reason)
            {
                yield return $"    reason: {reason}" + (e["confidence"] is { } confidence ? $" (confidence {confidence.ToJsonString()})" : "");
            }

            foreach (var change in e["changes"]!.AsArray().OfType<JsonObject>())
            {
                var source = (string?)change["beforeSource"] is "recorded" or null ? "" : $" [before {change["beforeSource"]}]";
                yield return $"    {change["property"]}: {Value(change["before"])} -> {Value(change["after"])}{source}";
            }
        }

        foreach (var line in Next(body))
        {
            yield return line;
        }
    }

    /// <summary>A search: one line per entry.</summary>
    public static IEnumerable<string> Search(JsonObject body)
    {
        var entries = body["entries"]!.AsArray();
        yield return $"{entries.Count} entries in tenant {body["tenant"]}, newest first";
        foreach (var e in entries.OfType<JsonObject>())
        {
            var record = e["recordId"] is { } id ? $" {e["objectType"]} {id}" : e["objectType"] is { } type ? $" {type}" : "";
            var approver = e["approver"] is { } a ? $" approver {a}" : "";
            yield return $"#{e["seq"]} {e["timestamp"]} {e["event"]} {e["tool"] ?? (JsonNode)"-"} by {e["actor"]}{record}{approver} execution {e["executionId"]}: {e["outcome"]}";
        }

        foreach (var line in Next(body))
        {
            yield return line;
        }
    }

    private static IEnumerable<string> Next(JsonObject body)
    {
        if (body["nextCursor"] is { } cursor)
        {
            yield return $"more: pass --cursor {cursor}";
        }
    }

    private static string Value(JsonNode? value) => value is null ? "(none)" : CliJson.Pretty(value).ReplaceLineEndings(" ");
}
