using System.Security.Cryptography;
using GovernedCrm.Audit.Records;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Security.Tests.Cli;

/// <summary>
/// Issue 14 item 7: <c>governed-crm approvals approve ID --as maria</c> let whoever ran the CLI decide as anyone, so
/// separation of duties held over MCP but not from a shell. The attacker is a local user with write access to the data
/// folder (say ravi's OS account, or any account) who wants a manager's approval. Now the decider is the OS user,
/// mapped through the policy's cli_users; --as (and GOVERNEDCRM_USER) needs the policy's act_as permission for that OS
/// user, and the decision's audit entry records the decider and the OS user who carried it.
/// </summary>
public sealed class ActAsAttackTests : IDisposable
{
    private static readonly string OsUser = Environment.UserName;
    private readonly ApprovalsDataFolder _data = new();

    [Fact]
    public async Task ApproveAsManager_ByAnOsUserMappedToAViewer_RefusedActAsDenied_NothingDecidedNothingWrittenNothingInTheChain()
    {
        var proposal = await ProposeAsync();
        var policy = _data.WritePolicy("viewer.yaml", ApprovalsDataFolder.CliUsers("vera"));
        var crm = CrmDigest();

        var (code, stdout, stderr) = await RunAsync(["approve", proposal.Id, "--as", "maria", "--policy", policy]);

        await ShouldBeUntouchedAsync(proposal, crm, code, stdout, stderr);
    }

    [Fact]
    public async Task ApproveAsManager_WithNoCliUsersSection_RefusedActAsDenied()
    {
        var proposal = await ProposeAsync();
        var crm = CrmDigest();

        var (code, stdout, stderr) = await RunAsync(["approve", proposal.Id, "--as", "maria"]);

        await ShouldBeUntouchedAsync(proposal, crm, code, stdout, stderr);
    }

    [Fact]
    public async Task ApproveAsManager_ThroughGovernedCrmUser_RefusedActAsDenied()
    {
        var proposal = await ProposeAsync();
        var crm = CrmDigest();

        var (code, stdout, stderr) = await RunAsync(["approve", proposal.Id], new Dictionary<string, string?> { ["GOVERNEDCRM_USER"] = "maria" });

        await ShouldBeUntouchedAsync(proposal, crm, code, stdout, stderr);
    }

    [Fact]
    public async Task ApproveAsManager_ByAUserTheActAsListDoesNotName_RefusedActAsDenied()
    {
        var proposal = await ProposeAsync();
        var policy = _data.WritePolicy("acts-for-vera.yaml", ApprovalsDataFolder.CliUsers("adam", "vera"));
        var crm = CrmDigest();

        var (code, stdout, stderr) = await RunAsync(["approve", proposal.Id, "--as", "maria", "--policy", policy]);

        await ShouldBeUntouchedAsync(proposal, crm, code, stdout, stderr);
    }

    [Fact]
    public async Task Approve_WithASpoofedUserEnvironment_StillDecidesAsTheRealOsUser()
    {
        // USER and LOGNAME are the process's to set; the OS user comes from the OS (the effective user id).
        var proposal = await ProposeAsync();
        var crm = CrmDigest();

        var (code, _, stderr) = await RunAsync(["approve", proposal.Id], new Dictionary<string, string?> { ["USER"] = "maria", ["LOGNAME"] = "maria" });

        code.Should().Be(1, stderr);
        stderr.Should().Contain("governed-crm: refused: approval.not_approver:", "the OS user is an unlisted local user (a rep), not maria");
        (await _data.ReadAsync(proposal.Id)).Status.Should().Be(ApprovalStatus.Pending);
        CrmDigest().Should().Equal(crm);
        (await _data.AuditRecordsAsync(proposal.ExecutionId)).Should().NotContain(r => r.Event == AuditEventType.Approved);
    }

    [Fact]
    public async Task ApproveAsManager_ByAnOsUserAllowedToActForHer_ApprovedAndTheChainRecordsBoth()
    {
        var proposal = await ProposeAsync();
        var policy = _data.WritePolicy("acts-for-maria.yaml", ApprovalsDataFolder.CliUsers("adam", "maria"));

        var (code, stdout, stderr) = await RunAsync(["approve", proposal.Id, "--as", "maria", "--policy", policy]);

        code.Should().Be(0, stderr);
        stdout.Should().Contain($"approved: {proposal.Id}");
        var stored = await _data.ReadAsync(proposal.Id);
        stored.Status.Should().Be(ApprovalStatus.Approved);
        stored.DecidedBy.Should().Be("maria");
        var approved = (await _data.AuditRecordsAsync(proposal.ExecutionId)).Should().ContainSingle(r => r.Event == AuditEventType.Approved).Subject;
        approved.Approver.Should().Be("maria");
        approved.OnBehalfOf.Should().Be("os:" + OsUser);
        (await ServerProcess.RunAsync(["verify", "--data", _data.Path])).ExitCode.Should().Be(0);
        var (_, export, _) = await ServerProcess.RunAsync(["audit", "export", "--data", _data.Path]);
        export.Should().Contain($"\"onBehalfOf\":\"os:{OsUser}\"");
    }

    [Fact]
    public async Task Reject_AsTheMappedUser_RecordsTheOsUser()
    {
        var proposal = await ProposeAsync();
        var policy = _data.WritePolicy("is-maria.yaml", ApprovalsDataFolder.CliUsers("maria"));

        var (code, _, stderr) = await RunAsync(["reject", proposal.Id, "--reason", "Not this quarter", "--policy", policy]);

        code.Should().Be(0, stderr);
        var rejected = (await _data.AuditRecordsAsync(proposal.ExecutionId)).Should().ContainSingle(r => r.Event == AuditEventType.Rejected).Subject;
        rejected.Approver.Should().Be("maria");
        rejected.OnBehalfOf.Should().Be("os:" + OsUser);
    }

    public void Dispose() => _data.Dispose();

    private async Task<ApprovalRequest> ProposeAsync()
    {
        await _data.SeedCrmAsync();
        return (await _data.ProposeAsync()).Single();
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] arguments, IDictionary<string, string?>? environment = null) =>
        _data.RunAsOsUserAsync(arguments, environment);

    private byte[] CrmDigest() => SHA256.HashData(File.ReadAllBytes(Path.Combine(_data.Path, EmbeddedCrmOptions.FileName)));

    private async Task ShouldBeUntouchedAsync(ApprovalRequest proposal, byte[] crm, int code, string stdout, string stderr)
    {
        code.Should().Be(1, stdout + stderr);
        stderr.Should().Contain("governed-crm: refused: cli.act_as_denied:").And.Contain("maria");
        stdout.Should().NotContain("approved");
        (await _data.ReadAsync(proposal.Id)).Status.Should().Be(ApprovalStatus.Pending);
        CrmDigest().Should().Equal(crm, "nothing may reach the CRM");
        (await _data.AuditRecordsAsync(proposal.ExecutionId)).Select(r => r.Event).Should().Equal(AuditEventType.ApprovalRequested);
    }
}
