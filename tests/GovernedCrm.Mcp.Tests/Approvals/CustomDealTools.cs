using System.ComponentModel;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using ModelContextProtocol.Server;

namespace GovernedCrm.Mcp.Tests.Approvals;

/// <summary>Custom governed tools that need a manager's approval, for the cases the CloseDeal sample does not cover.</summary>
[McpServerToolType]
public sealed class CustomDealTools(GovernedCallAccessor governed)
{
    /// <summary>The text a failing tool's exception carries; it must never reach a proposal's result.</summary>
    public const string Secret = "Password=hunter2";

    [McpServerTool(Name = "Test.BreakDeal"), Description("Always fails.")]
    [GovernedTool(Action = GovernedAction.Update, ObjectType = "deal", RecordIdArgument = "dealId")]
    public static async Task<string> BreakDeal(string dealId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        throw new InvalidOperationException($"Could not reach the deal desk for {dealId} with {Secret}.");
    }

    [McpServerTool(Name = "Test.IssueDealCode"), Description("Issues a one-time code for a deal, to the caller.")]
    [GovernedTool(Action = GovernedAction.Update, ObjectType = "deal", RecordIdArgument = "dealId")]
    public DealCode IssueDealCode(string dealId, string channel = "email")
    {
        var caller = governed.Require().Caller;
        return new DealCode(dealId, caller.UserId, string.Join(",", caller.Roles), channel, "C0DE-7731");
    }

    [McpServerTool(Name = "Test.ShareDeal"), Description("Shares a deal with a partner, who proves who they are with an access key.")]
    [GovernedTool(Action = GovernedAction.Update, ObjectType = "deal", RecordIdArgument = "dealId")]
    public static string ShareDeal(string dealId, string partner, [Sensitive] string accessKey) => $"{dealId} shared with {partner} ({accessKey.Length} character key)";

    [McpServerTool(Name = "Test.AskAboutDeal"), Description("Asks the client about a deal.")]
    [GovernedTool(Action = GovernedAction.Update, ObjectType = "deal", RecordIdArgument = "dealId")]
    public static string AskAboutDeal(string dealId, McpServer server) => $"{dealId} asked through {server.SessionId}";
}

/// <summary>A one-time code issued for a deal; the code itself is sensitive.</summary>
public sealed record DealCode(string DealId, string IssuedTo, string IssuedToRoles, string Channel, [property: Sensitive] string Code);
