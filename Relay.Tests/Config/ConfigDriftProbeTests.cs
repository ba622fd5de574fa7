using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

/// <summary>What GET /config and the dashboard say of the file on disk against the running revision.</summary>
[Trait("Tier", "Unit")]
public sealed class ConfigDriftProbeTests : IDisposable
{
    private const string Running = MeshHeader + "services:\n  orders: { port: 80, endpoints: [\"198.18.0.2:8080\"] }\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-drift-").FullName;
    private readonly string _path;
    private readonly string _runningRevision;

    public ConfigDriftProbeTests()
    {
        _path = Path.Combine(_dir, FileName);
        File.WriteAllText(_path, Running);
        _runningRevision = ConfigLoader.LoadFile(_path).Snapshot!.Revision;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FileHoldsTheRunningRevision_InSync()
    {
        var drift = new ConfigDriftProbe(_path).Check(_runningRevision);

        Assert.Equal((DriftState.InSync, _runningRevision, 0), (drift.State, drift.FileRevision, drift.ErrorCount));
        Assert.Empty(drift.Errors);
    }

    [Fact]
    public void ValidEditNotRunning_Drift_WithTheFilesRevision()
    {
        var probe = new ConfigDriftProbe(_path);
        File.AppendAllText(_path, "# an edit\n");

        var drift = probe.Check(_runningRevision);

        Assert.Equal(DriftState.Drift, drift.State);
        Assert.Equal(ConfigLoader.LoadFile(_path).Snapshot!.Revision, drift.FileRevision);
        Assert.NotEqual(_runningRevision, drift.FileRevision);
        // Once the daemon runs the edit, the same probe says so.
        Assert.Equal(DriftState.InSync, probe.Check(drift.FileRevision!).State);
    }

    [Fact]
    public void InvalidEdit_Invalid_WithFileLineColumnAndKey_AndTheVerdictFollowsTheNextEdit()
    {
        var probe = new ConfigDriftProbe(_path);
        File.WriteAllText(_path, Running + "bogus_key: 1\n");

        var invalid = probe.Check(_runningRevision);

        Assert.Equal(DriftState.Invalid, invalid.State);
        Assert.Equal(1, invalid.ErrorCount);
        Assert.StartsWith($"{_path}:5:1: bogus_key:", Assert.Single(invalid.Errors), StringComparison.Ordinal);
        // The verdict is kept per revision, not per probe: the next edit is validated afresh.
        File.WriteAllText(_path, Running + "# fixed\n");
        Assert.Equal((DriftState.Drift, 0), (probe.Check(_runningRevision).State, probe.Check(_runningRevision).ErrorCount));
    }

    [Fact]
    public void ManyErrors_ShowsTheFirstFive_CountsThemAll()
    {
        File.WriteAllText(_path, Running + string.Concat(Enumerable.Range(0, 8).Select(i => $"bogus_{i}: 1\n")));

        var drift = new ConfigDriftProbe(_path).Check(_runningRevision);

        Assert.Equal((DriftState.Invalid, 8, 5), (drift.State, drift.ErrorCount, drift.Errors.Count));
    }

    [Fact]
    public void FileGone_Invalid_NoRevision_SaysItCannotBeRead()
    {
        var probe = new ConfigDriftProbe(_path);
        File.Delete(_path);

        var drift = probe.Check(_runningRevision);

        Assert.Equal((DriftState.Invalid, null), (drift.State, drift.FileRevision));
        Assert.Contains("cannot read the file", Assert.Single(drift.Errors), StringComparison.Ordinal);
    }
}
