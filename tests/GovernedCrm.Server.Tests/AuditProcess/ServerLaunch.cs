using ModelContextProtocol.Client;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>How the audit process tests start <c>dotnet governed-crm.dll --data DIR</c>.</summary>
internal static class ServerLaunch
{
    /// <summary>The local user every server runs as: the audit entries' actor.</summary>
    public const string User = "audit-process-test";

    /// <summary>The server built into the test output folder.</summary>
    public static string ServerDll => ServerProcess.ServerDll;

    /// <summary>The policy of these tests: everything allowed, no approvals, no limits (thousands of writes a minute).</summary>
    public static string PolicyFile => Path.Combine(AppContext.BaseDirectory, "TestData", "load-test-policy.yaml");

    /// <summary>
    /// The child's environment changes: a fixed user, the load-test policy, and empty values (which the server reads as unset) for the
    /// settings that would move the key, the anchor or the checkpoint pace away from the data folder's defaults. The audit WAL is
    /// checkpointed and restarted every 128 entries instead of 4096, so the kill rounds and the multi-process runs cross many WAL
    /// restarts (frames of acknowledged groups overwritten) rather than none.
    /// </summary>
    public static Dictionary<string, string?> Environment() => new()
    {
        ["GOVERNEDCRM_USER"] = User,
        ["GOVERNEDCRM_POLICY"] = PolicyFile,
        ["GOVERNEDCRM_DATA"] = "",
        ["GOVERNEDCRM_AUDIT_KEY"] = "",
        ["GOVERNEDCRM_AUDIT_ANCHOR"] = "",
        ["GOVERNEDCRM_AUDIT_CHECKPOINT_EVERY"] = "",
        ["GOVERNEDCRM_AUDIT_WAL_CHECKPOINT_EVERY"] = "128",
        ["GOVERNEDCRM_ADMINS"] = "",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>How to start the server on <paramref name="dataFolder"/> as a child process with redirected UTF-8 streams (the kit's process launcher).</summary>
    public static System.Diagnostics.ProcessStartInfo StartInfo(string dataFolder) => ServerProcess.StartInfo(["--data", dataFolder], Environment());

    public static McpClientOptions ClientOptions { get; } = new()
    {
        ClientInfo = new ModelContextProtocol.Protocol.Implementation { Name = "audit-process-test", Version = "1.0" },
    };

    /// <summary>
    /// The SDK's stdio transport: it spawns the server and, when the client is disposed, closes the server's stdin
    /// and waits up to <paramref name="shutdownTimeout"/> for it to exit before killing it.
    /// </summary>
    public static StdioClientTransport StdioTransport(string name, string dataFolder, StderrTail stderr, TimeSpan shutdownTimeout) => new(new StdioClientTransportOptions
    {
        Name = name,
        Command = "dotnet",
        Arguments = [ServerDll, "--data", dataFolder],
        EnvironmentVariables = Environment(),
        StandardErrorLines = stderr.Add,
        ShutdownTimeout = shutdownTimeout,
    });
}
