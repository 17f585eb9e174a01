using System.Text.Json;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Audit.Store;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Hosting.Adapters;
using GovernedCrm.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

namespace GovernedCrm.Testing;

/// <summary>
/// A temporary data folder with proposals queued directly through GovernanceDatabase, SqliteApprovalStore and
/// ApprovalService (and their APPROVAL_REQUESTED entries in the real audit trail), for the CLI process tests.
/// </summary>
public sealed class ApprovalsDataFolder : IDisposable
{
    /// <summary>The properties a proposal changes by default: the deal's amount, over the big-deals threshold.</summary>
    public const string DefaultProperties = """{"amount":60000}""";

    private readonly TempFolder _folder = new("governedcrm-approvals-");

    /// <summary>The data folder.</summary>
    public string Path => _folder.Path;

    /// <summary>The folder's audit database.</summary>
    public string AuditDatabasePath => System.IO.Path.Combine(Path, AuditStoreOptions.FileName);

    /// <summary>Creates the folder's CRM database with its demo data, as a first server start would.</summary>
    public async Task SeedCrmAsync()
    {
        var database = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = System.IO.Path.Combine(Path, EmbeddedCrmOptions.FileName) });
        await database.InitializeAsync(TimeProvider.System, CancellationToken.None);
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Queues proposals by ravi (a rep) to change deal 3017, to be approved by a manager (rule big-deals).</summary>
    public async Task<IReadOnlyList<ApprovalRequest>> ProposeAsync(int count = 1, string properties = DefaultProperties, DateTimeOffset? expiresAt = null)
    {
        var store = await SqliteApprovalStore.OpenAsync(Path, CancellationToken.None);
        var proposals = new List<ApprovalRequest>();
        await using (var audit = await AuditTrailFactory.OpenAsync(AuditPaths.InDataFolder(Path), TimeProvider.System, NullLoggerFactory.Instance, null, CancellationToken.None))
        {
            var service = new ApprovalService(store, new AuditWriterTrail(audit), TimeProvider.System);
            for (var i = 0; i < count; i++)
            {
                proposals.Add(await service.SubmitAsync(Proposal(properties, expiresAt), CancellationToken.None));
            }
        }

        SqliteConnection.ClearAllPools();
        return proposals;
    }

    /// <summary>The approval <paramref name="id"/> as stored in the folder's governance database.</summary>
    public async Task<ApprovalRequest> ReadAsync(string id)
    {
        var store = await SqliteApprovalStore.OpenAsync(Path, CancellationToken.None);
        var request = await store.GetAsync(id, CancellationToken.None);
        SqliteConnection.ClearAllPools();
        return request!;
    }

    /// <summary>The audit records of one execution, in chain order.</summary>
    public async Task<List<AuditRecord>> AuditRecordsAsync(string executionId)
    {
        var records = new List<AuditRecord>();
        await foreach (var entry in AuditEntryReader.ReadAsync(AuditDatabasePath, null, 0, CancellationToken.None))
        {
            if (entry.Record.ExecutionId == executionId)
            {
                records.Add(entry.Record);
            }
        }

        return records;
    }

    /// <summary>
    /// Runs <c>governed-crm approvals …</c> on this folder as <paramref name="user"/> (<c>--as</c>), under the default policy
    /// plus a <c>cli_users</c> entry that lets the OS user running the tests act as any listed user (unless the
    /// arguments name another --policy).
    /// </summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string user, params string[] arguments) =>
        ServerProcess.RunAsync(["approvals", .. arguments, "--as", user, "--data", Path, .. arguments.Contains("--policy") ? [] : (string[])["--policy", ActingPolicyPath()]]);

    /// <summary>Runs <c>governed-crm approvals …</c> on this folder as the OS user, without --as.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsOsUserAsync(string[] arguments, IDictionary<string, string?>? environment = null) =>
        ServerProcess.RunAsync(["approvals", .. arguments, "--data", Path], environment);

    /// <summary>Writes a policy file beside the folder: the default policy followed by <paramref name="extraYaml"/>.</summary>
    public string WritePolicy(string name, string extraYaml)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, BuiltInPolicy.Text().TrimEnd() + "\n\n" + extraYaml + "\n");
        return file;
    }

    /// <summary>A <c>cli_users</c> section mapping the OS user running the tests to <paramref name="user"/>, acting as <paramref name="actAs"/>.</summary>
    public static string CliUsers(string user, params string[] actAs) =>
        $"cli_users:\n  {Environment.UserName}: {{ user: {user}{(actAs.Length == 0 ? "" : ", act_as: [" + string.Join(", ", actAs.Select(a => a == "*" ? "\"*\"" : a)) + "]")} }}";

    private string ActingPolicyPath()
    {
        var file = System.IO.Path.Combine(Path, "acting-admin.yaml");
        return File.Exists(file) ? file : WritePolicy("acting-admin.yaml", CliUsers("adam", "*"));
    }

    /// <summary>Removes the folder.</summary>
    public void Dispose() => _folder.Dispose();

    private static ApprovalRequest Proposal(string properties, DateTimeOffset? expiresAt)
    {
        var now = TimeProvider.System.GetUtcNow();
        var arguments = $$"""{"objectType":"deal","recordId":"3017","properties":{{properties}},"reason":"The customer signed for the larger package.","confidence":0.9}""";
        return new ApprovalRequest
        {
            Id = ApprovalIds.New(),
            Tenant = "default",
            Requester = "ravi",
            Tool = "CRM.UpdateRecord",
            ObjectType = "deal",
            RecordId = "3017",
            ArgumentsJson = arguments,
            ArgumentsDigest = AuditRecords.ArgumentsDigest(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!),
            BeforeJson = """{"version":1,"amount":52000}""",
            RecordVersion = 1,
            Reason = "The customer signed for the larger package.",
            Confidence = 0.9,
            Rule = "big-deals",
            Route = ApprovalRoute.Role,
            ApproverRole = "manager",
            ApprovalReason = "Changes to deals over 50,000 need a manager's approval.",
            PolicyVersion = BuiltInPolicy.Load().Version,
            ExecutionId = "exec-" + Guid.NewGuid().ToString("N"),
            CreatedAt = expiresAt is { } past ? past.AddHours(-1) : now,
            ExpiresAt = expiresAt ?? now.AddHours(24),
        };
    }
}
