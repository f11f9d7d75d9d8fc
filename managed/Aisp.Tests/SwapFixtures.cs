using Aisp.Cli;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>Pipelines with a source face set, as the swap tests need them.</summary>
public static class SwapFixtures
{
    public static FacePipeline WithSource(string json, string sourcePhoto = TestAssets.Astronaut)
    {
        var pipeline = FacePipeline.Create(json, NullLoggerFactory.Instance);
        using Mat source = TestAssets.Load(sourcePhoto);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(source);
        pipeline.SetSourceImage(buffers.AsFrame(), sourcePhoto);
        return pipeline;
    }
}
