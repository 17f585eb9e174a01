namespace GovernedCrm.Crm.Remote;

/// <summary>
/// The user a call runs for has no usable connection to the CRM provider: never connected, the grant was revoked
/// (needs reconnecting), or the vault cannot be read. The call must not run; the user is asked to connect.
/// Code <see cref="CrmErrorCodes.NotConnected"/>.
/// </summary>
public sealed class CrmNotConnectedException : Exception
{
    /// <summary>Creates the exception for a provider.</summary>
    public CrmNotConnectedException()
        : this("crm", "The CRM account is not connected.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public CrmNotConnectedException(string message)
        : this("crm", message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public CrmNotConnectedException(string message, Exception innerException)
        : base(message, innerException) => Provider = "crm";

    /// <summary>Creates the exception for a provider.</summary>
    /// <param name="provider">The provider the user must connect.</param>
    /// <param name="message">What happened (no secrets).</param>
    public CrmNotConnectedException(string provider, string message)
        : base(message) => Provider = provider;

    /// <summary>The provider the user must connect.</summary>
    public string Provider { get; }

    /// <summary>The stable error code.</summary>
    public static string Code => CrmErrorCodes.NotConnected;
}
