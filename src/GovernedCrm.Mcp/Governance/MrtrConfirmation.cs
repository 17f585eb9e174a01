using GovernedCrm.Governance.Steps.Approval;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// Asks the requester to confirm through a multi round-trip request (protocol 2026-07-28): the first call answers
/// "input required" with the <see cref="ConfirmationForm"/> and a signed request state; the client calls again with
/// the answer and the state, which must be this server's, for this user, tool and exact arguments, unexpired and
/// unused.
/// </summary>
/// <param name="parameters">The call's parameters (a retry carries the state and the answer).</param>
/// <param name="signer">Signs and checks request states.</param>
public sealed class MrtrConfirmation(CallToolRequestParams parameters, RequestStateSigner signer) : IRequesterConfirmation
{
    /// <summary>The key of the confirmation question among the call's input requests.</summary>
    public const string InputKey = "confirmation";

    /// <inheritdoc />
    public bool CarriesAnswer => parameters.RequestState is not null;

    /// <inheritdoc />
    public ValueTask<ConfirmationAnswer> AskAsync(ConfirmationRequest request, CancellationToken cancellationToken)
    {
        var call = request.Call;
        var digest = AuditRecords.ArgumentsDigest(call.Arguments);
        if (parameters.RequestState is not { } state)
        {
            throw new ConfirmationDeferredException
            {
                Payload = new InputRequiredResult
                {
                    InputRequests = new Dictionary<string, InputRequest> { [InputKey] = InputRequest.ForElicitation(ConfirmationForm.Build(request)) },
                    RequestState = signer.Sign(call.Caller.UserId, call.Tool.ToolName, digest, call.ExecutionId),
                },
            };
        }

        if (signer.Verify(state, call.Caller.UserId, call.Tool.ToolName, digest) is { } refusal)
        {
            return ValueTask.FromResult<ConfirmationAnswer>(new ConfirmationAnswer.Refused(refusal.Code, refusal.Message));
        }

        var answer = parameters.InputResponses is { } responses && responses.TryGetValue(InputKey, out var response)
            ? response.Deserialize(InputResponse.ElicitResultJsonTypeInfo)
            : null;
        return ValueTask.FromResult(answer is null
            ? new ConfirmationAnswer.Unavailable("the confirmation came back without an answer")
            : ConfirmationForm.Answer(request, answer));
    }
}
