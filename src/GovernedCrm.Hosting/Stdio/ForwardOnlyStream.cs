namespace GovernedCrm.Hosting.Stdio;

/// <summary>
/// What every wrapper of the stdio transport's streams shares: it goes one way only (no length, position or seeking)
/// over an inner stream it owns and disposes. <see cref="ReadOnlyInputStream"/> and <see cref="WriteOnlyOutputStream"/>
/// say which way.
/// </summary>
/// <param name="inner">The wrapped stream, disposed with this stream.</param>
internal abstract class ForwardOnlyStream(Stream inner) : Stream
{
    /// <summary>The wrapped stream.</summary>
    protected Stream Inner { get; } = inner;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
