using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentLink.MqttBridge.Broker;

/// <summary>Ready when the embedded broker listens, or the external broker connection is up.</summary>
public sealed class BrokerHealthCheck(IAgentTransport transport) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(transport.IsReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The MQTT broker is not reachable yet."));
}
