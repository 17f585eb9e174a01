using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernedCrm.Crm;
using GovernedCrm.Governance.Approvals;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Mcp.Governance;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace GovernedCrm.Mcp.Tools;

/// <summary>
/// Runs a governed tool registered with WithGovernedTools outside an MCP session, for an approved proposal: in a
/// scope of its own, with the requester as the governed caller (roles and tenant from the policy's user directory,
/// as in a live call), and exactly the approved arguments. A parameter that needs a live session (the MCP server,
/// the request context, progress, the transport's user) cannot be supplied, so such a tool does not run.
/// </summary>
/// <param name="services">The server's root services.</param>
/// <param name="methods">The methods behind the governed tools.</param>
/// <param name="catalog">The governance metadata of the tools.</param>
/// <param name="time">The clock.</param>
public sealed class GovernedToolInvoker(IServiceProvider services, GovernedToolMethods methods, GovernedToolCatalog catalog, TimeProvider time)
{
    /// <summary>The code of a proposal whose tool cannot run after approval.</summary>
    public const string NotExecutableCode = "approval.not_executable";

    /// <summary>The code of a proposal whose tool threw an exception of its own (not a CRM error).</summary>
    public const string ToolFailedCode = "tool.failed";

    /// <summary>Runs the proposal's tool as its requester with its effective (approved) arguments.</summary>
    /// <param name="request">The claimed proposal.</param>
    /// <param name="cancellationToken">Passed to the tool.</param>
    /// <returns>The tool's result, redacted: sensitive values never leave this method.</returns>
    /// <exception cref="CrmException">The tool cannot run (code <see cref="NotExecutableCode"/>), the requester is no user of the policy any more, or the tool's CRM error.</exception>
    public async Task<GovernedToolRun> InvokeAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = FindMethod(request.Tool);
        if (!catalog.TryGetGoverned(request.Tool, out var descriptor))
        {
            catalog.Register(request.Tool, method);
            catalog.TryGetGoverned(request.Tool, out descriptor);
        }

        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(request.EffectiveArgumentsJson) ?? [];
        var caller = Requester(request);
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        provider.GetRequiredService<GovernedCallAccessor>().Current = new GovernedCall
        {
            Tool = descriptor,
            Arguments = arguments,
            Caller = caller,
            ExecutionId = request.ExecutionId,
            ReceivedAt = time.GetUtcNow(),
        };

        var values = BindParameters(request.Tool, method, arguments, provider, cancellationToken);
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(provider, method.DeclaringType!);
        try
        {
            var returned = await AwaitAsync(method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, values, null), method.ReturnType).ConfigureAwait(false);
            return ToRun(returned, descriptor);
        }
        finally
        {
            switch (target)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private MethodInfo FindMethod(string tool)
    {
        if (!methods.TryGet(tool, out var method))
        {
            // The methods are recorded as the tools are built; outside a session (the background executor) nothing may have built them yet.
            _ = services.GetServices<McpServerTool>().ToList();
            if (!methods.TryGet(tool, out method))
            {
                throw new CrmException(NotExecutableCode, $"{tool} is not a governed tool of this server, so it cannot run after approval.");
            }
        }

        return method;
    }

    // The caller the tool would see in a live call: the policy's directory completes the requester's identity as recorded at proposal time.
    private CallerIdentity Requester(ApprovalRequest request)
    {
        var recorded = new CallerIdentity(
            request.Requester, request.Tenant, request.RequesterRoles.Split(' ', StringSplitOptions.RemoveEmptyEntries), request.RequesterSource);
        if (services.GetService<ICallerDirectory>() is not { } directory)
        {
            return recorded;
        }

        return directory.Resolve(recorded) is { } resolved && resolved.Tenant == request.Tenant
            ? resolved
            : throw new CrmException(PolicyDenialCodes.UnknownUser, $"The requester '{request.Requester}' is not a user of tenant '{request.Tenant}' in the policy any more, so nothing ran.");
    }

    private static object?[] BindParameters(
        string tool, MethodInfo method, Dictionary<string, JsonElement> arguments, IServiceProvider provider, CancellationToken cancellationToken)
    {
        var parameters = method.GetParameters();
        var values = new object?[parameters.Length];
        var isService = provider.GetService<IServiceProviderIsService>();
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var type = parameter.ParameterType;
            if (type == typeof(CancellationToken))
            {
                values[i] = cancellationToken;
            }
            else if (NeedsLiveSession(type))
            {
                throw new CrmException(NotExecutableCode, $"{tool} cannot run after approval: its parameter '{parameter.Name}' ({type.Name}) needs a live MCP session. Call it again once your policy allows it.");
            }
            else if (type == typeof(IServiceProvider))
            {
                values[i] = provider;
            }
            else if (TryGetArgument(arguments, parameter.Name!, out var argument))
            {
                values[i] = argument.Deserialize(McpJsonUtilities.DefaultOptions.GetTypeInfo(type));
            }
            else if (isService?.IsService(type) == true)
            {
                values[i] = provider.GetRequiredService(type);
            }
            else if (parameter.HasDefaultValue)
            {
                values[i] = parameter.DefaultValue is DBNull or Missing || parameter.DefaultValue is null
                    ? (type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null)
                    : parameter.DefaultValue;
            }
            else
            {
                throw new CrmException(NotExecutableCode, $"{tool} cannot run after approval: the approved arguments have no '{parameter.Name}'.");
            }
        }

        return values;
    }

    // What the SDK hands a tool from the session it runs in; an approved proposal runs in none.
    private static bool NeedsLiveSession(Type type) =>
        typeof(McpServer).IsAssignableFrom(type)
        || typeof(ClaimsPrincipal).IsAssignableFrom(type)
        || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(RequestContext<>))
        || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IProgress<>));

    private static bool TryGetArgument(Dictionary<string, JsonElement> arguments, string name, out JsonElement value) =>
        arguments.TryGetValue(name, out value) || arguments.TryGetValue(JsonNamingPolicy.CamelCase.ConvertName(name), out value);

    // Awaits what the method returned; the declared return type says whether a task carries a result (the runtime
    // type of an async method's task does not: a plain Task is a box of the runtime's own void result type).
    private static async Task<object?> AwaitAsync(object? returned, Type declared)
    {
        var awaited = returned switch
        {
            Task task => task,
            ValueTask valueTask => valueTask.AsTask(),
            not null when declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(ValueTask<>) =>
                (Task)declared.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!,
            _ => null,
        };
        if (awaited is null)
        {
            return returned;
        }

        await awaited.ConfigureAwait(false);
        return declared.IsGenericType && declared.GetGenericTypeDefinition() is var definition && (definition == typeof(Task<>) || definition == typeof(ValueTask<>))
            ? awaited.GetType().GetProperty(nameof(Task<int>.Result))!.GetValue(awaited)
            : null;
    }

    private static GovernedToolRun ToRun(object? returned, GovernedToolDescriptor descriptor)
    {
        var sensitive = descriptor.SensitiveResultFields.Concat(descriptor.SensitiveArguments).ToHashSet(StringComparer.Ordinal);
        if (returned is CallToolResult result)
        {
            var node = result.StructuredContent is { } structured ? JsonNode.Parse(structured.GetRawText()) : TextOf(result);
            var redacted = AuditRedaction.Redact(node, sensitive);
            if (result.IsError == true)
            {
                var code = result.StructuredContent is { ValueKind: JsonValueKind.Object } content
                    && content.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                return new GovernedToolRun(code ?? ToolFailedCode, redacted);
            }

            return new GovernedToolRun(null, redacted);
        }

        JsonNode? value = returned switch
        {
            null => null,
            string text => JsonValue.Create(text),
            JsonNode json => json.DeepClone(),
            JsonElement element => JsonNode.Parse(element.GetRawText()),
            _ => JsonSerializer.SerializeToNode(returned, McpJsonUtilities.DefaultOptions.GetTypeInfo(returned.GetType())),
        };
        return new GovernedToolRun(null, AuditRedaction.Redact(value, sensitive));
    }

    // Text blocks as JSON when they hold JSON, else as text; other blocks (images, resources) are not kept.
    private static JsonNode? TextOf(CallToolResult result)
    {
        var texts = result.Content.OfType<TextContentBlock>().Select(b => b.Text).ToList();
        if (texts.Count != 1)
        {
            return texts.Count == 0 ? null : new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
        }

        try
        {
            return JsonNode.Parse(texts[0]) ?? JsonValue.Create(texts[0]);
        }
        catch (JsonException)
        {
            return JsonValue.Create(texts[0]);
        }
    }
}
