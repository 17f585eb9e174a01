using System.Diagnostics;
using System.Text;

namespace GovernedCrm.Testing;

/// <summary>
/// Runs the built governed-crm executable (governed-crm.dll in the test's output folder, there when the test project
/// references GovernedCrm.Server) as a real child process and captures its output.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ServerProcess(System.Diagnostics.Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (_stdout) { _stdout.AppendLine(e.Data); } } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_stderr) { _stderr.AppendLine(e.Data); } } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The executable in the test's output folder.</summary>
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "governed-crm.dll");

    /// <summary>Everything the process wrote to stdout so far.</summary>
    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }

    /// <summary>Everything the process wrote to stderr so far.</summary>
    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The process's stdin.</summary>
    public StreamWriter Input => _process.StandardInput;

    /// <summary>
    /// Starts <c>dotnet governed-crm.dll ARGUMENTS</c> as <see cref="StartInfo"/> describes, reading its output as it comes.
    /// </summary>
    public static ServerProcess Start(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null) =>
        new(System.Diagnostics.Process.Start(StartInfo(arguments, environment))!);

    /// <summary>
    /// How to start <c>dotnet governed-crm.dll ARGUMENTS</c>: stdin, stdout and stderr redirected (UTF-8, no BOM), the
    /// GOVERNEDCRM_ settings of the test's own environment removed (data folder, user, policy, tools, vault key, JWT),
    /// then <paramref name="environment"/> applied. For tests that hold the process themselves.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = utf8,
            StandardOutputEncoding = utf8,
            StandardErrorEncoding = utf8,
        };
        info.ArgumentList.Add(ServerDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("GOVERNEDCRM_DATA");
        info.Environment.Remove("GOVERNEDCRM_USER");
        info.Environment.Remove("GOVERNEDCRM_POLICY");
        info.Environment.Remove("GOVERNEDCRM_TOOLS");
        info.Environment.Remove("GOVERNEDCRM_VAULT_KEY");
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("GOVERNEDCRM_JWT_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>Runs the executable to completion and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        using var process = Start(arguments, environment);
        process.Input.Close();
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process.StandardOutput, process.StandardError);
    }

    /// <summary>Waits for the process to exit and returns its exit code; kills it and throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"governed-crm did not exit within {timeout}. stderr:\n{StandardError}");
        }

        _process.WaitForExit(); // Flushes the asynchronous output readers.
        return _process.ExitCode;
    }

    /// <summary>Waits until <paramref name="text"/> appears on stderr; throws <see cref="TimeoutException"/> after <paramref name="timeout"/> or if the process exits first.</summary>
    public async Task WaitForStderrAsync(string text, TimeSpan timeout)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!StandardError.Contains(text, StringComparison.Ordinal))
        {
            if (deadline.Elapsed > timeout || _process.HasExited)
            {
                throw new TimeoutException($"'{text}' did not appear on stderr. stderr:\n{StandardError}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGTERM, as a service manager or container runtime does on stop.</summary>
    public void Terminate()
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} exited with {kill.ExitCode}.");
        }
    }

    /// <summary>Kills the process (and its children) if it still runs.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
