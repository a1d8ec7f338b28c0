using NUnit.Framework;
using PahoSharp.Testing.Faults;

namespace PahoSharp.Tests.Async;

/// <summary>
/// A connect whose wait was cancelled goes on in paho until paho gives up or connects; the next
/// connect must get its own outcome, not the abandoned one's.
/// </summary>
public sealed class CancelledConnectTests : AsyncClientTest
{
    [Test]
    public async Task AConnectAfterACancelledOneGetsItsOwnOutcome()
    {
        await using var silent = SilentListener.Start();
        using var client = new MqttAsyncClient(silent.Address, "cancelled-connect");
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            Assert.That(
                async () => await client.ConnectAsync(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(3) }, cancel.Token),
                Throws.InstanceOf<OperationCanceledException>());
        }

        var options = new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) };
        options.ServerUris.Add(Broker.Address);
        MqttConnectResult result = await client.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(result.ServerUri, Is.EqualTo(Broker.Address));
        Assert.That(client.IsConnected, Is.True);
        await client.DisconnectAsync(TimeSpan.FromSeconds(5)).WaitAsync(Timeout);
    }
}
