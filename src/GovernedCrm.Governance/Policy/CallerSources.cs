namespace GovernedCrm.Governance.Policy;

/// <summary>The values of <see cref="Identity.CallerIdentity.Source"/> the rule-based policy understands.</summary>
public static class CallerSources
{
    /// <summary>The configured user of a local (stdio) server: looked up in the policy's user directory.</summary>
    public const string Local = "local";

    /// <summary>A validated token's subject: roles and tenant come from the token's claims.</summary>
    public const string Token = "token";

    /// <summary>No identity: every call is denied.</summary>
    public const string Anonymous = "anonymous";
}
