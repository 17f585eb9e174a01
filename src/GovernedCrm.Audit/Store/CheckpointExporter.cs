using System.Threading.Channels;

namespace GovernedCrm.Audit.Store;

/// <summary>
/// Exports checkpoints (anchor file, log) in order on a background task, so the anchor file's flush to disk is not
/// on the writer's commit path. Disposal drains every queued checkpoint.
/// </summary>
internal sealed partial class CheckpointExporter : IAsyncDisposable
{
    private readonly ICheckpointPublisher _publisher;
    private readonly ILogger _logger;
    private readonly Channel<(string Chain, long Size, string Note)> _queue = Channel.CreateUnbounded<(string, long, string)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public CheckpointExporter(ICheckpointPublisher publisher, ILogger logger)
    {
        _publisher = publisher;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Enqueue(string chain, long size, string note) => _queue.Writer.TryWrite((chain, size, note));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_queue.Reader.TryRead(out var item))
            {
                try
                {
                    _publisher.Export(item.Chain, item.Size, item.Note);
                }
#pragma warning disable CA1031 // The checkpoint is stored in the database; a failed export is logged, and the next one carries a newer checkpoint.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogExportFailed(_logger, item.Chain, item.Size, ex.GetType().Name, ex.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit checkpoint of chain {Chain} at size {Size} could not be exported to the anchor file: {Error}: {Reason}")]
    private static partial void LogExportFailed(ILogger logger, string chain, long size, string error, string reason);
}
