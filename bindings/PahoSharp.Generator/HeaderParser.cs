using System.Text;
using System.Text.RegularExpressions;

namespace PahoSharp.Generator;

/// <summary>Reads paho.mqtt.c's public headers through libclang into a <see cref="HeaderModel"/>.</summary>
internal sealed partial class HeaderParser : IDisposable
{
    /// <summary>The headers the bindings cover; they pull in the rest of paho's public headers.</summary>
    public static readonly string[] RootHeaders = ["MQTTClient.h", "MQTTAsync.h"];

    /// <summary>Opaque handle typedefs (void*) that the bindings pass as <c>nint</c>.</summary>
    private static readonly HashSet<string> HandleTypedefs = ["MQTTClient", "MQTTAsync"];

    private const string VirtualDir = "/pahosharp-virtual";
    private const string MainFile = VirtualDir + "/paho_all.c";
    private const string StubDir = VirtualDir + "/libc";

    // paho's headers only need a few libc names; stubbing the C library keeps libclang independent of
    // the machine's C library and compiler resource headers (which the NuGet libclang does not ship).
    private static readonly Dictionary<string, string> Stubs = new()
    {
        ["stddef.h"] = "#pragma once\ntypedef __SIZE_TYPE__ size_t;\n#define NULL ((void*)0)\n",
        ["stdio.h"] = "#pragma once\n#include <stddef.h>\ntypedef struct _IO_FILE FILE;\n",
        ["stdlib.h"] = "#pragma once\n#include <stddef.h>\n",
        ["string.h"] = "#pragma once\n#include <stddef.h>\n",
        ["stdint.h"] = "#pragma once\ntypedef __INT8_TYPE__ int8_t;\ntypedef __UINT8_TYPE__ uint8_t;\ntypedef __INT16_TYPE__ int16_t;\n"
            + "typedef __UINT16_TYPE__ uint16_t;\ntypedef __INT32_TYPE__ int32_t;\ntypedef __UINT32_TYPE__ uint32_t;\n"
            // long long, not the LP64 libc's long: the same 64 bits, and the bindings then say long, not nint.
            + "typedef long long int64_t;\ntypedef unsigned long long uint64_t;\n",
    };

    private readonly string includeDirectory;
    private readonly nint index;
    private readonly Dictionary<string, string> tagNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecordModel> recordsByUsr = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> typedefDocs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> fileCache = new(StringComparer.Ordinal);

    public HeaderParser(string includeDir)
    {
        includeDirectory = Path.GetFullPath(includeDir).TrimEnd('/');
        index = Clang.clang_createIndex(0, 0);
    }

    public void Dispose() => Clang.clang_disposeIndex(index);

    private string Prelude => string.Concat(RootHeaders.Select(h => $"#include \"{h}\"\n"));

    private nint ParseSource(string body, bool tolerateErrors, bool preprocessingRecord)
    {
        var unsaved = new Dictionary<string, string>(StringComparer.Ordinal) { [MainFile] = Prelude + body };
        foreach (var (name, text) in Stubs)
        {
            unsaved[$"{StubDir}/{name}"] = text;
        }
        string[] args =
        [
            "-x", "c", "-std=c23", "-nostdinc", "-isystem", StubDir, "-iquote", includeDirectory,
            "-target", "x86_64-pc-linux-gnu", "-Wno-everything",
        ];
        uint options = Clang.TranslationUnit_SkipFunctionBodies | (preprocessingRecord ? Clang.TranslationUnit_DetailedPreprocessingRecord : 0);
        return Clang.Parse(index, MainFile, unsaved, args, options, tolerateErrors);
    }

    private bool IsPahoFile(string file) => file.StartsWith(includeDirectory + "/", StringComparison.Ordinal);

    private string HeaderOf(CXCursor c)
    {
        var (file, _) = Clang.Location(c);
        return IsPahoFile(file) ? Path.GetFileName(file) : "";
    }

    public HeaderModel Parse()
    {
        foreach (string h in RootHeaders)
        {
            if (!File.Exists(Path.Combine(includeDirectory, h)))
            {
                throw new FileNotFoundException($"{h} not found in include dir {includeDirectory} (install libpaho-mqtt-dev or configure CMake)");
            }
        }
        var model = new HeaderModel();
        nint tu = ParseSource("", tolerateErrors: false, preprocessingRecord: true);
        var macros = new List<(string Name, string Body, string Header, string? Doc)>();
        try
        {
            var top = Clang.Children(Clang.clang_getTranslationUnitCursor(tu));
            // Pass 1: names of tags from typedefs (paho writes typedef struct { ... } Name;).
            foreach (var c in top)
            {
                if (c.Kind == CXCursorKind.TypedefDecl && HeaderOf(c) != "")
                {
                    CXType under = Desugar(Clang.clang_getTypedefDeclUnderlyingType(c));
                    if (under.Kind is CXTypeKind.Record or CXTypeKind.Enum)
                    {
                        string usr = Clang.Usr(Clang.clang_getTypeDeclaration(under));
                        string name = Clang.Spelling(c);
                        tagNames.TryAdd(usr, name);
                        typedefDocs.TryAdd(usr, Brief(c));
                    }
                }
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in top)
            {
                string header = HeaderOf(c);
                if (header == "")
                {
                    continue;
                }
                switch (c.Kind)
                {
                    case CXCursorKind.StructDecl or CXCursorKind.UnionDecl when Clang.clang_isCursorDefinition(c) != 0:
                        if (seen.Add("R:" + Clang.Usr(c)))
                        {
                            model.Records.Add(BuildRecord(c, TagName(c), header, nested: false));
                        }
                        break;
                    case CXCursorKind.EnumDecl when Clang.clang_isCursorDefinition(c) != 0:
                        if (seen.Add("E:" + Clang.Usr(c)))
                        {
                            model.Enums.Add(BuildEnum(c, header));
                        }
                        break;
                    case CXCursorKind.FunctionDecl:
                        if (seen.Add("F:" + Clang.Spelling(c)))
                        {
                            model.Functions.Add(BuildFunction(c, header));
                        }
                        break;
                    case CXCursorKind.MacroDefinition when Clang.clang_Cursor_isMacroFunctionLike(c) == 0:
                        macros.Add((Clang.Spelling(c), MacroBody(c), header, MacroDoc(c)));
                        break;
                }
            }
        }
        finally
        {
            Clang.clang_disposeTranslationUnit(tu);
        }
        EvaluateMacros(model, macros);
        return model;
    }

    private string TagName(CXCursor decl)
    {
        if (tagNames.TryGetValue(Clang.Usr(decl), out string? name))
        {
            return name;
        }
        if (Clang.clang_Cursor_isAnonymous(decl) != 0)
        {
            throw new InvalidOperationException($"anonymous top-level type at {Clang.Location(decl)} has no typedef name");
        }
        return Clang.Spelling(decl);
    }

    private static string? Brief(CXCursor c)
    {
        string s = Clang.Str(Clang.clang_Cursor_getBriefCommentText(c));
        s = WhiteSpace().Replace(s, " ").Trim();
        return s.Length == 0 ? null : s;
    }

    [GeneratedRegex(@"\((?:unnamed|anonymous) (?:struct |union |enum )?at [^)]*\)")]
    private static partial Regex UnnamedAt();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    /// <summary>Steps through typedef/elaborated/attributed sugar down to the type's structure.</summary>
    private static CXType Desugar(CXType t)
    {
        for (int i = 0; i < 64; i++)
        {
            switch (t.Kind)
            {
                case CXTypeKind.Typedef:
                    t = Clang.clang_getTypedefDeclUnderlyingType(Clang.clang_getTypeDeclaration(t));
                    break;
                case CXTypeKind.Elaborated:
                    t = Clang.clang_Type_getNamedType(t);
                    break;
                case CXTypeKind.Unexposed or CXTypeKind.Attributed:
                    t = Clang.clang_getCanonicalType(t);
                    if (t.Kind is CXTypeKind.Unexposed)
                    {
                        return t;
                    }
                    break;
                default:
                    return t;
            }
        }
        throw new InvalidOperationException("type sugar too deep");
    }

    /// <summary>The C# spelling of a C type in a signature or field (blittable only).</summary>
    private string MapType(CXType t)
    {
        while (true)
        {
            switch (t.Kind)
            {
                case CXTypeKind.Typedef:
                    string name = Clang.Str(Clang.clang_getTypedefName(t));
                    if (HandleTypedefs.Contains(name))
                    {
                        return "nint";
                    }
                    t = Clang.clang_getTypedefDeclUnderlyingType(Clang.clang_getTypeDeclaration(t));
                    continue;
                case CXTypeKind.Elaborated:
                    t = Clang.clang_Type_getNamedType(t);
                    continue;
                case CXTypeKind.Unexposed or CXTypeKind.Attributed:
                    CXType canon = Clang.clang_getCanonicalType(t);
                    if (canon.Kind is CXTypeKind.Unexposed)
                    {
                        throw new InvalidOperationException($"unsupported C type {Clang.TypeSpelling(t)}");
                    }
                    t = canon;
                    continue;
                case CXTypeKind.Pointer:
                    CXType pointee = Clang.clang_getPointeeType(t);
                    CXType fn = Desugar(pointee);
                    if (fn.Kind is CXTypeKind.FunctionProto or CXTypeKind.FunctionNoProto)
                    {
                        return MapFunctionPointer(fn);
                    }
                    return MapType(pointee) + "*";
                case CXTypeKind.ConstantArray or CXTypeKind.IncompleteArray:
                    // Only reached for parameters, where arrays decay to pointers.
                    return MapType(Clang.clang_getArrayElementType(t)) + "*";
                case CXTypeKind.Record or CXTypeKind.Enum:
                    CXCursor decl = Clang.clang_getTypeDeclaration(t);
                    return TagName(decl);
                default:
                    return MapBuiltin(t);
            }
        }
    }

    private string MapFunctionPointer(CXType fn)
    {
        if (fn.Kind != CXTypeKind.FunctionProto || Clang.clang_isFunctionTypeVariadic(fn) != 0)
        {
            throw new InvalidOperationException($"unsupported function type {Clang.TypeSpelling(fn)}");
        }
        var parts = new List<string>();
        int n = Clang.clang_getNumArgTypes(fn);
        for (uint i = 0; i < n; i++)
        {
            parts.Add(MapType(Clang.clang_getArgType(fn, i)));
        }
        parts.Add(MapType(Clang.clang_getResultType(fn)));
        return $"delegate* unmanaged[Cdecl]<{string.Join(", ", parts)}>";
    }

    private static string MapBuiltin(CXType t) => t.Kind switch
    {
        CXTypeKind.Void => "void",
        CXTypeKind.Char_S or CXTypeKind.Char_U or CXTypeKind.UChar => "byte",
        CXTypeKind.SChar => "sbyte",
        CXTypeKind.Short => "short",
        CXTypeKind.UShort => "ushort",
        CXTypeKind.Int => "int",
        CXTypeKind.UInt => "uint",
        CXTypeKind.Long => "nint", // LP64: C long is pointer-sized on the platforms we ship (linux-x64)
        CXTypeKind.ULong => "nuint",
        CXTypeKind.LongLong => "long",
        CXTypeKind.ULongLong => "ulong",
        CXTypeKind.Float => "float",
        CXTypeKind.Double => "double",
        _ => throw new InvalidOperationException($"unsupported C type {Clang.TypeSpelling(t)} (kind {t.Kind})"),
    };

    private RecordModel BuildRecord(CXCursor decl, string name, string header, bool nested)
    {
        CXType type = Clang.clang_getCursorType(decl);
        var record = new RecordModel
        {
            Name = name,
            CName = name,
            IsUnion = decl.Kind == CXCursorKind.UnionDecl,
            IsNested = nested,
            Size = Clang.clang_Type_getSizeOf(type),
            Align = Clang.clang_Type_getAlignOf(type),
            Header = header,
            Doc = Brief(decl),
        };
        if (record.Size <= 0 || record.Align <= 0)
        {
            throw new InvalidOperationException($"record {name} has no complete layout");
        }
        if (record.Doc is null && typedefDocs.TryGetValue(Clang.Usr(decl), out string? tdoc))
        {
            record.Doc = tdoc;
        }
        record.Explicit = record.IsUnion;
        AddFields(record, decl, type);
        if (!nested)
        {
            recordsByUsr[Clang.Usr(decl)] = record;
        }
        return record;
    }

    /// <summary>Adds a record's fields; members of C11 anonymous structs/unions are flattened into it.</summary>
    private void AddFields(RecordModel record, CXCursor decl, CXType outerType)
    {
        foreach (var c in Clang.Children(decl))
        {
            if (c.Kind is CXCursorKind.StructDecl or CXCursorKind.UnionDecl && Clang.clang_Cursor_isAnonymousRecordDecl(c) != 0)
            {
                record.Explicit = true;
                AddFields(record, c, outerType);
                continue;
            }
            if (c.Kind != CXCursorKind.FieldDecl)
            {
                continue;
            }
            if (Clang.clang_Cursor_isBitField(c) != 0)
            {
                throw new InvalidOperationException($"bit-field {record.Name}.{Clang.Spelling(c)} is not supported");
            }
            string fname = Clang.Spelling(c);
            CXType ft = Clang.clang_getCursorType(c);
            long offsetBits = Clang.OffsetOfBits(outerType, fname);
            if (offsetBits < 0 || offsetBits % 8 != 0)
            {
                throw new InvalidOperationException($"no byte offset for {record.Name}.{fname}");
            }
            CXType canon = Clang.clang_getCanonicalType(ft);
            CXType plain = Desugar(ft);
            // Anonymous types spell as "struct (unnamed at /path/file.h:L:C)": keep machine paths out of the output.
            string ctype = UnnamedAt().Replace(Clang.TypeSpelling(ft), "{ ... }");
            string? doc = Brief(c);
            FieldModel field;
            if (canon.Kind == CXTypeKind.ConstantArray)
            {
                CXType elem = Clang.clang_getCanonicalType(Clang.clang_getArrayElementType(canon));
                field = new FieldModel
                {
                    Name = fname, CType = ctype, CsType = MapBuiltin(elem), Kind = FieldKind.FixedArray,
                    Offset = offsetBits / 8, ArrayLength = Clang.clang_getArraySize(canon), Doc = doc,
                };
            }
            else if (plain.Kind == CXTypeKind.Record)
            {
                CXCursor rdecl = Clang.clang_getTypeDeclaration(plain);
                RecordModel fieldRecord;
                string csType;
                if (Clang.clang_Cursor_isAnonymous(rdecl) != 0 && !tagNames.ContainsKey(Clang.Usr(rdecl)))
                {
                    fieldRecord = BuildRecord(rdecl, fname + "_t", record.Header, nested: true);
                    fieldRecord.Doc ??= doc;
                    csType = fieldRecord.Name;
                }
                else
                {
                    string usr = Clang.Usr(rdecl);
                    fieldRecord = recordsByUsr.TryGetValue(usr, out var r)
                        ? r
                        : throw new InvalidOperationException($"{record.Name}.{fname}: record {TagName(rdecl)} not defined before use");
                    csType = fieldRecord.Name;
                }
                field = new FieldModel
                {
                    Name = fname, CType = ctype, CsType = csType, Kind = FieldKind.Record,
                    Offset = offsetBits / 8, Record = fieldRecord, Doc = doc,
                };
            }
            else
            {
                bool isPointer = canon.Kind == CXTypeKind.Pointer;
                string cs = MapType(ft);
                field = new FieldModel
                {
                    Name = fname, CType = ctype, CsType = cs, Kind = isPointer ? FieldKind.Pointer : FieldKind.Scalar,
                    Offset = offsetBits / 8, Doc = doc, IsFunctionPointer = cs.StartsWith("delegate*", StringComparison.Ordinal),
                };
            }
            record.Fields.Add(field);
        }
        if (record.Fields.Count == 0)
        {
            throw new InvalidOperationException($"record {record.Name} has no fields");
        }
    }

    private EnumModel BuildEnum(CXCursor decl, string header)
    {
        CXType intType = Clang.clang_getCanonicalType(Clang.clang_getEnumDeclIntegerType(decl));
        var e = new EnumModel { Name = TagName(decl), CsUnderlying = MapBuiltin(intType), Header = header, Doc = Brief(decl) };
        if (e.Doc is null && typedefDocs.TryGetValue(Clang.Usr(decl), out string? tdoc))
        {
            e.Doc = tdoc;
        }
        foreach (var c in Clang.Children(decl))
        {
            if (c.Kind == CXCursorKind.EnumConstantDecl)
            {
                e.Members.Add(new EnumMember(Clang.Spelling(c), Clang.clang_getEnumConstantDeclValue(c), Brief(c)));
            }
        }
        return e;
    }

    private FunctionModel BuildFunction(CXCursor decl, string header)
    {
        string name = Clang.Spelling(decl);
        if (Clang.clang_Cursor_isVariadic(decl) != 0)
        {
            throw new InvalidOperationException($"variadic function {name} is not supported");
        }
        CXType ret = Clang.clang_getCursorResultType(decl);
        var f = new FunctionModel { Name = name, CsReturn = MapType(ret), CReturn = Clang.TypeSpelling(ret), Header = header, Doc = Brief(decl) };
        int n = Clang.clang_Cursor_getNumArguments(decl);
        for (uint i = 0; i < n; i++)
        {
            CXCursor p = Clang.clang_Cursor_getArgument(decl, i);
            string pname = Clang.Spelling(p);
            CXType pt = Clang.clang_getCursorType(p);
            f.Params.Add(new ParamModel(pname.Length == 0 ? $"arg{i}" : pname, MapType(pt), Clang.TypeSpelling(pt)));
        }
        return f;
    }

    private string MacroBody(CXCursor c)
    {
        CXSourceRange r = Clang.clang_getCursorExtent(c);
        var (file, start) = Clang.Location(Clang.clang_getRangeStart(r));
        var (_, end) = Clang.Location(Clang.clang_getRangeEnd(r));
        byte[] bytes = FileBytes(file);
        // The extent runs from the macro's name to the start of its last token.
        int stop = (int)end;
        while (stop < bytes.Length && bytes[stop] != '\n')
        {
            stop++;
        }
        string text = Encoding.UTF8.GetString(bytes, (int)start, stop - (int)start);
        string name = Clang.Spelling(c);
        text = text.Substring(name.Length).Replace("\\\r\n", " ").Replace("\\\n", " ");
        return text.Trim();
    }

    /// <summary>
    /// The /** ... */ comment right above a #define (libclang attaches no comments to macros), as one
    /// line of text without the comment markers; null if there is none.
    /// </summary>
    private string? MacroDoc(CXCursor c)
    {
        var (file, start) = Clang.Location(c);
        byte[] bytes = FileBytes(file);
        int i = (int)start;
        while (i > 0 && bytes[i - 1] != '\n')
        {
            i--; // back to the start of the #define line
        }
        string before = Encoding.UTF8.GetString(bytes, 0, i).TrimEnd();
        if (!before.EndsWith("*/", StringComparison.Ordinal))
        {
            return null;
        }
        int open = before.LastIndexOf("/*", StringComparison.Ordinal);
        if (open < 0 || !before.AsSpan(open).StartsWith("/**") || before.IndexOf("*/", open, StringComparison.Ordinal) != before.Length - 2)
        {
            return null;
        }
        string body = before[(open + 3)..^2];
        var lines = body.Split('\n').Select(l => l.Trim().TrimStart('*').Trim());
        string text = WhiteSpace().Replace(string.Join(" ", lines), " ").Trim();
        return text.Length == 0 ? null : text;
    }

    private byte[] FileBytes(string file)
    {
        if (!fileCache.TryGetValue(file, out byte[]? bytes))
        {
            bytes = File.ReadAllBytes(file);
            fileCache[file] = bytes;
        }
        return bytes;
    }

    // ---- Macro evaluation ----------------------------------------------------------------------

    private void EvaluateMacros(HeaderModel model, List<(string Name, string Body, string Header, string? Doc)> macros)
    {
        var body = new StringBuilder();
        var constantVars = new List<(string Var, string Name, string Header, string? Doc)>();
        var inits = new List<(string Var, string Name, string TypeName, string Header, string? Doc)>();
        int n = 0;
        foreach (var (name, text, header, doc) in macros)
        {
            if (text.Length == 0 || name == "LIBMQTT_API")
            {
                continue; // include guards and the export decoration: not values
            }
            int at = name.IndexOf("_initializer", StringComparison.Ordinal);
            if (at > 0)
            {
                string typeName = name[..at];
                string v = $"__pahosharp_i{n++}";
                body.Append($"constexpr {typeName} {v} = {name};\n");
                inits.Add((v, name, typeName, header, doc));
            }
            else
            {
                string v = $"__pahosharp_c{n++}";
                body.Append($"constexpr long long {v} = (long long)({name});\n");
                constantVars.Add((v, name, header, doc));
            }
        }

        // Pass 1: declare every initializer as a constexpr object; find each one's C type.
        var initRecords = new Dictionary<string, RecordModel>(StringComparer.Ordinal);
        nint tu = ParseSource(body.ToString(), tolerateErrors: true, preprocessingRecord: false);
        var values = new Dictionary<string, long?>(StringComparer.Ordinal);
        try
        {
            foreach (var c in Clang.Children(Clang.clang_getTranslationUnitCursor(tu)))
            {
                if (c.Kind != CXCursorKind.VarDecl)
                {
                    continue;
                }
                string v = Clang.Spelling(c);
                if (v.StartsWith("__pahosharp_c", StringComparison.Ordinal))
                {
                    values[v] = Clang.EvaluateInt(c);
                }
                else if (v.StartsWith("__pahosharp_i", StringComparison.Ordinal))
                {
                    CXType t = Desugar(Clang.clang_getCursorType(c));
                    if (t.Kind == CXTypeKind.Record
                        && recordsByUsr.TryGetValue(Clang.Usr(Clang.clang_getTypeDeclaration(t)), out var rec))
                    {
                        initRecords[v] = rec;
                    }
                }
            }
        }
        finally
        {
            Clang.clang_disposeTranslationUnit(tu);
        }

        foreach (var (v, name, header, doc) in constantVars)
        {
            if (values.GetValueOrDefault(v) is long value)
            {
                model.Constants.Add(new ConstantModel(name, value, header, doc));
            }
            else
            {
                model.Notes.Add($"macro {name} ({header}) is not an integer constant; skipped");
            }
        }

        // Pass 2: evaluate every leaf (scalar, array element, pointer) of every initializer.
        var leafExprs = new StringBuilder(body.ToString());
        var exprVars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (v, name, typeName, _, _) in inits)
        {
            if (!initRecords.TryGetValue(v, out var rec))
            {
                throw new InvalidOperationException($"initializer macro {name}: type {typeName} is not a known struct, or the macro is not a constant initializer");
            }
            foreach (var leaf in AllLeaves(rec, ""))
            {
                string ev = $"{v}_l{exprVars.Count}";
                string expr = leaf.IsPointer ? $"({v}.{leaf.Path}) == 0" : $"(long long)({v}.{leaf.Path})";
                leafExprs.Append($"constexpr long long {ev} = {expr};\n");
                exprVars[$"{v}|{leaf.Path}"] = ev;
            }
        }
        tu = ParseSource(leafExprs.ToString(), tolerateErrors: true, preprocessingRecord: false);
        var leafValues = new Dictionary<string, long?>(StringComparer.Ordinal);
        try
        {
            foreach (var c in Clang.Children(Clang.clang_getTranslationUnitCursor(tu)))
            {
                if (c.Kind == CXCursorKind.VarDecl)
                {
                    leafValues[Clang.Spelling(c)] = Clang.EvaluateInt(c);
                }
            }
        }
        finally
        {
            Clang.clang_disposeTranslationUnit(tu);
        }

        foreach (var (v, name, typeName, header, doc) in inits)
        {
            var rec = initRecords[v];
            var init = new InitializerModel { Name = name, CTypeName = typeName, Record = rec, Header = header, Doc = doc };
            long? Lookup(string path) => leafValues.GetValueOrDefault(exprVars[$"{v}|{path}"]);
            foreach (var leaf in ChosenLeaves(rec, "", Lookup) ?? throw new InvalidOperationException($"initializer macro {name} could not be evaluated by libclang"))
            {
                long value = Lookup(leaf.Path)!.Value;
                if (leaf.IsPointer)
                {
                    if (value != 1)
                    {
                        throw new InvalidOperationException($"initializer macro {name} sets pointer {leaf.Path} to non-NULL; not supported");
                    }
                    value = 0;
                }
                init.Leaves.Add(leaf with { Value = value });
            }
            model.Initializers.Add(init);
        }
    }

    /// <summary>Every leaf of a record, all members of unions included.</summary>
    private static IEnumerable<InitLeaf> AllLeaves(RecordModel rec, string prefix)
    {
        foreach (var f in rec.Fields)
        {
            foreach (var leaf in FieldLeaves(f, prefix + f.Name, r => AllLeaves(r, prefix + f.Name + ".")))
            {
                yield return leaf;
            }
        }
    }

    /// <summary>The leaves that the initializer sets: in a union, the first member whose leaves all evaluate (the active one).</summary>
    private static List<InitLeaf>? ChosenLeaves(RecordModel rec, string prefix, Func<string, long?> lookup)
    {
        var result = new List<InitLeaf>();
        foreach (var f in rec.Fields)
        {
            List<InitLeaf>? leaves = FieldLeaves(f, prefix + f.Name, r => ChosenLeaves(r, prefix + f.Name + ".", lookup) ?? []).ToList();
            if (f.Kind == FieldKind.Record && ChosenLeaves(f.Record!, prefix + f.Name + ".", lookup) is null)
            {
                leaves = null;
            }
            if (leaves is null || leaves.Any(l => lookup(l.Path) is null))
            {
                if (rec.IsUnion)
                {
                    continue;
                }
                return null;
            }
            result.AddRange(leaves);
            if (rec.IsUnion)
            {
                return result;
            }
        }
        return rec.IsUnion ? null : result;
    }

    private static IEnumerable<InitLeaf> FieldLeaves(FieldModel f, string path, Func<RecordModel, IEnumerable<InitLeaf>> nested)
    {
        switch (f.Kind)
        {
            case FieldKind.Scalar:
                yield return new InitLeaf(path, f.CsType, false, 0);
                break;
            case FieldKind.Pointer:
                yield return new InitLeaf(path, f.CsType, true, 0);
                break;
            case FieldKind.FixedArray:
                for (long i = 0; i < f.ArrayLength; i++)
                {
                    yield return new InitLeaf($"{path}[{i}]", f.CsType, false, 0);
                }
                break;
            case FieldKind.Record:
                foreach (var leaf in nested(f.Record!))
                {
                    yield return leaf;
                }
                break;
        }
    }
}
