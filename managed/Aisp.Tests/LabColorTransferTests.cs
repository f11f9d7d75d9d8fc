using Aisp.Core.Swap;

namespace Aisp.Tests;

public sealed class LabColorTransferTests
{
    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(255, 255, 255)]
    [InlineData(255, 0, 0)]
    [InlineData(12, 200, 90)]
    [InlineData(128, 64, 250)]
    public void Rgb_to_Lab_and_back_is_within_half_a_grey_level(int r, int g, int b)
    {
        (float l, float a, float bb) = LabColorTransfer.ToLab(r, g, b);
        (float r2, float g2, float b2) = LabColorTransfer.ToRgb(l, a, bb);
        Assert.InRange(r2, r - 0.6, r + 0.6);
        Assert.InRange(g2, g - 0.6, g + 0.6);
        Assert.InRange(b2, b - 0.6, b + 0.6);
    }

    [Fact]
    public void Known_Lab_values_of_pure_colours()
    {
        // Reference values for sRGB/D65: white L=100; red L=53.2 a=80.1 b=67.2.
        (float l, _, _) = LabColorTransfer.ToLab(255, 255, 255);
        Assert.InRange(l, 99.5, 100.5);
        (float lr, float ar, float br) = LabColorTransfer.ToLab(255, 0, 0);
        Assert.InRange(lr, 52.7, 53.7);
        Assert.InRange(ar, 79.0, 81.2);
        Assert.InRange(br, 66.2, 68.2);
    }

    [Fact]
    public void Transfer_moves_the_swapped_means_onto_the_target_means()
    {
        const int n = 400;
        float[] swapped = new float[n * 3], target = new float[n * 3], mask = new float[n];
        var rng = new Random(7);
        for (int i = 0; i < n; i++)
        {
            mask[i] = 1;
            swapped[3 * i] = 60 + rng.Next(40);
            swapped[(3 * i) + 1] = 90 + rng.Next(40);
            swapped[(3 * i) + 2] = 160 + rng.Next(40);
            target[3 * i] = 170 + rng.Next(30);
            target[(3 * i) + 1] = 120 + rng.Next(30);
            target[(3 * i) + 2] = 90 + rng.Next(30);
        }

        LabColorTransfer.Apply(swapped, target, mask);
        double[] ms = new double[3], mt = new double[3];
        for (int i = 0; i < n; i++)
        {
            (float l, float a, float b) = LabColorTransfer.ToLab(swapped[3 * i], swapped[(3 * i) + 1], swapped[(3 * i) + 2]);
            (float lt, float at, float bt) = LabColorTransfer.ToLab(target[3 * i], target[(3 * i) + 1], target[(3 * i) + 2]);
            ms[0] += l; ms[1] += a; ms[2] += b; mt[0] += lt; mt[1] += at; mt[2] += bt;
        }

        for (int c = 0; c < 3; c++)
        {
            Assert.InRange(ms[c] / n, (mt[c] / n) - 1.5, (mt[c] / n) + 1.5);
        }
    }
}
