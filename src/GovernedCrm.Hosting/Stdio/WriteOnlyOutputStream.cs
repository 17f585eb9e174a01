namespace GovernedCrm.Hosting.Stdio;

/// <summary>
/// The shape every wrapper of the stdio transport's output shares: a write-only <see cref="ForwardOnlyStream"/>. A
/// wrapper says only how it writes (<see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>) and how it
/// flushes (<see cref="FlushAsync(CancellationToken)"/>).
/// </summary>
/// <param name="inner">The wrapped output, disposed with this stream.</param>
internal abstract class WriteOnlyOutputStream(Stream inner) : ForwardOnlyStream(inner)
{
    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public abstract override Task FlushAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
