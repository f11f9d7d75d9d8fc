namespace Aisp.Core.Engines;

/// <summary>Where a prepared crop has content, in crop pixels: columns <see cref="X0"/> to <see cref="X1"/> and rows <see cref="Y0"/> to <see cref="Y1"/>, ends excluded; transparent elsewhere.</summary>
public readonly record struct CropContent(int X0, int Y0, int X1, int Y1)
{
    public bool IsEmpty => X1 <= X0 || Y1 <= Y0;
}
