using Aisp.Core;
using Aisp.Core.IO;
using OpenCvSharp;
using CvMat = OpenCvSharp.Mat;

namespace Aisp.Cli;

/// <summary>Reads and writes still pictures with every failure named: through bytes we read and write ourselves, decoded and encoded by OpenCV.</summary>
public static class ImageFiles
{
    /// <summary>Largest picture file read (a 16K x 16K PNG is well under it).</summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>Decodes a picture; <paramref name="what"/> names it in messages ("", "source face ").</summary>
    public static CvMat Read(string path, string what = "")
    {
        CliPaths.CheckInput(path, what);
        string prefix = $"{ExitCodes.InputPrefix} {what}{path}";
        byte[] bytes = UserFile.ReadAll(path, $"{ExitCodes.InputPrefix} {what}file", MaxBytes, ErrorKind.InvalidArgument);

        if (JpegCompleteness.IsJpeg(bytes) && !JpegCompleteness.IsComplete(bytes))
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{prefix}: the JPEG is truncated or corrupt (no end-of-image marker after its data)");
        }

        if (PictureHeader.Size(bytes) is (int width, int height) && PictureHeader.Refusal(width, height) is { } tooLarge)
        {
            // Before decoding: a small file can claim gigabytes of pixels.
            throw new AispException(ErrorKind.InvalidArgument, $"{prefix}: {tooLarge}");
        }

        CvMat bgr = Cv2.ImDecode(bytes, ImreadModes.Color);
        if (bgr.Empty())
        {
            bgr.Dispose();
            throw new AispException(ErrorKind.InvalidArgument, $"{prefix}: not a readable image");
        }

        return bgr;
    }

    /// <summary>Encodes a picture for <paramref name="path"/>'s extension and writes it under its temporary name.</summary>
    public static void Write(OutputFiles outputs, string path, CvMat bgr)
    {
        string extension = Path.GetExtension(path);
        byte[] encoded;
        try
        {
            if (!FileRunner.IsImage(path) || !Cv2.ImEncode(extension, bgr, out encoded))
            {
                throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {path}: no image encoder for '{extension}' (use .png or .jpg)");
            }
        }
        catch (OpenCVException e)
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {path}: no image encoder for '{extension}' ({e.Message})", e);
        }

        outputs.Write(path, encoded);
    }
}
