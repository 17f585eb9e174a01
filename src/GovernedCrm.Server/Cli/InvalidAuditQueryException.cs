namespace GovernedCrm.Server.Cli;

/// <summary>
/// An <c>audit history</c> or <c>audit search</c> argument the query cannot use (a time that is not ISO 8601): exit 2
/// with <c>audit.invalid_query</c>, the code the query service gives its own refusals of bad input.
/// </summary>
/// <param name="message">What is wrong, in one sentence.</param>
internal sealed class InvalidAuditQueryException(string message) : Exception(message);
