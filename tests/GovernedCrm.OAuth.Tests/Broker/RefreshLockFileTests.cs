using GovernedCrm.OAuth.Broker;

namespace GovernedCrm.OAuth.Tests.Broker;

public sealed class RefreshLockFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-locks-").FullName;

    public void Dispose() => TempFolder.Delete(_folder);

    [Fact]
    public void PathFor_AnyUser_IsAHashInTheFolderWithoutTheUserName()
    {
        var path = RefreshLockFile.PathFor(_folder, "alice@example.com", "hubspot");

        Path.GetDirectoryName(path).Should().Be(_folder);
        Path.GetFileName(path).Should().MatchRegex("^refresh-[0-9a-f]{64}\\.lock$");
        path.Should().NotContain("alice").And.NotContain("hubspot");
        RefreshLockFile.PathFor(_folder, "alice@example.com", "hubspot").Should().Be(path);
        RefreshLockFile.PathFor(_folder, "bob@example.com", "hubspot").Should().NotBe(path);
        RefreshLockFile.PathFor(_folder, "alice@example.com", "salesforce").Should().NotBe(path);
        RefreshLockFile.PathFor(_folder, "a|b", "c").Should().NotBe(RefreshLockFile.PathFor(_folder, "a", "b|c"));
    }

    [Fact]
    public async Task AcquireAsync_WhileHeld_WaitsUntilReleased()
    {
        var path = RefreshLockFile.PathFor(Path.Combine(_folder, "sub"), "alice", "hubspot");
        var first = await RefreshLockFile.AcquireAsync(path, TimeSpan.FromSeconds(10), CancellationToken.None);

        var second = RefreshLockFile.AcquireAsync(path, TimeSpan.FromSeconds(10), CancellationToken.None);
        await Task.Delay(200);
        second.IsCompleted.Should().BeFalse("the first holder still has the lock");
        await first.DisposeAsync();

        await using var acquired = await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AcquireAsync_HeldPastTheTimeout_ThrowsTimeoutNamingNoUser()
    {
        var path = RefreshLockFile.PathFor(_folder, "alice", "hubspot");
        await using var held = await RefreshLockFile.AcquireAsync(path, TimeSpan.FromSeconds(10), CancellationToken.None);

        var second = () => RefreshLockFile.AcquireAsync(path, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        (await second.Should().ThrowAsync<TimeoutException>()).Which.Message.Should().NotContain("alice");
    }
}
