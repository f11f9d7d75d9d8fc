using System.Diagnostics;
using System.Text.Json.Nodes;
using Aisp.Server.Obs;
using OpenCvSharp;

namespace Aisp.Tests.Remote;

/// <summary>What the real-OBS tests do in OBS through obs-websocket: a photo source, the filter on it, screenshots of the face.</summary>
public static class ObsScene
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>An image source showing the astronaut photo (512x512), in the current scene.</summary>
    public static async Task AddPhotoAsync(ObsWebSocketClient client, string name, CancellationToken ct)
    {
        string scene = (string)(await client.RequestAsync("GetCurrentProgramScene", null, ct))["responseData"]!["currentProgramSceneName"]!;
        Ok(await client.RequestAsync("CreateInput", new JsonObject
        {
            ["sceneName"] = scene, ["inputName"] = name, ["inputKind"] = "image_source",
            ["inputSettings"] = new JsonObject { ["file"] = TestAssets.Astronaut },
        }, ct));
        await Task.Delay(500, ct);
    }

    public static async Task AddFilterAsync(ObsWebSocketClient client, RealObs obs, string source, string filter, JsonObject settings, CancellationToken ct)
    {
        JsonNode created = await client.RequestAsync("CreateSourceFilter", new JsonObject
        {
            ["sourceName"] = source, ["filterName"] = filter, ["filterKind"] = "aisp_face_filter", ["filterSettings"] = settings,
        }, ct);
        Assert.True((bool)created["requestStatus"]!["result"]!, $"{created.ToJsonString()}\nOBS:\n{obs.LogText}");
    }

    /// <summary>The photo source with an AISP filter that does nothing yet (engine none, CPU compositor); returns OBS's own picture of it, the "before".</summary>
    public static async Task<Mat> AddPlainFilteredPhotoAsync(ObsWebSocketClient client, RealObs obs, string source, string filter, CancellationToken ct)
    {
        await AddPhotoAsync(client, source, ct);
        await AddFilterAsync(client, obs, source, filter, new JsonObject { ["engine"] = "none", ["compositor"] = "cpu" }, ct);
        await Task.Delay(1000, ct);
        return await ScreenshotAsync(client, source, ct);
    }

    public static void Ok(JsonNode response)
    {
        if (response["requestStatus"] is JsonNode status)
        {
            Assert.True((bool)status["result"]!, status.ToJsonString());
        }
        else
        {
            Assert.True(response["error"] is null, response.ToJsonString());
        }
    }

    public static async Task<Mat> ScreenshotAsync(ObsWebSocketClient client, string source, CancellationToken ct)
    {
        JsonNode shot = await client.RequestAsync("GetSourceScreenshot", new JsonObject
        {
            ["sourceName"] = source, ["imageFormat"] = "png", ["imageWidth"] = 512, ["imageHeight"] = 512,
        }, ct);
        Ok(shot);
        string data = (string)shot["responseData"]!["imageData"]!;
        byte[] png = Convert.FromBase64String(data[(data.IndexOf(',', StringComparison.Ordinal) + 1)..]);
        return Cv2.ImDecode(png, ImreadModes.Color);
    }

    /// <summary>
    /// Takes screenshots until the share of face pixels that differ from <paramref name="plain"/>
    /// satisfies <paramref name="done"/> with nothing changed away from the face; returns it. On the
    /// way, privacy may draw nothing or cover the whole frame (fail-closed while a switch is applied).
    /// </summary>
    /// <summary>Waits until the face's changed share passes <paramref name="done"/> and the pixels changed away from the face pass <paramref name="away"/> (default: fewer than 50, only the face changed).</summary>
    public static async Task<double> WaitForFaceAsync(ObsWebSocketClient client, string source, Mat plain, Func<double, bool> done, CancellationToken ct, Func<int, bool>? away = null)
    {
        var watch = Stopwatch.StartNew();
        double share = -1;
        int outside = -1;
        while (watch.Elapsed < Patience)
        {
            using Mat shot = await ScreenshotAsync(client, source, ct);
            using Mat grey = shot.CvtColor(ColorConversionCodes.BGR2GRAY);
            if (Cv2.CountNonZero(grey) > 0)
            {
                share = FaceChanged(plain, shot, out outside);
                if (done(share) && (away?.Invoke(outside) ?? outside < 50))
                {
                    return share;
                }
            }

            await Task.Delay(200, ct);
        }

        throw new Xunit.Sdk.XunitException($"the screenshot never reached the expected state (face changed {share:P0}, {outside} pixels away from it)");
    }

    public static double FaceChanged(Mat a, Mat b, out int outside)
    {
        Aisp.Core.Detection.BoxF face = TestAssets.AstronautFace;
        int inside = 0, total = 0;
        outside = 0;
        for (int y = 0; y < a.Rows; y++)
        {
            for (int x = 0; x < a.Cols; x++)
            {
                Vec3b p = a.At<Vec3b>(y, x), q = b.At<Vec3b>(y, x);
                bool differs = Math.Abs(p.Item0 - q.Item0) + Math.Abs(p.Item1 - q.Item1) + Math.Abs(p.Item2 - q.Item2) > 12;
                if (x >= face.Left && x < face.Right && y >= face.Top && y < face.Bottom)
                {
                    total++;
                    inside += differs ? 1 : 0;
                }
                else if (x < face.Left - 60 || x > face.Right + 60 || y < face.Top - 60 || y > face.Bottom + 60)
                {
                    outside += differs ? 1 : 0;
                }
            }
        }

        return (double)inside / total;
    }
}
