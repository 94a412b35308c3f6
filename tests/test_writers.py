"""Frame writers: every format reads back, output is atomic, cancel and failures leave nothing behind."""

import contextlib
import os

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from landscape_gui.export import encoders
from landscape_gui.export.formats import open_writer
from landscape_gui.export.writers import ExportError, check_output, format_for

W, H, FPS = 96, 64, 10


def frames(n):
    """A moving orange block on blue, with the last two frames identical."""
    out = []
    for i in range(n):
        f = np.zeros((H, W, 3), np.uint8)
        f[..., 2] = 90
        k = min(i, n - 2)
        f[10:30, 4 + 4 * k : 20 + 4 * k] = (250, 160, 0)
        out.append(f)
    return out


def read_frames(path):
    if path.is_dir():
        return np.stack([np.asarray(Image.open(p).convert("RGB")) for p in sorted(path.iterdir())])
    return iio.imread(path, index=None, plugin="pillow" if path.suffix == ".gif" else "FFMPEG")


def leftovers(folder, keep):
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.mark.parametrize("name", ["clip.mp4", "clip.gif", "clip.webm", "frames"])
def test_each_format_reads_back_with_every_frame(tmp_path, name):
    if name.endswith(".webm") and not encoders.webm_available():
        pytest.skip("the bundled ffmpeg has no VP9 encoder")
    out = tmp_path / name
    src = frames(12)
    with open_writer(out, (W, H), FPS) as w:
        for f in src:
            w.write(f)
    got = read_frames(out)
    assert got.shape[:3] == (12, H, W)
    assert leftovers(tmp_path, {name}) == []
    err = np.abs(got[..., :3].astype(int) - np.stack(src).astype(int)).mean()
    assert err < (1 if name in ("frames", "clip.gif") else 12)
    assert oct(out.stat().st_mode & 0o777) != "0o600"  # not left private by the temporary file


@pytest.mark.parametrize("name", ["clip.mp4", "clip.gif", "frames"])
def test_bgrx_frames_are_taken_as_they_are(tmp_path, name):
    """Qt's RGB32 layout (B, G, R, unused) gives the same output as the same frames in RGB."""
    out_rgb, out_bgrx = tmp_path / f"rgb-{name}", tmp_path / f"bgrx-{name}"
    src = frames(6)
    with open_writer(out_rgb, (W, H), FPS) as w:
        for f in src:
            w.write(f)
    with open_writer(out_bgrx, (W, H), FPS, pixels="bgrx") as w:
        for f in src:
            bgrx = np.concatenate([f[..., ::-1], np.full((H, W, 1), 7, np.uint8)], axis=2)
            w.write(bgrx, copy=False)
            with pytest.raises(ExportError, match="expected a 96×64 BGRX uint8 image"):
                open_writer(tmp_path / "x.mp4", (W, H), FPS, pixels="bgrx").write(f)
    a, b = read_frames(out_rgb), read_frames(out_bgrx)
    if name == "frames":
        assert np.array_equal(a, np.stack(src)) and np.array_equal(b, a)  # PNG: exactly the pixels
    else:
        assert np.abs(a.astype(int) - b.astype(int)).mean() < 0.5


def test_png_frames_reuse_unchanged_rows_and_decode_exactly(tmp_path):
    import io

    from landscape_gui.export.png import BAND, PngEncoder

    rng = np.random.default_rng(1)
    w, h = 61, 3 * BAND + 5  # bands of BAND rows and a short last one
    base = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    seq = [base.copy() for _ in range(5)]
    seq[1][BAND - 1, 3] ^= 0xFF  # the last row of band 0: bands 0 and 1 (its "Up" filter) change
    seq[2][:] = seq[1]
    seq[3][:] = seq[2]
    seq[3][-1, -1] ^= 0x0F  # the last band only
    seq[4] = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    enc = PngEncoder((w, h), "rgb", workers=2)
    try:
        submitted = [enc.submit(f) for f in seq]
        datas = [enc.assemble([b.result() for b in bands]) for bands in submitted]
    finally:
        enc.close()
    for f, data in zip(seq, datas, strict=True):
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(data))), f)
    reused = [
        [a is b for a, b in zip(x, y, strict=True)] for x, y in zip(submitted, submitted[1:], strict=False)
    ]
    assert reused[0] == [False, False, True, True]  # frame 1: band 0 changed, band 1 filters it
    assert reused[1] == [True, True, True, True]  # frame 2 = frame 1
    assert reused[2] == [True, True, True, False]
    assert not any(reused[3])


def test_gif_loops_with_one_palette_and_the_right_delay(tmp_path):
    out = tmp_path / "a.gif"
    with open_writer(out, (W, H), 20) as w:
        for f in frames(6):
            w.write(f)
    im = Image.open(out)
    assert im.info["loop"] == 0 and im.info["duration"] == 50 and im.n_frames == 6
    decoded = iio.imread(out, index=None)[..., :3]
    assert (decoded[:, 50:, :] == decoded[0, 50:, :]).all()  # the static part never changes colour


def gif_durations_ms(path):
    im = Image.open(path)
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(im.info["duration"])
    return out


@pytest.mark.parametrize(("fps", "seconds"), [(30, 6.0), (24, 2.5), (15, 1.0), (60, 1.0)])
def test_gif_plays_exactly_as_long_as_the_clip(tmp_path, fps, seconds):
    """Delays are whole centiseconds: they alternate so that frame i starts at round(100·i/fps) cs."""
    n = round(fps * seconds)
    out = tmp_path / "t.gif"
    still = frames(2)[0][:16, :16]
    with open_writer(out, (16, 16), fps) as w:
        for _ in range(n):
            w.write(still)
    durations = gif_durations_ms(out)
    assert len(durations) == n
    if fps <= 50:
        assert sum(durations) == round(1000 * seconds)  # 6.0 s at 30 fps plays 6.0 s, not 5.4 s
        starts = np.cumsum([0, *durations[:-1]])
        assert all(starts[i] == 10 * round(100 * i / fps) for i in range(n))
        assert set(durations) <= {10 * (100 // fps), 10 * (100 // fps + 1)}
    else:  # browsers slow delays under 2 cs: 50 fps is the fastest a GIF really plays
        assert set(durations) == {20}


def test_format_by_extension():
    assert [format_for(n) for n in ("a.mp4", "a.GIF", "a.webm", "frames", "frames/")] == [
        "mp4",
        "gif",
        "webm",
        "png",
        "png",
    ]
    with pytest.raises(ExportError, match=r"unknown output format '\.avi'"):
        format_for("a.avi")


def test_existing_output_is_refused_unless_forced(tmp_path):
    out = tmp_path / "a.mp4"
    out.write_bytes(b"precious")
    with pytest.raises(ExportError, match="already exists .*--force"):
        open_writer(out, (W, H), FPS)
    assert out.read_bytes() == b"precious"
    with open_writer(out, (W, H), FPS, force=True) as w:
        for f in frames(3):
            w.write(f)
    assert out.read_bytes() != b"precious" and iio.imread(out, index=None).shape[0] == 3


def test_png_folder_replaced_only_when_it_holds_only_frames(tmp_path):
    out = tmp_path / "frames"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="other files than the frames an export writes"):
        open_writer(out, (W, H), FPS, force=True)
    (out / "notes.txt").unlink()
    (out / "frame_00000.png").write_bytes(b"x")
    with pytest.raises(ExportError, match="already holds PNG frames"):
        open_writer(out, (W, H), FPS)
    with open_writer(out, (W, H), FPS, force=True) as w:
        for f in frames(4):
            w.write(f)
    assert sorted(p.name for p in out.iterdir()) == [f"frame_{i:05d}.png" for i in range(4)]
    assert leftovers(tmp_path, {"frames"}) == []


@pytest.mark.parametrize("name", ["a.mp4", "a.gif", "frames"])
def test_cancel_midway_leaves_nothing(tmp_path, name):
    out = tmp_path / name
    with contextlib.suppress(KeyboardInterrupt), open_writer(out, (W, H), FPS) as w:
        for i, f in enumerate(frames(10)):
            w.write(f)
            if i == 5:
                raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_odd_size_video_and_bad_frames_are_refused(tmp_path):
    with pytest.raises(ExportError, match=r"even width and height .* 95×64"):
        open_writer(tmp_path / "a.mp4", (95, 64), FPS)
    w = open_writer(tmp_path / "b.gif", (W, H), FPS).start()
    with pytest.raises(ExportError, match="expected a 96×64 RGB uint8 image"):
        w.write(np.zeros((10, 10, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        check_output(tmp_path / "nope" / "a.mp4", "mp4")


def test_ffmpeg_failure_is_reported_in_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    fake = tmp_path / "fake-ffmpeg"
    fake.write_text(
        '#!/bin/sh\nfor a; do last="$a"; done\nhead -c 20000 > "$last"\n'
        'echo "[mp4] av_interleaved_write_frame(): No space left on device" >&2\nexit 1\n'
    )
    fake.chmod(0o755)
    monkeypatch.setattr(encoders, "ffmpeg_exe", lambda: str(fake))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with (
        pytest.raises(ExportError, match=r"^cannot write .*a\.mp4: No space left on device$"),
        open_writer(out_dir / "a.mp4", (W, H), FPS) as w,
    ):
        for f in frames(40):
            w.write(f)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("name", ["a.mp4", "a.gif", "frames"])
def test_full_disk_fails_cleanly(tiny_disk, name):
    rng = np.random.default_rng(0)
    noise = [rng.integers(0, 255, (240, 320, 3), dtype=np.uint8) for _ in range(30)]  # incompressible
    with (
        pytest.raises(ExportError, match=r"No space left on device"),
        open_writer(tiny_disk / name, (320, 240), FPS) as w,
    ):
        for f in noise:
            w.write(f)
    assert list(tiny_disk.iterdir()) == []


def test_force_replaces_only_the_frames_an_export_wrote(tmp_path):
    """Issue 28, item 4: a folder holding someone's own PNG images is not "PNG frames": --force keeps it."""
    out = tmp_path / "holidays"
    out.mkdir()
    (out / "holiday.png").write_bytes(b"my holiday")
    for force in (False, True):
        with pytest.raises(ExportError, match="other files than the frames an export writes"):
            open_writer(out, (W, H), FPS, force=force)
    (out / "frame_00000.png").write_bytes(b"an earlier export")  # frames and a photo: still not only frames
    with pytest.raises(ExportError, match="other files than"):
        open_writer(out, (W, H), FPS, force=True)
    assert sorted(p.name for p in out.iterdir()) == ["frame_00000.png", "holiday.png"]
    (out / "holiday.png").unlink()
    (out / "frame_00001.png").symlink_to(tmp_path / "elsewhere.png")  # a link is not a frame we wrote
    with pytest.raises(ExportError, match="other files than"):
        open_writer(out, (W, H), FPS, force=True)
    (out / "frame_00001.png").unlink()
    with open_writer(out, (W, H), FPS, force=True) as w:  # only an earlier export's frames: replaced
        for f in frames(2):
            w.write(f)
    assert sorted(p.name for p in out.iterdir()) == ["frame_00000.png", "frame_00001.png"]


def test_a_png_folder_name_must_not_end_in_png(tmp_path):
    """Issue 28: ``-o x1.png`` made a folder named x1.png; a name ending in .png reads as one image."""
    with pytest.raises(ExportError, match=r"x1\.png: PNG frames are written into a folder.*\(e\.g\. x1\)"):
        format_for(tmp_path / "x1.png")
    assert not (tmp_path / "x1.png").exists()


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
@pytest.mark.parametrize("name", ["a.mp4", "a.gif", "frames"])
def test_outputs_are_regular_files_only_force_or_not(tmp_path, kind, name):
    """A symbolic link or a FIFO at the output path is refused, never followed or written into."""
    out = tmp_path / name
    target = tmp_path / "target"
    target.write_bytes(b"precious")
    if kind == "symlink":
        out.symlink_to(target)
    else:
        os.mkfifo(out)
    for force in (False, True):
        with pytest.raises(ExportError, match="symbolic link|not a regular file"):
            check_output(out, format_for(name), force)
    assert target.read_bytes() == b"precious"
