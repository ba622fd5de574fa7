using OpenTelemetry.Trace;

namespace Relay.Core.Tracing;

/// <summary>
/// The configured sampler, until its generation is retired by a reload. Every generation's
/// provider listens to the source name <c>Relay</c>, and .NET asks every listener of a source and
/// takes the strongest answer; a retired generation's provider listens until its last request
/// ends, so it answers "drop" and leaves new traces to the sampler now configured. Its in-flight
/// requests' client spans still follow their server spans through the new parent-based sampler.
/// </summary>
internal sealed class GenerationSampler(Sampler configured) : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    private volatile bool _retired;

    public void Retire() => _retired = true;

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        _retired ? Drop : configured.ShouldSample(samplingParameters);
}
