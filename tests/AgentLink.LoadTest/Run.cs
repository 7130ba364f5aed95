using System.Diagnostics;

namespace AgentLink.LoadTest;

/// <summary>
/// One measured step: posts at a fixed rate (open loop, so a slow server does
/// not slow the schedule) and collects every listener's receive time per message.
/// </summary>
public sealed class Run(int rate, int seconds, int listeners)
{
    private readonly long[] _sentAt = new long[rate * seconds];
    private readonly double[] _postMs = new double[rate * seconds];
    private readonly List<double> _deliveryMs = new(rate * seconds * listeners);
    private readonly Lock _lock = new();
    private int _failedPosts;
    private int _offset = -1;

    public int Total => _sentAt.Length;

    /// <summary>Messages of earlier steps share the channel; this step numbers from its offset.</summary>
    public void Received(int n, long at)
    {
        var i = n - Volatile.Read(ref _offset);
        if (i < 0 || i >= _sentAt.Length) return;
        var sent = Volatile.Read(ref _sentAt[i]);
        if (sent == 0) return;
        var ms = Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds;
        lock (_lock) _deliveryMs.Add(ms);
    }

    /// <summary>Sends message n with <paramref name="send"/> (true once accepted) on the schedule, and collects deliveries.</summary>
    public async Task<Result> ExecuteAsync(Func<int, Task<bool>> send, int offset)
    {
        Volatile.Write(ref _offset, offset);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(Total);
        for (var i = 0; i < Total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            inFlight.Add(SendAsync(send, i, offset));
        }
        await Task.WhenAll(inFlight);
        var sendSeconds = clock.Elapsed.TotalSeconds;
        // Let the last deliveries land.
        var expected = (long)Total * listeners;
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(10))
        {
            lock (_lock) if (_deliveryMs.Count >= expected) break;
            await Task.Delay(50);
        }
        double[] delivery;
        lock (_lock) delivery = [.. _deliveryMs];
        Array.Sort(delivery);
        var posts = _postMs.Where(x => x > 0).Order().ToArray();
        return new Result(rate, listeners, Total, _failedPosts, Total / sendSeconds, delivery.Length, expected,
            Percentile(posts, 50), Percentile(posts, 99), Percentile(delivery, 50), Percentile(delivery, 99), delivery.Length > 0 ? delivery[^1] : double.NaN);
    }

    private async Task SendAsync(Func<int, Task<bool>> send, int i, int offset)
    {
        var start = Stopwatch.GetTimestamp();
        Volatile.Write(ref _sentAt[i], start);
        try
        {
            if (!await send(offset + i)) Interlocked.Increment(ref _failedPosts);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _failedPosts);
        }
        _postMs[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

public sealed record Result(
    int Rate, int Listeners, int Posted, int FailedPosts, double AchievedRate, long Delivered, long Expected,
    double PostP50, double PostP99, double DeliveryP50, double DeliveryP99, double DeliveryMax)
{
    public int ReadsSent { get; init; }

    public int ReadsFailed { get; init; }

    public bool Sustained(double p99LimitMs) =>
        FailedPosts == 0 && ReadsFailed == 0 && Delivered == Expected && AchievedRate >= Rate * 0.95 && DeliveryP99 <= p99LimitMs;

    public override string ToString() =>
        $"rate {Rate,5}/s  achieved {AchievedRate,7:F1}/s  sent {Posted} ({FailedPosts} failed)  " +
        $"delivered {Delivered}/{Expected}  accepted p50 {PostP50,6:F1} ms p99 {PostP99,6:F1} ms  " +
        $"send->delivery p50 {DeliveryP50,6:F1} ms p99 {DeliveryP99,6:F1} ms max {DeliveryMax,7:F1} ms  " +
        $"read receipts {ReadsSent} ({ReadsFailed} failed)";
}
