using System.Net;
using GovernedCrm.Audit.Checkpoints;

namespace GovernedCrm.Audit.Witnesses;

/// <summary>
/// The client side of the C2SP tlog-witness protocol (c2sp.org/tlog-witness): <c>POST &lt;prefix&gt;/add-checkpoint</c> with
/// <c>old &lt;size&gt;</c>, the consistency proof from that size to the checkpoint's (one base64 hash a line), a blank line
/// and the signed checkpoint; a 200 answers the witness's cosignature lines, a 409 (<c>text/x.tlog.size</c>) the size it
/// holds, from which the proof is made again. The newest checkpoint it holds is read with
/// <c>GET &lt;prefix&gt;/checkpoint?origin=</c> (the protocol leaves monitoring open; this is the convention the
/// witness must follow for <c>verify --witness</c>).
/// </summary>
/// <param name="target">The witness (its URL ends in <c>/add-checkpoint</c>).</param>
/// <param name="http">The HTTP client.</param>
internal sealed class TlogWitness(WitnessTarget target, HttpClient http) : IWitness
{
    /// <summary>The media type of a 409's body: the size the witness holds.</summary>
    public const string SizeMediaType = "text/x.tlog.size";

    private const int MaxAttempts = 3;

    private readonly WitnessHttp _http = new(http, target.Name);

    public string Name => target.Name;

    public async Task<WitnessReceipt> PublishAsync(WitnessSubmission submission, CancellationToken cancellationToken)
    {
        var old = Math.Min(submission.WitnessSize, submission.Size);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var proof = old == 0 ? [] : await submission.ProveFrom(old, cancellationToken).ConfigureAwait(false);
            var body = new StringBuilder("old ").Append(old.ToString(CultureInfo.InvariantCulture)).Append('\n');
            foreach (var hash in proof)
            {
                body.Append(Convert.ToBase64String(hash)).Append('\n');
            }

            body.Append('\n').Append(submission.Note);
            var (status, mediaType, text) = await _http.PostAsync(new Uri(target.Location), body.ToString(), cancellationToken).ConfigureAwait(false);
            switch (status)
            {
                case HttpStatusCode.OK:
                    if (!text.StartsWith(SignedNoteFormat.SignaturePrefix, StringComparison.Ordinal)
                        || !SignedNoteFormat.TryParse(submission.Note + text, out _, out _))
                    {
                        throw new WitnessException($"witness {Name} answered 200 without well-formed cosignature lines");
                    }

                    return new WitnessReceipt(submission.Size, submission.Note + text);
                case HttpStatusCode.Conflict when mediaType == SizeMediaType && TryParseSize(text, out var held):
                    if (held > submission.Size)
                    {
                        throw new WitnessException(
                            $"witness {Name} holds chain '{submission.Chain}' at size {held}, beyond the newest signed checkpoint ({submission.Size}): the audit database may have been rolled back");
                    }

                    if (held == old)
                    {
                        throw new WitnessException($"witness {Name} refused the checkpoint of chain '{submission.Chain}' at size {submission.Size}: it holds a different tree at size {old}");
                    }

                    old = held;
                    continue;
                case HttpStatusCode.Conflict:
                    throw new WitnessException($"witness {Name} refused the checkpoint of chain '{submission.Chain}' at size {submission.Size}: it holds a different tree at that size");
                case HttpStatusCode.Forbidden:
                    throw new WitnessException($"witness {Name} does not accept the audit key's signature for chain '{submission.Chain}' (give the witness the key from 'governed-crm audit pubkey')");
                case HttpStatusCode.NotFound:
                    throw new WitnessException($"witness {Name} does not know the origin {AuditChains.Origin(submission.Chain)} (add it to the witness with the audit public key)");
                case HttpStatusCode.UnprocessableEntity:
                    throw new WitnessException(
                        $"witness {Name} refused the consistency proof of chain '{submission.Chain}' from size {old} to {submission.Size}: the chain does not extend what it witnessed");
                default:
                    throw new WitnessException($"witness {Name} answered {(int)status} to the checkpoint of chain '{submission.Chain}' at size {submission.Size}");
            }
        }

        throw new WitnessException($"witness {Name} kept changing its size for chain '{submission.Chain}'; retrying later");
    }

    public Task<IReadOnlyList<string>> ReadAsync(string origin, CancellationToken cancellationToken)
    {
        var monitoring = new UriBuilder(target.Location);
        monitoring.Path = monitoring.Path[..^WitnessTarget.AddCheckpointPath.Length] + "/checkpoint";
        return _http.ReadNewestAsync(monitoring.Uri, origin, cancellationToken);
    }

    private static bool TryParseSize(string text, out long size)
    {
        size = 0;
        var line = text.EndsWith('\n') ? text[..^1] : text;
        return line.Length is > 0 and <= 19 && (line.Length == 1 || line[0] != '0')
            && line.All(char.IsAsciiDigit)
            && long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }
}
