using NUnit.Framework;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using PahoSharp.Native;

namespace PahoSharp.Tests.Bindings;

/// <summary>Paths, process running, and the probe/managed layout readers shared by the binding tests.</summary>
internal static class BindingsTestSupport
{
    public static string RepoRoot => PahoSharp.Testing.RepoPaths.Root;

    public static string GeneratedDir => Path.Combine(RepoRoot, "bindings", "PahoSharp.Native", "Generated");

    public static string ProbeSource => Path.Combine(RepoRoot, "native", "probes", "layout_probe.c");

    public static string ProbeExecutable => Path.Combine(RepoRoot, "artifacts", "cmake", "bin", "layout_probe");

    public static Assembly NativeAssembly => typeof(MQTTClientApi).Assembly;

    public static (int ExitCode, string Stdout, string Stderr) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 120 s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static ProbeOutput? probe;

    /// <summary>The parsed output of artifacts/cmake/bin/layout_probe (built by CMake).</summary>
    public static ProbeOutput Probe()
    {
        if (probe is not null)
        {
            return probe;
        }
        Assert.That(File.Exists(ProbeExecutable), Is.True,
            $"{ProbeExecutable} is missing: build it with cmake -S . -B artifacts/cmake && cmake --build artifacts/cmake");
        var (exit, stdout, stderr) = Run(ProbeExecutable);
        Assert.That(exit, Is.Zero, $"layout_probe failed: {stderr}");
        probe = ProbeOutput.Parse(stdout);
        return probe;
    }

    /// <summary>The top-level generated structs of PahoSharp.Native.</summary>
    public static IReadOnlyList<Type> GeneratedStructs() => NativeAssembly.GetTypes()
        .Where(t => t.IsValueType && !t.IsEnum && !t.IsNested && t.Namespace == "PahoSharp.Native" && t.IsPublic)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    // ---- Managed layout, measured on the real managed type (IL ldflda / sizeof), not the marshaller's view.

    public static long OffsetOf(Type type, FieldInfo field)
    {
        var dm = new DynamicMethod("offset_" + field.Name, typeof(long), Type.EmptyTypes, typeof(BindingsTestSupport).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        il.DeclareLocal(type);
        il.Emit(OpCodes.Ldloca_S, (byte)0);
        il.Emit(OpCodes.Ldflda, field);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Ldloca_S, (byte)0);
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Conv_I8);
        il.Emit(OpCodes.Ret);
        return (long)dm.Invoke(null, null)!;
    }

    public static long SizeOf(Type type)
    {
        if (type.IsPointer || type.IsFunctionPointer || type.IsUnmanagedFunctionPointer)
        {
            return IntPtr.Size;
        }
        var dm = new DynamicMethod("sizeof_" + type.Name, typeof(int), Type.EmptyTypes, typeof(BindingsTestSupport).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        il.Emit(OpCodes.Sizeof, type);
        il.Emit(OpCodes.Ret);
        return (int)dm.Invoke(null, null)!;
    }

    public static long AlignOf(Type type)
    {
        var helper = typeof(AlignHelper<>).MakeGenericType(type);
        return OffsetOf(helper, helper.GetField(nameof(AlignHelper<int>.Value))!);
    }

#pragma warning disable CS0649 // never assigned: only its layout is measured
    private struct AlignHelper<T>
        where T : unmanaged
    {
        public byte Pad;
        public T Value;
    }
#pragma warning restore CS0649

    private static bool IsFixedBuffer(FieldInfo f) => f.GetCustomAttribute<System.Runtime.CompilerServices.FixedBufferAttribute>() is not null;

    /// <summary>Every field of a struct as "path" → (offset, size), descending into nested (anonymous) struct types.</summary>
    public static SortedDictionary<string, (long Offset, long Size)> ManagedFields(Type type)
    {
        var result = new SortedDictionary<string, (long, long)>(StringComparer.Ordinal);
        AddManagedFields(type, "", 0, result);
        return result;
    }

    private static void AddManagedFields(Type type, string prefix, long baseOffset, SortedDictionary<string, (long, long)> result)
    {
        foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            long offset = baseOffset + OffsetOf(type, f);
            result[prefix + f.Name] = (offset, SizeOf(f.FieldType));
            if (!IsFixedBuffer(f) && f.FieldType.IsNested && f.FieldType.DeclaringType == type)
            {
                AddManagedFields(f.FieldType, prefix + f.Name + ".", offset, result);
            }
        }
    }

    public static string Hex(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes)
        {
            sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}

/// <summary>The probe's lines: struct NAME size N align N / field NAME.PATH offset N size N / init MACRO TYPE HEX.</summary>
internal sealed class ProbeOutput
{
    public sealed class StructInfo
    {
        public long Size { get; set; }
        public long Align { get; set; }
        public SortedDictionary<string, (long Offset, long Size)> Fields { get; } = new(StringComparer.Ordinal);
    }

    public SortedDictionary<string, StructInfo> Structs { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, (string Type, string Hex)> Initializers { get; } = new(StringComparer.Ordinal);

    public static ProbeOutput Parse(string text)
    {
        var result = new ProbeOutput();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] p = line.Split(' ');
            switch (p[0])
            {
                case "struct" when p.Length == 6:
                    result.Structs[p[1]] = new StructInfo { Size = long.Parse(p[3], CultureInfo.InvariantCulture), Align = long.Parse(p[5], CultureInfo.InvariantCulture) };
                    break;
                case "field" when p.Length == 6:
                    int dot = p[1].IndexOf('.', StringComparison.Ordinal);
                    result.Structs[p[1][..dot]].Fields[p[1][(dot + 1)..]] = (long.Parse(p[3], CultureInfo.InvariantCulture), long.Parse(p[5], CultureInfo.InvariantCulture));
                    break;
                case "init" when p.Length == 4:
                    result.Initializers[p[1]] = (p[2], p[3]);
                    break;
                default:
                    throw new FormatException($"unexpected layout_probe line: {line}");
            }
        }
        return result;
    }
}
