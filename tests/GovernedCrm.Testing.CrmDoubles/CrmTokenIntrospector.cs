namespace GovernedCrm.Testing.CrmDoubles;

/// <summary>
/// Checks a bearer token the way a CRM would: returns the subject (user) it was issued to, or null when the token is
/// not active (the double answers 401). Tests pass a dictionary lookup; later it calls an OpenID provider's
/// introspection endpoint.
/// </summary>
/// <param name="token">The bearer token value.</param>
/// <param name="cancellationToken">Cancels the check.</param>
/// <returns>The user subject, or null.</returns>
public delegate ValueTask<string?> CrmTokenIntrospector(string token, CancellationToken cancellationToken);
