using System.Net;
using System.Net.Http.Headers;

namespace GovernedCrm.Crm.Remote;

/// <summary>
/// Maps a remote CRM's failed responses and transport failures to <see cref="CrmException"/>s with stable codes.
/// Messages name the provider and the status; they never carry a token or a response body, only (for 400) the CRM's
/// own validation message, shortened.
/// </summary>
public static class RemoteCrmErrors
{
    private const int MaxCrmMessageLength = 200;

    /// <summary>The exception for a failed response.</summary>
    /// <param name="provider">The provider's display name (<c>HubSpot</c>).</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="retryAfter">The Retry-After header, if any.</param>
    /// <param name="crmMessage">The CRM's validation or error message, if it gave one (used for 400 only).</param>
    /// <param name="what">What was asked for, e.g. <c>contact 1042</c>.</param>
    /// <returns>The exception to throw.</returns>
    public static CrmException FromStatus(string provider, HttpStatusCode status, RetryConditionHeaderValue? retryAfter, string? crmMessage, string what)
    {
        var code = ((int)status).ToString(CultureInfo.InvariantCulture);
        return (int)status switch
        {
            400 => new CrmException(CrmErrorCodes.InvalidValue,
                $"{provider} refused the values for {what} (HTTP 400): {Shorten(crmMessage) ?? "no reason given"}."),
            401 or 403 => new CrmException(CrmErrorCodes.Forbidden,
                $"{provider} does not allow this user to access {what} (HTTP {code}). Check the user's permissions in {provider}."),
            404 => new CrmException(CrmErrorCodes.NotFound, $"{provider} found no {what} (HTTP 404)."),
            409 => new CrmException(CrmErrorCodes.Conflict,
                $"{provider} reported a conflict for {what} (HTTP 409): it changed or clashes with another record. Read it again and retry."),
            429 => new CrmException(CrmErrorCodes.RateLimited,
                $"{provider} is limiting the rate of requests (HTTP 429); {RetryText(retryAfter)}."),
            >= 500 => new CrmException(CrmErrorCodes.Unavailable,
                $"{provider} failed to handle the request for {what} (HTTP {code}); nothing is known to have changed. Try again later."),
            _ => new CrmException(CrmErrorCodes.Unavailable, $"{provider} answered HTTP {code} for {what}."),
        };
    }

    /// <summary>The exception for a request that got no answer (network error or timeout).</summary>
    /// <param name="provider">The provider's display name.</param>
    /// <param name="what">What was asked for.</param>
    /// <param name="timedOut">True when the request timed out.</param>
    /// <returns>The exception to throw.</returns>
    public static CrmException NoAnswer(string provider, string what, bool timedOut) =>
        new(CrmErrorCodes.Unavailable, timedOut
            ? $"{provider} did not answer in time for {what}; the outcome is unknown. Read the record again before retrying a write."
            : $"{provider} could not be reached for {what}. Try again later.");

    /// <summary>The exception for a call not sent because the provider's circuit breaker is open after repeated failures.</summary>
    /// <param name="provider">The provider's display name.</param>
    /// <param name="what">What was asked for.</param>
    /// <returns>The exception to throw.</returns>
    public static CrmException Paused(string provider, string what) =>
        new(CrmErrorCodes.Unavailable,
            $"{provider} failed repeatedly, so calls to it are paused for a few seconds; {what} was not requested. Try again later.");

    /// <summary>The retry hint: "retry after N seconds", from the Retry-After header's delay or date.</summary>
    /// <param name="retryAfter">The header.</param>
    /// <returns>The hint.</returns>
    public static string RetryText(RetryConditionHeaderValue? retryAfter) => retryAfter switch
    {
        { Delta: { } delta } => $"retry after {Math.Ceiling(delta.TotalSeconds).ToString(CultureInfo.InvariantCulture)} seconds",
        { Date: { } date } => $"retry after {date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}",
        _ => "retry later",
    };

    private static string? Shorten(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var oneLine = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return oneLine.Length <= MaxCrmMessageLength ? oneLine : string.Concat(oneLine.AsSpan(0, MaxCrmMessageLength), "…");
    }
}
