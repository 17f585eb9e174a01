namespace GovernedCrm.Crm.Providers;

/// <summary>The connectors file's checks of one setting, shared by the loader and the provider types.</summary>
public static class CrmProviderChecks
{
    /// <summary>Adds a problem unless <paramref name="url"/> is an absolute https URL.</summary>
    /// <param name="at">The setting's place in the file (<c>providers.hubspot.tokenUrl</c>).</param>
    /// <param name="url">The value, defaults applied.</param>
    /// <param name="errors">The problems found so far.</param>
    public static void RequireHttps(string at, Uri? url, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (url is null)
        {
            errors.Add($"{at}: required");
        }
        else if (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"{at}: '{url}' must be an absolute https URL");
        }
    }
}
