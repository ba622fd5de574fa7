using Relay.Core.Routing.Guard;
using Relay.Core.Runtime;

namespace Relay.Core.Lifecycle;

/// <summary>
/// STATE_DIR/state.json, rewritten (atomically) by the daemon after start and after every reload
/// attempt, and when a canary guard cuts a backend (its runtime overrides); <c>relay config status</c>
/// and <c>rollback</c> read it.
/// </summary>
public sealed record LifecycleState(
    string RunningRevision,
    DateTimeOffset AppliedAt,
    string SourcePath,
    int Pid,
    ReloadReport? LastReload,
    IReadOnlyList<GuardOverride>? Overrides = null)
{
    public const string FileName = "state.json";

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    public static LifecycleState? Read(string stateDirectory) => LifecycleJson.TryRead<LifecycleState>(PathIn(stateDirectory));

    public void Write(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        AtomicFile.Write(PathIn(stateDirectory), LifecycleJson.Serialize(this));
    }
}
