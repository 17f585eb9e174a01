namespace GovernedCrm.OAuth.Msal;

/// <summary>Source-generated JSON for the MSAL cache envelope.</summary>
[JsonSerializable(typeof(MsalTokenCache))]
internal sealed partial class MsalJsonContext : JsonSerializerContext;
