using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace AgentLink.Core.Options;

/// <summary>
/// The proxies in front of a host (a load balancer doing TLS, the web app forwarding /api).
/// Config key AgentLink:Http:TrustedProxies: addresses and networks (CIDR), comma-separated.
/// Their X-Forwarded-For/-Proto/-Host are believed, so client addresses (rate limits) and the
/// scheme (Secure cookies, links) are right behind them; anyone else's are ignored.
/// 127.0.0.1 and ::1 are always trusted (the web app forwards to the functions host on them).
/// </summary>
public sealed class HttpOptions
{
    public const string Section = "AgentLink:Http";

    public string? TrustedProxies { get; set; }

    /// <summary>Applies the trusted proxies to forwarded-headers options; throws naming the key for an entry that is not an address or network.</summary>
    public ForwardedHeadersOptions ForwardedHeaders()
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                               | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
                               | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost,
            // Walk back through every trusted hop to the first address that is not one.
            ForwardLimit = null,
        };
        // Only the loopback addresses the hosts use, not all of 127.0.0.0/8 (the framework's default).
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        options.KnownProxies.Add(IPAddress.Loopback);
        options.KnownProxies.Add(IPAddress.IPv6Loopback);
        foreach (var entry in (TrustedProxies ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/') && System.Net.IPNetwork.TryParse(entry, out var network)) options.KnownIPNetworks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) options.KnownProxies.Add(address);
            else throw new InvalidOperationException($"AgentLink:Http:TrustedProxies: '{entry}' is not an IP address or a CIDR network.");
        }
        return options;
    }
}
