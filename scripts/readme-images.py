#!/usr/bin/python3
"""Writes the mesh swap's before/after pictures in docs/images from real photos through the CLI.

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
PHOTOS = os.path.join(ROOT, "build", "test-photos")
CLI = os.path.join(ROOT, "managed", "Aisp.Cli", "bin", "Release", "net10.0", "aisp")
OUT = os.path.join(ROOT, "docs", "images")


def swap(picture, source, name, crop=None, width=640):
    """Runs the mesh swap on picture (a PIL image) and saves before|after, cropped to crop (a box in the picture)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.png")
        picture.save(src)
        compare = os.path.join(tmp, "compare.png")
        env = dict(os.environ, AISP_MODELS_DIR=os.path.join(ROOT, "build", "plugins", "aisp", "data", "models"))
        subprocess.run([CLI, "process", "--input", src, "--output", os.path.join(tmp, "out.png"), "--source", source,
                        "--settings", '{"engine":"morph"}', "--compare", compare], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        both = Image.open(compare).convert("RGB")
        w = both.width // 2
        before, after = both.crop((0, 0, w, both.height)), both.crop((w, 0, 2 * w, both.height))
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
