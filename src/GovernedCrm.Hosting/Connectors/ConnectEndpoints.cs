using System.Security.Cryptography;
using System.Text;
using GovernedCrm.OAuth;
using GovernedCrm.OAuth.Broker;
using GovernedCrm.OAuth.Connect;
using Microsoft.AspNetCore.Routing;

namespace GovernedCrm.Hosting.Connectors;

/// <summary>
/// The connect page over HTTP. <c>GET /connect?id=…</c> (the URL a not-connected caller was given) binds the browser
/// with an HttpOnly cookie and signs it in at the identity provider; <c>/connect/signin</c> checks the signed-in subject
/// is the MCP user who asked (another user is refused, 403) and redirects to the CRM's authorize page with state and
/// PKCE; <c>/connect/callback</c> redeems the code, stores the tokens in the vault and completes the request (the MCP
/// client is told its URL elicitation is done). Without a sign-in provider (loopback HTTP without bearer tokens, where
/// every caller is the local user) the sign-in step is skipped. Tokens never reach the browser, the page or a log.
/// </summary>
internal static partial class ConnectEndpoints
{
    public const string StartPath = "/connect";

    public const string SignInPath = "/connect/signin";

    public const string CallbackPath = "/connect/callback";

    public const string BindingCookie = "governedcrm_connect";

    public static void MapConnect(this IEndpointRouteBuilder app)
    {
        app.MapGet(StartPath, StartAsync);
        app.MapGet(SignInPath, SignedInAsync);
        app.MapGet(CallbackPath, CallbackAsync);
    }

    private static async Task StartAsync(HttpContext context)
    {
        var flow = context.RequestServices.GetRequiredService<ConnectFlow>();
        if (flow.Requests.Find(context.Request.Query["id"]) is not { } request)
        {
            await ConnectPage.WriteAsync(context, StatusCodes.Status404NotFound, "Link expired",
                "This connect link is unknown or has expired. Ask your assistant again for a new one.").ConfigureAwait(false);
            return;
        }

        var (binding, signInState) = flow.Requests.BeginSignIn(request);
        context.Response.Cookies.Append(BindingCookie, binding, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = StartPath,
            Expires = request.ExpiresAt,
        });
        if (flow.SignIn is null)
        {
            // Loopback HTTP without bearer tokens: every caller is the local user, so there is no one else to tell apart.
            await RedirectToCrmAsync(context, flow, request).ConfigureAwait(false);
            return;
        }

        var signIn = await flow.SignIn.CreateAuthorizationRequestAsync(signInState, flow.SignInRedirect, context.RequestAborted).ConfigureAwait(false);
        request.SignInVerifier = signIn.CodeVerifier;
        context.Response.Redirect(signIn.Url.AbsoluteUri);
    }

    private static async Task SignedInAsync(HttpContext context)
    {
        var flow = context.RequestServices.GetRequiredService<ConnectFlow>();
        var request = flow.Requests.FindBySignInState(context.Request.Query["state"]);
        if (request is null || !BoundToThisBrowser(context, request) || flow.SignIn is null)
        {
            await Refuse(context, "This sign-in does not belong to a connect request started in this browser. Open the connect link again.").ConfigureAwait(false);
            return;
        }

        var verifier = ConnectRequestRegistry.TakeSignInVerifier(request);
        if (verifier is null || context.Request.Query["code"].ToString() is not { Length: > 0 } code)
        {
            await Refuse(context, "The sign-in did not complete. Open the connect link again.").ConfigureAwait(false);
            return;
        }

        string? subject;
        try
        {
            subject = (await flow.SignIn.RedeemCodeAsync(code, verifier, flow.SignInRedirect, context.RequestAborted).ConfigureAwait(false)).Subject;
        }
        catch (Exception ex) when (ex is OAuthGrantRevokedException or OAuthProviderException)
        {
            LogSignInFailed(flow.Logger, request.User, ex.GetType().Name);
            await Refuse(context, "The sign-in could not be confirmed. Open the connect link again.").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(subject, request.User, StringComparison.Ordinal))
        {
            // The person in this browser is not the user whose assistant asked: never attach their CRM account to someone else.
            LogDifferentUser(flow.Logger, request.User, subject ?? "(none)");
            await flow.Requests.CompleteAsync(request, succeeded: false, context.RequestAborted).ConfigureAwait(false);
            await ConnectPage.WriteAsync(context, StatusCodes.Status403Forbidden, "Different user",
                "You are signed in as a different user than the one who asked to connect, so nothing was connected. Sign in as that user and ask your assistant for a new link.").ConfigureAwait(false);
            return;
        }

        await RedirectToCrmAsync(context, flow, request).ConfigureAwait(false);
    }

    private static async Task CallbackAsync(HttpContext context)
    {
        var flow = context.RequestServices.GetRequiredService<ConnectFlow>();
        var request = flow.Requests.FindByCrmState(context.Request.Query["state"]);
        if (request is null || !BoundToThisBrowser(context, request))
        {
            await Refuse(context, "This answer from the CRM does not belong to a connect request started in this browser. Open the connect link again.").ConfigureAwait(false);
            return;
        }

        var verifier = ConnectRequestRegistry.TakeCrmVerifier(request);
        if (verifier is null || context.Request.Query["code"].ToString() is not { Length: > 0 } code)
        {
            LogCrmRefused(flow.Logger, request.User, request.Provider);
            await flow.Requests.CompleteAsync(request, succeeded: false, context.RequestAborted).ConfigureAwait(false);
            await Refuse(context, $"The {request.Provider} authorization did not complete, so nothing was connected. Ask your assistant for a new link.").ConfigureAwait(false);
            return;
        }

        try
        {
            await flow.Broker.ConnectAsync(request.User, request.Provider, code, verifier, flow.CrmRedirect, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OAuthGrantRevokedException or OAuthProviderException)
        {
            LogConnectFailed(flow.Logger, request.User, request.Provider, ex.GetType().Name);
            await flow.Requests.CompleteAsync(request, succeeded: false, context.RequestAborted).ConfigureAwait(false);
            await Refuse(context, $"{request.Provider} did not accept the authorization, so nothing was connected. Ask your assistant for a new link.").ConfigureAwait(false);
            return;
        }

        foreach (var failure in await flow.Requests.CompleteAsync(request, succeeded: true, context.RequestAborted).ConfigureAwait(false))
        {
            LogNotifyFailed(flow.Logger, request.User, failure.GetType().Name);
        }

        context.Response.Cookies.Delete(BindingCookie, new CookieOptions { Path = StartPath });
        await ConnectPage.WriteAsync(context, StatusCodes.Status200OK, "Connected",
            $"Your {request.Provider} account is connected. You can close this page and return to your assistant.").ConfigureAwait(false);
    }

    private static async Task RedirectToCrmAsync(HttpContext context, ConnectFlow flow, ConnectRequest request)
    {
        var state = flow.Requests.BeginCrmAuthorization(request);
        var authorization = await flow.Broker.CreateAuthorizationRequestAsync(request.Provider, state, flow.CrmRedirect, context.RequestAborted).ConfigureAwait(false);
        request.CrmVerifier = authorization.CodeVerifier;
        context.Response.Redirect(authorization.Url.AbsoluteUri);
    }

    private static bool BoundToThisBrowser(HttpContext context, ConnectRequest request) =>
        request.BrowserBinding is { } expected
        && context.Request.Cookies[BindingCookie] is { } presented
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));

    private static Task Refuse(HttpContext context, string message) =>
        ConnectPage.WriteAsync(context, StatusCodes.Status400BadRequest, "Not connected", message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connect refused: {User}'s request was opened by a browser signed in as {Subject}")]
    private static partial void LogDifferentUser(ILogger logger, string user, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connect sign-in for {User} failed ({Error})")]
    private static partial void LogSignInFailed(ILogger logger, string user, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connect for {User} at {Provider} ended without an authorization code")]
    private static partial void LogCrmRefused(ILogger logger, string user, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connect for {User} at {Provider} failed ({Error})")]
    private static partial void LogConnectFailed(ILogger logger, string user, string provider, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not tell {User}'s MCP client the connection completed ({Error})")]
    private static partial void LogNotifyFailed(ILogger logger, string user, string error);
}
