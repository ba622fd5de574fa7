namespace Relay.Core.Config.Validation;

/// <summary>A route's <c>timeouts</c>, <c>retries</c> and <c>fault</c>: known words, sane ranges; HTTP only.</summary>
internal static class RetriesValidator
{
    /// <summary>Envoy caps nothing here, but Linkerd's and Istio's defaults are 2-3 attempts; 10 bounds the work one request can cause.</summary>
    public const int MaxAttempts = 10;

    /// <summary>tower's TpsBudget takes a TTL of 1 to 60 seconds.</summary>
    private static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTtl = TimeSpan.FromSeconds(60);

    public static void Validate(RouteConfig route, bool tcp, ConfigErrorSink errors)
    {
        if (tcp && (route.Timeouts is not null || route.Retries is not null || route.Fault is not null))
        {
            errors.Add(route.Timeouts?.Location ?? route.Retries?.Location ?? route.Fault!.Location, "timeouts, retries and faults apply to HTTP requests; a tcp service's routes cannot have them");
            return;
        }
        if (route.Fault is { } fault)
        {
            Fault(fault, errors);
        }
        foreach (var timeout in new[] { route.Timeouts?.Request, route.Timeouts?.PerTry, route.Timeouts?.Idle })
        {
            if (timeout is { Value: var t } && t <= TimeSpan.Zero)
            {
                errors.Add(timeout.Location, "must be above zero");
            }
        }
        if (route.Retries is { } retries)
        {
            Retries(retries, errors);
        }
    }

    private static void Retries(RetryConfig retries, ConfigErrorSink errors)
    {
        ValueRules.Range(retries.Attempts, 1, MaxAttempts, errors);
        Words(retries.On, RetryCompiler.Conditions.Keys, "retry condition", errors);
        Words(retries.Grpc, RetryCompiler.GrpcStatuses.Keys, "gRPC status", errors);
        foreach (var code in retries.Codes?.Items ?? [])
        {
            ValueRules.Range(code, 100, 599, errors);
        }
        if (retries.On is null && retries.Codes is null && retries.Grpc is null)
        {
            errors.Add(retries.Location.Child("on"), "retries need at least one condition: on, codes or grpc");
        }
        if (retries.BackoffBase is { Value: var b } baseAt && b <= TimeSpan.Zero)
        {
            errors.Add(baseAt.Location, "must be above zero");
        }
        if (retries.BackoffMax is { } max && max.Value < (retries.BackoffBase?.Value ?? RetryCompiler.DefaultBackoffBase))
        {
            errors.Add(max.Location, "must not be below backoff.base");
        }
        if (retries.Budget is { } budget)
        {
            if (budget.Ratio is { Value: < 0 or > 1 } ratio)
            {
                errors.Add(ratio.Location, $"must be between 0 and 1, got {ratio.Value}");
            }
            ValueRules.Range(budget.MinPerSecond, 0, 10_000, errors);
            if (budget.Ttl is { Value: var ttl } ttlAt && (ttl < MinTtl || ttl > MaxTtl))
            {
                errors.Add(ttlAt.Location, "must be between 1s and 60s");
            }
        }
    }

    private static void Fault(FaultConfig fault, ConfigErrorSink errors)
    {
        if (fault.DelayAt is null && fault.AbortAt is null)
        {
            errors.Add(fault.Location, "a fault needs a delay, an abort or both");
        }
        foreach (var percent in new[] { fault.DelayPercent, fault.AbortPercent })
        {
            if (percent is { Value: < 0 or > 100 })
            {
                errors.Add(percent.Location, $"must be a percentage between 0 and 100, got {percent.Value}");
            }
        }
        if (fault.AbortAt is { } abortAt && (fault.AbortStatus is null) == (fault.AbortGrpc is null))
        {
            errors.Add(abortAt, "give exactly one of status (HTTP) or grpc (a gRPC status)");
        }
        ValueRules.Range(fault.AbortStatus, 200, 599, errors);
        if (fault.AbortGrpc is { } grpc && !RetryCompiler.GrpcStatuses.ContainsKey(grpc.Value))
        {
            errors.Add(grpc.Location, $"gRPC status '{grpc.Value}' is not one of: {string.Join(", ", RetryCompiler.GrpcStatuses.Keys)}");
        }
        if (fault.Header is { } header && !RoutesValidator.IsToken(header.Value))
        {
            errors.Add(header.Location, $"header name '{header.Value}' must be an HTTP token");
        }
    }

    private static void Words(ConfigList<string>? words, IEnumerable<string> known, string what, ConfigErrorSink errors)
    {
        foreach (var word in words?.Items ?? [])
        {
            if (!known.Contains(word.Value))
            {
                errors.Add(word.Location, $"{what} '{word.Value}' is not one of: {string.Join(", ", known)}");
            }
        }
    }
}
