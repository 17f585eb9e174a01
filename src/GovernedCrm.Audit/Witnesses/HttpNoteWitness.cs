namespace GovernedCrm.Audit.Witnesses;

/// <summary>
/// An HTTP endpoint that collects checkpoints: each one is POSTed as the C2SP signed note (text/plain), and any 2xx
/// answer means it is kept; a GET of the same URL with <c>?origin=</c> answers the newest one it holds (404: none).
/// </summary>
/// <param name="target">The endpoint.</param>
/// <param name="http">The HTTP client.</param>
internal sealed class HttpNoteWitness(WitnessTarget target, HttpClient http) : IWitness
{
    private readonly WitnessHttp _http = new(http, target.Name);

    public string Name => target.Name;

    public async Task<WitnessReceipt> PublishAsync(WitnessSubmission submission, CancellationToken cancellationToken)
    {
        var (status, _, _) = await _http.PostAsync(new Uri(target.Location), submission.Note, cancellationToken).ConfigureAwait(false);
        if ((int)status is < 200 or > 299)
        {
            throw new WitnessException($"witness {Name} answered {(int)status} to the checkpoint of chain '{submission.Chain}' at size {submission.Size}");
        }

        return new WitnessReceipt(submission.Size, null);
    }

    public Task<IReadOnlyList<string>> ReadAsync(string origin, CancellationToken cancellationToken) =>
        _http.ReadNewestAsync(new Uri(target.Location), origin, cancellationToken);
}
