namespace GovernedCrm.Server.Cli;

/// <summary>
/// The only place the executable writes to stdout or stderr directly. In stdio server mode stdout carries
/// JSON-RPC alone, so the server never calls <see cref="Out"/>; CLI verbs print their answers here.
/// </summary>
internal static class CliConsole
{
#pragma warning disable RS0030 // The one sanctioned console writer for CLI verbs (the stdio server never uses Out).
    public static TextWriter Out => Console.Out;

    public static TextWriter Error => Console.Error;

    public static TextReader In => Console.In;

    /// <summary>True when stderr is a terminal (progress indicators are drawn only then).</summary>
    public static bool ErrorIsTerminal => !Console.IsErrorRedirected;
#pragma warning restore RS0030

    /// <summary>The text of a file argument, or of stdin when it is <c>-</c>.</summary>
    /// <param name="path">The argument.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The text.</returns>
    public static Task<string> ReadInputAsync(string path, CancellationToken cancellationToken) =>
        path == "-" ? In.ReadToEndAsync(cancellationToken) : File.ReadAllTextAsync(path, cancellationToken);

    /// <summary>Prints a one-line error to stderr, as every command does before exiting with code 2.</summary>
    /// <param name="message">The message.</param>
    public static void Fail(string message) => Error.WriteLine($"governed-crm: error: {message}");

    /// <summary>Prints a refusal with its stable code to stderr, as a command does before exiting with code 1.</summary>
    /// <param name="code">The stable code, e.g. <c>approval.self_approval</c>.</param>
    /// <param name="message">The message.</param>
    public static void Refuse(string code, string message) => Error.WriteLine($"governed-crm: refused: {code}: {message}");
}
