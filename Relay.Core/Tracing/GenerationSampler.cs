using OpenTelemetry.Trace;

namespace Relay.Core.Tracing;

/// <summary>
/// The configured sampler, until its generation is retired by a reload. Every generation's
/// provider listens to the source name <c>Relay</c>, and .NET asks every listener of a source and
/// takes the strongest answer; a retired generation's provider listens until its last request
/// ends, so for a new server span it answers "drop" and leaves the decision to the sampler now
/// configured. A client span of one of its in-flight requests (a local parent) still follows its
/// server span, even when the reload turned tracing off.
/// </summary>
internal sealed class GenerationSampler(Sampler configured) : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    private volatile bool _retired;

    public void Retire() => _retired = true;

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        _retired && !HasLocalParent(samplingParameters) ? Drop : configured.ShouldSample(samplingParameters);

    private static bool HasLocalParent(in SamplingParameters parameters) =>
        parameters.ParentContext.TraceId != default && !parameters.ParentContext.IsRemote;
}
