// MQTT 5 request/response over PahoSharp's MqttAsyncClient.
//   PahoSharp.Samples.Responder respond URI           answers every request on requests/upper, upper-cased, until Ctrl+C
//   PahoSharp.Samples.Responder request URI TEXT...   asks for each TEXT and prints the answer and how long it took
using System.Diagnostics;
using System.Text;
using PahoSharp;

switch (args)
{
    case ["respond", var uri]:
        await RespondAsync(uri);
        return 0;
    case ["request", var uri, .. var texts] when texts.Length > 0:
        await RequestAsync(uri, texts);
        return 0;
    default:
        Console.Error.WriteLine("usage: PahoSharp.Samples.Responder respond URI | request URI TEXT...");
        return 2;
}

static async Task RespondAsync(string uri)
{
    await using var client = new MqttAsyncClient(new MqttClientOptions { ServerUri = uri, ClientId = "upper-responder", Version = MqttVersion.V5 });
    client.MessageReceived += async (_, e) =>
    {
        if (!e.Message.ExpectsResponse())
            return;
        string answer = e.Message.PayloadText.ToUpperInvariant();
        try
        {
            await client.RespondAsync(e.Message, Encoding.UTF8.GetBytes(answer));
            Console.WriteLine($"responder: \"{e.Message.PayloadText}\" -> \"{answer}\" on {e.Message.Properties!.ResponseTopic}");
        }
        catch (MqttException failure)
        {
            // An async handler runs on after it returns: a lost connection must not end the responder.
            Console.Error.WriteLine($"responder: could not answer \"{e.Message.PayloadText}\": {failure.Message}");
        }
    };
    await client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions() });
    await client.SubscribeAsync("requests/upper", MqttQos.AtLeastOnce);
    Console.WriteLine("responder: listening on requests/upper");
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
    await client.DisconnectAsync(TimeSpan.FromSeconds(5));
}

static async Task RequestAsync(string uri, string[] texts)
{
    await using var client = new MqttAsyncClient(new MqttClientOptions { ServerUri = uri, ClientId = "upper-requester", Version = MqttVersion.V5 });
    await client.ConnectAsync(new ConnectOptions());
    await using MqttRequester requester = await MqttRequester.CreateAsync(client);
    Console.WriteLine($"requester: responses come back on {requester.ResponseTopic}");
    foreach (string text in texts)
    {
        var elapsed = Stopwatch.StartNew();
        MqttMessage response = await requester.RequestAsync("requests/upper", Encoding.UTF8.GetBytes(text), TimeSpan.FromSeconds(10));
        Console.WriteLine($"requester: \"{text}\" -> \"{response.PayloadText}\" in {elapsed.Elapsed.TotalMilliseconds:0.0} ms (correlation {Convert.ToHexString(response.Properties!.CorrelationData!.Value.Span)[..8]}...)");
    }
    await client.DisconnectAsync(TimeSpan.FromSeconds(5));
}
