namespace GovernedCrm.OAuth;

/// <summary>An OAuth provider is configured wrongly; the message lists every problem and names the provider.</summary>
public sealed class OAuthConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OAuthConfigurationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public OAuthConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public OAuthConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
