namespace GovernedCrm.OAuth;

/// <summary>
/// The provider no longer honours the grant (revoked, expired or reused refresh token: `invalid_grant`), or the stored cache cannot be used: the user must connect again.
/// Messages carry OAuth error codes, never token values.
/// </summary>
public sealed class OAuthGrantRevokedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OAuthGrantRevokedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened (no secrets).</param>
    public OAuthGrantRevokedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">What happened (no secrets).</param>
    /// <param name="innerException">The cause.</param>
    public OAuthGrantRevokedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
