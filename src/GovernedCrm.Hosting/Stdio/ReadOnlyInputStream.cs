namespace GovernedCrm.Hosting.Stdio;

/// <summary>
/// The shape every wrapper of the stdio transport's input shares: a read-only <see cref="ForwardOnlyStream"/>. A wrapper
/// says only how it reads (<see cref="ReadAsync(Memory{byte}, CancellationToken)"/>).
/// </summary>
/// <param name="inner">The wrapped input, disposed with this stream.</param>
internal abstract class ReadOnlyInputStream(Stream inner) : ForwardOnlyStream(inner)
{
    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
