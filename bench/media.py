"""Pillow or pyvips for the photo pipeline: wall time and peak memory on one 12-megapixel JPEG.

openhouse/media/images.py turns every uploaded photo into three renditions (w1080 and w640 fitted to
width, sq400 cropped square from the centre), each encoded as WebP q80 and JPEG q82, with all metadata of
the upload dropped and its EXIF orientation applied. This benchmark runs that same job three ways:

- ours:   the real pipeline, `open_checked` + `clean` + `photo_renditions` (Pillow, JPEG draft-mode
          decoding: the decoder scales by 1/2, 1/4 or 1/8 while decoding, towards the widest rendition);
- pillow: plain Pillow without draft, i.e. a full-size decode then a resize (same resize and encoders);
- pyvips: libvips' `thumbnail_buffer` (shrink-on-load, sequential access, autorotate), encoded with
          metadata stripped.

Why both time and memory: a small server decodes uploads in a background worker next to the web
process, so a faster library that needs much more memory per photo can be the worse choice. The rule
printed at the end: pick the faster of ours and pyvips, unless its memory is more than 1.25x the
other's while the speed difference is under 15%.

How it measures. The test photo is generated once (4000x3000, gradients + blurred noise + grain, JPEG
q90, EXIF orientation 6 so every contender has to rotate it). Each contender then runs in a fresh child
process (`python -m bench.media --one NAME --file PATH --runs N`): one warm-up run, N timed runs with
`time.perf_counter`, then the process' peak resident set size (`ru_maxrss`). A second fresh child per
contender only imports and sets up the same modules (`--baseline`); "above baseline" is the difference,
i.e. the memory the work itself needed. MB here means 2**20 bytes. On Linux a child's ru_maxrss starts
from the memory of the process that launched it, so the launcher stays small: it makes the photo in a
child too, and each child cross-checks ru_maxrss against /proc's VmHWM. "CPU ms" is user + system time
per run over all threads: Pillow works on one thread, libvips on several.

Figures are wall-clock on whatever else the machine is doing: quote medians, run it twice, and on a
busy machine use `--rounds` so the contenders take turns and share any burst of load.

Usage: `make bench`, or `python -m bench.media [--runs N] [--rounds R] [--file some-photo.jpg]`.
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
# What photo_renditions produces; prepare() checks these against openhouse.media.images so they can't drift.
WIDTHS = (1080, 640)
SQUARE = 400
WEBP_QUALITY = 80
WEBP_EFFORT = 4  # Pillow's method=4; libvips calls it effort
JPEG_QUALITY = 82
# Written into the test photo's EXIF: if it shows up in any output, metadata leaked.
EXIF_MARKER = "openhouse-bench-camera-marker"
PHOTO_SIZE = (4000, 3000)
ORIENTATION_RIGHT_TOP = 6  # stored landscape, shown portrait: rotate 90 degrees clockwise
DEFAULT_RUNS = 7
LABELS = {"ours": "ours (Pillow + draft)", "pillow": "Pillow, no draft", "pyvips": "pyvips"}
RULE = "pick the faster unless its memory is >1.25x the other's and the speed difference is <15%"


class Output(NamedTuple):
    name: str
    width: int
    height: int
    webp: bytes
    jpeg: bytes


Render = Callable[[bytes], list[Output]]


class Rendition(NamedTuple):
    """What the parent learns about one output: its size and its encoded byte counts."""

    name: str
    width: int
    height: int
    webp_bytes: int
    jpeg_bytes: int


# --- Contenders. Each setup function does its imports and one-time setup, then returns the job. ---------


def _setup_ours() -> Render:
    from django.conf import settings

    if not settings.configured:
        # The defaults of openhouse/settings.py; they only matter to open_checked's limit checks.
        settings.configure(
            MEDIA_MAX_BYTES=30 * 1024 * 1024, MEDIA_MAX_SIDE=10_000, MEDIA_MAX_PIXELS=50_000_000
        )
    from openhouse.media import images

    images.register_formats()  # what MediaConfig.ready() does in the running app

    def render(data: bytes) -> list[Output]:
        image = images.open_checked(io.BytesIO(data), size=len(data))
        renditions = images.photo_renditions(images.clean(image))
        return [Output(e.name, e.width, e.height, e.webp, e.jpeg) for e in renditions]

    return render


def _setup_pillow() -> Render:
    from PIL import Image, ImageOps

    from openhouse.media import images  # only its resize and encoders, so the decode is the one difference

    def decode_and_fit(data: bytes) -> Image.Image:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()  # every pixel at full size: no draft
            oriented = ImageOps.exif_transpose(opened)
        rgb = oriented if oriented.mode == "RGB" else oriented.convert("RGB")
        return images.fit_width(rgb, WIDTHS[0])

    def render(data: bytes) -> list[Output]:
        fitted = decode_and_fit(data)  # the full-size images are freed when this returns
        # Rebuild from pixels, as clean() does, but at rendition size where it is cheap.
        base = Image.frombytes("RGB", fitted.size, fitted.tobytes())
        return [Output(e.name, e.width, e.height, e.webp, e.jpeg) for e in images.photo_renditions(base)]

    return render


def _setup_pyvips() -> Render:
    import pyvips

    # One-shot jobs: an operation cache would only hold memory (and could serve repeated runs from cache).
    pyvips.cache_set_max(0)
    if pyvips.at_least_libvips(8, 15):
        no_metadata: dict[str, object] = {"keep": pyvips.enums.ForeignKeep.NONE}
    else:
        no_metadata = {"strip": True}
    unbounded = 10_000_000  # a height thumbnail never reaches: fit the width only, as fit_width does

    def encode(name: str, image: pyvips.Image) -> Output:
        webp = image.webpsave_buffer(Q=WEBP_QUALITY, effort=WEBP_EFFORT, **no_metadata)
        jpeg = image.jpegsave_buffer(Q=JPEG_QUALITY, optimize_coding=True, interlace=True, **no_metadata)
        return Output(name, image.width, image.height, webp, jpeg)

    def render(data: bytes) -> list[Output]:
        # thumbnail_buffer opens with sequential access, shrinks on load and autorotates.
        base = pyvips.Image.thumbnail_buffer(
            data, WIDTHS[0], height=unbounded, size=pyvips.enums.Size.DOWN
        ).copy_memory()  # render once: the smaller renditions are made from it, like photo_renditions
        out = [encode(f"w{WIDTHS[0]}", base)]
        current = base
        for width in WIDTHS[1:]:
            current = current.thumbnail_image(width, height=unbounded, size=pyvips.enums.Size.DOWN)
            out.append(encode(f"w{width}", current))
        crop = base.thumbnail_image(SQUARE, height=SQUARE, crop=pyvips.enums.Interesting.CENTRE)
        out.append(encode(f"sq{SQUARE}", crop))
        return out

    return render


SETUPS: dict[str, Callable[[], Render]] = {
    "ours": _setup_ours,
    "pillow": _setup_pillow,
    "pyvips": _setup_pyvips,
}


# --- Child processes: one contender, its baseline, or preparing the photo. -------------------------------


def _peak_rss_kb() -> int:
    """Peak resident set size of this process, as the kernel's rusage reports it (kilobytes on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _vm_hwm_kb() -> int | None:
    """The same peak from /proc (Linux), which unlike ru_maxrss starts afresh at exec: a cross-check."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_child(name: str, path: Path, runs: int, baseline: bool) -> dict[str, Any]:
    render = SETUPS[name]()
    if baseline:
        return {"peak_rss_kb": _peak_rss_kb(), "vm_hwm_kb": _vm_hwm_kb()}
    outputs = render(path.read_bytes())  # warm-up
    timings: list[float] = []
    cpu_start = _cpu_seconds()
    for _ in range(runs):
        start = time.perf_counter()
        outputs = render(path.read_bytes())
        timings.append(time.perf_counter() - start)
    cpu_per_run = (_cpu_seconds() - cpu_start) / runs
    marker = EXIF_MARKER.encode()
    return {
        "peak_rss_kb": _peak_rss_kb(),
        "vm_hwm_kb": _vm_hwm_kb(),
        "seconds": timings,
        "cpu_seconds_per_run": cpu_per_run,
        "outputs": [[o.name, o.width, o.height, len(o.webp), len(o.jpeg)] for o in outputs],
        "metadata_leaked": any(marker in o.webp or marker in o.jpeg for o in outputs),
    }


def make_test_photo(path: Path) -> None:
    """A photo-like 12 MP JPEG: smooth gradients, soft shapes, mid-frequency texture and sensor grain."""
    from PIL import Image, ImageChops, ImageFilter, ImageOps

    width, height = PHOTO_SIZE

    def stretched(image: Image.Image) -> Image.Image:
        return image.resize(PHOTO_SIZE, Image.Resampling.BICUBIC)

    def soft_noise(scale: int, blur: float) -> Image.Image:
        """Noise drawn at 1/scale size, blurred, stretched to full contrast, then enlarged: soft structure."""
        small = Image.effect_noise((width // scale, height // scale), 64).filter(
            ImageFilter.GaussianBlur(blur)
        )
        return stretched(ImageOps.autocontrast(small, cutoff=1))

    vertical = stretched(Image.linear_gradient("L"))
    horizontal = stretched(Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90))
    radial = stretched(Image.radial_gradient("L"))
    texture = soft_noise(3, 1.0)  # shared by the bands: detail is mostly in luminance

    def band(gradient: Image.Image, shape_weight: float, grain: float) -> Image.Image:
        shapes = soft_noise(40, 2.5)  # colour blotches differ per band
        mixed = Image.blend(Image.blend(gradient, shapes, shape_weight), texture, 0.3)
        # effect_noise is centred on 128: adding it with offset -128 adds zero-mean grain.
        return ImageChops.add(mixed, Image.effect_noise(PHOTO_SIZE, grain), scale=1.0, offset=-128)

    photo = Image.merge("RGB", (band(horizontal, 0.5, 6), band(radial, 0.4, 5), band(vertical, 0.5, 7)))
    exif = Image.Exif()
    exif[0x010F] = EXIF_MARKER  # Make
    exif[0x0110] = "bench"  # Model
    exif[0x0112] = ORIENTATION_RIGHT_TOP  # Orientation
    photo.save(path, "JPEG", quality=90, exif=exif.tobytes())


def prepare(path: Path, generate: bool) -> dict[str, Any]:
    """Make the photo if asked, describe it, check our constants: all the Pillow work the parent avoids."""
    import PIL
    from PIL import Image

    from openhouse.media import images

    if generate:
        make_test_photo(path)
    with Image.open(path) as photo:
        width, height = photo.size
        orientation = photo.getexif().get(0x0112, 1)
    versions = [f"Python {sys.version.split()[0]}", f"Pillow {PIL.__version__}"]
    try:
        import pyvips

        libvips = ".".join(str(pyvips.version(i)) for i in range(3))
        versions.append(f"pyvips {pyvips.__version__} (libvips {libvips})")
    except ImportError:
        versions.append("pyvips not installed (make bench installs it)")
    ours = (images.WIDTHS, images.SQUARE, images.WEBP_QUALITY, images.JPEG_QUALITY)
    drift = ours != (WIDTHS, SQUARE, WEBP_QUALITY, JPEG_QUALITY)
    return {
        "photo": (
            f"{path.name}, {width}x{height} ({width * height / 1e6:.1f} MP), "
            f"{path.stat().st_size / 2**20:.1f} MB, EXIF orientation {orientation}"
        ),
        "versions": ", ".join(versions),
        "drift": f"openhouse/media/images.py now has {ours}: update bench/media.py" if drift else None,
    }


# --- Parent: spawns the children and prints. It imports no imaging library and builds no image, because
# on Linux a child's ru_maxrss starts from the memory of the process that launched it. ----------------


def _spawn(*args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.media", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class Result:
    name: str
    seconds: list[float]
    cpu_seconds_per_run: float
    peak_mb: float
    baseline_mb: float
    outputs: list[Rendition]
    metadata_leaked: bool
    rss_inherited: bool

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def above_baseline_mb(self) -> float:
        return self.peak_mb - self.baseline_mb


def _inherited(child: dict[str, Any]) -> bool:
    hwm = child.get("vm_hwm_kb")
    return hwm is not None and child["peak_rss_kb"] > hwm + 1024


def _combine(name: str, base: dict[str, Any], works: list[dict[str, Any]]) -> Result:
    """One contender's baseline child and work children (one per round) as one row of the table."""
    seconds = [float(s) for work in works for s in work["seconds"]]
    cpu_total = sum(float(w["cpu_seconds_per_run"]) * len(w["seconds"]) for w in works)
    return Result(
        name=name,
        seconds=seconds,
        cpu_seconds_per_run=cpu_total / len(seconds),
        peak_mb=max(w["peak_rss_kb"] for w in works) / 1024,
        baseline_mb=base["peak_rss_kb"] / 1024,
        outputs=[Rendition(*o) for o in works[-1]["outputs"]],
        metadata_leaked=any(w["metadata_leaked"] for w in works),
        rss_inherited=any(_inherited(child) for child in (base, *works)),
    )


def measure_all(path: Path, runs: int, rounds: int) -> list[Result]:
    """A baseline child per contender, then `rounds` rounds of one work child each, in rotating order.

    With more than one round, a burst of load from something else on the machine is shared out between
    the contenders instead of landing on whichever happened to be running.
    """
    names = list(SETUPS)
    common = {name: ("--one", name, "--file", str(path), "--runs", str(runs)) for name in names}
    bases = {name: _spawn(*common[name], "--baseline") for name in names}
    works: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for round_ in range(rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            works[name].append(_spawn(*common[name]))
    return [_combine(name, bases[name], works[name]) for name in names]


def decide(ours: Result, vips: Result) -> str:
    faster, slower = sorted((ours, vips), key=lambda r: r.median_ms)
    speed_gap = slower.median_ms / faster.median_ms - 1
    # The floor keeps a tiny or negative difference (RSS noise) from producing a silly ratio.
    memory_ratio = max(faster.above_baseline_mb, 0.1) / max(slower.above_baseline_mb, 0.1)
    pick = slower if memory_ratio > 1.25 and speed_gap < 0.15 else faster
    other = vips if pick is ours else ours
    # Within about a tenth of a threshold, run-to-run noise on this kind of machine can flip the outcome.
    close = (speed_gap < 0.15 and abs(memory_ratio - 1.25) < 0.125) or (
        memory_ratio > 1.25 and abs(speed_gap - 0.15) < 0.05
    )
    caveat = " A close call: figures this near the thresholds can flip between runs." if close else ""
    return (
        f"decision: {LABELS[pick.name]} over {LABELS[other.name]}. {LABELS[faster.name]} is "
        f"{speed_gap:.0%} faster (median) and needs {memory_ratio:.2f}x the memory above baseline of "
        f"{LABELS[slower.name]}; rule: {RULE}.{caveat}"
    )


def _problems(results: list[Result]) -> list[str]:
    problems = []
    for r in results:
        if r.metadata_leaked:
            problems.append(f"{LABELS[r.name]}: the test photo's EXIF reached an output")
        if r.name != "pyvips" and r.median_ms > 1.25 * r.cpu_seconds_per_run * 1000:
            # Pillow works on one thread, so its wall time is its CPU time unless it had to wait for a core.
            problems.append(f"{LABELS[r.name]}: wall time well above CPU time: the machine was busy, rerun")
        if r.rss_inherited:
            problems.append(
                f"{LABELS[r.name]}: ru_maxrss exceeds VmHWM, so it includes the launcher's memory"
            )
    reference = {o.name: (o.width, o.height) for o in results[0].outputs}
    for result in results[1:]:
        for o in result.outputs:
            want = reference.get(o.name)
            # libvips and Pillow may round a computed side differently by one pixel.
            if want is None or abs(o.width - want[0]) > 1 or abs(o.height - want[1]) > 1:
                problems.append(f"{LABELS[result.name]}: {o.name} is {o.width}x{o.height}, ours is {want}")
    return problems


def print_table(results: list[Result]) -> None:
    ours = next(r for r in results if r.name == "ours")
    header = (
        f"{'contender':<22} {'median ms':>9} {'min-max ms':>11} {'CPU ms':>7} "
        f"{'peak RSS MB':>11} {'baseline MB':>11} {'above base MB':>13} {'vs ours':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        spread = f"{min(r.seconds) * 1000:.0f}-{max(r.seconds) * 1000:.0f}"
        print(
            f"{LABELS[r.name]:<22} {r.median_ms:>9.0f} {spread:>11} {r.cpu_seconds_per_run * 1000:>7.0f} "
            f"{r.peak_mb:>11.1f} {r.baseline_mb:>11.1f} {r.above_baseline_mb:>13.1f} "
            f"{r.median_ms / ours.median_ms:>6.2f}x"
        )
    print()
    print("outputs (last run):")
    for r in results:
        sizes = ", ".join(
            f"{o.name} {o.width}x{o.height} webp {o.webp_bytes // 1024}K jpeg {o.jpeg_bytes // 1024}K"
            for o in r.outputs
        )
        print(f"  {LABELS[r.name]:<22} {sizes}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="timed runs per contender")
    parser.add_argument(
        "--rounds", type=int, default=1, help="alternate the contenders this many times (for a busy machine)"
    )
    parser.add_argument("--file", type=Path, help="a JPEG to use instead of the generated 12 MP photo")
    parser.add_argument("--one", choices=sorted(SETUPS), help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1 or args.rounds < 1:
        parser.error("--runs and --rounds must be at least 1")
    if args.one or args.prepare:
        if args.file is None:
            parser.error("--one and --prepare need --file")
        if args.prepare:
            print(json.dumps(prepare(args.file, args.generate)))
        else:
            print(json.dumps(run_child(args.one, args.file, args.runs, args.baseline)))
        return

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="openhouse-bench-") as tmp:
        path = args.file or Path(tmp) / "photo-12mp.jpg"
        info = _spawn("--prepare", "--file", str(path), *(() if args.file else ("--generate",)))
        if info["drift"]:
            sys.exit(info["drift"])
        print(f"photo: {info['photo']}")
        print(f"{info['versions']}")
        rounds = f" x {args.rounds} rounds in rotating order" if args.rounds > 1 else ""
        print(
            f"{args.runs} timed run{'s' if args.runs > 1 else ''} after 1 warm-up{rounds}, each contender in fresh processes; "
            f"launcher peak RSS {_peak_rss_kb() / 1024:.0f} MB"
        )
        load_before = os.getloadavg()[0]
        print()
        results = measure_all(path, args.runs, args.rounds)
    print_table(results)
    print()
    for problem in _problems(results):
        print(f"WARNING: {problem}")
    by_name = {r.name: r for r in results}
    print(decide(by_name["ours"], by_name["pyvips"]))
    print(
        f"(took {time.perf_counter() - started:.0f} s; 1-minute load average {load_before:.1f} before the "
        f"contenders, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
