using System.Collections.Concurrent;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.MqttBridge.Inbound;

/// <summary>
/// A token bucket per agent (AgentLink:Mqtt:AgentMessagesPerSecond, AgentMessageBurst).
/// Two agents answering each other forever run out of tokens within seconds. Per bridge
/// instance: with N bridges sharing the load an agent gets up to N times the rate.
/// </summary>
public sealed class AgentRateLimiter(IOptions<MqttOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, Bucket> _buckets = new();

    public bool TryTake(Guid agentUserId)
    {
        var o = options.Value;
        var bucket = _buckets.GetOrAdd(agentUserId, _ => new Bucket(o.AgentMessageBurst, clock.GetTimestamp()));
        lock (bucket)
        {
            var now = clock.GetTimestamp();
            var refill = clock.GetElapsedTime(bucket.Updated, now).TotalSeconds * o.AgentMessagesPerSecond;
            bucket.Tokens = Math.Min(o.AgentMessageBurst, bucket.Tokens + refill);
            bucket.Updated = now;
            if (bucket.Tokens < 1) return false;
            bucket.Tokens -= 1;
            return true;
        }
    }

    private sealed class Bucket(double tokens, long updated)
    {
        public double Tokens { get; set; } = tokens;
        public long Updated { get; set; } = updated;
    }
}
