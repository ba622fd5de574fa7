namespace Relay.Tests.Support;

/// <summary>
/// Loopback tests whose bound is a server timer with ~1 s of slack run one at a time, after the
/// parallel ones: AdminFloodTests expects Kestrel's 1 s heartbeat to close 200 held sockets within
/// its 5 s keep-alive plus one tick, and in a fresh-clone CI run (2026-12-02, 109cd61) 56 of them
/// were closed late while other test classes loaded the 2 cores; alone it passed 3 of 3.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";
}
