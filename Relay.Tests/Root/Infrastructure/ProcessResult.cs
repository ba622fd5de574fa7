namespace Relay.Tests.Root.Infrastructure;

/// <summary>Outcome of a finished (or timed-out and killed) helper command.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    public override string ToString() =>
        $"`{Command}` exit={ExitCode} timedOut={TimedOut}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    /// <summary>Fails the test with the full command output: setup errors must be diagnosable from CI logs.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            Assert.Fail($"command failed: {this}");
        }
        return this;
    }
}
