using System.Buffers;

namespace GovernedCrm.Hosting.Stdio;

/// <summary>Cuts a byte stream into lines and hands each whole line (without its line end) to a callback.</summary>
/// <param name="onLine">Called with each line.</param>
internal sealed class LineObserver(LineObserver.LineHandler onLine)
{
    private readonly ArrayBufferWriter<byte> _partial = new();

    /// <summary>Receives one line.</summary>
    public delegate void LineHandler(ReadOnlySpan<byte> line);

    /// <summary>True when bytes after the last line end wait for theirs.</summary>
    public bool HasPartialLine => _partial.WrittenCount > 0;

    public void Observe(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOf((byte)'\n');
            if (end < 0)
            {
                _partial.Write(bytes);
                return;
            }

            if (_partial.WrittenCount == 0)
            {
                onLine(bytes[..end]);
            }
            else
            {
                _partial.Write(bytes[..end]);
                onLine(_partial.WrittenSpan);
                _partial.ResetWrittenCount();
            }

            bytes = bytes[(end + 1)..];
        }
    }
}
