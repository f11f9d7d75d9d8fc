namespace Aisp.Native.Interop;

/// <summary>
/// The C name of a mirror field when it is not the snake_case of the C# name (array elements,
/// spelled out as separate fields because C# cannot hold arrays of pointers or structs inline).
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class AbiNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
