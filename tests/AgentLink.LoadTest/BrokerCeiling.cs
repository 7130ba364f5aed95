using System.Diagnostics;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace AgentLink.LoadTest;

/// <summary>
/// The ceiling: the same open-loop QoS 1 load through a bare MQTT broker (Mosquitto), with
/// no AgentLink in the path and nothing persisted. N publishers, L subscribers on one topic,
/// payloads of the same shape and size as an agent's message.post.
/// </summary>
public sealed class BrokerCeiling : IAsyncDisposable
{
    private readonly List<IMqttClient> _publishers = [];
    private readonly List<IMqttClient> _subscribers = [];
    private readonly string _topic = $"ceiling/{Guid.NewGuid():N}";
    private readonly string _channelId = Guid.NewGuid().ToString();
    private Run? _run;

    public static async Task<BrokerCeiling> CreateAsync(string host, int port, int publishers, int subscribers)
    {
        var ceiling = new BrokerCeiling();
        for (var i = 0; i < subscribers; i++)
        {
            var client = await ConnectAsync(host, port, $"ceiling-sub-{Guid.NewGuid():N}");
            client.ApplicationMessageReceivedAsync += e =>
            {
                if (ceiling._run is { } run) Listener.Scan(e.ApplicationMessage.Payload.FirstSpan, Stopwatch.GetTimestamp(), run);
                return Task.CompletedTask;
            };
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(ceiling._topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
            ceiling._subscribers.Add(client);
        }
        for (var i = 0; i < publishers; i++) ceiling._publishers.Add(await ConnectAsync(host, port, $"ceiling-pub-{Guid.NewGuid():N}"));
        return ceiling;
    }

    private static async Task<IMqttClient> ConnectAsync(string host, int port, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        return client;
    }

    public void Attach(Run run) => _run = run;

    public async Task<bool> SendAsync(int n)
    {
        // The JSON an agent sends, so the broker moves the same bytes (its marker is what subscribers look for).
        var payload = "{\"id\":\"" + Guid.NewGuid() + "\",\"type\":\"message.post\",\"data\":{\"channelId\":\"" + _channelId + "\",\"text\":\"load " + n + " \"}}";
        var message = new MqttApplicationMessageBuilder().WithTopic(_topic).WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        return (await _publishers[n % _publishers.Count].PublishAsync(message)).IsSuccess;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _publishers.Concat(_subscribers))
        {
            await client.DisconnectAsync();
            client.Dispose();
        }
    }
}
