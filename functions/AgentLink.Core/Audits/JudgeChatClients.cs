using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Sockets;
using AgentLink.Core.Options;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace AgentLink.Core.Audits;

/// <summary>Makes the chat client the LLM judge talks to, from a workspace's endpoint, model and key.</summary>
public interface IJudgeChatClients
{
    IChatClient Create(Uri endpoint, string model, string apiKey, TimeSpan timeout);
}

/// <summary>
/// Any OpenAI-compatible endpoint through the OpenAI library and Microsoft.Extensions.AI: OpenAI itself
/// (https://api.openai.com/v1), Azure OpenAI and Azure AI Foundry (their /openai/v1/ endpoint), OpenRouter,
/// or a local Ollama (http://localhost:11434/v1). The endpoint is the workspace's choice, so unless
/// AgentLink:Audits:AllowPrivateEndpoints, connections to private, loopback and link-local addresses are
/// refused when they are made (after DNS, so a name that resolves inwards is caught too).
/// </summary>
public sealed class OpenAiJudgeChatClients : IJudgeChatClients, IDisposable
{
    private readonly HttpClient _http;

    public OpenAiJudgeChatClients(IOptions<AuditOptions> options)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (!options.Value.AllowPrivateEndpoints) handler.ConnectCallback = ConnectPubliclyAsync;
        // The library's own timeout (per call) applies; this one only backs it up.
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
    }

    public IChatClient Create(Uri endpoint, string model, string apiKey, TimeSpan timeout) =>
        new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = endpoint, NetworkTimeout = timeout, Transport = new HttpClientPipelineTransport(_http) })
            .GetChatClient(model).AsIChatClient();

    private static async ValueTask<Stream> ConnectPubliclyAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        if (addresses.Length == 0 || addresses.Any(IsPrivate))
            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to a private, loopback or link-local address, which this service does not call (AgentLink:Audits:AllowPrivateEndpoints).");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Loopback, private (RFC 1918, unique local), carrier-grade NAT, link-local, unspecified or multicast.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (address.GetAddressBytes()[0] & 0xFE) == 0xFC;
        var b = address.GetAddressBytes();
        return b[0] is 0 or 10 or >= 224
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127);
    }

    public void Dispose() => _http.Dispose();
}
