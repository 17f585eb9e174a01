using System.Text.Json.Nodes;

namespace GovernedCrm.Hosting.Siem;

/// <summary>
/// Where an export stands: the last sequence number delivered per chain and, for an output file, the file's length
/// after the last delivered batch and the lines of a batch being written (so a restart after a kill can tell which of
/// them reached the file). Saved by <see cref="ExportPositionFile"/> as JSON.
/// </summary>
internal sealed class ExportPosition
{
    /// <summary>The last delivered sequence number of each chain.</summary>
    public Dictionary<string, long> Delivered { get; } = new(StringComparer.Ordinal);

    /// <summary>The output file's length after the last delivered batch (output-file exports only).</summary>
    public long? OutputLength { get; set; }

    /// <summary>The lines of the batch being written to the output file, each with the file length once it is written; empty between batches.</summary>
    public List<PendingLine> Pending { get; } = [];

    /// <summary>The next sequence number to deliver for a chain: one after the last delivered, or <paramref name="since"/> for a chain not delivered yet.</summary>
    public long Next(string chain, long since) => Delivered.TryGetValue(chain, out var last) ? last + 1 : since;

    /// <summary>The position as the file's JSON.</summary>
    public string ToJson()
    {
        var chains = new JsonObject();
        foreach (var (chain, seq) in Delivered.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            chains[chain] = seq;
        }

        var root = new JsonObject { ["version"] = 1, ["delivered"] = chains };
        if (OutputLength is { } length)
        {
            root["output"] = new JsonObject
            {
                ["length"] = length,
                ["pending"] = new JsonArray([.. Pending.Select(p => (JsonNode)new JsonObject { ["chain"] = p.Chain, ["seq"] = p.Sequence, ["end"] = p.End })]),
            };
        }

        return root.ToJsonString();
    }

    /// <summary>Reads the file's JSON.</summary>
    /// <exception cref="InvalidDataException">The text is not a position of this version.</exception>
    public static ExportPosition FromJson(string json)
    {
        var position = new ExportPosition();
        try
        {
            var root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("empty");
            if (root["version"]?.GetValue<int>() != 1)
            {
                throw new InvalidDataException("not version 1");
            }

            foreach (var (chain, seq) in root["delivered"]?.AsObject() ?? [])
            {
                position.Delivered[chain] = seq!.GetValue<long>();
            }

            if (root["output"] is JsonObject output)
            {
                position.OutputLength = output["length"]!.GetValue<long>();
                foreach (var line in output["pending"]?.AsArray() ?? [])
                {
                    position.Pending.Add(new PendingLine(line!["chain"]!.GetValue<string>(), line["seq"]!.GetValue<long>(), line["end"]!.GetValue<long>()));
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NullReferenceException or InvalidDataException)
        {
            throw new InvalidDataException("it is not an export position file (version 1)", ex);
        }

        return position;
    }
}

/// <summary>A line of the batch being written to an output file.</summary>
/// <param name="Chain">The entry's chain.</param>
/// <param name="Sequence">The entry's sequence number.</param>
/// <param name="End">The file's length once this line is written.</param>
internal sealed record PendingLine(string Chain, long Sequence, long End);
