using System.Text;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>
/// Keeps what a server wrote to stderr for failure messages: the last lines, and every warning, error and
/// critical log line (the simple console format starts them with "warn:", "fail:" and "crit:").
/// </summary>
/// <param name="name">Which server, as failure messages name it.</param>
internal sealed class StderrTail(string name)
{
    private const int LinesKept = 200;
    private const int ProblemsKept = 200;

    private readonly Queue<string> _lines = new();
    private readonly List<string> _problems = [];
    private int _total;

    public string Name => name;

    public void Add(string line)
    {
        lock (_lines)
        {
            _total++;
            if (_lines.Count == LinesKept)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
            if (IsProblem(line) && _problems.Count < ProblemsKept)
            {
                _problems.Add(line);
            }
        }
    }

    /// <summary>The warning, error and critical lines (the first 200).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_lines)
            {
                return [.. _problems];
            }
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            var text = new StringBuilder();
            if (_problems.Count > 0)
            {
                text.Append(FormattableString.Invariant($"--- {name} stderr, {_problems.Count} warning/error lines ---\n"));
                foreach (var line in _problems)
                {
                    text.Append(line).Append('\n');
                }
            }

            text.Append(FormattableString.Invariant($"--- {name} stderr, last {_lines.Count} of {_total} lines ---\n"));
            foreach (var line in _lines)
            {
                text.Append(line).Append('\n');
            }

            return text.ToString();
        }
    }

    private static bool IsProblem(string line) =>
        line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal)
        || line.Contains(" crit: ", StringComparison.Ordinal) || line.StartsWith("governed-crm: error", StringComparison.Ordinal);
}
