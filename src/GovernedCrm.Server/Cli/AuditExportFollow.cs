using System.Net;
using System.Runtime.InteropServices;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Hosting.Siem;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// The run of <c>audit export</c>: the entries from <c>--since</c> (or the saved <c>--position-file</c>) in chain and
/// sequence order, in batches of one chain, each batch delivered to stdout, <c>--output FILE</c> or <c>--syslog
/// HOST:PORT</c> before the position is saved; with <c>--follow</c> it then polls the database (read-only, every
/// 200 ms) for entries committed since, until Ctrl+C or SIGTERM (exit 0). Progress goes to stderr only.
/// </summary>
internal static class AuditExportFollow
{
    private const int BatchSize = 256;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static readonly Option<bool> Follow = new("--follow") { Description = "After the entries already there, keep sending new ones as they are committed, until Ctrl+C or SIGTERM (exit 0)." };

    public static readonly Option<string?> PositionFile = new("--position-file") { Description = "Resume from, and save after each delivered batch, the last sequence sent per chain (file written atomically, mode 0600). Its chains start there instead of --since." };

    public static readonly Option<string?> Output = new("--output") { Description = "Append to this file (mode 0600) instead of stdout; with --position-file no entry is missing or repeated in it after a kill." };

    public static readonly Option<string?> Syslog = new("--syslog") { Description = "Send RFC 5424 messages (the JSON entry, or with --format cef the CEF line, as MSG) to a collector at HOST:PORT over TCP, TLS unless --syslog-insecure-plaintext." };

    public static readonly Option<string?> SyslogCa = new("--syslog-ca") { Description = "Trust only the CA certificates in this PEM file for the collector (default: the system's roots)." };

    public static readonly Option<bool> SyslogInsecurePlaintext = new("--syslog-insecure-plaintext") { Description = "Send to the collector WITHOUT TLS (entries readable and changeable on the network). Never the default." };

    /// <summary>Adds the options to the export command.</summary>
    public static void AddOptions(Command export)
    {
        foreach (var option in new Option[] { Follow, PositionFile, Output, Syslog, SyslogCa, SyslogInsecurePlaintext })
        {
            export.Options.Add(option);
        }
    }

    /// <summary>Runs the export.</summary>
    public static async Task<int> RunAsync(ParseResult parse, string databasePath, string? tenant, long since, string format, CancellationToken cancellationToken)
    {
        var follow = parse.GetValue(Follow);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var terminate = follow ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop) : null;
        using var interrupt = follow ? PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop) : null;
        cancellationToken = stop.Token;
        void Stop(PosixSignalContext context)
        {
            // A service manager's stop (SIGTERM) or Ctrl+C: finish the batch in hand, save the position, exit 0.
            context.Cancel = true;
            stop.Cancel();
        }

        var target = Target(parse);
        if (target is not null && parse.GetValue(Output) is not null)
        {
            throw new StartupException("--output and --syslog name two destinations; use one");
        }

        using var positionFile = parse.GetValue(PositionFile) is { } path ? ExportPositionFile.Open(path) : null;
        var position = positionFile?.Load() ?? new ExportPosition();
        Action<ExportPosition> save = positionFile is null ? _ => { } : positionFile.Save;
        await using var sink = CreateSink(parse, target);
        sink.Recover(position);
        save(position);
        var format1 = Formatter(format, syslog: target is not null);
        await using var tail = await AuditEntryTail.OpenAsync(databasePath, cancellationToken).ConfigureAwait(false);
        var delivered = 0L;
        try
        {
            delivered += await PassAsync(tail, tenant, since, format1, sink, position, save, cancellationToken).ConfigureAwait(false);
            if (follow)
            {
                Progress($"caught up after {delivered} entries; following new entries (Ctrl+C to stop)");
                while (true)
                {
                    var count = await PassAsync(tail, tenant, since, format1, sink, position, save, cancellationToken).ConfigureAwait(false);
                    delivered += count;
                    if (count == 0)
                    {
                        await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (follow && cancellationToken.IsCancellationRequested)
        {
            Progress($"stopped after {delivered} entries");
        }

        return ExitCodes.Ok;
    }

    // Every chain (or the one asked for), each from its position up to the newest committed entry; returns how many were delivered.
    private static async Task<long> PassAsync(
        AuditEntryTail tail, string? tenant, long since, Func<AuditEntry, string> format, IAuditExportSink sink,
        ExportPosition position, Action<ExportPosition> save, CancellationToken cancellationToken)
    {
        var count = 0L;
        var chains = tenant is null ? await tail.ChainsAsync(cancellationToken).ConfigureAwait(false) : [tenant];
        foreach (var chain in chains)
        {
            while (true)
            {
                var next = position.Next(chain, since);
                var entries = await tail.ReadAsync(chain, next, BatchSize, cancellationToken).ConfigureAwait(false);
                if (entries.Count == 0)
                {
                    break;
                }

                if (position.Delivered.ContainsKey(chain) && entries[0].Sequence != next)
                {
                    Progress($"warning: chain '{chain}' has no entries {next}..{entries[0].Sequence - 1} (archived or removed; run governed-crm verify)");
                }

                await sink.DeliverAsync([.. entries.Select(e => new ExportLine(chain, e.Sequence, format(e)))], position, save, cancellationToken).ConfigureAwait(false);
                position.Delivered[chain] = entries[^1].Sequence;
                save(position);
                count += entries.Count;
                if (entries.Count < BatchSize)
                {
                    break;
                }
            }
        }

        return count;
    }

    private static SyslogTarget? Target(ParseResult parse)
    {
        var ca = parse.GetValue(SyslogCa);
        var plaintext = parse.GetValue(SyslogInsecurePlaintext);
        if (parse.GetValue(Syslog) is not { } address)
        {
            return ca is not null || plaintext ? throw new StartupException("--syslog-ca and --syslog-insecure-plaintext need --syslog HOST:PORT") : null;
        }

        if (ca is not null && plaintext)
        {
            throw new StartupException("--syslog-ca is for TLS; it cannot go with --syslog-insecure-plaintext");
        }

        var (host, port) = SyslogTarget.ParseAddress(address);
        return new SyslogTarget(host, port, plaintext, ca is null ? null : SyslogTarget.ReadRoots(ca));
    }

    private static IAuditExportSink CreateSink(ParseResult parse, SyslogTarget? target) =>
        target is not null ? new SyslogCollectorSink(target, Progress, TimeProvider.System)
        : parse.GetValue(Output) is { } output ? OutputFileSink.Open(output)
        : new StdoutExportSink();

    // jsonl: the JSON object; cef: the CEF line; syslog: RFC 5424 with the JSON object as MSG. To a collector every
    // format is an RFC 5424 message, whose MSG is the CEF line for cef and the JSON object otherwise.
    private static Func<AuditEntry, string> Formatter(string format, bool syslog)
    {
        var host = Dns.GetHostName();
        Func<AuditEntry, string> message = format == "cef"
            ? e => AuditCefFormat.ToCef(e, ServerInfo.Version)
            : e => AuditExportFormat.ToJson(e).ToJsonString();
        return syslog || format == "syslog" ? e => AuditSyslogFormat.ToSyslog(e, host, message(e)) : message;
    }

    private static void Progress(string line) => CliConsole.Error.WriteLine($"governed-crm: audit export: {line}");
}
