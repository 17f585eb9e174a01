using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using GovernedCrm.Persistence.Files;

namespace GovernedCrm.Audit.Witnesses;

/// <summary>
/// How far one witness has been given each chain, kept in a small file in the data folder
/// (<c>witnesses/&lt;id&gt;.json</c>, replaced atomically after every accepted checkpoint) so that publishing resumes
/// after an outage and after a restart. It also keeps the newest cosigned note a tlog-witness returned. The file is a
/// cache of what the witness holds: losing it only makes the next publish start over (a tlog-witness answers its size;
/// a folder already holding a checkpoint takes the same note again).
/// </summary>
internal sealed class WitnessPositions
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly string _path;
    private readonly State _state;

    private WitnessPositions(string path, State state)
    {
        _path = path;
        _state = state;
    }

    /// <summary>The size the witness last accepted for <paramref name="chain"/> (0: none).</summary>
    public long SizeOf(string chain) => _state.Chains.TryGetValue(chain, out var position) ? position.Size : 0;

    /// <summary>The file of a witness's positions in <paramref name="folder"/>.</summary>
    public static string PathOf(string folder, WitnessTarget target) => Path.Combine(
        folder,
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(target.Kind + "\n" + target.Location)))[..16] + ".json");

    /// <summary>Loads the positions (none when the file is missing or unreadable: publishing then starts over).</summary>
    public static WitnessPositions Load(string folder, WitnessTarget target)
    {
        var path = PathOf(folder, target);
        State? state = null;
        try
        {
            if (File.Exists(path))
            {
                state = JsonSerializer.Deserialize<State>(File.ReadAllBytes(path));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            state = null;
        }

        return new WitnessPositions(path, state is { Chains: not null } ? state with { Witness = target.Name } : new State { Witness = target.Name });
    }

    /// <summary>Records what the witness accepted and writes the file.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Accepted(string chain, WitnessReceipt receipt)
    {
        _state.Chains[chain] = new Position { Size = receipt.Size, Cosigned = receipt.Cosigned };
        OwnerOnlyFile.Replace(_path, JsonSerializer.SerializeToUtf8Bytes(_state, Json));
    }

    private sealed record State
    {
        [JsonPropertyName("witness")]
        public string Witness { get; init; } = "";

        [JsonPropertyName("chains")]
        public Dictionary<string, Position> Chains { get; init; } = new(StringComparer.Ordinal);
    }

    private sealed record Position
    {
        [JsonPropertyName("size")]
        public long Size { get; init; }

        [JsonPropertyName("cosigned")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Cosigned { get; init; }
    }
}
