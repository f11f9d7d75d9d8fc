namespace Aisp.Core.Frames;

public enum TensorLayout
{
    /// <summary>[1, H, W, 3], channels last (TensorFlow exports such as BlazeFace).</summary>
    Nhwc,

    /// <summary>[1, 3, H, W], channels first (PyTorch exports such as UltraFace).</summary>
    Nchw,
}
