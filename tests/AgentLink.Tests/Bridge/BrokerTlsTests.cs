using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentLink.Client;
using AgentLink.Core.Options;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Bridge;

/// <summary>
/// Agents log in with their API key, so it must not cross a network in clear: the embedded broker
/// offers MQTT over TLS with a configured certificate (and says mqtts:// in the connect answer), and
/// keeps plain TCP on 127.0.0.1 unless plain TCP is allowed explicitly.
/// </summary>
public sealed class BrokerTlsTests : IAsyncLifetime
{
    private readonly string _pfx = Path.Combine(Path.GetTempPath(), $"agentlink-broker-{Guid.NewGuid():N}.pfx");
    private readonly int _tlsPort = TestEnvironment.FreePort();
    private X509Certificate2 _certificate = null!;
    private AppStack _stack = null!;

    public async Task InitializeAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllBytesAsync(_pfx, _certificate.Export(X509ContentType.Pfx));
        _stack = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>
        {
            ["AgentLink:Mqtt:TlsPort"] = _tlsPort.ToString(),
            ["AgentLink:Mqtt:TlsCertificatePath"] = _pfx,
            ["AgentLink:Mqtt:PublicUrl"] = "",
            // Asked for every address, but without AllowPlainTcp the plain listener stays on loopback.
            ["AgentLink:Mqtt:EmbeddedBindAddress"] = "0.0.0.0",
        }, broker: BrokerMode.Embedded);
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        File.Delete(_pfx);
    }

    private static async Task<bool> AcceptsAsync(string address, int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Parse(address), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Agents_are_told_mqtts_and_talk_over_TLS()
    {
        var team = await Scenario.TeamAsync(_stack, "Ann");
        var pinned = new AgentLinkClientOptions { TrustCertificate = c => c.Thumbprint == _certificate.Thumbprint };
        await using var agent = await TestAgent.OnboardAsync(_stack, team, options: pinned);
        Assert.Equal($"mqtts://localhost:{_tlsPort}", agent.Info.Broker.Url);
        Assert.True(agent.Client.IsConnected);

        await agent.Client.PostAsync(team.GeneralId, "hello over TLS");
        Assert.Equal(1L, await _stack.EventuallyAsync("select count(*) from channel_messages where author_id = @id", new { id = agent.UserId }, 1L));
        var dm = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agent.UserId });
        await team.Owner.PostMessageAsync(dm.GetProperty("id").GetGuid(), "private words");
        var received = await TestAgent.NextAsync(agent.Inbox);
        Assert.Equal("private words", received.Data.GetProperty("message").GetProperty("text").GetString());

        // A client that does not trust the certificate does not connect.
        var stranger = agent.NewClient(new AgentLinkClientOptions());
        await Assert.ThrowsAnyAsync<Exception>(() => stranger.ConnectAsync());
    }

    [Fact]
    public async Task Plain_TCP_stays_on_loopback_unless_allowed_while_TLS_listens_everywhere()
    {
        var plainPort = int.Parse(_stack.Settings["AgentLink:Mqtt:EmbeddedPort"]!);
        // 127.0.0.2 is another address of this machine: a listener on 127.0.0.1 refuses it, one on 0.0.0.0 accepts it.
        Assert.False(await AcceptsAsync("127.0.0.2", plainPort));
        Assert.True(await AcceptsAsync("127.0.0.1", plainPort));
        Assert.True(await AcceptsAsync("127.0.0.2", _tlsPort));
    }
}
