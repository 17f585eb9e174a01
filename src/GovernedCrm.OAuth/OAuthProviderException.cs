namespace GovernedCrm.OAuth;

/// <summary>
/// The provider failed in a way that says nothing about the grant (network, server error, unexpected answer): retry later; the connection stays as it is.
/// Messages carry OAuth error codes, never token values.
/// </summary>
public sealed class OAuthProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OAuthProviderException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened (no secrets).</param>
    public OAuthProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">What happened (no secrets).</param>
    /// <param name="innerException">The cause.</param>
    public OAuthProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
