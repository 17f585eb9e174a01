using System.Text.Json;

namespace GovernedCrm.Server.Tests.Process;

/// <summary>Drives a real stdio server with raw JSON-RPC lines, then stops it with SIGTERM (so it signs its final checkpoint).</summary>
internal static class ServerSession
{
    /// <summary>Runs <paramref name="calls"/> tools/call requests (params JSON) against a server on <paramref name="dataFolder"/>.</summary>
    public static async Task<IReadOnlyList<JsonElement>> RunAsync(string dataFolder, IReadOnlyList<string> calls, IDictionary<string, string?>? environment = null)
    {
        using var server = ServerProcess.Start(["--data", dataFolder], environment);
        await server.WaitForStderrAsync("data folder", TimeSpan.FromSeconds(60));
        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw-test","version":"1"}}}""");
        await server.Input.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        for (var i = 0; i < calls.Count; i++)
        {
            await server.Input.WriteLineAsync($$"""{"jsonrpc":"2.0","id":{{i + 1}},"method":"tools/call","params":{{calls[i]}}}""");
        }

        await server.Input.FlushAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (Lines(server).Count < calls.Count + 1)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Only {Lines(server).Count} answers. stderr:\n{server.StandardError}");
            }

            await Task.Delay(50);
        }

        server.Terminate();
        (await server.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().Be(0, server.StandardError);
        return Lines(server).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    public static string GetDeal(string id) => $$$"""{"name":"CRM.GetRecord","arguments":{"objectType":"deal","recordId":"{{{id}}}"}}""";

    public static string UpdateDeal(string id, decimal amount) =>
        $$$"""{"name":"CRM.UpdateRecord","arguments":{"objectType":"deal","recordId":"{{{id}}}","properties":{"amount":{{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}},"reason":"test"}}""";

    private static List<string> Lines(ServerProcess server) =>
        server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}
