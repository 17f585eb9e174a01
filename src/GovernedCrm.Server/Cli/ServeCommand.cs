using GovernedCrm.Hosting.Connectors;
using GovernedCrm.Hosting.CustomTools;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm serve [--http] [--no-console] [--urls URL] [--allowed-hosts HOSTS] [--allowed-origins ORIGINS] [--jwt-issuer URL] [--jwt-audience URL] [--jwt-keys FILE] [--tools PATH.dll]... [--witness URL|DIR]...</c>:
/// runs the MCP server.
/// </summary>
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

    private static readonly Option<string?> AllowedOriginsOption = new(AllowedOrigins.Option)
    {
        Description = $"Browser origins (scheme://host[:port]) whose pages may call /mcp, /sse and /message in HTTP mode besides the server's own, semicolon separated. Default ${AllowedOrigins.Variable}. Requests without Origin are allowed; Origin: null never.",
    };

    private static readonly Option<string?> JwtIssuer = new(JwtSettings.IssuerOption)
    {
        Description = $"HTTP mode: require bearer tokens (JWT) from this authorization server (its issuer URL). Default ${JwtSettings.IssuerVariable}; without one, callers are the local user and only loopback is allowed.",
    };

    private static readonly Option<string?> JwtAudience = new(JwtSettings.AudienceOption)
    {
        Description = $"HTTP mode: the audience tokens must carry, this server's MCP URL. Default ${JwtSettings.AudienceVariable}, else the first --urls value + /mcp.",
    };

    private static readonly Option<string?> JwtKeys = new(JwtSettings.KeysOption)
    {
        Description = $"HTTP mode: a JWKS file with the issuer's public signing keys. Default ${JwtSettings.KeysVariable}, else the keys named by the issuer's /.well-known/openid-configuration.",
    };

    private static readonly Option<string[]> Witness = new(WitnessSettings.Option)
    {
        Description = $"Publish every signed audit checkpoint to this witness too: an http(s) URL (a C2SP tlog-witness when it ends in /add-checkpoint) or a folder on another volume; repeatable. Default ${WitnessSettings.Variable} (comma separated). See docs/witnesses.md.",
        HelpName = "URL|DIR",
    };

    private static readonly Option<bool> NoConsole = new("--no-console")
    {
        Description = "HTTP mode: do not serve the admin console at /console (docs/console.md).",
    };

    /// <summary>The log line format (also on the root command, which serves stdio).</summary>
    public static readonly Option<string?> LogFormat = CreateLogFormat();

    /// <summary>Custom tool assemblies (repeatable); on the root command (which serves stdio), recursive: serve and the CLI verbs load the same tools.</summary>
    public static readonly Option<string[]> Tools = new(ToolAssemblyPaths.Option)
    {
        Description = $"A custom tool assembly (.dll) whose public [McpServerToolType] classes are served and governed like the built-in tools; repeatable. Default ${ToolAssemblyPaths.EnvironmentVariable} (paths separated by '{Path.PathSeparator}'). A tool without [GovernedTool] stops the server. The approvals and policy verbs load the same tools (edits of their proposals, explain).",
        HelpName = "PATH.dll",
        Recursive = true,
    };

    private static Option<string?> CreateLogFormat()
    {
        var option = new Option<string?>(Hosting.Logging.ConsoleLogFormat.Option)
        {
            Description = $"Log lines on stderr: text (default) or json (one JSON object a line). Default ${Hosting.Logging.ConsoleLogFormat.FormatterVariable} (the standard Logging:Console:FormatterName), else text.",
            HelpName = "text|json",
        };
        option.AcceptOnlyFromAmong(Hosting.Logging.ConsoleLogFormat.Text, Hosting.Logging.ConsoleLogFormat.Json);
        return option;
    }

    public static Command Create()
    {
        var serve = new Command("serve", "Run the MCP server: over stdio by default, or over HTTP with --http.")
        {
            Http, Urls, AllowedHosts, AllowedOriginsOption, JwtIssuer, JwtAudience, JwtKeys, Witness, NoConsole, LogFormat
        };
        serve.SetAction((parse, ct) => RunAsync(
            parse, parse.GetValue(Http), parse.GetValue(Urls), parse.GetValue(AllowedHosts), parse.GetValue(AllowedOriginsOption),
            new JwtOptions(parse.GetValue(JwtIssuer), parse.GetValue(JwtAudience), parse.GetValue(JwtKeys)), ct, parse.GetValue(Witness)));
        return serve;
    }

    public static async Task<int> RunAsync(
        ParseResult parse, bool http, string? urls, string? allowedHosts, string? allowedOrigins, JwtOptions jwt, CancellationToken cancellationToken,
        IReadOnlyList<string>? witnesses = null)
    {
        Hosting.Logging.ConsoleLogFormat.Choose(parse.GetValue(LogFormat));
        try
        {
            if (!http && jwt != JwtOptions.None)
            {
                throw new StartupException($"{JwtSettings.IssuerOption}, {JwtSettings.AudienceOption} and {JwtSettings.KeysOption} apply to --http only (stdio callers are the local user)");
            }

            if (!http && allowedOrigins is not null)
            {
                throw new StartupException($"{AllowedOrigins.Option} applies to --http only");
            }

            // Settings first: a bad option must not create or migrate the data folder.
            HttpServerSettings? settings = null;
            if (http)
            {
                var listen = urls ?? HttpServer.DefaultUrls;
                ListenUrlCheck.Check(listen);
                settings = new HttpServerSettings(
                    listen, allowedHosts ?? HttpServer.DefaultAllowedHosts, JwtSettings.Resolve(jwt, listen, Environment.GetEnvironmentVariable),
                    allowedOrigins ?? Environment.GetEnvironmentVariable(AllowedOrigins.Variable)) { Console = !parse.GetValue(NoConsole) };
                HttpServer.RequireAuthenticationOffLoopback(settings);
            }

            var witnessTargets = WitnessSettings.Resolve(witnesses, Environment.GetEnvironmentVariable);
            var toolTypes = GovernedCrmRoot.LoadCustomTools(parse.GetValue(Tools));
            var policyPath = PolicySource.ResolvePath(parse.GetValue(GovernedCrmCommand.Policy));
            var connectorsPath = ConnectorsFileLoader.ResolvePath(parse.GetValue(GovernedCrmCommand.Connectors));
            var policy = new ServerPolicy(PolicySource.Load(policyPath), policyPath)
            {
                Connectors = connectorsPath is null ? null : ConnectorsFileLoader.Load(connectorsPath, Environment.GetEnvironmentVariable),
                CustomTools = toolTypes,
                Witnesses = witnessTargets,
            };
            if (settings is { Jwt: not null } && policy.Connectors is { SignIn: null, Tenants.Count: > 0 })
            {
                throw new StartupException(
                    $"the connectors file {connectorsPath} has no signIn: over HTTP with bearer tokens the connect page must sign the browser in to check it is the user who asked");
            }

            if (settings is not null)
            {
                AllowedOrigins.Resolve(settings, policy.Connectors?.PublicUrl);
            }

            var folder = DataFolder.Open(parse.GetValue(GovernedCrmCommand.Data));
            if (settings is not null)
            {
                await HttpServer.RunAsync(folder, settings, policy, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await StdioServer.RunAsync(folder, policy, cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }
        catch (StartupException ex)
        {
            // serve prints no results, so it takes no --json: its errors are the stderr line.
            return CliFailure.Error(json: false, CliFailure.ErrorCode, ex.Message);
        }
        catch (IOException ex) when (http)
        {
            // Kestrel reports a busy or unavailable address this way.
            return CliFailure.Error(json: false, CliFailure.ErrorCode, $"cannot listen on {urls}: {ex.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }
}
