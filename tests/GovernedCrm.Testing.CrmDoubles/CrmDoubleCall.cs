namespace GovernedCrm.Testing.CrmDoubles;

/// <summary>One call a double received: the user its token belonged to (null when refused), what was asked, the answer.</summary>
/// <param name="User">The subject of the bearer token, or null when the token was missing or refused.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path (without the query string).</param>
/// <param name="Status">The status the double answered.</param>
/// <param name="SearchText">For a Salesforce search, the text the SOQL LIKE literal matches, as the double parsed it.</param>
public sealed record CrmDoubleCall(string? User, string Method, string Path, int Status, string? SearchText = null);
