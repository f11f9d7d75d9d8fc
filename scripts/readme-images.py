#!/usr/bin/python3
"""Writes the before/after pictures in docs/images (mesh swap, AR effects, background) from real photos through the CLI.

Each case is an input made from a Debian-packaged or test photo (turned, greyed, cropped), run
through `aisp process --compare` with the mesh swap, and saved as a small JPEG: rotated (120
degrees), three-quarter (the most turned face of the group photos), open mouth (the astronaut's
teeth stay hers), grayscale, a group. Run after scripts/build.sh; the test photos come with the
test build (build/test-photos).
"""
import os
import subprocess
import sys
import tempfile

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ASTRONAUT = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"
GRACE = "/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg"
ICE = "/usr/share/doc/facedetect/examples/640px-IceBlockNearJoekullsarlon.jpg"
PHOTOS = os.path.join(ROOT, "build", "test-photos")
CLI = os.path.join(ROOT, "managed", "Aisp.Cli", "bin", "Release", "net10.0", "aisp")
OUT = os.path.join(ROOT, "docs", "images")


def swap(picture, source, name, crop=None, width=640):
    """Runs the mesh swap on picture (a PIL image) and saves before|after, cropped to crop (a box in the picture)."""
    run(picture, '{"engine":"morph"}', name, crop, width, ["--source", source])


def run(picture, settings, name, crop=None, width=640, extra=(), transparent=False):
    """Runs the CLI with settings on picture and saves before|after; a transparent result is shown over a checkerboard."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.png")
        picture.save(src)
        compare, out = os.path.join(tmp, "compare.png"), os.path.join(tmp, "out.png")
        env = dict(os.environ, AISP_MODELS_DIR=os.path.join(ROOT, "build", "plugins", "aisp", "data", "models"))
        subprocess.run([CLI, "process", "--input", src, "--output", out, *extra,
                        "--settings", settings, "--compare", compare], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        both = Image.open(compare).convert("RGB")
        w = both.width // 2
        before, after = both.crop((0, 0, w, both.height)), both.crop((w, 0, 2 * w, both.height))
        if transparent:
            rgba = Image.open(out).convert("RGBA")
            board = Image.new("RGB", rgba.size, (200, 200, 200))
            for y in range(0, rgba.height, 16):
                for x in range((y // 16 % 2) * 16, rgba.width, 32):
                    board.paste((150, 150, 150), (x, y, x + 16, y + 16))
            board.paste(rgba, (0, 0), rgba)
            after = board
        if crop:
            before, after = before.crop(crop), after.crop(crop)
        pair = Image.new("RGB", (before.width * 2, before.height))
        pair.paste(before, (0, 0))
        pair.paste(after, (before.width, 0))
        scale = width / pair.width
        pair = pair.resize((width, round(pair.height * scale)), Image.LANCZOS)
        pair.save(os.path.join(OUT, name), quality=85)
        print(name)


def main():
    grace = Image.open(GRACE).convert("RGB")
    astronaut = Image.open(ASTRONAUT).convert("RGB")
    swap(grace.rotate(120, fillcolor=(90, 90, 90)), ASTRONAUT, "meshswap-rotated.jpg")
    swap(astronaut, GRACE, "meshswap-open-mouth.jpg", crop=(130, 20, 330, 220))
    swap(grace.convert("L").convert("RGB"), ASTRONAUT, "meshswap-grayscale.jpg", crop=(100, 60, 420, 380))
    sample2 = Image.open(os.path.join(PHOTOS, "sample2.jpg")).convert("RGB")
    swap(sample2.crop((300, 0, 980, 800)), ASTRONAUT, "meshswap-three-quarter.jpg", crop=(0, 0, 560, 800))  # the woman turned 54 degrees
    swap(sample2, ASTRONAUT, "meshswap-group.jpg", width=960)

    # AR effects (engine "ar") and the background, on the same photos.
    face = (110, 20, 410, 320)
    run(grace, '{"engine":"ar","effect_pack":"glasses","retouch":0}', "ar-glasses.jpg", crop=face)
    run(astronaut, '{"engine":"ar","effect_pack":"cat-ears","retouch":0}', "ar-cat-ears.jpg", crop=(90, 0, 350, 260))
    run(grace, '{"engine":"ar","effect_pack":"mask","retouch":0}', "ar-mask.jpg", crop=face)
    run(grace, '{"engine":"ar","effect_pack":"face-paint","retouch":0}', "ar-face-paint.jpg", crop=face)
    run(grace, '{"engine":"ar","effect_pack":"none","retouch":100,"lip_tint":60,"eye_tint":50}', "ar-retouch.jpg", crop=(150, 100, 370, 320))
    run(sample2, '{"engine":"ar","effect_pack":"glasses","retouch":0}', "ar-group.jpg", width=960)
    run(astronaut, '{"engine":"none","background":"blur","background_model":"general"}', "background-blur.jpg")
    run(astronaut, '{"engine":"none","background":"replace","background_model":"general","background_image":"%s"}' % ICE,
        "background-replace.jpg")
    run(astronaut, '{"engine":"none","background":"transparent","background_model":"general"}', "background-transparent.jpg",
        transparent=True)
    run(astronaut, '{"engine":"morph","background":"blur","background_model":"general"}', "background-blur-morph.jpg",
        extra=["--source", GRACE])
    return 0


if __name__ == "__main__":
    sys.exit(main())
