using NUnit.Framework;

namespace PahoSharp.Tests.Client;

/// <summary>Creation options, disposal, and use after disposal.</summary>
public sealed class LifetimeTests : ClientTest
{
    [Test]
    public void UseAfterDisposeIsObjectDisposed()
    {
        MqttClient client = Connected();
        client.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(() => client.Publish("t", "x"), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => client.Connect(new ConnectOptions()), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => client.Subscribe("t"), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => client.Disconnect(TimeSpan.Zero), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => client.WaitForCompletion(default, TimeSpan.Zero), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(client.IsConnected, Is.False);
        });
        Assert.That(client.Dispose, Throws.Nothing, "a second Dispose is harmless");
    }

    [Test]
    public async Task DisposeWhileOtherThreadsPublishNeverCrashes()
    {
        MqttClient client = Connected();
        using var started = new CountdownEvent(2);
        Task[] publishers = [.. Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            started.Signal();
            while (true)
            {
                try
                {
                    client.Publish("race", "x", MqttQos.AtMostOnce);
                }
                catch (MqttException)
                {
                    // Dispose ends the connection first: paho may refuse a publish before the client is marked disposed.
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        }, TaskCreationOptions.LongRunning))];
        started.Wait(TimeSpan.FromSeconds(10));

        client.Dispose();

        await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task FileStorePersistenceInANamedDirectory()
    {
        string directory = Directory.CreateTempSubdirectory("pahosharp-persistence-").FullName;
        try
        {
            using var client = new MqttClient(Broker.Address, "persistent", ClientPersistence.InDirectory(directory));
            client.Connect(new ConnectOptions { CleanSession = false });

            await client.PublishAsync("persist", "x", MqttQos.ExactlyOnce).AsTask().WaitAsync(DeliveryTimeout);

            Assert.That(Directory.EnumerateFileSystemEntries(directory), Is.Not.Empty, "paho's file store lives where it was told");
            client.Disconnect(TimeSpan.FromSeconds(5));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void PahoVersionIsTheStagedLibrarys()
    {
        Assert.That(MqttClient.PahoVersion, Does.StartWith("1.3."));
        Assert.That(MqttClient.PahoVersionInfo["Product name"], Does.Contain("Paho"));
    }
}
