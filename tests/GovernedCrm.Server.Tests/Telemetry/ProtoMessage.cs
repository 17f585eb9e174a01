using System.Text;
using Google.Protobuf;

namespace GovernedCrm.Server.Tests.Telemetry;

/// <summary>
/// One protobuf message read field by field with <see cref="CodedInputStream"/>, without generated classes: each
/// field number keeps its values in order (varints and fixed-width numbers as <see cref="ulong"/>, length-delimited
/// fields as bytes, to be read as a string or a nested message by whoever knows the schema).
/// </summary>
internal sealed class ProtoMessage
{
    private readonly List<(int Field, object Value)> _fields = [];

    /// <summary>Reads <paramref name="data"/> to its end.</summary>
    public static ProtoMessage Parse(byte[] data)
    {
        var message = new ProtoMessage();
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            object value = WireFormat.GetTagWireType(tag) switch
            {
                WireFormat.WireType.Varint => input.ReadUInt64(),
                WireFormat.WireType.Fixed64 => input.ReadFixed64(),
                WireFormat.WireType.Fixed32 => (ulong)input.ReadFixed32(),
                WireFormat.WireType.LengthDelimited => input.ReadBytes().ToByteArray(),
                var other => throw new InvalidDataException($"field {field}: wire type {other} is not used by OTLP"),
            };
            message._fields.Add((field, value));
        }

        return message;
    }

    /// <summary>The nested messages of a repeated (or single) message field.</summary>
    public IEnumerable<ProtoMessage> Messages(int field) => Values(field).OfType<byte[]>().Select(Parse);

    /// <summary>The nested message of a field, or null.</summary>
    public ProtoMessage? Message(int field) => Messages(field).FirstOrDefault();

    /// <summary>A string field, or null when absent.</summary>
    public string? String(int field) => Values(field).OfType<byte[]>().Select(b => Encoding.UTF8.GetString(b)).FirstOrDefault();

    /// <summary>A bytes field as lowercase hex (ids), or null when absent or empty.</summary>
    public string? Hex(int field) => Values(field).OfType<byte[]>().Where(b => b.Length > 0).Select(Convert.ToHexStringLower).FirstOrDefault();

    /// <summary>A varint or fixed-width field, or null when absent.</summary>
    public ulong? Number(int field) => Values(field).OfType<ulong>().Select(v => (ulong?)v).FirstOrDefault();

    /// <summary>A double field (fixed64), or null when absent.</summary>
    public double? Double(int field) => Number(field) is { } bits ? BitConverter.UInt64BitsToDouble(bits) : null;

    private IEnumerable<object> Values(int field) => _fields.Where(f => f.Field == field).Select(f => f.Value);
}
