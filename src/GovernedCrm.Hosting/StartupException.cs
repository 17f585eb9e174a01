namespace GovernedCrm.Hosting;

/// <summary>The server cannot start (bad data folder, corrupt database, invalid configuration). Reported as one line, exit code 2.</summary>
internal sealed class StartupException : Exception
{
    public StartupException()
    {
    }

    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
