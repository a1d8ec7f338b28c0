using NUnit.Framework;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Client;

/// <summary>
/// <see cref="MqttClient"/> with a store of the application's own: paho 1.3.13 and later export
/// <c>MQTTClient_malloc</c>, so what the store hands back comes from paho's own heap and goes back to it.
/// </summary>
public sealed class CustomPersistenceTests : ClientTest
{
    private sealed class CountingStore : IMqttPersistence
    {
        private readonly InMemoryPersistence inner = new();

        public int Opens, Puts, Removes, KeyReads;

        public int Count => inner.Count;

        public void Open(string clientId, string serverUri) { Opens++; inner.Open(clientId, serverUri); }
        public void Close() => inner.Close();
        public void Put(string key, ReadOnlySpan<byte> value) { Puts++; inner.Put(key, value); }
        public byte[]? Get(string key) => inner.Get(key);
        public void Remove(string key) { Removes++; inner.Remove(key); }
        public IReadOnlyCollection<string> Keys() { KeyReads++; return inner.Keys(); }
        public void Clear() => inner.Clear();
        public bool ContainsKey(string key) => inner.ContainsKey(key);
    }

    [Test]
    public async Task TheSyncClientKeepsInFlightMessagesInTheApplicationsStore()
    {
        var store = new CountingStore();
        using (var warm = NewClient())
            warm.Connect(new ConnectOptions());
        long heapBefore = PahoHeap.CurrentBytes("paho-mqtt3cs");

        using (var client = new MqttClient(Broker.Address, "custom-store", ClientPersistence.Custom(store)))
        {
            client.Connect(new ConnectOptions { CleanSession = false });
            await client.PublishAsync("custom/store", "one", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);
            await client.PublishAsync("custom/store", "two", MqttQos.ExactlyOnce).AsTask().WaitAsync(DeliveryTimeout);
            client.Disconnect(TimeSpan.FromSeconds(5));
            // A session resumed from the store: paho reads its keys again.
            client.Connect(new ConnectOptions { CleanSession = false });
            client.Disconnect(TimeSpan.FromSeconds(5));
        }

        Assert.That(store.Opens, Is.GreaterThanOrEqualTo(1), "paho opened the application's store");
        Assert.That(store.Puts, Is.GreaterThanOrEqualTo(2), "paho stored each QoS 1 and 2 publication while in flight");
        Assert.That(store.Removes, Is.GreaterThanOrEqualTo(2), "paho removed each once acknowledged");
        Assert.That(store.KeyReads, Is.GreaterThanOrEqualTo(1), "paho read the store's keys to restore the session");
        Assert.That(store.Count, Is.Zero, "nothing is left in flight");
        Assert.That(PahoHeap.CurrentBytes("paho-mqtt3cs"), Is.EqualTo(heapBefore), "paho's heap is back where it was: every buffer it was given went back");
    }
}
