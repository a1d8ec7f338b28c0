namespace PahoSharp.Generator;

internal enum FieldKind
{
    Scalar,
    Pointer,
    FixedArray,
    Record,
}

internal sealed class FieldModel
{
    public required string Name { get; init; }
    public required string CType { get; init; }
    public required string CsType { get; init; }
    public required FieldKind Kind { get; init; }
    public required long Offset { get; init; }
    public long ArrayLength { get; init; }
    /// <summary>For <see cref="FieldKind.Record"/>: the field's record (a nested anonymous one or a named one).</summary>
    public RecordModel? Record { get; init; }
    public bool IsFunctionPointer { get; init; }
    public string? Doc { get; init; }
}

internal sealed class RecordModel
{
    public required string Name { get; init; }
    public required string CName { get; init; }
    public required bool IsUnion { get; init; }
    public required bool IsNested { get; init; }
    public required long Size { get; init; }
    public required long Align { get; init; }
    public required string Header { get; init; }
    public bool Explicit { get; set; }
    public List<FieldModel> Fields { get; } = [];
    public string? Doc { get; set; }
}

internal sealed record EnumMember(string Name, long Value, string? Doc);

internal sealed class EnumModel
{
    public required string Name { get; init; }
    public required string CsUnderlying { get; init; }
    public required string Header { get; init; }
    public List<EnumMember> Members { get; } = [];
    public string? Doc { get; set; }
}

internal sealed record ParamModel(string Name, string CsType, string CType);

internal sealed class FunctionModel
{
    public required string Name { get; init; }
    public required string CsReturn { get; init; }
    public required string CReturn { get; init; }
    public required string Header { get; init; }
    public List<ParamModel> Params { get; } = [];
    public string? Doc { get; init; }
}

internal sealed record ConstantModel(string Name, long Value, string Header, string? Doc);

/// <summary>One scalar or pointer inside an initializer: its C path (for the probe), and its value.</summary>
internal sealed record InitLeaf(string Path, string CsType, bool IsPointer, long Value);

internal sealed class InitializerModel
{
    public required string Name { get; init; }
    public required string CTypeName { get; init; }
    public required RecordModel Record { get; init; }
    public required string Header { get; init; }
    public string? Doc { get; init; }
    public List<InitLeaf> Leaves { get; } = [];
}

internal sealed class HeaderModel
{
    public List<RecordModel> Records { get; } = [];
    public List<EnumModel> Enums { get; } = [];
    public List<FunctionModel> Functions { get; } = [];
    public List<ConstantModel> Constants { get; } = [];
    public List<InitializerModel> Initializers { get; } = [];
    public List<string> Notes { get; } = [];
}
