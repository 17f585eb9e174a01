using System.Buffers.Binary;

namespace GovernedCrm.Audit.Verification;

/// <summary>
/// Reads one stored body the way <see cref="AuditVerifier"/>'s reference walk decodes it, directly on its UTF-8
/// bytes, without building the record: the body checks (well formed, this chain, this sequence number) and the
/// few fields the walk then compares with the link and the columns (<see cref="ChunkWalker"/>). It answers only
/// "certainly passes": when it returns true, AuditEntryCodec.TryDecode and the reference walk's string
/// comparisons would accept the body too; anything unusual (malformed, non-canonical, another chain) returns
/// false, and the walk re-checks from there with the reference walk, which then reports exactly what it always did.
/// </summary>
/// <remarks>
/// Why true is safe: equal bytes decode to equal strings; the body's event and action must be byte-equal to the
/// ToString() of a defined enum value, which Enum.TryParse accepts and turns back into that same string; the
/// confidence must parse as UTF-8 with the reference's style and culture; the origin and chain are compared as
/// the UTF-8 encoding of strings that survive a UTF-8 round trip (checked once by the caller).
/// </remarks>
internal sealed class EntryFastCheck
{
    /// <summary>Version byte, sequence, timestamp, previous hash.</summary>
    public const int HeaderSize = 1 + 8 + 8 + HashSize;

    private const int HashSize = 32;
    private const uint NullLength = uint.MaxValue;
    private const int FieldCount = 25;
    private const long MinMillis = -62135596800000;
    private const long MaxMillis = 253402300799999;

    private static readonly byte[][] EventNames = CanonicalNames<AuditEventType>();
    private static readonly byte[][] ActionNames = CanonicalNames<AuditActionType>();

    private readonly byte[] _origin;
    private readonly byte[] _chain;

    public EntryFastCheck(string chain, string origin)
    {
        _origin = Encoding.UTF8.GetBytes(origin);
        _chain = Encoding.UTF8.GetBytes(chain);
    }

    /// <summary>The parts of a body the walk compares with the columns and the chain.</summary>
    public ref struct Body
    {
        public long Millis;
        public ReadOnlySpan<byte> Previous;
        public ReadOnlySpan<byte> Event;
        public ReadOnlySpan<byte> Actor;
        public ReadOnlySpan<byte> ExecutionId;
        public ReadOnlySpan<byte> Tool;
        public bool ToolIsNull;
    }

    /// <summary>
    /// True when <paramref name="data"/> is a canonical version 1 body at <paramref name="sequence"/> of this
    /// chain that AuditEntryCodec.TryDecode accepts and whose origin and tenant are this chain's.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> data, long sequence, out Body body)
    {
        body = default;
        if (data.Length < HeaderSize || data[0] != AuditEntryCodec.Version1
            || BinaryPrimitives.ReadInt64BigEndian(data[1..]) != sequence)
        {
            return false;
        }

        body.Millis = BinaryPrimitives.ReadInt64BigEndian(data[9..]);
        if (body.Millis is < MinMillis or > MaxMillis)
        {
            return false;
        }

        body.Previous = data.Slice(17, HashSize);
        var rest = data[HeaderSize..];

        // The fields in body order (see AuditEntryCodec): 0 origin, 1 tenant, 2 event, 3 action, 4 actor,
        // 8 execution id, 10 tool, 19 confidence; the others only need to be well formed.
        if (!Next(ref rest, out var origin, out var isNull) || isNull || !origin.SequenceEqual(_origin)
            || !Next(ref rest, out var tenant, out isNull) || isNull || !tenant.SequenceEqual(_chain)
            || !Next(ref rest, out body.Event, out isNull) || isNull || !IsOneOf(body.Event, EventNames)
            || !Next(ref rest, out var action, out isNull) || isNull || !IsOneOf(action, ActionNames)
            || !Next(ref rest, out body.Actor, out isNull) || isNull
            || !Skip(ref rest, 3)
            || !Next(ref rest, out body.ExecutionId, out isNull) || isNull
            || !Skip(ref rest, 1)
            || !Next(ref rest, out body.Tool, out body.ToolIsNull)
            || !Skip(ref rest, 8)
            || !Next(ref rest, out var confidence, out isNull)
            || (!isNull && !double.TryParse(confidence, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            || !Skip(ref rest, FieldCount - 20))
        {
            return false;
        }

        return rest.IsEmpty;
    }

    /// <summary>Reads the next length-prefixed field; false when it runs past the body.</summary>
    private static bool Next(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field, out bool isNull)
    {
        field = default;
        isNull = false;
        if (rest.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(rest);
        rest = rest[4..];
        if (length == NullLength)
        {
            isNull = true;
            return true;
        }

        if (length > (uint)rest.Length)
        {
            return false;
        }

        field = rest[..(int)length];
        rest = rest[(int)length..];
        return true;
    }

    private static bool Skip(scoped ref ReadOnlySpan<byte> rest, int fields)
    {
        for (var i = 0; i < fields; i++)
        {
            if (!Next(ref rest, out _, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What ToString() gives for each defined value: the only spellings the reference walk's comparison accepts.</summary>
    private static byte[][] CanonicalNames<T>()
        where T : struct, Enum =>
        Enum.GetValues<T>().Select(v => Encoding.UTF8.GetBytes(v.ToString())).ToArray();

    private static bool IsOneOf(ReadOnlySpan<byte> value, byte[][] names)
    {
        foreach (var name in names)
        {
            if (value.SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }
}
