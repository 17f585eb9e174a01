using System.Buffers;
using System.Buffers.Binary;

namespace GovernedCrm.Audit.Entries;

/// <summary>
/// The stored body of an entry, version 1: the exact bytes that are hashed, so verification never
/// re-serializes. Layout (big-endian): version byte 0x01, sequence u64, timestamp (Unix ms) i64, previous
/// entry hash (32 bytes), then every field as a u32 length and UTF-8 bytes (length 0xFFFFFFFF = null), in a
/// fixed order starting with the chain origin. Trailing bytes are an error.
/// </summary>
public static class AuditEntryCodec
{
    /// <summary>The body format version written today.</summary>
    public const byte Version1 = 0x01;

    private const int HashSize = 32;
    private const uint NullLength = uint.MaxValue;
    private const int HeaderSize = 1 + 8 + 8 + HashSize;

    /// <summary>Encodes an entry body.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The body bytes.</returns>
    public static byte[] Encode(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var body = EncodeUnsequenced(entry.Origin, entry.Record);
        WriteHeader(body, entry.Sequence, entry.Timestamp, entry.PreviousHash);
        return body;
    }

    /// <summary>
    /// Encodes a body whose header (sequence, timestamp, previous hash) is left zeroed for
    /// <see cref="WriteHeader"/>. The rest depends only on the record and the chain origin, so callers can encode it
    /// before the writer assigns the sequence and the previous hash, and the writer only fills in the header.
    /// </summary>
    /// <param name="origin">The chain origin.</param>
    /// <param name="record">The record.</param>
    /// <returns>The body bytes, header zeroed.</returns>
    public static byte[] EncodeUnsequenced(string origin, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.GetSpan(HeaderSize)[..HeaderSize].Clear();
        buffer.Advance(HeaderSize);
        foreach (var field in Fields(origin, record))
        {
            WriteField(buffer, field);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the header of a body made by <see cref="EncodeUnsequenced"/>.</summary>
    /// <param name="body">The body.</param>
    /// <param name="sequence">The position in the chain.</param>
    /// <param name="timestamp">When the entry was sequenced (millisecond precision is kept).</param>
    /// <param name="previousHash">The previous entry's hash (32 bytes).</param>
    public static void WriteHeader(Span<byte> body, long sequence, DateTimeOffset timestamp, ReadOnlySpan<byte> previousHash)
    {
        if (previousHash.Length != HashSize)
        {
            throw new ArgumentException("The previous hash must be 32 bytes.", nameof(previousHash));
        }

        if (body.Length < HeaderSize)
        {
            throw new ArgumentException("The body is shorter than its header.", nameof(body));
        }

        body[0] = Version1;
        BinaryPrimitives.WriteUInt64BigEndian(body[1..], checked((ulong)sequence));
        BinaryPrimitives.WriteInt64BigEndian(body[9..], timestamp.ToUnixTimeMilliseconds());
        previousHash.CopyTo(body[17..]);
    }

    /// <summary>Decodes a body, or explains why it cannot.</summary>
    /// <param name="body">The stored bytes.</param>
    /// <param name="entry">The entry, when the body is well formed.</param>
    /// <param name="error">Why not, otherwise.</param>
    /// <returns>True when the body is a well-formed version 1 body.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> body, out AuditEntry? entry, out string? error)
    {
        entry = null;
        if (body.Length < HeaderSize)
        {
            error = "body shorter than its header";
            return false;
        }

        if (body[0] != Version1)
        {
            error = $"unknown body version {body[0]}";
            return false;
        }

        var sequence = BinaryPrimitives.ReadUInt64BigEndian(body[1..]);
        var millis = BinaryPrimitives.ReadInt64BigEndian(body[9..]);
        var previous = body.Slice(17, HashSize).ToArray();
        var rest = body[HeaderSize..];
        var fields = new string?[FieldCount];
        for (var i = 0; i < FieldCount; i++)
        {
            if (!TryReadField(ref rest, out fields[i]))
            {
                error = $"field {i} is truncated";
                return false;
            }
        }

        if (!rest.IsEmpty)
        {
            error = "trailing bytes after the last field";
            return false;
        }

        if (sequence > long.MaxValue || millis < -62135596800000 || millis > 253402300799999)
        {
            error = "sequence or timestamp out of range";
            return false;
        }

        if (!TryBuildRecord(fields, out var record, out error))
        {
            return false;
        }

        entry = new AuditEntry(fields[0]!, (long)sequence, DateTimeOffset.FromUnixTimeMilliseconds(millis), previous, record!);
        return true;
    }

    private const int FieldCount = 25;

    private static string?[] Fields(string origin, AuditRecord r)
    {
        return
        [
            origin, r.Tenant, r.Event.ToString(), r.Action.ToString(), r.Actor, r.OnBehalfOf, r.SessionId, r.RequestId,
            r.ExecutionId, r.CorrelationId, r.Tool, r.TargetSystem, r.ObjectType, r.RecordId, r.Properties, r.PreviousValues,
            r.ProposedValues, r.Result, r.Reasoning, r.Confidence?.ToString("R", CultureInfo.InvariantCulture), r.Approver,
            r.PolicyVersion, r.Rule, r.Outcome, r.ArgumentsDigest,
        ];
    }

    private static bool TryBuildRecord(string?[] f, out AuditRecord? record, out string? error)
    {
        record = null;
        error = null;
        if (f[0] is null || f[1] is null || f[4] is null || f[8] is null
            || !Enum.TryParse<AuditEventType>(f[2], ignoreCase: false, out var eventType) || !Enum.IsDefined(eventType)
            || !Enum.TryParse<AuditActionType>(f[3], ignoreCase: false, out var action) || !Enum.IsDefined(action))
        {
            error = "a required field is missing or unknown";
            return false;
        }

        double? confidence = null;
        if (f[19] is { } c)
        {
            if (!double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                error = "confidence is not a number";
                return false;
            }

            confidence = parsed;
        }

        record = new AuditRecord
        {
            Tenant = f[1]!,
            Event = eventType,
            Action = action,
            Actor = f[4]!,
            OnBehalfOf = f[5],
            SessionId = f[6],
            RequestId = f[7],
            ExecutionId = f[8]!,
            CorrelationId = f[9],
            Tool = f[10],
            TargetSystem = f[11],
            ObjectType = f[12],
            RecordId = f[13],
            Properties = f[14],
            PreviousValues = f[15],
            ProposedValues = f[16],
            Result = f[17],
            Reasoning = f[18],
            Confidence = confidence,
            Approver = f[20],
            PolicyVersion = f[21],
            Rule = f[22],
            Outcome = f[23],
            ArgumentsDigest = f[24],
        };
        return true;
    }

    private static void WriteField(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer.GetSpan(4), NullLength);
            buffer.Advance(4);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var span = buffer.GetSpan(4 + length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)length);
        Encoding.UTF8.GetBytes(value, span[4..]);
        buffer.Advance(4 + length);
    }

    private static bool TryReadField(ref ReadOnlySpan<byte> rest, out string? value)
    {
        value = null;
        if (rest.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(rest);
        rest = rest[4..];
        if (length == NullLength)
        {
            return true;
        }

        if (length > (uint)rest.Length)
        {
            return false;
        }

        value = Encoding.UTF8.GetString(rest[..(int)length]);
        rest = rest[(int)length..];
        return true;
    }
}
