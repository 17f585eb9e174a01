using Polly;

namespace GovernedCrm.Crm.Remote;

/// <summary>
/// Runs each request of a remote CRM's HTTP client through the provider's resilience pipeline
/// (<see cref="RemoteCrmResiliencePipeline"/>): every attempt goes down the rest of the handler chain (the token handler,
/// then the network) with the attempt's own cancellation, so an attempt timeout abandons that attempt only. The request
/// travels in the attempt's context, where the pipeline reads whether it is a read.
/// </summary>
/// <param name="pipeline">The provider's pipeline, shared by every handler the factory makes for it (one circuit per provider).</param>
internal sealed class RemoteCrmResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RemoteCrmResiliencePipeline.Request, request);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (attempt, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Handler.SendAttemptAsync(state.Request, attempt.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
