using System.Security.Cryptography;
using System.Text;
using GovernedCrm.OAuth;
using GovernedCrm.Hosting.Connectors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm connect PROVIDER</c>: connects the local user's account at a CRM provider for stdio deployments.
/// Listens on a loopback redirect (127.0.0.1), prints the provider's authorize URL (state and PKCE; no secret), waits for
/// the browser to come back, redeems the code and stores the tokens encrypted in the data folder's vault. The tokens are
/// never printed. With <c>--json</c>: <c>{"connected": true, "user", "provider"}</c>, refusals and errors as
/// <c>{code, message}</c>. Exit 0 connected, 1 refused or no answer in time, 2 usage or configuration error.
/// </summary>
internal static class ConnectCommand
{
    /// <summary>The code of a provider that did not authorize the connection, or did not accept the code (exit 1).</summary>
    public const string RefusedCode = "connect.refused";

    /// <summary>The code of a browser that did not come back in time (exit 1).</summary>
    public const string TimeoutCode = "connect.timeout";

    private const string CallbackPath = "/callback";

    private static readonly Argument<string> Provider = new("provider") { Description = "The provider name from the connectors file (e.g. hubspot)." };

    private static readonly Option<int> Port = new("--port")
    {
        Description = "The loopback port of the redirect listener (default: any free port). Set it when the provider needs an exactly registered redirect URI, http://127.0.0.1:PORT/callback.",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<int> Timeout = new("--timeout")
    {
        Description = "Seconds to wait for the browser to come back (default 300).",
        DefaultValueFactory = _ => 300,
    };

    private static readonly Option<string?> User = new("--as")
    {
        Description = $"The user to connect (default ${GovernedCrmServices.UserEnvironmentVariable}, else the OS user): the same user the stdio server acts as.",
    };

    public static Command Create()
    {
        var command = new Command(
            "connect",
            "Connect your account at a CRM provider (stdio deployments): opens a loopback redirect, prints the provider's sign-in URL, and stores the tokens encrypted in the vault. Exit 0 connected, 1 refused or timed out, 2 error.")
        {
            Provider, Port, Timeout, User, CliJson.Option
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) =>
        CliFailure.GuardAsync(CliJson.Requested(parse), async () =>
        {
            var provider = parse.GetValue(Provider)!;
            var user = ActingUser.Name(parse.GetValue(User));
            var port = parse.GetValue(Port);
            var timeout = parse.GetValue(Timeout);
            if (port is < 0 or > 65535 || timeout <= 0)
            {
                return CliFailure.Error(CliJson.Requested(parse), CliFailure.UsageCode, "--port must be 0-65535 and --timeout a positive number of seconds");
            }

            var path = ConnectorsFileLoader.ResolvePath(parse.GetValue(GovernedCrmCommand.Connectors))
                ?? throw new StartupException($"no connectors file: pass --connectors FILE or set {ConnectorsFileLoader.EnvironmentVariable} (see README, \"Connecting a CRM account\")");
            var configuration = ConnectorsFileLoader.Load(path, Environment.GetEnvironmentVariable);
            if (!configuration.Providers.ContainsKey(provider))
            {
                throw new StartupException($"provider '{provider}' is not in {path} (declared: {string.Join(", ", configuration.Providers.Keys)})");
            }

            var folder = DataFolder.Open(parse.GetValue(GovernedCrmCommand.Data));
            using var loggers = GovernedCrmServices.StartupLoggers();
            await using var remote = await RemoteCrms.OpenAsync(configuration, folder, loggers, cancellationToken).ConfigureAwait(false);
            return await ConnectAsync(remote, user, provider, port, TimeSpan.FromSeconds(timeout), CliJson.Requested(parse), cancellationToken).ConfigureAwait(false);
        });

    private static async Task<int> ConnectAsync(RemoteCrms remote, string user, string provider, int port, TimeSpan timeout, bool json, CancellationToken cancellationToken)
    {
        var state = RandomTokens.New();
        var outcome = new TaskCompletionSource<(int Exit, string Message)>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? verifier = null;
        Uri? redirect = null;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseRouting();
        app.MapGet(CallbackPath, async context =>
        {
            var presented = context.Request.Query["state"].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(state)) || verifier is not { } pkce)
            {
                await ConnectPage.WriteAsync(context, StatusCodes.Status400BadRequest, "Not connected", "This answer does not belong to the running connect command.").ConfigureAwait(false);
                return;
            }

            verifier = null;
            if (context.Request.Query["code"].ToString() is not { Length: > 0 } code)
            {
                var error = context.Request.Query["error"].ToString();
                outcome.TrySetResult((ExitCodes.Refused, $"{provider} did not authorize the connection{(error.Length > 0 ? $" ({Shorten(error)})" : "")}"));
                await ConnectPage.WriteAsync(context, StatusCodes.Status400BadRequest, "Not connected", $"{provider} did not authorize the connection.").ConfigureAwait(false);
                return;
            }

            try
            {
                await remote.Broker.ConnectAsync(user, provider, code, pkce, redirect!, context.RequestAborted).ConfigureAwait(false);
                outcome.TrySetResult((ExitCodes.Ok, $"connected: {user} at {provider}"));
                await ConnectPage.WriteAsync(context, StatusCodes.Status200OK, "Connected", $"Your {provider} account is connected. You can close this page.").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OAuthGrantRevokedException or OAuthProviderException)
            {
                outcome.TrySetResult((ExitCodes.Refused, $"{provider} did not accept the authorization code ({ex.GetType().Name})"));
                await ConnectPage.WriteAsync(context, StatusCodes.Status400BadRequest, "Not connected", $"{provider} did not accept the authorization.").ConfigureAwait(false);
            }
        });

        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            redirect = new Uri(new Uri(address), CallbackPath);
            var authorization = await remote.Broker.CreateAuthorizationRequestAsync(provider, state, redirect, cancellationToken).ConfigureAwait(false);
            verifier = authorization.CodeVerifier;
            await CliConsole.Error.WriteLineAsync($"To connect {user}'s {provider} account, open this URL in a browser on this machine:").ConfigureAwait(false);
            await CliConsole.Error.WriteLineAsync($"  {authorization.Url.AbsoluteUri}").ConfigureAwait(false);
            await CliConsole.Error.WriteLineAsync($"Waiting for the answer at {redirect} (up to {(int)timeout.TotalSeconds} s)...").ConfigureAwait(false);
            try
            {
                var (exit, message) = await outcome.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                if (exit != ExitCodes.Ok)
                {
                    return CliFailure.Refused(json, RefusedCode, message);
                }

                await CliConsole.Out.WriteLineAsync(json
                    ? new JsonObject { ["connected"] = true, ["user"] = user, ["provider"] = provider }.ToJsonString()
                    : message).ConfigureAwait(false);
                return exit;
            }
            catch (TimeoutException)
            {
                return CliFailure.Refused(json, TimeoutCode, $"no answer from the browser within {(int)timeout.TotalSeconds} s; nothing was connected");
            }
            finally
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60];
}
