using System.Net;
using System.Net.Http.Headers;

namespace GovernedCrm.Crm.Remote;

/// <summary>A remote CRM's answer, read: status, the JSON body (null when empty or not JSON) and Retry-After.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The parsed JSON body, if any.</param>
/// <param name="RetryAfter">The Retry-After header, if any.</param>
internal sealed record RemoteCrmResponse(HttpStatusCode Status, JsonNode? Body, RetryConditionHeaderValue? RetryAfter)
{
    public bool IsSuccess => (int)Status is >= 200 and <= 299;
}
