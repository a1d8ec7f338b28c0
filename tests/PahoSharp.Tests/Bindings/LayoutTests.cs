using NUnit.Framework;
using System.Text;

namespace PahoSharp.Tests.Bindings;

/// <summary>
/// Every generated struct has the C compiler's layout: size, alignment, and each field's offset and size
/// (nested anonymous struct/union fields included), as printed by native/probes/layout_probe.
/// </summary>
[TestFixture]
public sealed class LayoutTests
{
    [Test]
    public void ProbeAndBindingsCoverTheSameStructs()
    {
        var probe = BindingsTestSupport.Probe();
        var managed = BindingsTestSupport.GeneratedStructs().Select(t => t.Name).ToList();
        Assert.That(probe.Structs.Keys, Is.Not.Empty, "layout_probe printed no structs");
        Assert.That(managed, Is.EquivalentTo(probe.Structs.Keys),
            "the generated structs and the probe's differ: regenerate with build/generate-bindings.sh and rebuild the probe with CMake");
    }

    [Test]
    public void EveryStructMatchesTheNativeLayout()
    {
        var probe = BindingsTestSupport.Probe();
        var diff = new StringBuilder();
        int structs = 0, fields = 0;
        foreach (var type in BindingsTestSupport.GeneratedStructs())
        {
            if (!probe.Structs.TryGetValue(type.Name, out var native))
            {
                diff.AppendLine($"{type.Name}: not in the probe's output");
                continue;
            }
            structs++;
            long size = BindingsTestSupport.SizeOf(type), align = BindingsTestSupport.AlignOf(type);
            if (size != native.Size)
            {
                diff.AppendLine($"{type.Name}: size managed {size} native {native.Size}");
            }
            if (align != native.Align)
            {
                diff.AppendLine($"{type.Name}: align managed {align} native {native.Align}");
            }
            var managedFields = BindingsTestSupport.ManagedFields(type);
            foreach (var (path, (offset, fsize)) in native.Fields)
            {
                fields++;
                if (!managedFields.TryGetValue(path, out var m))
                {
                    diff.AppendLine($"{type.Name}.{path}: missing in the managed struct");
                }
                else if (m.Offset != offset || m.Size != fsize)
                {
                    diff.AppendLine($"{type.Name}.{path}: managed offset {m.Offset} size {m.Size}, native offset {offset} size {fsize}");
                }
            }
            foreach (string path in managedFields.Keys.Where(p => !native.Fields.ContainsKey(p)))
            {
                diff.AppendLine($"{type.Name}.{path}: managed field the probe does not know");
            }
        }
        TestContext.Out.WriteLine($"compared {structs} structs, {fields} fields");
        Assert.That(diff.ToString(), Is.Empty, "managed layout differs from the C compiler's:\n" + diff);
        Assert.That(fields, Is.GreaterThan(100), "suspiciously few fields compared");
    }

    [Test]
    public void MeasuringDetectsAWrongLayout()
    {
        // The measuring helpers must see a difference that Sequential vs C layout would produce.
        Assert.That(BindingsTestSupport.SizeOf(typeof(Misaligned)), Is.EqualTo(16));
        Assert.That(BindingsTestSupport.AlignOf(typeof(Misaligned)), Is.EqualTo(8));
        var fields = BindingsTestSupport.ManagedFields(typeof(Misaligned));
        Assert.That(fields["P"], Is.EqualTo((8L, 8L)));
    }

#pragma warning disable CS0649 // only its layout is measured
    private unsafe struct Misaligned
    {
        public int I;
        public void* P;
    }
#pragma warning restore CS0649
}
