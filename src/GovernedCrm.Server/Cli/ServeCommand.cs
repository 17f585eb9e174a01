using System.CommandLine;
using GovernedCrm.Server.Hosting;

namespace GovernedCrm.Server.Cli;

/// <summary><c>governed-crm serve [--http] [--urls URL] [--allowed-hosts HOSTS]</c>: runs the MCP server.</summary>
internal static class ServeCommand
{
    private static readonly Option<bool> Http = new("--http")
    {
        Description = "Serve Streamable HTTP at /mcp and legacy SSE at /sse + /message instead of stdio.",
    };

    private static readonly Option<string> Urls = new("--urls")
    {
        Description = $"Where to listen in HTTP mode (default {HttpServer.DefaultUrls}; loopback only unless you say otherwise).",
        DefaultValueFactory = _ => HttpServer.DefaultUrls,
    };

    private static readonly Option<string> AllowedHosts = new("--allowed-hosts")
    {
        Description = $"Host headers accepted in HTTP mode, semicolon separated (default \"{HttpServer.DefaultAllowedHosts}\"). Set it when you bind to another address.",
        DefaultValueFactory = _ => HttpServer.DefaultAllowedHosts,
    };

    public static Command Create()
    {
        var serve = new Command("serve", "Run the MCP server: over stdio by default, or over HTTP with --http.");
        serve.Options.Add(Http);
        serve.Options.Add(Urls);
        serve.Options.Add(AllowedHosts);
        serve.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(Http), parse.GetValue(Urls), parse.GetValue(AllowedHosts), ct));
        return serve;
    }

    public static async Task<int> RunAsync(ParseResult parse, bool http, string? urls, string? allowedHosts, CancellationToken cancellationToken)
    {
        try
        {
            var folder = DataFolder.Open(parse.GetValue(GovernedCrmCommand.Data));
            if (http)
            {
                await HttpServer.RunAsync(folder, new HttpServerSettings(urls ?? HttpServer.DefaultUrls, allowedHosts ?? HttpServer.DefaultAllowedHosts), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await StdioServer.RunAsync(folder, cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }
        catch (StartupException ex)
        {
            CliConsole.Fail(ex.Message);
            return ExitCodes.Error;
        }
        catch (IOException ex) when (http)
        {
            // Kestrel reports a busy or unavailable address this way.
            CliConsole.Fail($"cannot listen on {urls}: {ex.Message}");
            return ExitCodes.Error;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }
}
