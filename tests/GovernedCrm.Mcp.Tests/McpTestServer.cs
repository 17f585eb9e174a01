using System.IO.Pipelines;
using System.Text.Json;
using GovernedCrm.Crm;
using GovernedCrm.Audit.Store;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Hosting.Adapters;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Mcp.Tests;

/// <summary>
/// A GovernedCrm MCP server and a C# SDK client talking over in-memory pipes, with a seeded CRM in a real
/// SQLite file in a temporary folder.
/// </summary>
internal sealed class McpTestServer : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _folder;

    private McpTestServer(IHost host, McpClient client, string folder, EmbeddedCrmDatabase database, FakeTimeProvider time, AuditWriter audit, AuditPaths auditPaths)
    {
        Audit = audit;
        AuditPaths = auditPaths;
        _host = host;
        Client = client;
        _folder = folder;
        Database = database;
        Time = time;
    }

    public McpClient Client { get; }

    public AuditWriter Audit { get; }

    public AuditPaths AuditPaths { get; }

    public string VerifierKey()
    {
        using var key = GovernedCrm.Audit.Checkpoints.AuditSigningKey.LoadOrCreate(AuditPaths.KeyFilePath, AuditTrailFactory.KeyName);
        return key.VerifierKey;
    }

    public EmbeddedCrmDatabase Database { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a server; <paramref name="configure"/> adds tools and services (default: the CRM tools).</summary>
    public static async Task<McpTestServer> StartAsync(Action<IMcpServerBuilder>? configure = null, Action<IServiceCollection>? services = null, McpClientHandlers? clientHandlers = null, string? protocolVersion = null, ClientCapabilities? capabilities = null)
    {
        var folder = Directory.CreateTempSubdirectory("governedcrm-mcp-").FullName;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var database = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = Path.Combine(folder, EmbeddedCrmOptions.FileName) });
        await database.InitializeAsync(time, CancellationToken.None);
        var auditPaths = AuditPaths.InDataFolder(folder);
        var audit = await AuditTrailFactory.OpenAsync(auditPaths, time, NullLoggerFactory.Instance,
            new AuditStoreOptions { DatabasePath = "", BusyTimeout = TimeSpan.FromMilliseconds(300), BusyRetry = TimeSpan.FromMilliseconds(300) }, CancellationToken.None);

        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddFilter(_ => false);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<ICrmConnector, EmbeddedCrmConnector>();
        builder.Services.AddSingleton<IAuditTrail>(new AuditWriterTrail(audit));
        builder.Services.AddSingleton<GovernedCrm.Governance.Approvals.IApprovalEvidence>(new ChainApprovalEvidence(auditPaths.DatabasePath));
        builder.Services.AddSingleton<GovernedCrm.Governance.Steps.Credentials.ICrmConnectionCheck>(GovernedCrm.Governance.Steps.Credentials.NoConnectionNeeded.Instance);
        builder.Services.AddCrmGovernance();
        services?.Invoke(builder.Services);
        var mcp = builder.Services.AddMcpServer()
            .WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream());
        (configure ?? (b => b.WithCrmTools()))(mcp);

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await audit.DisposeAsync();
            host.Dispose();
            throw;
        }

        var client = await McpClient.CreateAsync(
            new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()),
            new McpClientOptions { ClientInfo = new Implementation { Name = "governedcrm-tests", Version = "1.0" }, Handlers = clientHandlers ?? new McpClientHandlers(), ProtocolVersion = protocolVersion, Capabilities = capabilities });
        return new McpTestServer(host, client, folder, database, time, audit, auditPaths);
    }

    public ValueTask<CallToolResult> CallAsync(string tool, object arguments) =>
        Client.CallToolAsync(tool, JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments)));

    /// <summary>Every entry of the audit trail, read from the audit file.</summary>
    public async Task<List<GovernedCrm.Audit.Entries.AuditEntry>> AuditEntriesAsync()
    {
        var entries = new List<GovernedCrm.Audit.Entries.AuditEntry>();
        await foreach (var entry in GovernedCrm.Audit.Entries.AuditEntryReader.ReadAsync(AuditPaths.DatabasePath, null, 0, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>One value read from the CRM file itself, on a read-only connection of its own.</summary>
    public async Task<string?> CrmScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Database.Options.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    public Task<CrmRecord> ReadAsync(CrmObjectType type, string id) =>
        new EmbeddedCrmConnector(Database, Time).GetAsync(new CrmActor("test", DemoDataSeed.DefaultTenant), type, id, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _host.StopAsync();
        _host.Dispose();
        await Audit.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test for.
        }
    }
}
