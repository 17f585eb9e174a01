namespace GovernedCrm.Testing.Identity;

/// <summary>A client registered at the test identity provider (confidential, authorization code + refresh token).</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="ClientSecret">The client secret (test data, generated per test run).</param>
/// <param name="RedirectUris">The registered redirect URIs.</param>
public sealed record TestClient(string ClientId, string ClientSecret, IReadOnlyList<Uri> RedirectUris);
