using Aisp.Core.Pipeline;

namespace Aisp.Tests;

/// <summary>The "auto" compositor tries both, in order, and keeps the one with the lower median graphics-thread time.</summary>
public sealed class CompositorChooserTests
{
    [Theory]
    [InlineData(10.0, 1.0, false)] // a software renderer: drawing waits for rasterisation
    [InlineData(0.2, 3.0, true)] // a hardware GPU: a few draw calls
    public void Keeps_the_cheaper_compositor(double gpuMs, double cpuMs, bool expectGpu)
    {
        var c = new CompositorChooser();
        Run(c, gpuMs, cpuMs);
        Assert.Equal(expectGpu, c.UseGpu);
        Assert.Equal(expectGpu ? "gpu" : "cpu", c.State);
    }

    [Fact]
    public void Tries_the_gpu_first_then_the_cpu_and_ignores_frames_drawn_out_of_turn()
    {
        var c = new CompositorChooser();
        Assert.True(c.UseGpu);
        Assert.Equal("trying", c.State);
        c.Observe(gpu: false, 0.1); // a CPU frame during the GPU trial (an engine that paints in memory) counts for nothing
        for (int i = 0; i < CompositorChooser.TrialFrames; i++)
        {
            Assert.True(c.UseGpu);
            c.Observe(gpu: true, 5);
        }

        Assert.False(c.UseGpu);
        Assert.Equal("trying", c.State);
        c.Observe(gpu: true, 0.1); // a late GPU frame is ignored too
        for (int i = 0; i < CompositorChooser.TrialFrames; i++)
        {
            c.Observe(gpu: false, 4);
        }

        Assert.Equal("cpu", c.State);
    }

    [Fact]
    public void A_median_is_not_fooled_by_a_few_slow_frames()
    {
        var c = new CompositorChooser();
        for (int i = 0; i < CompositorChooser.TrialFrames; i++)
        {
            c.Observe(gpu: true, i % 10 == 0 ? 50 : 0.5); // shader compilation, a hitch now and then
        }

        for (int i = 0; i < CompositorChooser.TrialFrames; i++)
        {
            c.Observe(gpu: false, 2);
        }

        Assert.True(c.UseGpu);
    }

    [Fact]
    public void Reset_starts_a_new_trial()
    {
        var c = new CompositorChooser();
        Run(c, 10, 1);
        Assert.Equal("cpu", c.State);
        c.Reset();
        Assert.Equal("trying", c.State);
        Run(c, 0.2, 3);
        Assert.Equal("gpu", c.State);
    }

    [Fact]
    public void A_decision_is_tried_again_after_a_while()
    {
        var c = new CompositorChooser();
        Run(c, 10, 1);
        for (int i = 0; i < CompositorChooser.RetryFrames - 1; i++)
        {
            c.Observe(gpu: false, 1);
        }

        Assert.Equal("cpu", c.State);
        c.Observe(gpu: false, 1);
        Assert.Equal("trying", c.State);
        Assert.True(c.UseGpu);
    }

    private static void Run(CompositorChooser c, double gpuMs, double cpuMs)
    {
        for (int i = 0; i < 2 * CompositorChooser.TrialFrames; i++)
        {
            c.Observe(c.UseGpu, c.UseGpu ? gpuMs : cpuMs);
        }
    }
}
