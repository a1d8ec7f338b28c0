using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

namespace PahoSharp.Generator;

// A minimal, hand-written slice of libclang's C API (clang-c/Index.h): just what the generator uses.
// The native library comes from the libclang.runtime.linux-x64 NuGet package.

[StructLayout(LayoutKind.Sequential)]
internal struct CXString
{
    public nint Data;
    public uint Flags;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXCursor
{
    public CXCursorKind Kind;
    public int XData;
    public nint Data0;
    public nint Data1;
    public nint Data2;
}

[StructLayout(LayoutKind.Sequential)]
internal struct CXType
{
    public CXTypeKind Kind;
    public nint Data0;
    public nint Data1;
}

[StructLayout(LayoutKind.Sequential)]
internal struct CXSourceLocation
{
    public nint Ptr0;
    public nint Ptr1;
    public uint IntData;
}

[StructLayout(LayoutKind.Sequential)]
internal struct CXSourceRange
{
    public nint Ptr0;
    public nint Ptr1;
    public uint BeginIntData;
    public uint EndIntData;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CXUnsavedFile
{
    public byte* Filename;
    public byte* Contents;
    public nuint Length;
}

internal enum CXCursorKind
{
    StructDecl = 2,
    UnionDecl = 3,
    EnumDecl = 5,
    FieldDecl = 6,
    EnumConstantDecl = 7,
    FunctionDecl = 8,
    VarDecl = 9,
    ParmDecl = 10,
    TypedefDecl = 20,
    TranslationUnit = 350,
    MacroDefinition = 501,
}

internal enum CXTypeKind
{
    Invalid = 0,
    Unexposed = 1,
    Void = 2,
    Bool = 3,
    Char_U = 4,
    UChar = 5,
    UShort = 8,
    UInt = 9,
    ULong = 10,
    ULongLong = 11,
    Char_S = 13,
    SChar = 14,
    Short = 16,
    Int = 17,
    Long = 18,
    LongLong = 19,
    Float = 21,
    Double = 22,
    Pointer = 101,
    Record = 105,
    Enum = 106,
    Typedef = 107,
    FunctionNoProto = 110,
    FunctionProto = 111,
    ConstantArray = 112,
    IncompleteArray = 114,
    Elaborated = 119,
    Attributed = 163,
}

internal static unsafe partial class Clang
{
    private const string Lib = "libclang";

    public const uint TranslationUnit_DetailedPreprocessingRecord = 0x01;
    public const uint TranslationUnit_SkipFunctionBodies = 0x40;

    [LibraryImport(Lib)] public static partial nint clang_createIndex(int excludeDeclarationsFromPCH, int displayDiagnostics);
    [LibraryImport(Lib)] public static partial void clang_disposeIndex(nint index);
    [LibraryImport(Lib)] public static partial nint clang_parseTranslationUnit(nint index, byte* sourceFilename, byte** commandLineArgs, int numArgs, CXUnsavedFile* unsavedFiles, uint numUnsaved, uint options);
    [LibraryImport(Lib)] public static partial void clang_disposeTranslationUnit(nint tu);
    [LibraryImport(Lib)] public static partial uint clang_getNumDiagnostics(nint tu);
    [LibraryImport(Lib)] public static partial nint clang_getDiagnostic(nint tu, uint index);
    [LibraryImport(Lib)] public static partial CXString clang_formatDiagnostic(nint diagnostic, uint options);
    [LibraryImport(Lib)] public static partial int clang_getDiagnosticSeverity(nint diagnostic);
    [LibraryImport(Lib)] public static partial void clang_disposeDiagnostic(nint diagnostic);
    [LibraryImport(Lib)] public static partial CXCursor clang_getTranslationUnitCursor(nint tu);
    [LibraryImport(Lib)] public static partial uint clang_visitChildren(CXCursor parent, delegate* unmanaged[Cdecl]<CXCursor, CXCursor, nint, int> visitor, nint clientData);
    [LibraryImport(Lib)] public static partial CXString clang_getCursorSpelling(CXCursor cursor);
    [LibraryImport(Lib)] public static partial CXString clang_getCursorUSR(CXCursor cursor);
    [LibraryImport(Lib)] public static partial byte* clang_getCString(CXString str);
    [LibraryImport(Lib)] public static partial void clang_disposeString(CXString str);
    [LibraryImport(Lib)] public static partial CXType clang_getCursorType(CXCursor cursor);
    [LibraryImport(Lib)] public static partial CXType clang_getCursorResultType(CXCursor cursor);
    [LibraryImport(Lib)] public static partial CXString clang_getTypeSpelling(CXType type);
    [LibraryImport(Lib)] public static partial CXString clang_getTypedefName(CXType type);
    [LibraryImport(Lib)] public static partial CXType clang_getCanonicalType(CXType type);
    [LibraryImport(Lib)] public static partial CXType clang_getPointeeType(CXType type);
    [LibraryImport(Lib)] public static partial CXType clang_Type_getNamedType(CXType type);
    [LibraryImport(Lib)] public static partial CXType clang_getTypedefDeclUnderlyingType(CXCursor cursor);
    [LibraryImport(Lib)] public static partial CXType clang_getEnumDeclIntegerType(CXCursor cursor);
    [LibraryImport(Lib)] public static partial long clang_getEnumConstantDeclValue(CXCursor cursor);
    [LibraryImport(Lib)] public static partial CXCursor clang_getTypeDeclaration(CXType type);
    [LibraryImport(Lib)] public static partial long clang_Type_getSizeOf(CXType type);
    [LibraryImport(Lib)] public static partial long clang_Type_getAlignOf(CXType type);
    [LibraryImport(Lib)] public static partial long clang_Type_getOffsetOf(CXType type, byte* fieldName);
    [LibraryImport(Lib)] public static partial CXType clang_getArrayElementType(CXType type);
    [LibraryImport(Lib)] public static partial long clang_getArraySize(CXType type);
    [LibraryImport(Lib)] public static partial int clang_getNumArgTypes(CXType type);
    [LibraryImport(Lib)] public static partial CXType clang_getArgType(CXType type, uint index);
    [LibraryImport(Lib)] public static partial CXType clang_getResultType(CXType type);
    [LibraryImport(Lib)] public static partial uint clang_isFunctionTypeVariadic(CXType type);
    [LibraryImport(Lib)] public static partial int clang_Cursor_getNumArguments(CXCursor cursor);
    [LibraryImport(Lib)] public static partial CXCursor clang_Cursor_getArgument(CXCursor cursor, uint index);
    [LibraryImport(Lib)] public static partial uint clang_Cursor_isVariadic(CXCursor cursor);
    [LibraryImport(Lib)] public static partial uint clang_Cursor_isAnonymous(CXCursor cursor);
    [LibraryImport(Lib)] public static partial uint clang_Cursor_isAnonymousRecordDecl(CXCursor cursor);
    [LibraryImport(Lib)] public static partial uint clang_Cursor_isBitField(CXCursor cursor);
    [LibraryImport(Lib)] public static partial uint clang_Cursor_isMacroFunctionLike(CXCursor cursor);
    [LibraryImport(Lib)] public static partial uint clang_isCursorDefinition(CXCursor cursor);
    [LibraryImport(Lib)] public static partial CXSourceLocation clang_getCursorLocation(CXCursor cursor);
    [LibraryImport(Lib)] public static partial CXSourceRange clang_getCursorExtent(CXCursor cursor);
    [LibraryImport(Lib)] public static partial CXSourceLocation clang_getRangeStart(CXSourceRange range);
    [LibraryImport(Lib)] public static partial CXSourceLocation clang_getRangeEnd(CXSourceRange range);
    [LibraryImport(Lib)] public static partial void clang_getSpellingLocation(CXSourceLocation location, nint* file, uint* line, uint* column, uint* offset);
    [LibraryImport(Lib)] public static partial CXString clang_getFileName(nint file);
    [LibraryImport(Lib)] public static partial CXString clang_Cursor_getBriefCommentText(CXCursor cursor);
    [LibraryImport(Lib)] public static partial nint clang_Cursor_Evaluate(CXCursor cursor);
    [LibraryImport(Lib)] public static partial int clang_EvalResult_getKind(nint result);
    [LibraryImport(Lib)] public static partial long clang_EvalResult_getAsLongLong(nint result);
    [LibraryImport(Lib)] public static partial void clang_EvalResult_dispose(nint result);

    public static string Str(CXString s)
    {
        try
        {
            byte* p = clang_getCString(s);
            return p == null ? "" : Marshal.PtrToStringUTF8((nint)p) ?? "";
        }
        finally
        {
            clang_disposeString(s);
        }
    }

    public static string Spelling(CXCursor c) => Str(clang_getCursorSpelling(c));
    public static string Usr(CXCursor c) => Str(clang_getCursorUSR(c));
    public static string TypeSpelling(CXType t) => Str(clang_getTypeSpelling(t));

    public static long OffsetOfBits(CXType record, string field)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(field + "\0");
        fixed (byte* p = bytes)
        {
            return clang_Type_getOffsetOf(record, p);
        }
    }

    /// <summary>Where a cursor is spelled: file name (as clang reports it) and byte offset.</summary>
    public static (string File, uint Offset) Location(CXCursor c) => Location(clang_getCursorLocation(c));

    public static (string File, uint Offset) Location(CXSourceLocation loc)
    {
        nint file;
        uint line, column, offset;
        clang_getSpellingLocation(loc, &file, &line, &column, &offset);
        return (file == 0 ? "" : Str(clang_getFileName(file)), offset);
    }

    /// <summary>Evaluates a variable's initializer; null unless it is an integer.</summary>
    public static long? EvaluateInt(CXCursor c)
    {
        nint r = clang_Cursor_Evaluate(c);
        if (r == 0)
        {
            return null;
        }
        try
        {
            return clang_EvalResult_getKind(r) == 1 /* CXEval_Int */ ? clang_EvalResult_getAsLongLong(r) : null;
        }
        finally
        {
            clang_EvalResult_dispose(r);
        }
    }

    [ThreadStatic] private static List<CXCursor>? children;

    public static List<CXCursor> Children(CXCursor parent)
    {
        List<CXCursor>? saved = children;
        var list = new List<CXCursor>();
        children = list;
        try
        {
            clang_visitChildren(parent, &Visit, 0);
        }
        finally
        {
            children = saved;
        }
        return list;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Visit(CXCursor cursor, CXCursor parent, nint data)
    {
        children!.Add(cursor);
        return 1; // CXChildVisit_Continue
    }

    /// <summary>Parses a translation unit from in-memory sources; throws on errors unless tolerated.</summary>
    public static nint Parse(nint index, string mainFile, IReadOnlyDictionary<string, string> unsaved, IReadOnlyList<string> args, uint options, bool tolerateErrors)
    {
        var handles = new List<GCHandle>();
        try
        {
            byte* Pin(string s)
            {
                var h = GCHandle.Alloc(System.Text.Encoding.UTF8.GetBytes(s + "\0"), GCHandleType.Pinned);
                handles.Add(h);
                return (byte*)h.AddrOfPinnedObject();
            }

            var argv = new nint[args.Count];
            for (int i = 0; i < args.Count; i++)
            {
                argv[i] = (nint)Pin(args[i]);
            }
            var files = new CXUnsavedFile[unsaved.Count];
            int n = 0;
            foreach (var (name, text) in unsaved)
            {
                files[n].Filename = Pin(name);
                files[n].Contents = Pin(text);
                files[n].Length = (nuint)System.Text.Encoding.UTF8.GetByteCount(text);
                n++;
            }
            nint tu;
            fixed (nint* pargv = argv)
            fixed (CXUnsavedFile* pfiles = files)
            {
                tu = clang_parseTranslationUnit(index, Pin(mainFile), (byte**)pargv, argv.Length, pfiles, (uint)files.Length, options);
            }
            if (tu == 0)
            {
                throw new InvalidOperationException($"libclang could not parse {mainFile}");
            }
            if (!tolerateErrors)
            {
                var errors = new List<string>();
                uint count = clang_getNumDiagnostics(tu);
                for (uint i = 0; i < count; i++)
                {
                    nint d = clang_getDiagnostic(tu, i);
                    if (clang_getDiagnosticSeverity(d) >= 3)
                    {
                        errors.Add(Str(clang_formatDiagnostic(d, 0x1 | 0x2)));
                    }
                    clang_disposeDiagnostic(d);
                }
                if (errors.Count > 0)
                {
                    clang_disposeTranslationUnit(tu);
                    throw new InvalidOperationException($"libclang reported errors parsing {mainFile}:\n" + string.Join("\n", errors));
                }
            }
            return tu;
        }
        finally
        {
            foreach (var h in handles)
            {
                h.Free();
            }
        }
    }
}
