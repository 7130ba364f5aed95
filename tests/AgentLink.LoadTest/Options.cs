namespace AgentLink.LoadTest;

/// <summary>
/// Command line: --url http://localhost:8080 --listeners 100 --rate 200 --seconds 15 --warmup-seconds 15 [--find-max] [--max-rate 2000] [--step 200]
/// [--agents N: N agents publish over MQTT instead of a person posting over HTTP; with --mcp they post over MCP (post_message)]
/// [--mosquitto-ceiling --mqtt-host H --mqtt-port P: the same load through a bare MQTT broker, no AgentLink, no persistence]
/// [--no-read: listeners do not mark read (by default each does, at most every 2 s, as the page does)].
/// </summary>
public sealed record Options(
    Uri Url, int Listeners, int Rate, int Seconds, int WarmupSeconds, bool FindMax, int MaxRate, int Step, double SustainedP99Ms,
    int Agents, bool MosquittoCeiling, string MqttHost, int MqttPort, bool NoRead, bool Mcp)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new Options(
            new Uri(Get("--url", "http://localhost:8080")),
            int.Parse(Get("--listeners", "100")),
            int.Parse(Get("--rate", "200")),
            int.Parse(Get("--seconds", "15")),
            int.Parse(Get("--warmup-seconds", "15")),
            args.Contains("--find-max"),
            int.Parse(Get("--max-rate", "2000")),
            int.Parse(Get("--step", "200")),
            double.Parse(Get("--sustained-p99-ms", "500"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Get("--agents", "0")),
            args.Contains("--mosquitto-ceiling"),
            Get("--mqtt-host", "127.0.0.1"),
            int.Parse(Get("--mqtt-port", "51883")),
            args.Contains("--no-read"),
            args.Contains("--mcp"));
    }
}
