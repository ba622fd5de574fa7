using System.Diagnostics;
using Relay.Tests.Config;

namespace Relay.Tests.Daemon;

/// <summary>
/// `relay validate` in its own process on the hostile files of issue 17 §1: a stack overflow
/// cannot be caught, so only a child process shows the difference between a rejection and a crash.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class ValidateHostileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-hostile-").FullName;

    [Theory]
    [InlineData(nameof(HostileYaml.DeepNesting), ":2:71: bogus")]
    [InlineData(nameof(HostileYaml.Huge), "larger than")]
    [InlineData(nameof(HostileYaml.LongScalar), ":2:131073: (root): line is longer than")]
    public async Task Validate_HostileFile_ExitsTwoWithPosition(string file, string expected)
    {
        var path = Path.Combine(_dir, file + ".yaml");
        await File.WriteAllTextAsync(path, HostileYaml.Named(file));
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "relay.dll"), "validate", path])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        // A second of work plus the runtime's own start-up (~0.3 s idle, more on a loaded box);
        // before the bounds the deep file ran 23 s and died with SIGABRT.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail($"relay validate {file} still running after 15 s");
        }

        var text = await stderr;
        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}: {text[..Math.Min(text.Length, 400)]}");
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
