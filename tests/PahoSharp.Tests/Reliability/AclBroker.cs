using PahoSharp.Testing;

namespace PahoSharp.Tests.Reliability;

/// <summary>A Mosquitto whose ACL denies anonymous clients one topic filter, for reads and writes, and allows everything else.</summary>
internal static class AclBroker
{
    public static Task<MosquittoBroker> StartAsync(string deniedFilter) =>
        MosquittoBroker.StartAsync(aclFileContents: $"topic deny {deniedFilter}\ntopic readwrite #\n");
}
