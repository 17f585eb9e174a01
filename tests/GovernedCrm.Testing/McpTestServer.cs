using System.IO.Pipelines;
using System.Text.Json;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Store;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Steps.Credentials;
using GovernedCrm.Hosting.Adapters;
using GovernedCrm.Mcp;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Testing;

/// <summary>
/// The in-process launcher of the MCP server: a GovernedCrm MCP server (CRM, audit trail and governance pipeline as
/// the host wires them) and a C# SDK client talking over in-memory pipes, with a seeded CRM in a real SQLite file.
/// </summary>
public sealed class McpTestServer : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TimeProvider _time;
    private readonly AuditWriter? _audit;
    private readonly TempFolder? _ownedFolder;

    private McpTestServer(IHost host, McpClient client, EmbeddedCrmDatabase database, TimeProvider time, AuditWriter? audit, AuditPaths auditPaths, TempFolder? ownedFolder)
    {
        _host = host;
        _time = time;
        _audit = audit;
        _ownedFolder = ownedFolder;
        Client = client;
        Database = database;
        AuditPaths = auditPaths;
    }

    /// <summary>The connected client.</summary>
    public McpClient Client { get; }

    /// <summary>The server host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The CRM database (a demo-seeded file in the data folder).</summary>
    public EmbeddedCrmDatabase Database { get; }

    /// <summary>The fake clock the server runs on (the default; not available when the options gave another clock).</summary>
    public FakeTimeProvider Time => _time as FakeTimeProvider ?? throw new InvalidOperationException("This server runs on the clock its options gave, not a fake one.");

    /// <summary>The audit writer the kit opened (not available when the options gave an audit trail).</summary>
    public AuditWriter Audit => _audit ?? throw new InvalidOperationException("This server writes to the audit trail its options gave.");

    /// <summary>Where the audit files of the data folder are.</summary>
    public AuditPaths AuditPaths { get; }

    /// <summary>Starts a server; <paramref name="configure"/> adds tools (default: the CRM tools), <paramref name="services"/> adds or replaces services.</summary>
    public static Task<McpTestServer> StartAsync(
        Action<IMcpServerBuilder>? configure = null, Action<IServiceCollection>? services = null, McpClientHandlers? clientHandlers = null, string? protocolVersion = null, ClientCapabilities? capabilities = null) =>
        StartAsync(new McpTestServerOptions { Tools = configure, Services = services, ClientHandlers = clientHandlers, ProtocolVersion = protocolVersion, Capabilities = capabilities });

    /// <summary>Starts a server as <paramref name="options"/> say, and connects the client.</summary>
    public static async Task<McpTestServer> StartAsync(McpTestServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ownedFolder = options.DataFolder is null ? new TempFolder("governedcrm-mcp-") : null;
        var folder = options.DataFolder ?? ownedFolder!.Path;
        Directory.CreateDirectory(folder);
        var time = options.Time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var auditPaths = AuditPaths.InDataFolder(folder);
        AuditWriter? audit = null;
        IHost? host = null;
        try
        {
            var database = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = Path.Combine(folder, EmbeddedCrmOptions.FileName) });
            await database.InitializeAsync(time, cancellationToken);
            if (options.AuditTrail is null)
            {
                audit = await AuditTrailFactory.OpenAsync(auditPaths, time, NullLoggerFactory.Instance,
                    new AuditStoreOptions { DatabasePath = "", BusyTimeout = TimeSpan.FromMilliseconds(300), BusyRetry = TimeSpan.FromMilliseconds(300) }, cancellationToken);
            }

            var clientToServer = new Pipe();
            var serverToClient = new Pipe();
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            if (options.Logging is null)
            {
                builder.Logging.AddFilter(_ => false);
            }
            else
            {
                options.Logging(builder.Logging);
            }

            builder.Services.AddSingleton(time);
            builder.Services.AddSingleton(database);
            builder.Services.AddSingleton<ICrmConnector, EmbeddedCrmConnector>();
            if (audit is not null)
            {
                builder.Services.AddSingleton<IAuditTrail>(new AuditWriterTrail(audit));
                builder.Services.AddSingleton<IApprovalEvidence>(new ChainApprovalEvidence(auditPaths.DatabasePath));
            }
            else
            {
                builder.Services.AddSingleton(options.AuditTrail!);
            }

            builder.Services.AddSingleton<ICrmConnectionCheck>(NoConnectionNeeded.Instance);
            builder.Services.AddCrmGovernance();
            options.Services?.Invoke(builder.Services);
            var mcp = builder.Services.AddMcpServer(o => options.ServerOptions?.Invoke(o))
                .WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream());
            (options.Tools ?? (b => b.WithCrmTools()))(mcp);

            host = builder.Build();
            await host.StartAsync(cancellationToken);
            var client = await McpClient.CreateAsync(
                new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()),
                new McpClientOptions
                {
                    ClientInfo = options.ClientInfo ?? new Implementation { Name = "governedcrm-tests", Version = "1.0" },
                    Handlers = options.ClientHandlers ?? new McpClientHandlers(),
                    ProtocolVersion = options.ProtocolVersion,
                    Capabilities = options.Capabilities,
                },
                cancellationToken: cancellationToken);
            return new McpTestServer(host, client, database, time, audit, auditPaths, ownedFolder);
        }
        catch
        {
            host?.Dispose();
            if (audit is not null)
            {
                await audit.DisposeAsync();
            }

            ownedFolder?.Dispose();
            throw;
        }
    }

    /// <summary>The verifier key of the data folder's audit signing key (created on first use).</summary>
    public string VerifierKey()
    {
        using var key = AuditSigningKey.LoadOrCreate(AuditPaths.KeyFilePath, AuditTrailFactory.KeyName);
        return key.VerifierKey;
    }

    /// <summary>Calls <paramref name="tool"/> with <paramref name="arguments"/> (any object, serialized as JSON).</summary>
    public ValueTask<CallToolResult> CallAsync(string tool, object arguments) =>
        Client.CallToolAsync(tool, JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments)));

    /// <summary>Every entry of the audit trail, read from the audit file.</summary>
    public async Task<List<AuditEntry>> AuditEntriesAsync()
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in AuditEntryReader.ReadAsync(AuditPaths.DatabasePath, null, 0, CancellationToken.None))
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

    /// <summary>Reads a record straight from the CRM (no governance), in the demo tenant.</summary>
    public Task<CrmRecord> ReadAsync(CrmObjectType type, string id) =>
        new EmbeddedCrmConnector(Database, _time).GetAsync(new CrmActor("test", DemoDataSeed.DefaultTenant), type, id, CancellationToken.None);

    /// <summary>Disconnects the client, stops the server, closes the audit writer the kit opened and removes a temporary folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _host.StopAsync();
        _host.Dispose();
        if (_audit is not null)
        {
            await _audit.DisposeAsync();
        }

        _ownedFolder?.Dispose();
    }
}
