using PahoSharp.Testing;

namespace PahoSharp.Tests.Reliability;

/// <summary>A Mosquitto whose ACL denies anonymous clients one topic filter, for reads and writes, and allows everything else.</summary>
internal static class AclBroker
{
    public static async Task<MosquittoBroker> StartAsync(string deniedFilter, string extraConfiguration = "")
    {
        string directory = Directory.CreateTempSubdirectory("pahosharp-acl-").FullName;
        string aclFile = Path.Combine(directory, "acl");
        await File.WriteAllTextAsync(aclFile, $"topic deny {deniedFilter}\ntopic readwrite #\n");
        return await MosquittoBroker.StartAsync(extraConfiguration: $"acl_file {aclFile}\n{extraConfiguration}");
    }
}
