// The client side of build/cluster.sh: scale-out on a 2-node RabbitMQ cluster, MQTT 3.1.1.
//   PahoSharp.Cluster --uris URI1,URI2 [--count N] [--rate PER_SECOND] [--stop-at N] [--timeout SECONDS]
// - The publisher (MqttAsyncClient "cluster-publisher") connects with ServerUris = [URI1, URI2],
//   automatic reconnect, a clean session, and an offline buffer as large as the stream.
// - The subscriber ("cluster-subscriber") connects to the OTHER URI, the node that will survive, with
//   clean session false, and subscribes with QoS 1: RabbitMQ keeps a durable queue for it on that node.
// - The publisher publishes COUNT numbered QoS 1 messages (payloads "0".."COUNT-1"), RATE a second, at
//   most 100 unacknowledged. A PublishAsync that fails without a ReasonCode (paho: not completed) is
//   published again (at-least-once).
// - Once STOP_AT messages are acknowledged it prints "TIME stop-node URI" (the publisher's node): the
//   script stops that node, paho loses the connection and reconnects through its list of URIs.
// - Then it prints a summary. Exit status 0 when every message was acknowledged and arrived and the
//   publisher failed over (a message was acknowledged after it lost its node), 1 otherwise, 2 on a
//   usage error.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using PahoSharp;

const string Topic = "cluster/stream";
const int Window = 100;

if (!Arguments.TryParse(args, out Arguments? arguments))
{
    Console.Error.WriteLine("usage: PahoSharp.Cluster --uris URI1,URI2 [--count N] [--rate PER_SECOND] [--stop-at N] [--timeout SECONDS]");
    return 2;
}
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(arguments.TimeoutSeconds));
CancellationToken token = deadline.Token;
int count = arguments.Count;
var reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(2) };

using var publisher = new MqttAsyncClient(new MqttClientOptions
{
    ServerUri = arguments.Uris[0],
    ClientId = "cluster-publisher",
    Version = MqttVersion.V3_1_1,
    OfflineBuffer = new OfflineBufferOptions { MaxMessages = count },
});
var publisherOptions = new ConnectOptions { Reconnect = reconnect, MaxInflight = Window, KeepAlive = TimeSpan.FromSeconds(10) };
foreach (string uri in arguments.Uris)
    publisherOptions.ServerUris.Add(uri);
string publisherUri;
try
{
    publisherUri = (await publisher.ConnectAsync(publisherOptions, token)).ServerUri;
}
catch (Exception e) when (e is MqttException or OperationCanceledException)
{
    Say($"FAIL: the publisher could not connect: {e.Message}");
    return 1;
}
string subscriberUri = arguments.Uris.First(uri => uri != publisherUri);
Say($"publisher connected to {publisherUri} (server URIs: {string.Join(", ", arguments.Uris)})");

var received = new ConcurrentDictionary<int, int>();
int receivedTotal = 0, subscriberLosses = 0;
using var subscriber = new MqttAsyncClient(new MqttClientOptions { ServerUri = subscriberUri, ClientId = "cluster-subscriber", Version = MqttVersion.V3_1_1 });
subscriber.MessageReceived += (_, e) =>
{
    Interlocked.Increment(ref receivedTotal);
    received.AddOrUpdate(int.Parse(e.Message.PayloadText, CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
};
subscriber.ConnectionLost += (_, _) => Interlocked.Increment(ref subscriberLosses);
try
{
    await subscriber.ConnectAsync(new ConnectOptions { CleanSession = false, Reconnect = reconnect }, token);
    MqttSubscribeResult granted = await subscriber.SubscribeAsync(Topic, MqttQos.AtLeastOnce, token);
    Say($"subscriber connected to {subscriberUri} (clean session false), subscribed to {Topic}, granted QoS {(int)granted.GrantedQos}");
}
catch (Exception e) when (e is MqttException or OperationCanceledException)
{
    Say($"FAIL: the subscriber could not connect and subscribe: {e.Message}");
    return 1;
}

// What the publisher went through: acknowledgements, failures paho reported, lost and restored connections.
int publications = 0, acknowledged = 0, republished = 0, stopRequested = 0;
long lastAck = 0, firstAckAfterLoss = 0;
var failures = new ConcurrentDictionary<string, int>();
var losses = new ConcurrentQueue<long>();
var reconnects = new ConcurrentQueue<long>();
publisher.ConnectionLost += (_, _) =>
{
    long now = Stopwatch.GetTimestamp();
    losses.Enqueue(now);
    Say($"publisher: connection lost ({Volatile.Read(ref acknowledged)} acknowledged so far); paho reconnects through the list");
};
publisher.Reconnected += (_, _) =>
{
    reconnects.Enqueue(Stopwatch.GetTimestamp());
    Say("publisher: reconnected (paho's automatic reconnect)");
};

Say($"publishing {count} QoS 1 messages on {Topic}, {arguments.Rate} a second, at most {Window} unacknowledged");
long streamStart = Stopwatch.GetTimestamp();
using var window = new SemaphoreSlim(Window);
bool streamDone;
try
{
    var pending = new List<Task>(count);
    for (int i = 0; i < count; i++)
    {
        TimeSpan wait = TimeSpan.FromSeconds(i / (double)arguments.Rate) - Stopwatch.GetElapsedTime(streamStart);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, token);
        await window.WaitAsync(token);
        pending.Add(PublishUntilAcknowledged(i));
    }
    await Task.WhenAll(pending).WaitAsync(token);
    streamDone = true;
    Say($"stream done: {acknowledged} acknowledged in {Stopwatch.GetElapsedTime(streamStart).TotalSeconds:F1} s");
}
catch (OperationCanceledException)
{
    streamDone = false;
    Say($"TIMEOUT after {arguments.TimeoutSeconds} s: {Volatile.Read(ref acknowledged)} of {count} acknowledged");
}

// Whatever the broker still holds for the subscriber arrives now; 30 s at most.
long waitStart = Stopwatch.GetTimestamp();
while (received.Count < count && Stopwatch.GetElapsedTime(waitStart) < TimeSpan.FromSeconds(30) && !token.IsCancellationRequested)
    await Task.Delay(50, CancellationToken.None);
await Task.Delay(500, CancellationToken.None); // late duplicates, if any, are counted too

int[] missing = [.. Enumerable.Range(0, count).Where(i => !received.ContainsKey(i))];
int distinct = received.Count;
int total = Volatile.Read(ref receivedTotal);
// A run in which the publisher never lost its node (stopped too late, after the stream) proves nothing.
bool failedOver = Volatile.Read(ref firstAckAfterLoss) != 0;
bool pass = streamDone && acknowledged == count && missing.Length == 0 && failedOver;
Console.WriteLine();
Console.WriteLine("summary");
Console.WriteLine($"  stream:        {count} QoS 1 messages on {Topic}, {arguments.Rate} a second");
Console.WriteLine($"  publisher:     first on {publisherUri}; stop of its node requested after {arguments.StopAt} acknowledgements");
Console.WriteLine($"  sent:          {count} messages in {publications} publications");
Console.WriteLine($"  acknowledged:  {acknowledged}");
Console.WriteLine($"  republished:   {republished}" + (failures.IsEmpty ? "" : $" (paho reported: {string.Join(", ", failures.Select(f => $"{f.Key} x {f.Value}"))})"));
Console.WriteLine($"  received:      {total} by the subscriber on {subscriberUri}: {distinct} distinct, {total - distinct} duplicates");
Console.WriteLine($"  missing:       {missing.Length}" + (missing.Length == 0 ? "" : $" (first: {string.Join(", ", missing.Take(20))})"));
Console.WriteLine($"  failover:      {Failover()}");
Console.WriteLine($"  subscriber:    {(subscriberLosses == 0 ? "never lost its connection" : $"lost its connection {subscriberLosses} time(s)")}");
Console.WriteLine($"result: {(pass ? "PASS, nothing missing" : failedOver ? "FAIL" : "FAIL, the publisher never failed over")}");

await Quietly(publisher.DisconnectAsync(TimeSpan.FromSeconds(1)));
await Quietly(subscriber.DisconnectAsync(TimeSpan.FromSeconds(1)));
return pass ? 0 : 1;

async Task PublishUntilAcknowledged(int sequence)
{
    try
    {
        string payload = sequence.ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            Interlocked.Increment(ref publications);
            try
            {
                await publisher.PublishAsync(Topic, payload, MqttQos.AtLeastOnce, cancellationToken: token);
                Acknowledged();
                return;
            }
            catch (MqttException e) when (e.ReasonCode is null)
            {
                // paho says it was not completed (its session ended with the connection), not that the
                // broker refused it: publish it again.
                Interlocked.Increment(ref republished);
                failures.AddOrUpdate(e.NativeCode is { } code ? ((MqttAsyncReturnCode)code).ToString() : e.ErrorCode.ToString(), 1, (_, n) => n + 1);
                await Task.Delay(100, token);
            }
        }
    }
    finally
    {
        window.Release();
    }
}

void Acknowledged()
{
    long now = Stopwatch.GetTimestamp();
    Volatile.Write(ref lastAck, now);
    if (!losses.IsEmpty && Volatile.Read(ref firstAckAfterLoss) == 0)
        Interlocked.CompareExchange(ref firstAckAfterLoss, now, 0);
    if (Interlocked.Increment(ref acknowledged) >= arguments.StopAt && Interlocked.Exchange(ref stopRequested, 1) == 0)
        Say($"stop-node {publisherUri}");
}

string Failover()
{
    if (!losses.TryPeek(out long lost))
        return "the publisher never lost its connection";
    string text = $"connection lost at {Clock(lost)}";
    if (reconnects.TryPeek(out long back))
        text += $", reconnected {Stopwatch.GetElapsedTime(lost, back).TotalMilliseconds:F0} ms later";
    long firstAfter = Volatile.Read(ref firstAckAfterLoss);
    if (firstAfter != 0)
        text += $", first acknowledgement {Stopwatch.GetElapsedTime(lost, firstAfter).TotalMilliseconds:F0} ms after the loss";
    if (losses.Count > 1)
        text += $" ({losses.Count} losses in all)";
    return text;
}

static async Task Quietly(Task task)
{
    try
    {
        await task.WaitAsync(TimeSpan.FromSeconds(5));
    }
    catch (Exception e) when (e is MqttException or TimeoutException)
    {
        // The run is over; its summary is printed.
    }
}

static string Clock(long timestamp) =>
    (DateTime.Now - Stopwatch.GetElapsedTime(timestamp)).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

static void Say(string line) =>
    Console.WriteLine($"{DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {line}");

internal sealed record Arguments(string[] Uris, int Count, int Rate, int StopAt, int TimeoutSeconds)
{
    public static bool TryParse(string[] args, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Arguments? parsed)
    {
        parsed = null;
        string[]? uris = null;
        int count = 10_000, rate = 500, stopAt = 2_000, timeout = 300;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            bool ok = args[i] switch
            {
                "--uris" => (uris = value.Split(',', StringSplitOptions.RemoveEmptyEntries)).Length == 2,
                "--count" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count > 0,
                "--rate" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out rate) && rate > 0,
                "--stop-at" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out stopAt),
                "--timeout" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out timeout) && timeout > 0,
                _ => false,
            };
            if (!ok)
                return false;
        }
        if (args.Length % 2 != 0 || uris is null || uris[0] == uris[1] || stopAt > count)
            return false;
        parsed = new Arguments(uris, count, rate, stopAt, timeout);
        return true;
    }
}
