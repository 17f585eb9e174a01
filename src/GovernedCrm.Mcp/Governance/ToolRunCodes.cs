namespace GovernedCrm.Mcp.Governance;

/// <summary>Codes of tool runs that end without the tool's own answer.</summary>
public static class ToolRunCodes
{
    /// <summary>An approved proposal whose tool cannot run outside the session that proposed it.</summary>
    public const string NotExecutable = "approval.not_executable";

    /// <summary>A tool threw an exception of its own (not a CRM error): only the exception's type is told.</summary>
    public const string ToolFailed = "tool.failed";
}
