namespace GovernedCrm.Crm.Providers;

/// <summary>
/// One provider type of the connectors file, as registered in the <see cref="CrmProviderRegistry"/>: its defaults, the
/// checks of its own settings, its OAuth client choice and how to build its connector. The settings every type shares
/// (client id, secret variable, scopes, an https <c>apiBaseUrl</c>) are checked by the connectors file loader.
/// </summary>
/// <param name="type">The type name in the connectors file.</param>
/// <param name="defaults">The values used where the file leaves a key out.</param>
public abstract class CrmProvider(string type, CrmProviderSettings defaults)
{
    /// <summary>The type name in the connectors file (<c>"type": "hubspot"</c>).</summary>
    public string Type { get; } = type;

    /// <summary>The values used where the file leaves a key out (only the keys this type has defaults for are set).</summary>
    public CrmProviderSettings Defaults { get; } = defaults;

    /// <summary>
    /// Adds this type's problems with <paramref name="settings"/> to <paramref name="errors"/>: every endpoint of its
    /// OAuth client (defaults applied) must be https, then <see cref="CheckOwnSettings"/>.
    /// </summary>
    /// <param name="at">Where the settings are in the file (<c>providers.NAME</c>), the prefix of every message.</param>
    /// <param name="settings">The settings as the file has them.</param>
    /// <param name="errors">The problems found so far.</param>
    public void Check(string at, CrmProviderSettings settings, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var (key, url) in OAuthClient(settings).Endpoints)
        {
            CrmProviderChecks.RequireHttps($"{at}.{key}", url, errors);
        }

        CheckOwnSettings(at, settings, errors);
    }

    /// <summary>The OAuth client the server uses for this provider, defaults applied.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The client choice.</returns>
    public abstract CrmOAuthClient OAuthClient(CrmProviderSettings settings);

    /// <summary>Builds the connector for one declared provider.</summary>
    /// <param name="providerName">The provider's name in the file (the token vault's provider key).</param>
    /// <param name="settings">Checked settings.</param>
    /// <param name="http">An HttpClient whose pipeline contains <see cref="Remote.CrmAccessTokenHandler"/>.</param>
    /// <returns>The connector.</returns>
    public abstract ICrmConnector CreateConnector(string providerName, CrmProviderSettings settings, HttpClient http);

    /// <summary>Adds the problems only this type knows of (keys it does not use, ...).</summary>
    /// <param name="at">Where the settings are in the file.</param>
    /// <param name="settings">The settings as the file has them.</param>
    /// <param name="errors">The problems found so far.</param>
    protected virtual void CheckOwnSettings(string at, CrmProviderSettings settings, ICollection<string> errors)
    {
    }
}
