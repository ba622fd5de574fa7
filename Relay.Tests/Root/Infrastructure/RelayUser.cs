using System.Globalization;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// The system user Relay runs as in production (DESIGN §1). Capture rules exclude this uid, so running the
/// daemon under it is what proves that Relay's own upstream connections are not captured again.
/// </summary>
internal sealed record RelayUser(string Name, int Uid, int Gid)
{
    public const string DefaultName = "relay";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static RelayUser? cached;

    public static async Task<RelayUser> EnsureAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return cached ??= await CreateOrLookUpAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<RelayUser> CreateOrLookUpAsync()
    {
        var existing = await LookUpAsync();
        if (existing is not null)
        {
            return existing;
        }
        var add = await ProcessRunner.RunAsync(
            "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", DefaultName);
        // Another process (a parallel test run, demo.sh) may have created it between our lookup and useradd.
        return await LookUpAsync() ?? throw new InvalidOperationException($"cannot create user relay: {add}");
    }

    private static async Task<RelayUser?> LookUpAsync()
    {
        var uid = await ProcessRunner.RunAsync("id", "-u", DefaultName);
        var gid = await ProcessRunner.RunAsync("id", "-g", DefaultName);
        if (!uid.Succeeded || !gid.Succeeded)
        {
            return null;
        }
        return new RelayUser(
            DefaultName,
            int.Parse(uid.Stdout.Trim(), CultureInfo.InvariantCulture),
            int.Parse(gid.Stdout.Trim(), CultureInfo.InvariantCulture));
    }
}
