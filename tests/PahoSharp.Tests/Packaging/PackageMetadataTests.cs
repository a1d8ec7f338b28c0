using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;
using NUnit.Framework;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Packaging;

/// <summary>
/// What a user, or nuget.org, reads from the packages that build/pack.sh makes: metadata, licences,
/// the dependency floors, the native libraries and notices, and symbol packages whose PDBs carry the
/// sources but no path of the machine that packed them.
/// </summary>
public sealed class PackageMetadataTests
{
    private const string Floor = "8.0.0";

    // The hosting package's: its configuration binding source generator needs Configuration.Binder 9.0
    // or later, and the Microsoft.Extensions graph moves together.
    private const string HostingFloor = "10.0.0";

    // Every dependency's lowest version: what an application that uses the package is held to at least.
    private static readonly Dictionary<string, Dictionary<string, string>> ExternalDependencies = new()
    {
        ["PahoSharp.Native"] = new(),
        ["PahoSharp"] = new() { ["Microsoft.Extensions.Logging.Abstractions"] = Floor },
        ["PahoSharp.Persistence.Sqlite"] = new() { ["Microsoft.Data.Sqlite"] = "8.0.30" },
        ["PahoSharp.Extensions.Hosting"] = new()
        {
            ["Microsoft.Extensions.Configuration.Abstractions"] = HostingFloor,
            ["Microsoft.Extensions.Configuration.Binder"] = HostingFloor,
            ["Microsoft.Extensions.DependencyInjection.Abstractions"] = HostingFloor,
            ["Microsoft.Extensions.Diagnostics.HealthChecks"] = HostingFloor,
            ["Microsoft.Extensions.Diagnostics.HealthChecks.Abstractions"] = HostingFloor,
            ["Microsoft.Extensions.Hosting.Abstractions"] = HostingFloor,
            ["Microsoft.Extensions.Logging.Abstractions"] = HostingFloor,
            ["Microsoft.Extensions.Options"] = HostingFloor,
            ["Microsoft.Extensions.Options.ConfigurationExtensions"] = HostingFloor,
        },
    };

    private static readonly Dictionary<string, string[]> PahoSharpDependencies = new()
    {
        ["PahoSharp.Native"] = [],
        ["PahoSharp"] = ["PahoSharp.Native"],
        ["PahoSharp.Persistence.Sqlite"] = ["PahoSharp"],
        ["PahoSharp.Extensions.Hosting"] = ["PahoSharp"],
    };

    // The Portable PDB's custom debug information that holds a document's source.
    private static readonly Guid EmbeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    private static IEnumerable<string> Ids => LocalFeed.PackageIds;

    [Test]
    public async Task ThePackagesHaveOneDevelopmentVersionThatChangesEachPack()
    {
        LocalFeed local = await LocalFeed.GetAsync();
        await TestContext.Out.WriteLineAsync(local.PackOutput);

        Assert.That(local.Version, Does.Match(@"^\d+\.\d+\.\d+-dev\.\d{14}$"));
        Assert.That(Directory.GetFiles(local.Directory, "*.nupkg").Select(Path.GetFileName), Is.EquivalentTo(Ids.Select(id => $"{id}.{local.Version}.nupkg")));
    }

    [TestCaseSource(nameof(Ids))]
    public async Task TheNuspecHasReadmeDescriptionTagsLicenceAndRepository(string id)
    {
        LocalFeed local = await LocalFeed.GetAsync();
        XElement metadata = Metadata(local.Nuspec(id));
        await TestContext.Out.WriteLineAsync(metadata.ToString());
        using ZipArchive package = ZipFile.OpenRead(local.PackagePath(id));
        string? remote = await GitAsync("remote", "get-url", "origin");
        string? head = await GitAsync("rev-parse", "HEAD");

        Assert.Multiple(() =>
        {
            Assert.That(Value(metadata, "version"), Is.EqualTo(local.Version));
            Assert.That(Value(metadata, "readme"), Is.EqualTo("README.md"));
            Assert.That(Read(package, "README.md"), Does.StartWith($"# {id}\n"));
            Assert.That(Value(metadata, "description"), Has.Length.GreaterThan(60));
            Assert.That(Value(metadata, "tags")?.Split(' '), Does.Contain("mqtt").And.Contain("paho"));
            Assert.That(metadata.Element(metadata.Name.Namespace + "license")?.Attribute("type")?.Value, Is.EqualTo("expression"));
            Assert.That(Value(metadata, "license"), Is.EqualTo("EPL-2.0 OR BSD-3-Clause"));
            Assert.That(Read(package, "LICENSE"), Does.Contain("BSD 3-Clause License").And.Contain("Eclipse Public License - v 2.0"));
            XElement? repository = metadata.Element(metadata.Name.Namespace + "repository");
            Assert.That(repository?.Attribute("type")?.Value, Is.EqualTo("git"));
            Assert.That(repository?.Attribute("commit")?.Value, Is.EqualTo(head));
            // The remote's URL when it is one on a host; none for a local path or no remote (no build machine's path).
            string? url = repository?.Attribute("url")?.Value;
            if (remote is null || !remote.Contains("://", StringComparison.Ordinal) || remote.StartsWith("file:", StringComparison.Ordinal))
                Assert.That(url, Is.Null, $"git remote origin: {remote ?? "none"}");
            else
                Assert.That(url, Does.StartWith("https://"), $"git remote origin: {remote}");
        });
    }

    [TestCaseSource(nameof(Ids))]
    public async Task TheDependenciesAreTheFloorsAndThisVersionOfPahoSharp(string id)
    {
        LocalFeed local = await LocalFeed.GetAsync();
        XElement metadata = Metadata(local.Nuspec(id));
        XNamespace ns = metadata.Name.Namespace;

        XElement[] groups = [.. metadata.Element(ns + "dependencies")!.Elements(ns + "group")];
        Assert.That(groups.Select(g => g.Attribute("targetFramework")?.Value), Is.EqualTo(new[] { "net10.0" }));
        Dictionary<string, string> dependencies = groups[0].Elements(ns + "dependency")
            .ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);

        Dictionary<string, string> expected = ExternalDependencies[id]
            .Concat(PahoSharpDependencies[id].Select(p => KeyValuePair.Create(p, local.Version)))
            .ToDictionary();
        Assert.That(dependencies, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task TheNativePackageCarriesPahoForEachRuntimeAndItsNotices()
    {
        LocalFeed local = await LocalFeed.GetAsync();
        using ZipArchive package = ZipFile.OpenRead(local.PackagePath("PahoSharp.Native"));
        string[] staged = [.. Directory.GetDirectories(Path.Combine(RepoPaths.Root, "artifacts", "paho", "runtimes")).Select(directory => Path.GetFileName(directory))];
        string[] libraries = ["libpaho-mqtt3c.so.1", "libpaho-mqtt3cs.so.1", "libpaho-mqtt3a.so.1", "libpaho-mqtt3as.so.1"];

        Assert.That(staged, Does.Contain("linux-x64"));
        Assert.That(staged, Does.Contain("linux-arm64"), "build/setup.sh cross-builds linux-arm64");
        Assert.That(
            package.Entries.Select(e => e.FullName).Where(name => name.StartsWith("runtimes/", StringComparison.Ordinal)),
            Is.EquivalentTo(staged.SelectMany(rid => libraries.Select(library => $"runtimes/{rid}/native/{library}"))
                .Concat(staged.Select(rid => $"runtimes/{rid}/static/libpaho-mqtt3as.a"))));
        Assert.That(package.Entries.Select(e => e.FullName), Does.Contain("buildTransitive/PahoSharp.Native.targets"));
        string notices = Read(package, "THIRD-PARTY-NOTICES.txt");
        Assert.That(notices, Does.Contain("Eclipse Paho MQTT C Client (paho.mqtt.c) 1.3.15")
            .And.Contain("SPDX-License-Identifier: EPL-2.0 OR BSD-3-Clause")
            .And.Contain("Eclipse Public License - v 2.0")
            .And.Contain("Eclipse Distribution License - v 1.0")
            .And.Contain("OpenSSL 3 (not included)")
            .And.Contain("Apache License 2.0"));
    }

    [TestCaseSource(nameof(Ids))]
    public async Task TheSymbolsCarryTheSourcesAndNoPathOfThisMachine(string id)
    {
        LocalFeed local = await LocalFeed.GetAsync();
        string root = RepoPaths.Root.TrimEnd('/');
        byte[] rootBytes = Encoding.UTF8.GetBytes(root);

        byte[] pdb;
        using (ZipArchive symbols = ZipFile.OpenRead(local.PackagePath(id, symbols: true)))
            pdb = ReadBytes(symbols, $"lib/net10.0/{id}.pdb");
        byte[] dll;
        using (ZipArchive package = ZipFile.OpenRead(local.PackagePath(id)))
            dll = ReadBytes(package, $"lib/net10.0/{id}.dll");

        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbImage([.. pdb]);
        MetadataReader reader = provider.GetMetadataReader();
        var documents = reader.Documents.Select(handle => (Handle: handle, Name: reader.GetString(reader.GetDocument(handle).Name))).ToList();
        var embedded = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == EmbeddedSource)
            .Select(info => (DocumentHandle)info.Parent)
            .ToHashSet();
        using var pe = new PEReader(new MemoryStream(dll));
        string[] pdbPaths = [.. pe.ReadDebugDirectory()
            .Where(entry => entry.Type == DebugDirectoryEntryType.CodeView)
            .Select(entry => pe.ReadCodeViewDebugDirectoryData(entry).Path)];
        await TestContext.Out.WriteLineAsync($"{id}: {documents.Count} documents, e.g. {string.Join(", ", documents.Take(3).Select(d => d.Name))}; PDB path in the DLL: {string.Join(", ", pdbPaths)}");

        Assert.Multiple(() =>
        {
            Assert.That(documents, Is.Not.Empty);
            Assert.That(documents.Select(d => d.Name), Has.All.StartWith("/_/"));
            Assert.That(documents.Where(d => !embedded.Contains(d.Handle)).Select(d => d.Name), Is.Empty, "documents without their source embedded");
            Assert.That(pdbPaths, Has.Length.EqualTo(1).And.All.StartWith("/_/"));
            Assert.That(IndexOf(pdb, rootBytes), Is.EqualTo(-1), $"{root} in the PDB");
            Assert.That(IndexOf(dll, rootBytes), Is.EqualTo(-1), $"{root} in the DLL");
        });
    }

    private static XElement Metadata(XDocument nuspec) => nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");

    private static string? Value(XElement metadata, string name) => metadata.Element(metadata.Name.Namespace + name)?.Value;

    private static string Read(ZipArchive package, string entry) => Encoding.UTF8.GetString(ReadBytes(package, entry)).ReplaceLineEndings("\n");

    private static byte[] ReadBytes(ZipArchive package, string entry)
    {
        ZipArchiveEntry found = package.GetEntry(entry) ?? throw new FileNotFoundException($"{entry} is not in the package", entry);
        using Stream stream = found.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static async Task<string?> GitAsync(params string[] arguments)
    {
        ProcessResult git = await ProcessRunner.RunAsync("git", arguments, TimeSpan.FromSeconds(30), RepoPaths.Root);
        return git.ExitCode == 0 ? git.StandardOutput.Trim() : null;
    }
}
