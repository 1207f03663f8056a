"""The pre-publication report on a 12-megapixel photo: wall time, CPU time and peak memory.

`openhouse.media.report.inspect_original` runs once per draft photo at upload time: it reads EXIF, XMP,
IPTC and comments, counts embedded previews, and looks for faces (OpenCV Haar cascades, frontal and
profile both ways) on a copy at most 1024 pixels long. This measures it on a 4000x3000 JPEG (q90, EXIF
orientation 6, a GPS position and a serial number, an embedded thumbnail) that has scikit-image's
astronaut photo enlarged into it, so the face detector has a real face to find.

Like bench.media, each measurement runs in a fresh child process: the launcher imports no imaging
library, a baseline child imports and sets up the same modules (and loads the cascades), and "above
baseline" is the run child's peak RSS (ru_maxrss) minus the baseline's. Times are medians of N runs after
one warm-up; the face-detection share is timed separately on the same downscaled copy.

Usage: `python -m bench.report [--runs N]` (scikit-image comes with the dev extra).
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHOTO_SIZE = (4000, 3000)
DEFAULT_RUNS = 7


def _setup() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            MEDIA_MAX_BYTES=30 * 1024 * 1024, MEDIA_MAX_SIDE=10_000, MEDIA_MAX_PIXELS=50_000_000
        )
    from PIL import Image

    from openhouse.media import faces, images

    images.register_formats()
    faces.find_faces(Image.new("L", (64, 64)))  # load both cascades, as a warm worker has them


def _make_photo(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import skimage.data
    from PIL import Image

    from tests.media.camera import exif_block, photo_pixels

    canvas = photo_pixels(PHOTO_SIZE)
    person = Image.fromarray(skimage.data.astronaut()).resize((1400, 1400), Image.Resampling.LANCZOS)
    # Stored sideways (orientation 6 says "turn 90 degrees clockwise to show"), so the person is upright
    # once shown, as a phone held in portrait stores it.
    canvas.paste(person.transpose(Image.Transpose.ROTATE_90), (1300, 800))
    thumb = io.BytesIO()
    canvas.resize((160, 120)).save(thumb, "JPEG", quality=70)
    # The hand-built block keeps its IFD1 thumbnail (Image.Exif would drop it); flip its Orientation
    # (IFD0 tag 0x0112, a SHORT holding 1) to 6.
    block = exif_block(thumb.getvalue())
    tag = b"\x12\x01\x03\x00\x01\x00\x00\x00\x01\x00"
    assert block.count(tag) == 1
    block = block.replace(tag, tag[:-2] + b"\x06\x00")
    canvas.save(path, "JPEG", quality=90, exif=block)


def _child(mode: str, path: str, runs: int) -> None:
    _setup()
    out: dict[str, object] = {}
    if mode == "run":
        from PIL import Image

        from openhouse.media import faces
        from openhouse.media.report import inspect_original

        data = Path(path).read_bytes()
        report = inspect_original(data)  # warm-up
        walls, cpus = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            inspect_original(data)
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        small = Image.open(io.BytesIO(data))
        small.draft("RGB", (faces.DETECT_SIDE, faces.DETECT_SIDE))
        small = small.convert("RGB")
        small.thumbnail((faces.DETECT_SIDE, faces.DETECT_SIDE))
        face_walls = []
        for _ in range(runs):
            t0 = time.perf_counter()
            faces.find_faces(small)
            face_walls.append(time.perf_counter() - t0)
        out = {
            "wall_ms": [round(w * 1000) for w in walls],
            "cpu_ms": round(statistics.median(cpus) * 1000),
            "faces_ms": round(statistics.median(face_walls) * 1000),
            "faces": report["faces"],
            "found": sorted(k for k in ("gps", "camera", "thumbnails") if report[k]),
            "bytes": len(data),
        }
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _spawn(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.report", *args], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--child", choices=["run", "baseline", "photo"])
    parser.add_argument("--file", default="")
    args = parser.parse_args()
    if args.child == "photo":
        _make_photo(Path(args.file))
        print("{}")
        return
    if args.child:
        _child(args.child, args.file, args.runs)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "photo.jpg")
        _spawn("--child", "photo", "--file", path)
        base = _spawn("--child", "baseline", "--file", path)
        run = _spawn("--child", "run", "--file", path, "--runs", str(args.runs))
    walls = run["wall_ms"]
    print(
        f"inspect_original on a {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG ({run['bytes'] / 2**20:.1f} MB), {args.runs} runs"
    )
    print(f"  wall ms: median {statistics.median(walls):.0f}, min-max {min(walls)}-{max(walls)}")
    print(f"  CPU ms per run: {run['cpu_ms']}; of the wall time, face detection: {run['faces_ms']} ms")
    print(
        f"  peak RSS {run['maxrss_mb']:.1f} MB, baseline {base['maxrss_mb']:.1f} MB, "
        f"above baseline {run['maxrss_mb'] - base['maxrss_mb']:.1f} MB"
    )
    print(f"  found: {', '.join(run['found'])}; faces: {run['faces']}")


if __name__ == "__main__":
    main()
